//! 【接入管理】→【接入申请】 (manual §3.3) and its tax-authority processing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::kernel::Acted;
use crate::access::rules::AccessAction;
use crate::kernel::AccessType;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::access::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::access::model::*;

#[server(endpoint = "access_overview")]
pub async fn access_overview() -> Result<AccessSummary, AppError> {
    svc::overview(&ctx()?).await
}

/// 确认单位信息 →【下一步】: 基础信息核验, and a new draft when it passes.
#[server(endpoint = "confirm_unit")]
pub async fn confirm_unit(access_type: AccessType, gov_or_association: bool, confirmed: bool) -> Result<UnitCheck, AppError> {
    svc::confirm_unit(&ctx()?, access_type, gov_or_association, confirmed).await
}

/// 【保存草稿】: keeps everything as typed.
#[server(endpoint = "save_access_draft", input = Json)]
pub async fn save_access_draft(id: i64, version: i64, form: AccessForm) -> Result<i64, AppError> {
    svc::save_draft(&ctx()?, id, version, form).await
}

/// 【提交】: every field is validated; the conditions are checked again with the use units.
#[server(endpoint = "submit_access_application", input = Json)]
pub async fn submit_access_application(id: i64, version: i64, form: AccessForm) -> Result<ApplicationView, AppError> {
    svc::submit(&ctx()?, id, version, form).await
}

/// 重新发起: a new draft prefilled from a refused application.
#[server(endpoint = "reapply_access")]
pub async fn reapply_access(previous_id: i64) -> Result<ApplicationView, AppError> {
    svc::reapply(&ctx()?, previous_id).await
}

/// The officer's queue: 受理 / 复核 at their tax office, 确认 in their province.
#[server(endpoint = "officer_queue")]
pub async fn officer_queue() -> Result<Vec<QueueItem>, AppError> {
    svc::officer_queue(&ctx()?).await
}

#[server(endpoint = "officer_case")]
pub async fn officer_case(id: i64) -> Result<CaseFile, AppError> {
    svc::officer_case(&ctx()?, id).await
}

/// The officer's step on an access application, one of `ApplicationView::actions`:
/// 受理 / 不予受理, 复核通过 / 复核不通过, 确认通过 / 确认不通过 (a refusal needs a reason).
#[server(endpoint = "access_act", input = Json)]
pub async fn access_act(id: i64, version: i64, action: AccessAction, reason: String) -> Result<Acted, AppError> {
    svc::act(&ctx()?, id, version, action, &reason).await
}
