-- Issue 13. 版本升级通知 (guideline-sichuan 第五章 二): a province's notice, and each direct unit's
-- progress on it (待改造 → 已完成改造), optimistically versioned.
CREATE TABLE upgrade_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province_code TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    deadline TEXT NOT NULL
);
CREATE INDEX upgrade_notices_province ON upgrade_notices (province_code, id);
CREATE TABLE upgrade_notice_units (
    notice_id INTEGER NOT NULL REFERENCES upgrade_notices(id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id),
    progress TEXT NOT NULL,
    progress_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (notice_id, enterprise_id)
);
CREATE INDEX upgrade_notice_units_unit ON upgrade_notice_units (enterprise_id, notice_id);
