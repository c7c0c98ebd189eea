-- Issue 13. 【消息中心】: a message goes to a unit (the people of it who use its module read
-- it); each person's reading is a marker row. `once_key` makes a reminder written by every
-- pass of the scheduler land once per unit (NULL keys never collide).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    module TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    created_at INTEGER NOT NULL,
    once_key TEXT
);
CREATE INDEX messages_unit ON messages (enterprise_id, id);
CREATE UNIQUE INDEX messages_once ON messages (enterprise_id, once_key);
CREATE TABLE message_reads (
    message_id INTEGER NOT NULL REFERENCES messages(id),
    person_id INTEGER NOT NULL,
    read_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, person_id)
);
