//! 【接入管理】→【接入邀请】 (manual §3.4–3.5) for the direct unit, 【响应邀请】
//! (ch. 4) for the use unit, and the use unit's tax office's 受理 / 确认.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::access::TimelineEntry;
use crate::api::Acted;
use crate::domain::access::CheckLine;
pub use crate::domain::invitation::{AuthorizationRecord as AuthorizationConfig, InvoicerChoice};
use crate::domain::invitation::{BatchSource, InvitationAction, InvitationStatus, InviteRowInput, VerificationPeriod};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{ctx, invitation as svc};

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
    /// What the viewer may do now (`domain::invitation::actions_for`).
    pub actions: Vec<InvitationAction>,
}

#[server(endpoint = "invite_options")]
pub async fn invite_options() -> Result<InviteChoices, AppError> {
    svc::invite_options(&ctx()?).await
}

/// 【新增邀请】→【提交】: at most 50 rows; valid rows are invited, failed rows listed.
#[server(endpoint = "submit_invitations", input = Json)]
pub async fn submit_invitations(rows: Vec<InviteRowInput>, proof_material_id: Option<i64>) -> Result<BatchOutcome, AppError> {
    svc::submit_form(&ctx()?, rows, proof_material_id).await
}

/// 导入记录 and the batches of 邀请列表, newest first.
#[server(endpoint = "invitation_batches")]
pub async fn invitation_batches(before_id: Option<i64>) -> Result<Vec<BatchRow>, AppError> {
    svc::batches(&ctx()?, before_id).await
}

#[server(endpoint = "batch_failures")]
pub async fn batch_failures(batch_id: i64) -> Result<Vec<FailedRowView>, AppError> {
    svc::batch_failures(&ctx()?, batch_id).await
}

/// 【邀请列表】→【查看详情】: the use units, filtered and paged.
#[server(endpoint = "list_invitations", input = Json)]
pub async fn list_invitations(query: InvitationQuery) -> Result<InvitationPage, AppError> {
    svc::list(&ctx()?, query).await
}

/// One invitation, for the direct unit, the use unit or an officer of the use unit's office.
#[server(endpoint = "invitation_detail")]
pub async fn invitation_detail(id: i64) -> Result<InvitationView, AppError> {
    svc::detail(&ctx()?, id).await
}

/// 解除绑定 of one or many use units (manual §3.5.1); returns the ones not unbound with why.
#[server(endpoint = "unbind_use_units", input = Json)]
pub async fn unbind_use_units(ids: Vec<i64>, reason: String) -> Result<Vec<FailedRowView>, AppError> {
    svc::unbind_many(&ctx()?, ids, reason).await
}

/// 【响应邀请】: the invitations this unit received.
#[server(endpoint = "received_invitations")]
pub async fn received_invitations() -> Result<Vec<InvitationRow>, AppError> {
    svc::received(&ctx()?).await
}

/// One of `InvitationView::actions`, by whoever views it: 重新发起邀请 / 解除绑定
/// (direct unit), 确认 / 拒绝 / 授权 (with 开票人员配置 and 开票安全验证时间配置) /
/// 解除绑定 (use unit), 受理 / 不予受理 / 确认通过 / 确认不通过 (the use unit's tax
/// office). `reason` for refusals and 解除绑定; the last two arguments for 授权 only.
/// Shared by the web pages and the H5 page; the answer is small (`Acted`), and
/// each page reloads its own view (for 重新发起邀请, of the new invitation `Acted::id`).
#[server(endpoint = "invitation_act", input = Json)]
pub async fn invitation_act(id: i64, version: i64, action: InvitationAction, reason: String, invoicer_link_ids: Vec<i64>, period_code: String) -> Result<Acted, AppError> {
    svc::act(&ctx()?, id, version, action, reason, invoicer_link_ids, period_code).await
}

/// What 【授权】 offers: the unit's 开票员 and the verification periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeChoices {
    pub invoicers: Vec<InvoicerChoice>,
    pub periods: Vec<VerificationPeriod>,
}

#[server(endpoint = "authorize_options")]
pub async fn authorize_options(id: i64) -> Result<AuthorizeChoices, AppError> {
    svc::authorize_options(&ctx()?, id).await
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

/// 受理 (受理岗) / 确认 (复核岗) of invitations at the officer's tax office.
#[server(endpoint = "officer_invitation_queue")]
pub async fn officer_invitation_queue() -> Result<Vec<InvitationQueueItem>, AppError> {
    svc::officer_queue(&ctx()?).await
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

#[server(endpoint = "h5_invitation")]
pub async fn h5_invitation(id: i64) -> Result<H5InvitationCard, AppError> {
    svc::h5_invitation(&ctx()?, id).await
}

/// 变更单位关系证明材料 (a material uploaded with `POST /api/materials?kind=relationship_proof`).
#[server(endpoint = "replace_invitation_proof")]
pub async fn replace_invitation_proof(id: i64, version: i64, material_id: i64) -> Result<InvitationView, AppError> {
    svc::replace_proof(&ctx()?, id, version, material_id).await
}
