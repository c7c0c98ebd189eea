-- 邀请链接 (app::domain::invite_link): one link per invitation while it needs the use
-- unit; the token itself is never stored (only its hash and the salt it is derived from).
CREATE TABLE invitation_links (
    invitation_id INTEGER PRIMARY KEY REFERENCES invitations(id),
    salt TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    for_status TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
-- Queued SMS (sent by the notifier job): at most one per person per invitation per day.
CREATE TABLE sms_queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invitation_id INTEGER NOT NULL,
    phone TEXT NOT NULL,
    sms_day INTEGER NOT NULL,
    text TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    queued_at INTEGER NOT NULL,
    sent_at INTEGER
);
CREATE UNIQUE INDEX sms_queue_once_a_day ON sms_queue (invitation_id, phone, sms_day);
CREATE INDEX sms_queue_pending ON sms_queue (sent_at, id);
-- Counted misses (unknown link tokens per client address and hour).
CREATE TABLE miss_counters (
    counter_key TEXT PRIMARY KEY,
    n INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
-- Leases of periodic jobs: one server process runs a job at a time.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until INTEGER NOT NULL
);
