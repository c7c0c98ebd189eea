-- Issue 13. The qualification lifecycle after 确认通过 (guideline-sichuan 第五章;
-- guideline-neimenggu 第六章): 资格延续 / 事项变更 / 终止服务备案 requests with their
-- timeline, the exit record (split from enterprises.exit_kind/exit_at; the ban is derived
-- from it), the scheduler's reminders (once per term and kind), the per-unit API rate
-- limit every server process enforces, and the addresses filed by a confirmed 事项变更.
CREATE TABLE lifecycle_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tax_office_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    granted_end TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX lifecycle_requests_open ON lifecycle_requests (enterprise_id, kind) WHERE is_open = 1;
CREATE INDEX lifecycle_requests_unit ON lifecycle_requests (enterprise_id, id);
CREATE INDEX lifecycle_requests_queue ON lifecycle_requests (tax_office_id, status_code, id);
CREATE TABLE request_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES lifecycle_requests(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);
CREATE TABLE unit_exits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    kind TEXT NOT NULL,
    filed_at INTEGER NOT NULL,
    effective_at INTEGER NOT NULL
);
CREATE INDEX unit_exits_unit ON unit_exits (enterprise_id, id);
INSERT INTO unit_exits (enterprise_id, kind, filed_at, effective_at)
    SELECT id, exit_kind, exit_at, exit_at FROM enterprises WHERE exit_kind IS NOT NULL AND exit_at IS NOT NULL;
ALTER TABLE enterprises DROP COLUMN exit_kind;
ALTER TABLE enterprises DROP COLUMN exit_at;
ALTER TABLE enterprises ADD COLUMN terminating_on TEXT;
ALTER TABLE enterprises ADD COLUMN filed_production_ips TEXT;
ALTER TABLE enterprises ADD COLUMN filed_test_ips TEXT;
CREATE TABLE lifecycle_reminders (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    term_end TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, term_end, kind)
);
CREATE TABLE api_rate_limits (
    enterprise_id INTEGER PRIMARY KEY REFERENCES enterprises(id),
    per_minute INTEGER NOT NULL,
    since INTEGER NOT NULL
);
CREATE TABLE api_rate_counters (
    enterprise_id INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, window_start)
);
