-- Access applications (manual §3.3): registry figures for 基础信息核验, province
-- rules as data, applications with optimistic versioning, their timeline.
ALTER TABLE enterprises ADD COLUMN credit_grade TEXT;
ALTER TABLE enterprises ADD COLUMN digital_invoice_pilot INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN revenue_last_year_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN invoices_12m INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN invoiced_amount_12m_fen INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN major_violation_3y INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN major_opinion_3y INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enterprises ADD COLUMN categories TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN exit_kind TEXT;
ALTER TABLE enterprises ADD COLUMN exit_at INTEGER;
ALTER TABLE enterprises ADD COLUMN qualification_end TEXT;
CREATE TABLE province_rules (
    province_code TEXT PRIMARY KEY,
    rules TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE access_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    tax_office_id INTEGER NOT NULL REFERENCES tax_offices(id),
    province_code TEXT NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    form TEXT NOT NULL,
    version INTEGER NOT NULL,
    previous_id INTEGER REFERENCES access_applications(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    submitted_at INTEGER
);
CREATE INDEX access_applications_unit ON access_applications (enterprise_id, id);
CREATE INDEX access_applications_office_queue ON access_applications (status_code, tax_office_id, submitted_at);
CREATE INDEX access_applications_province_queue ON access_applications (status_code, province_code, submitted_at);
CREATE TABLE application_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES access_applications(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX application_events_app ON application_events (application_id, id);
