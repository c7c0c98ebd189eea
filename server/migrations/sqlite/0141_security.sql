-- Issue #14 (security and reliability hardening).
-- Attempt counters with a window (client-address counters, SMS caps): when the count started.
ALTER TABLE failure_counters ADD COLUMN first_at INTEGER;

-- The audit log is tamper-evident: each record carries the SHA-256 of its
-- contents and of the previous record of its chain (one chain per day, Beijing
-- time). audit_heads holds each chain's length and last hash, so a deleted last
-- record is seen too; a pruned day keeps its head (pruned_at set).
ALTER TABLE audit_log ADD COLUMN stream TEXT;
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (stream, seq);
CREATE INDEX audit_log_unit ON audit_log (unit, id);
CREATE TABLE audit_heads (
    stream TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    pruned_at INTEGER
);

-- Unattached uploads are swept after a day; quotas sum a unit's bytes.
CREATE INDEX materials_enterprise ON materials (enterprise_id, owner_kind);
