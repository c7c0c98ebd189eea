-- Issue 13. 关系变化报告: a binding with a use unit ended, the direct unit reports it within
-- 3 days (guideline-sichuan 第五章 一); overdue ones are flagged to its 主管税务机关.
CREATE TABLE relationship_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tax_office_id INTEGER NOT NULL,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id),
    use_unit_name TEXT NOT NULL,
    use_credit_code TEXT NOT NULL,
    what_changed TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    due TEXT NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    reported_by TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX relationship_reports_invitation ON relationship_reports (invitation_id);
CREATE INDEX relationship_reports_unit ON relationship_reports (enterprise_id, id);
CREATE INDEX relationship_reports_status ON relationship_reports (status_code, due, id);
CREATE INDEX relationship_reports_office ON relationship_reports (tax_office_id, status_code, id);
