-- Foundation: registry (enterprises, people, tax offices, officers), login
-- challenges, sessions, audit log, SMS outbox. Times are epoch milliseconds.
CREATE TABLE provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    bureau_name TEXT NOT NULL
);
CREATE TABLE tax_offices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    province_code TEXT NOT NULL REFERENCES provinces(code)
);
CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    credit_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    tax_office_id INTEGER NOT NULL REFERENCES tax_offices(id),
    direct_unit_type TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    id_number TEXT NOT NULL UNIQUE,
    phone TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE enterprise_people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    identity TEXT NOT NULL,
    password_hash TEXT,
    created_at INTEGER NOT NULL,
    UNIQUE (enterprise_id, person_id, identity)
);
CREATE TABLE officers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    tax_office_id INTEGER REFERENCES tax_offices(id),
    province_code TEXT NOT NULL REFERENCES provinces(code)
);
CREATE TABLE failure_counters (
    lock_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER
);
CREATE TABLE captchas (
    id TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    used INTEGER NOT NULL
);
CREATE TABLE login_flows (
    id TEXT PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    credit_code TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE sms_challenges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose_key TEXT NOT NULL,
    code TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX sms_challenges_purpose ON sms_challenges (purpose_key, id);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    link_id INTEGER REFERENCES enterprise_people(id) ON DELETE CASCADE,
    officer_id INTEGER REFERENCES officers(id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at INTEGER NOT NULL
);
