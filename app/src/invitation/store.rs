//! 接入邀请 / 响应邀请 (manual §3.4–3.5, ch. 4): batches, invitations, their steps; the
//! registry as invitation rows are checked.

#[allow(unused_imports)]
use crate::access::store::*;
use crate::invoicers::store::*;
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::access::rules::Applicant;
use crate::access::rules::CheckLine;
use crate::invitation::rules::{AuthorizationRecord, InvitationStatus, InviteRowInput, Relationship};
use crate::audit::rules::AuditRecord;
use crate::materials::rules::MaterialOwner;
use crate::kernel::Timestamp;

pub use crate::invitation::rules::BatchSource;

/// A row that could not be invited, with the reason (邀请失败记录).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailedRow {
    /// The row number in the form or the Excel sheet.
    pub row_no: u32,
    pub input: InviteRowInput,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct NewBatch {
    pub direct_enterprise_id: i64,
    pub source: BatchSource,
    pub file_name: String,
    pub proof_material_id: Option<i64>,
    pub created_by: String,
    pub rows_total: u32,
    pub failures: Vec<FailedRow>,
}

#[derive(Debug, Clone)]
pub struct StoredBatch {
    pub id: i64,
    pub direct_enterprise_id: i64,
    pub source: BatchSource,
    pub file_name: String,
    pub proof_material_id: Option<i64>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub rows_total: u32,
    pub rows_ok: u32,
    pub rows_failed: u32,
    pub failures: Vec<FailedRow>,
}

/// An invitation ready to be stored (every check passed).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub use_enterprise_id: i64,
    pub use_code: String,
    pub use_name: String,
    pub use_tax_office_id: i64,
    pub province_code: String,
    pub relationship: Relationship,
    pub pre_authorize: bool,
    /// 联用类: the 接入备案 lines.
    pub filing: Option<Vec<CheckLine>>,
    pub status: InvitationStatus,
    pub previous_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct StoredInvitation {
    pub id: i64,
    pub batch_id: i64,
    pub direct_enterprise_id: i64,
    pub use_enterprise_id: i64,
    pub use_code: String,
    pub use_name: String,
    pub use_tax_office_id: i64,
    pub province_code: String,
    pub relationship: Relationship,
    pub pre_authorize: bool,
    /// 联用类: the 接入备案 lines.
    pub filing: Option<Vec<CheckLine>>,
    pub status: InvitationStatus,
    pub version: i64,
    pub previous_id: Option<i64>,
    pub proof_material_id: Option<i64>,
    /// 联用类 授权: the configuration once authorized.
    pub authorization: Option<AuthorizationRecord>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// 【邀请状态】 filter, search and keyset paging of 查看详情.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub status_code: Option<String>,
    /// A full credit code matches exactly; anything else matches part of the name or code.
    pub search: Option<String>,
    pub batch_id: Option<i64>,
    /// Newest first: only ids below this.
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Of these use-unit codes, those with an open (pending or bound) invitation from the direct unit.
    async fn open_invitation_codes(&self, direct_enterprise_id: i64, codes: &[String]) -> StoreResult<Vec<String>>;
    /// Registry data of many units at once, by credit code.
    async fn registry_by_codes(&self, codes: &[String]) -> StoreResult<Vec<RegistryUnit>>;
    /// The batch, all its invitations, its proof material (attached when new) and the
    /// audit record in one transaction: all or nothing. `Conflict` when one of the pairs got an open invitation meanwhile.
    /// The batch and its invitations; `notice` becomes a 邀请通知 message to every invited
    /// use unit whose invitation waits for it (待使用单位响应 / 待使用单位授权), in the same transaction.
    async fn create_batch(&self, batch: &NewBatch, invitations: &[NewInvitation], now: Timestamp, audit: &AuditRecord, notice: Option<&InviteeNotice>) -> StoreResult<i64>;
    async fn batches(&self, direct_enterprise_id: i64, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredBatch>>;
    async fn batch(&self, id: i64) -> StoreResult<Option<StoredBatch>>;
    async fn invitations(&self, direct_enterprise_id: i64, filter: &InvitationFilter) -> StoreResult<Vec<StoredInvitation>>;
    /// How many match (ignoring paging), counting at most `cap`.
    async fn count_invitations(&self, direct_enterprise_id: i64, filter: &InvitationFilter, cap: u32) -> StoreResult<u32>;
    /// 【邀请列表】's page: `invitations` and `count_invitations` together (a store may
    /// answer both in one statement).
    async fn invitations_page(&self, direct_enterprise_id: i64, filter: &InvitationFilter, cap: u32) -> StoreResult<(Vec<StoredInvitation>, u32)> {
        let rows = self.invitations(direct_enterprise_id, filter).await?;
        Ok((rows, self.count_invitations(direct_enterprise_id, filter, cap).await?))
    }
    async fn invitation(&self, id: i64) -> StoreResult<Option<StoredInvitation>>;
    async fn invitations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredInvitation>>;
    /// The same, each with its direct unit's (credit code, name): the H5 待确认 list in one statement.
    async fn received_invitations(&self, use_enterprise_id: i64) -> StoreResult<Vec<(StoredInvitation, String, String)>>;
    /// Moves the invitation if it is still at `expected_version`, with its event, its
    /// audit record and (授权) the authorization and the 开票员's registrations, in
    /// one transaction. Returns the new version.
    async fn transition_invitation(&self, id: i64, expected_version: i64, change: &InvitationChange<'_>) -> StoreResult<i64>;
    /// 变更关系证明材料: the new material (and, when it is new, attached to
    /// `attach` = (the uploading unit, the owner)), the event and the audit record, in one transaction.
    async fn set_invitation_proof(&self, id: i64, expected_version: i64, material_id: i64, attach: Option<(i64, MaterialOwner)>, event: &ApplicationEvent, audit: &AuditRecord) -> StoreResult<i64>;
    async fn invitation_events(&self, invitation_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Whether an invitation carrying this proof material involves the unit (as
    /// either party) or sits at the tax office.
    async fn proof_visible(&self, material_id: i64, enterprise_id: Option<i64>, tax_office_id: Option<i64>) -> StoreResult<bool>;
    /// Invitations waiting at one tax office's desk, oldest first.
    async fn invitation_queue(&self, status_code: &str, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredInvitation>>;
}

/// One step of an invitation: the new status, its timeline event and audit record, for 授权
/// the configuration and the registrations it creates, and what else the step makes happen
/// (`effects`: 能力预授权's grants, a binding's grants ending, the 关系变化报告 owed, the parties
/// told), applied by the one dispatcher in the same transaction.
#[derive(Debug, Clone)]
pub struct InvitationChange<'a> {
    pub to: &'a InvitationStatus,
    pub event: &'a ApplicationEvent,
    pub audit: &'a AuditRecord,
    pub authorization: Option<&'a AuthorizationRecord>,
    pub registrations: &'a [NewRegistration],
    /// Further timeline entries of the invitation (e.g. a pre-authorized capability skipped, and why).
    pub notes: &'a [ApplicationEvent],
    pub effects: &'a [crate::effect::Effect],
}

/// The 邀请通知 each invited use unit gets (its link is the invitation's 【响应邀请】 page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteeNotice {
    pub title: String,
    pub body: String,
}


/// A unit as the registry knows it, for checking invitation rows.
#[derive(Debug, Clone)]
pub struct RegistryUnit {
    pub credit_code: String,
    pub enterprise_id: i64,
    pub name: String,
    pub tax_office_id: i64,
    pub province_code: String,
    /// 省级税务机关, e.g. 国家税务总局四川省税务局
    pub bureau_name: String,
    /// What 接入备案 reads.
    pub applicant: Applicant,
    /// The unit is itself a direct unit.
    pub direct_unit: bool,
}
