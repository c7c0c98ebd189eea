-- Issue 13. 税务管理措施 on direct units (提示提醒 … 责令退出), optimistically versioned, with a timeline.
CREATE TABLE measures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tax_office_id INTEGER NOT NULL,
    province_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    note TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX measures_unit ON measures (enterprise_id, id);
CREATE INDEX measures_queue ON measures (tax_office_id, status_code, id);
CREATE TABLE measure_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    measure_id INTEGER NOT NULL REFERENCES measures(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX measure_events_measure ON measure_events (measure_id, id);
