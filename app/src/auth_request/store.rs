//! 授权申请: the use unit asks the direct unit first (guideline-sichuan ch. 3).

#[allow(unused_imports)]
use crate::invitation::store::*;
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::invitation::rules::Relationship;
use crate::audit::rules::AuditRecord;
use crate::kernel::Timestamp;

/// A use unit's 授权申请 to a direct unit, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewAuthRequest {
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub relationship: Relationship,
    pub proof_material_id: Option<i64>,
    /// 自用类: the use-unit conditions' lines (JSON) as checked on request.
    pub checks: Option<String>,
    pub created_by: String,
}

#[derive(Debug, Clone)]
pub struct StoredAuthRequest {
    pub id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub relationship: Relationship,
    pub proof_material_id: Option<i64>,
    pub checks: Option<String>,
    pub status: crate::auth_request::rules::AuthRequestStatus,
    pub version: i64,
    pub created_by: String,
    pub decided_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// 授权申请 storage: every change in one transaction with its audit record and optimistic versioning.
#[async_trait]
pub trait AuthRequestStore: Send + Sync {
    /// A pending request (Conflict when the pair already has a pending one).
    async fn create_auth_request(&self, r: &NewAuthRequest, audit: &AuditRecord, now: Timestamp, messages: &[crate::message::rules::NewMessage]) -> StoreResult<StoredAuthRequest>;
    async fn auth_request(&self, id: i64) -> StoreResult<Option<StoredAuthRequest>>;
    /// The use unit's requests, newest first.
    async fn auth_requests_of_use_unit(&self, use_enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredAuthRequest>>;
    /// The requests a direct unit received (optionally one status), newest first, ids below `before_id`.
    async fn auth_requests_to(&self, direct_enterprise_id: i64, status_code: Option<&str>, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredAuthRequest>>;
    /// 拒绝 or 撤回: the new status at `version`.
    async fn decide_auth_request(&self, id: i64, version: i64, to: &crate::auth_request::rules::AuthRequestStatus, by: &str, audit: &AuditRecord, now: Timestamp, messages: &[crate::message::rules::NewMessage]) -> StoreResult<()>;
    /// 同意: the invitation (its own batch, carrying the proof) and the request's
    /// 已同意 in one transaction; returns the invitation's id.
    async fn agree_auth_request(&self, id: i64, version: i64, by: &str, batch: &NewBatch, invitation: &NewInvitation, audit: &AuditRecord, now: Timestamp, messages: &[crate::message::rules::NewMessage]) -> StoreResult<i64>;
    /// Whether a request sent to `enterprise_id` (or from it) carries this proof.
    async fn auth_request_proof_visible(&self, material_id: i64, enterprise_id: i64) -> StoreResult<bool>;
}
