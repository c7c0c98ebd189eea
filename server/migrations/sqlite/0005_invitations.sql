-- Use-unit invitations (manual §3.4–3.5, ch. 4): batches (one per 新增邀请 / 导入邀请 /
-- API upload, with the failed rows), invitations with optimistic versioning, their
-- timeline. At most one open (pending or bound) invitation per direct unit and use
-- unit, enforced by a partial unique index so concurrent invitations cannot both land.
CREATE TABLE invitation_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    direct_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    source TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    proof_material_id INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    rows_total INTEGER NOT NULL,
    rows_ok INTEGER NOT NULL,
    rows_failed INTEGER NOT NULL,
    failures TEXT NOT NULL
);
CREATE INDEX invitation_batches_unit ON invitation_batches (direct_enterprise_id, id);
CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES invitation_batches(id),
    direct_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    use_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    use_code TEXT NOT NULL,
    use_name TEXT NOT NULL,
    use_tax_office_id INTEGER NOT NULL REFERENCES tax_offices(id),
    province_code TEXT NOT NULL,
    relationship TEXT NOT NULL,
    category TEXT NOT NULL,
    pre_authorize INTEGER NOT NULL,
    filing TEXT,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    previous_id INTEGER REFERENCES invitations(id),
    proof_material_id INTEGER,
    authorization TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX invitations_open_pair ON invitations (direct_enterprise_id, use_code) WHERE active = 1;
CREATE INDEX invitations_unit ON invitations (direct_enterprise_id, id);
CREATE INDEX invitations_unit_status ON invitations (direct_enterprise_id, status_code, id);
CREATE INDEX invitations_unit_code ON invitations (direct_enterprise_id, use_code);
CREATE INDEX invitations_batch ON invitations (batch_id, id);
CREATE INDEX invitations_use_unit ON invitations (use_enterprise_id, id);
CREATE INDEX invitations_office_queue ON invitations (status_code, use_tax_office_id, updated_at);
CREATE TABLE invitation_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX invitation_events_inv ON invitation_events (invitation_id, id);
