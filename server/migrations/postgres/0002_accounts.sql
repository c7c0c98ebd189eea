-- Accounts: registration, binding, grants (授权信息), multi-step flows.
ALTER TABLE people ADD COLUMN tax_office_id BIGINT REFERENCES tax_offices(id);
-- registry: from 核心征管登记; self_bound: 企业用户注册; added: 授权信息-添加用户
ALTER TABLE enterprise_people ADD COLUMN source TEXT NOT NULL DEFAULT 'registry';
ALTER TABLE enterprise_people ADD COLUMN grants TEXT NOT NULL DEFAULT 'leqi_access,leqi_capability,leqi_messages,invoicing,declaration';
ALTER TABLE enterprise_people ADD COLUMN bound BIGINT NOT NULL DEFAULT 1;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
-- A multi-step flow (企业用户注册, 忘记密码): its state is a domain enum as JSON.
CREATE TABLE flows (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
