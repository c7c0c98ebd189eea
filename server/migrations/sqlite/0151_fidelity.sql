-- Issue 15. 纳税人识别号 other than the credit code (15/17/18/20 characters) that a unit
-- logs in with (etax-login-guide §1.4 "社会信用代码或识别号").
ALTER TABLE enterprises ADD COLUMN taxpayer_number TEXT;
CREATE UNIQUE INDEX enterprises_taxpayer_number ON enterprises (taxpayer_number);
-- The use unit's own 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)), with optimistic
-- versioning; at most one pending request per pair (partial unique index).
CREATE TABLE auth_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    use_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    direct_enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    relationship TEXT NOT NULL,
    proof_material_id INTEGER,
    checks TEXT,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    pending INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    decided_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX auth_requests_pending_pair ON auth_requests (use_enterprise_id, direct_enterprise_id) WHERE pending = 1;
CREATE INDEX auth_requests_direct ON auth_requests (direct_enterprise_id, status_code, id);
CREATE INDEX auth_requests_use ON auth_requests (use_enterprise_id, id);
CREATE INDEX auth_requests_proof ON auth_requests (proof_material_id);
