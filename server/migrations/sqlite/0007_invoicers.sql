-- 开票人员登记及管理 (manual §4.5): a 联用类 use unit's 开票员 registered to invoice
-- through one bound direct platform (the invitation), and 解除登记 with who and why.
-- At most one active registration per invitation and 开票员 (partial unique index).
CREATE TABLE invoicer_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    use_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    direct_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    link_id INTEGER NOT NULL REFERENCES enterprise_people(id),
    person_name TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    active INTEGER NOT NULL,
    ended_by TEXT,
    ended_reason TEXT,
    ended_at INTEGER,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX invoicer_registrations_open ON invoicer_registrations (invitation_id, link_id) WHERE active = 1;
CREATE INDEX invoicer_registrations_unit ON invoicer_registrations (use_enterprise_id, id);
