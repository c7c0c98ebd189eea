//! 能力中心: subscriptions, their 测试中心 case results and the sandbox's invoices.

#[allow(unused_imports)]
use crate::access::store::*;
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::audit::rules::AuditRecord;
use crate::capability::rules::{CapabilityStatus, SandboxInvoice};
use crate::capability_grant::rules::GrantStatus;
use crate::kernel::Timestamp;

/// A unit's subscription to one 非公用 capability.
#[derive(Debug, Clone)]
pub struct StoredSubscription {
    pub id: i64,
    pub enterprise_id: i64,
    pub capability_code: String,
    /// The unit's 主管税务机关 (who confirms the report).
    pub tax_office_id: i64,
    pub status: CapabilityStatus,
    /// The test round: results of earlier rounds no longer count.
    pub round: i64,
    /// The generated 测试报告 (JSON), once generated.
    pub report: Option<String>,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One state change of a subscription: the new status, its timeline entry and audit
/// record (one transaction); `new_round` starts a new test round; `report` stores the
/// generated 测试报告.
pub struct CapabilityChange<'a> {
    pub to: &'a CapabilityStatus,
    pub event: &'a ApplicationEvent,
    pub audit: &'a AuditRecord,
    pub new_round: bool,
    pub report: Option<&'a str>,
    /// The capability is no longer open: the unit's active grants of it end (已终止) in the
    /// same transaction, each with this timeline entry.
    pub end_grants: Option<&'a GrantEnding>,
    /// 【消息中心】: who is told of this step.
    pub messages: &'a [crate::message::rules::NewMessage],
}

/// 能力授权: a direct unit's grant of a capability to a bound use unit (through the
/// binding's invitation).
#[derive(Debug, Clone)]
pub struct StoredGrant {
    pub id: i64,
    pub invitation_id: i64,
    pub direct_enterprise_id: i64,
    pub use_enterprise_id: i64,
    pub capability_code: String,
    pub status: GrantStatus,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A grant to insert (待确认) with its first timeline entry.
#[derive(Debug, Clone)]
pub struct NewGrant {
    pub invitation_id: i64,
    pub direct_enterprise_id: i64,
    pub use_enterprise_id: i64,
    pub capability_code: String,
    pub event: ApplicationEvent,
}

/// The system's ending of active grants: the status (已终止) and the timeline entry of each.
#[derive(Debug, Clone)]
pub struct GrantEnding {
    pub to: GrantStatus,
    pub event: ApplicationEvent,
}

/// One step of a grant: the new status, its timeline entry and audit record.
pub struct GrantChange<'a> {
    pub to: &'a GrantStatus,
    pub event: &'a ApplicationEvent,
    pub audit: &'a AuditRecord,
    /// 【消息中心】: the other side is told.
    pub messages: &'a [crate::message::rules::NewMessage],
}

/// One checked call of a test case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub subscription_id: i64,
    pub round: i64,
    pub case_code: String,
    pub passed: bool,
    pub request_id: String,
    pub request_body: String,
    /// The field errors as JSON (`[]` when passed).
    pub errors: String,
    pub at: Timestamp,
}

#[async_trait]
pub trait CapabilityStore: Send + Sync {
    async fn subscriptions_of(&self, enterprise_id: i64) -> StoreResult<Vec<StoredSubscription>>;
    async fn subscription(&self, id: i64) -> StoreResult<Option<StoredSubscription>>;
    async fn subscription_by_code(&self, enterprise_id: i64, capability_code: &str) -> StoreResult<Option<StoredSubscription>>;
    /// 订阅 a capability the unit never subscribed (Conflict when a row appeared meanwhile).
    async fn create_subscription(&self, enterprise_id: i64, tax_office_id: i64, capability_code: &str, change: &CapabilityChange<'_>, now: Timestamp) -> StoreResult<i64>;
    /// Any other step, at `version`; returns the new version.
    async fn transition_subscription(&self, id: i64, version: i64, change: &CapabilityChange<'_>, now: Timestamp) -> StoreResult<i64>;
    /// The subscriptions waiting at a tax office in one status, oldest first.
    async fn subscription_queue(&self, tax_office_id: i64, status_code: &str, limit: u32) -> StoreResult<Vec<StoredSubscription>>;
    /// 已开通 subscriptions whose 有效期 ended before `today` ("YYYY-MM-DD").
    async fn subscriptions_due_to_expire(&self, today: &str, limit: u32) -> StoreResult<Vec<StoredSubscription>>;
    async fn subscription_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Records a checked call (and the blue invoice it issued) in one transaction.
    async fn record_case_result(&self, r: &CaseResult, enterprise_id: i64, issued: Option<&SandboxInvoice>) -> StoreResult<()>;
    /// Every call of a round, in order.
    async fn case_results(&self, subscription_id: i64, round: i64) -> StoreResult<Vec<CaseResult>>;
    async fn sandbox_invoices(&self, enterprise_id: i64) -> StoreResult<Vec<SandboxInvoice>>;
    /// The 行业资质 a unit holds.
    async fn unit_qualifications(&self, enterprise_id: i64) -> StoreResult<Vec<String>>;

    /// Every grant a direct unit made, newest first.
    async fn grants_of_direct(&self, direct_enterprise_id: i64) -> StoreResult<Vec<StoredGrant>>;
    /// Every grant a use unit received, newest first.
    async fn grants_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredGrant>>;
    async fn grant(&self, id: i64) -> StoreResult<Option<StoredGrant>>;
    /// New grants (待确认), each with its timeline entry, the use units' messages and one audit record: one
    /// transaction (Conflict when an active grant of the same binding and capability exists).
    async fn create_grants(&self, grants: &[NewGrant], messages: &[crate::message::rules::NewMessage], audit: &AuditRecord, now: Timestamp) -> StoreResult<Vec<i64>>;
    /// A step at `version`; returns the new version.
    async fn transition_grant(&self, id: i64, version: i64, change: &GrantChange<'_>, now: Timestamp) -> StoreResult<i64>;
    async fn grant_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>>;
}
