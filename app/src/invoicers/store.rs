//! 开票人员登记 (manual §4.5).

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::audit::rules::AuditRecord;
use crate::kernel::Timestamp;

/// 开票人员登记 (manual §4.5): a use unit's 开票员 bound to one direct platform.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub invitation_id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    /// The 开票员's link (enterprise_people).
    pub link_id: i64,
    pub person_name: String,
    /// Who registered (name and identity), or 授权 by whom.
    pub registered_by: String,
}

#[derive(Debug, Clone)]
pub struct StoredRegistration {
    pub id: i64,
    pub invitation_id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub link_id: i64,
    pub person_name: String,
    pub registered_by: String,
    pub registered_at: Timestamp,
    pub state: crate::invoicers::rules::RegistrationState,
    pub version: i64,
}

#[async_trait]
pub trait InvoicerStore: Send + Sync {
    /// The use unit's registrations (active and ended), newest first.
    async fn registrations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredRegistration>>;
    async fn registration(&self, id: i64) -> StoreResult<Option<StoredRegistration>>;
    /// The registration and its audit record in one transaction. `Conflict` when the
    /// 开票员 is already registered to that invitation.
    async fn register_invoicer(&self, r: &NewRegistration, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
    /// Moves a registration if it is still at `expected_version`, with its audit
    /// record, in one transaction. Returns the new version.
    async fn end_registration(&self, id: i64, expected_version: i64, to: &crate::invoicers::rules::RegistrationState, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
}
