-- 使用单位管理能力 (manual §3.4.1.3, §3.5.2): API credentials of direct units and the
-- nonces of signed requests. No secret is stored: it is derived from the server's
-- master key, the app id and the salt (a new salt on every 重置密钥). A nonce is
-- kept until its request would be stale anyway; the primary key refuses a replay
-- even when several server processes share the database.
CREATE TABLE api_credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id TEXT NOT NULL UNIQUE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    salt TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    rotated_at INTEGER,
    revoked_at INTEGER,
    revoked_by TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX api_credentials_unit ON api_credentials (enterprise_id, id);
CREATE TABLE api_nonces (
    app_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, nonce)
);
CREATE INDEX api_nonces_expiry ON api_nonces (expires_at);
