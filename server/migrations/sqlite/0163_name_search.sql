-- Search by part of a unit name or credit code in 邀请列表 (issue #16): a trigram FTS5 index
-- over invitations (external content, kept by triggers), so a search of 3 or more characters
-- reads the index newest first instead of scanning the unit's rows.
CREATE VIRTUAL TABLE invitations_search USING fts5(use_name, use_code, content='invitations', content_rowid='id', tokenize='trigram');
INSERT INTO invitations_search(invitations_search) VALUES ('rebuild');
CREATE TRIGGER invitations_search_ai AFTER INSERT ON invitations BEGIN
    INSERT INTO invitations_search (rowid, use_name, use_code) VALUES (new.id, new.use_name, new.use_code);
END;
CREATE TRIGGER invitations_search_ad AFTER DELETE ON invitations BEGIN
    INSERT INTO invitations_search (invitations_search, rowid, use_name, use_code) VALUES ('delete', old.id, old.use_name, old.use_code);
END;
CREATE TRIGGER invitations_search_au AFTER UPDATE OF use_name, use_code ON invitations BEGIN
    INSERT INTO invitations_search (invitations_search, rowid, use_name, use_code) VALUES ('delete', old.id, old.use_name, old.use_code);
    INSERT INTO invitations_search (rowid, use_name, use_code) VALUES (new.id, new.use_name, new.use_code);
END;
