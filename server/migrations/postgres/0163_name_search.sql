-- Search by part of a unit name or credit code in 邀请列表 (issue #16): a trigram GIN index
-- (pg_trgm, in Debian's postgresql package; a trusted extension, so the database owner may
-- create it) serves `use_name LIKE '%…%' OR use_code LIKE '%…%'`. CJK characters count as
-- trigram characters under a UTF-8 LC_CTYPE (C.UTF-8, zh_CN.UTF-8); under plain C they are
-- dropped and the index can only narrow by the ASCII part (the results stay right: rows are rechecked).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX invitations_name_search ON invitations USING gin (use_name gin_trgm_ops, use_code gin_trgm_ops);
