-- Issue 12. 能力中心 (guideline-sichuan 第四章; guideline-neimenggu 第二章 2.(1)-(5)).
-- One subscription per unit and 非公用 capability (re-subscription after 已退回/已到期 reuses
-- the row and starts a new test round), optimistic versioning, its own timeline.
CREATE TABLE capability_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    capability_code TEXT NOT NULL,
    tax_office_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    status_code TEXT NOT NULL,
    valid_until TEXT,
    round INTEGER NOT NULL,
    report TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX capability_subscriptions_unit ON capability_subscriptions (enterprise_id, capability_code);
CREATE INDEX capability_subscriptions_queue ON capability_subscriptions (tax_office_id, status_code, id);
CREATE TABLE capability_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES capability_subscriptions(id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    actor_unit TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX capability_events_subscription ON capability_events (subscription_id, id);
-- 测试中心: every checked call of a case (the latest of a round is the case's result).
CREATE TABLE capability_case_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL REFERENCES capability_subscriptions(id),
    round INTEGER NOT NULL,
    case_code TEXT NOT NULL,
    passed INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    request_body TEXT NOT NULL,
    errors TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX capability_case_results_round ON capability_case_results (subscription_id, round, id);
-- Blue invoices the sandbox issued (a red-letter case must reference one).
CREATE TABLE sandbox_invoices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    invoice_no TEXT NOT NULL UNIQUE,
    amount_fen INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sandbox_invoices_unit ON sandbox_invoices (enterprise_id, id);
-- 行业资质 a unit holds (e.g. 成品油经营许可): what a non-public capability may require.
CREATE TABLE enterprise_qualifications (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    qualification TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, qualification)
);
