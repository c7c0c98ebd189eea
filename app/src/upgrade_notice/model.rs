//! The data `upgrade_notice::api`'s server fns exchange (版本升级通知).

use serde::{Deserialize, Serialize};

use crate::upgrade_notice::rules::{NoticeAction, NoticeProgress};

/// A notice as the tax console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeSummary {
    pub id: i64,
    pub title: String,
    pub published_at: String,
    pub published_by: String,
    pub deadline: String,
    /// Units it was sent to (in the officer's office, for an office's officer).
    pub units: u32,
    pub done: u32,
    /// 逾期未完成 now.
    pub overdue: u32,
}

/// One unit's line in the console's notice page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeUnitRow {
    pub enterprise_name: String,
    pub credit_code: String,
    pub progress: NoticeProgress,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeFile {
    pub summary: NoticeSummary,
    pub content: String,
    pub units: Vec<NoticeUnitRow>,
}

/// A notice as the direct unit sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyNotice {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub published_at: String,
    pub deadline: String,
    pub progress: NoticeProgress,
    pub overdue: bool,
    pub version: i64,
    pub actions: Vec<NoticeAction>,
    /// 测试报告 the unit may name (capabilities of its 能力中心 with a generated report).
    pub reports: Vec<String>,
}
