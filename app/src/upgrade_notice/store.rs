//! 版本升级通知: the province's notices and each direct unit's progress.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::audit::rules::AuditRecord;
use crate::upgrade_notice::rules::{NoticeDraft, NoticeProgress};
use crate::kernel::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNotice {
    pub id: i64,
    pub province_code: String,
    pub title: String,
    pub content: String,
    pub published_by: String,
    pub published_at: Timestamp,
    /// "YYYY-MM-DD": the last day to finish.
    pub deadline: String,
    /// Direct units it was sent to, and how many marked 已完成改造.
    pub units: i64,
    pub done: i64,
}

/// One direct unit's progress on a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredNoticeUnit {
    pub notice_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub tax_office_id: i64,
    pub progress: NoticeProgress,
    pub version: i64,
}

/// The 通知公告 message every unit a notice is sent to gets (its link: the unit's notices page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeMessage {
    pub title: String,
    pub body: String,
    pub link: String,
}

#[async_trait]
pub trait UpgradeNoticeStore: Send + Sync {
    /// The notice, a 待改造 row for every direct unit of the province, their 通知公告 messages
    /// and the audit record, in one transaction; returns the notice's id and how many units.
    async fn publish_notice(&self, province_code: &str, draft: &NoticeDraft, by: &str, at: Timestamp, deadline: &str, message: &NoticeMessage, audit: &AuditRecord) -> StoreResult<(i64, u32)>;
    /// Newest first.
    async fn notices_of_province(&self, province_code: &str, limit: u32) -> StoreResult<Vec<StoredNotice>>;
    async fn notice(&self, id: i64) -> StoreResult<Option<StoredNotice>>;
    /// Every unit of a notice (ordered by name's code).
    async fn notice_units(&self, notice_id: i64) -> StoreResult<Vec<StoredNoticeUnit>>;
    /// The notices sent to a unit, newest first, with its progress.
    async fn notices_of_unit(&self, enterprise_id: i64) -> StoreResult<Vec<(StoredNotice, StoredNoticeUnit)>>;
    /// The unit's progress from `version` to `to` with its audit record; Conflict when it moved.
    async fn set_notice_progress(&self, notice_id: i64, enterprise_id: i64, version: i64, to: &NoticeProgress, audit: &AuditRecord) -> StoreResult<i64>;
}
