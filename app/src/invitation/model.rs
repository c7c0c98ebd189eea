//! The data that `invitation::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::kernel::TimelineEntry;
use crate::access::rules::CheckLine;
pub use crate::invitation::rules::{AuthorizationRecord as AuthorizationConfig, InvoicerChoice};
use crate::invitation::rules::{BatchSource, InvitationAction, InvitationStatus, VerificationPeriod};

/// What 【新增邀请】 offers this direct unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteChoices {
    /// e.g. 乐企联用
    pub direct_type: String,
    /// 省级税务机关 names.
    pub provinces: Vec<String>,
    /// The relationships this direct unit may choose (by its access type).
    pub relationships: Vec<String>,
    pub max_rows: u32,
}

/// A failed row as shown and downloaded (邀请失败记录).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRowView {
    pub row_no: u32,
    pub credit_code: String,
    pub name: String,
    pub reason: String,
}

/// The result of one submission (form, import or API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub batch_id: i64,
    pub invited: u32,
    pub failed: Vec<FailedRowView>,
}

/// One row of 导入记录 / the batches of 邀请列表.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: i64,
    /// 新增邀请 / 导入邀请 / 接口上传 (`kind`'s label)
    pub source: String,
    pub kind: BatchSource,
    pub file_name: String,
    pub created_at: String,
    pub created_by: String,
    pub rows_total: u32,
    pub rows_ok: u32,
    pub rows_failed: u32,
    /// 成功 / 部分成功 / 失败
    pub status: String,
    pub has_proof: bool,
}

/// 【邀请状态】 filter, search and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InvitationQuery {
    pub status: String,
    pub search: String,
    pub batch_id: Option<i64>,
    pub before_id: Option<i64>,
}

/// One use unit in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub version: i64,
    pub batch_id: i64,
    /// The other party: the use unit (direct unit's lists) or the direct unit (use unit's lists).
    pub credit_code: String,
    pub name: String,
    pub relationship: String,
    pub category: String,
    /// `InvitationStatus::code` (the signed API's `status_code`; pages use the flags below).
    pub status_code: String,
    pub status: String,
    /// The use unit's 响应 or 授权 is awaited (H5 【待确认】).
    pub awaits_use_unit: bool,
    pub reason: Option<String>,
    pub updated_at: String,
    pub may_reinvite: bool,
    pub bound: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPage {
    pub rows: Vec<InvitationRow>,
    /// Matching rows, counted up to `total_cap`.
    pub total: u32,
    pub total_cap: u32,
    /// `before_id` of the next page, when there is one.
    pub next_before: Option<i64>,
}

/// One invitation in full, for either party or an officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub id: i64,
    pub version: i64,
    pub direct_name: String,
    pub direct_code: String,
    pub use_name: String,
    pub use_code: String,
    pub use_tax_office: String,
    pub use_bureau: String,
    pub relationship: String,
    pub category: String,
    pub pre_authorize: bool,
    pub status: InvitationStatus,
    pub next_actor: Option<String>,
    /// 联用类: the 接入备案 lines; 自用类: the use-unit conditions checked at invitation.
    pub filing: Vec<CheckLine>,
    /// The heading of those lines (接入备案校验 / 使用单位接入条件核验).
    pub filing_title: String,
    pub proof_material_id: Option<i64>,
    pub authorization: Option<AuthorizationConfig>,
    pub timeline: Vec<TimelineEntry>,
    /// What the viewer may do now (`invitation::rules::actions_for`).
    pub actions: Vec<InvitationAction>,
}

/// What 【授权】 offers: the unit's 开票员 and the verification periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeChoices {
    pub invoicers: Vec<InvoicerChoice>,
    pub periods: Vec<VerificationPeriod>,
}

/// One row of the use unit's tax office's invitation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationQueueItem {
    pub id: i64,
    pub use_name: String,
    pub use_code: String,
    pub direct_name: String,
    pub category: String,
    pub status: String,
    pub since: String,
}

/// One invitation as the H5 page shows it: text only, so the phone bundle stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5InvitationCard {
    pub id: i64,
    pub version: i64,
    pub direct_name: String,
    pub direct_code: String,
    pub relationship: String,
    pub category: String,
    pub use_tax_office: String,
    pub status: String,
    pub reason: String,
    pub next_actor: String,
    pub proof_material_id: Option<i64>,
    /// 开票人员 and 开票安全验证时间, once authorized.
    pub authorization: String,
    /// "time actor：action → status（reason）" per step.
    pub timeline: Vec<String>,
    pub actions: Vec<InvitationAction>,
    /// When 授权 is offered: the unit's 开票员 (link id, name) and the periods (code, label).
    pub invoicers: Vec<(i64, String)>,
    pub periods: Vec<(String, String)>,
}
