-- Issue 12. 能力授权 (guideline-sichuan 第四章 四; guideline-neimenggu 第二章 2.(5)) and
-- 能力预授权 (manual §3.4.1.1): a direct unit grants an opened capability to a bound use unit
-- (through the binding's invitation); the use unit confirms or refuses; either side revokes;
-- it ends with the binding or the capability. One active grant per binding and capability.
CREATE TABLE capability_grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    direct_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    use_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    capability_code TEXT NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX capability_grants_active ON capability_grants (invitation_id, capability_code) WHERE active = 1;
CREATE INDEX capability_grants_direct ON capability_grants (direct_enterprise_id, capability_code, active);
CREATE INDEX capability_grants_use ON capability_grants (use_enterprise_id, id);
CREATE TABLE capability_grant_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    grant_id INTEGER NOT NULL REFERENCES capability_grants(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX capability_grant_events_grant ON capability_grant_events (grant_id, id);
