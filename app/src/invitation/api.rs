//! 【接入管理】→【接入邀请】 (manual §3.4–3.5) for the direct unit, 【响应邀请】
//! (ch. 4) for the use unit, and the use unit's tax office's 受理 / 确认.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::kernel::Acted;
use crate::invitation::rules::{InvitationAction, InviteRowInput};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::invitation::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::invitation::model::*;

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

#[server(endpoint = "authorize_options")]
pub async fn authorize_options(id: i64) -> Result<AuthorizeChoices, AppError> {
    svc::authorize_options(&ctx()?, id).await
}

/// 受理 (受理岗) / 确认 (复核岗) of invitations at the officer's tax office.
#[server(endpoint = "officer_invitation_queue")]
pub async fn officer_invitation_queue() -> Result<Vec<InvitationQueueItem>, AppError> {
    svc::officer_queue(&ctx()?).await
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
