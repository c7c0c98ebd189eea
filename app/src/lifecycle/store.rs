//! The qualification lifecycle (资格延续, 事项变更, 终止服务备案, the scheduler's
//! reminders, the reduced concurrency and the end of service).

#[allow(unused_imports)]
use crate::access::store::*;
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::audit::rules::AuditRecord;
use crate::lifecycle::rules::{RequestBody, RequestStatus};
use crate::kernel::ExitRecord;
use crate::message::rules::NewMessage;
use crate::kernel::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRequest {
    pub id: i64,
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub body: RequestBody,
    pub status: RequestStatus,
    /// 资格延续 confirmed: the granted 资格有效期至.
    pub granted_end: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
}

/// What a confirmed request changes on the unit, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestEffect {
    /// 资格延续: the new 资格有效期至 (and any reduced concurrency is lifted).
    NewTerm(String),
    /// 事项变更 of the addresses: the signed API's allow-list from now on.
    FiledIps { production: String, test: String },
    /// 终止服务备案 退回: the unit is no longer terminating.
    TerminationWithdrawn,
}

/// A unit the scheduler looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleUnit {
    pub enterprise_id: i64,
    pub name: String,
    pub qualification_end: Option<String>,
    pub terminating_on: Option<String>,
    pub throttled: bool,
}

#[async_trait]
pub trait LifecycleStore: Send + Sync {
    /// Files a request (待受理) with its first timeline step and audit record; a
    /// 终止服务备案 marks the unit terminating (`terminating_on`) in the same
    /// transaction, and `material` (an unattached upload of the unit) is attached to it.
    /// `Conflict` when a request of the kind is already open or the material is not the unit's.
    async fn file_request(&self, enterprise_id: i64, tax_office_id: i64, body: &RequestBody, terminating_on: Option<&str>, material: Option<i64>, ev: &ApplicationEvent, audit: &AuditRecord) -> StoreResult<i64>;
    async fn request(&self, id: i64) -> StoreResult<Option<StoredRequest>>;
    /// The unit's requests, newest first.
    async fn requests_of(&self, enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredRequest>>;
    async fn request_events(&self, request_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Requests in a status at a tax office, oldest first.
    async fn request_queue(&self, status_code: &str, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredRequest>>;
    /// Moves a request if it is still at `expected_version`, with its timeline step,
    /// its effect on the unit, the unit's messages and the audit record, in one transaction.
    async fn decide_request(&self, id: i64, expected_version: i64, to: &RequestStatus, granted_end: Option<&str>, effect: Option<&RequestEffect>, ev: &ApplicationEvent, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<i64>;
    /// The addresses a confirmed 事项变更 filed (production, test), if any.
    async fn filed_ips_override(&self, enterprise_id: i64) -> StoreResult<Option<(String, String)>>;
    /// Direct units (and units terminating) for the scheduler.
    async fn lifecycle_units(&self) -> StoreResult<Vec<LifecycleUnit>>;
    /// Reminder codes already recorded for this unit and term.
    async fn reminders_sent(&self, enterprise_id: i64, term_end: &str) -> StoreResult<Vec<String>>;
    /// Records a reminder with its message (【消息中心】) and audit record; false when it
    /// was recorded already (by anyone): then nothing is written.
    async fn record_reminder(&self, enterprise_id: i64, term_end: &str, code: &str, now: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<bool>;
    /// Stores (Some) or lifts (None) the unit's API rate limit, with its messages and audit record.
    async fn set_rate_limit(&self, enterprise_id: i64, per_minute: Option<i64>, now: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<()>;
    async fn rate_limit(&self, enterprise_id: i64) -> StoreResult<Option<i64>>;
    /// Counts one API call in the unit's window; returns the count so far (every process shares it).
    async fn count_api_call(&self, enterprise_id: i64, window_start: Timestamp) -> StoreResult<i64>;
    /// Ends the unit's service (`Effect::EndService`, through the one effects dispatcher): every
    /// open invitation ends by `invitation::rules::end_binding` (已解除绑定, with its timeline step), the exit is recorded, the unit is no longer a direct unit,
    /// its rate limit and termination mark are cleared — one transaction. Returns
    /// the number of invitations ended; `Conflict` when the unit is no longer a direct unit.
    /// `messages` tell the unit; `to_use_units` is sent to the use unit of every ended
    /// invitation (its `enterprise_id` replaced), all in the same transaction.
    async fn end_service(&self, enterprise_id: i64, exit: &ExitRecord, actor: &str, reason: &str, audit: &AuditRecord, messages: &[NewMessage], to_use_units: Option<&NewMessage>) -> StoreResult<u32>;
}

/// 关系变化报告 owed when a binding ends (`lifecycle::rules::ReportStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelationshipReport {
    /// The direct unit that reports, and its 主管税务机关.
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub invitation_id: i64,
    pub use_unit_name: String,
    pub use_credit_code: String,
    /// What changed, e.g. "使用单位解除绑定：…".
    pub what_changed: String,
    pub changed_on: String,
    pub due: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelationshipReport {
    pub id: i64,
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub invitation_id: i64,
    pub use_unit_name: String,
    pub use_credit_code: String,
    pub what_changed: String,
    pub changed_on: String,
    pub due: String,
    pub status: crate::lifecycle::rules::ReportStatus,
    pub reported_by: Option<String>,
    pub version: i64,
    pub updated_at: Timestamp,
}

#[async_trait]
pub trait RelationshipReportStore: Send + Sync {
    async fn relationship_report(&self, id: i64) -> StoreResult<Option<StoredRelationshipReport>>;
    /// The unit's reports, open ones first, then newest first.
    async fn relationship_reports_of(&self, enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>>;
    /// 待报告 whose due day is before `day` ("YYYY-MM-DD"), oldest first (the scheduler).
    async fn relationship_reports_overdue(&self, day: &str, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>>;
    /// The office's flagged reports (已逾期, 逾期后已报告), newest first.
    async fn relationship_reports_flagged(&self, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>>;
    /// One step (【报告】, 已逾期) at its version, with its messages and audit record.
    async fn transition_relationship_report(&self, id: i64, version: i64, to: &crate::lifecycle::rules::ReportStatus, reported_by: Option<&str>, at: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<i64>;
}
