//! 能力中心 (guideline-sichuan 第四章): the direct unit's list, a capability's page and its
//! steps; the tax console's queue of submitted 测试报告 and the officer's decision.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::capability::rules::CapabilityAction;
use crate::capability_grant::rules::GrantAction;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::capability::service as svc;
#[cfg(feature = "ssr")]
use crate::capability_grant::service as grants;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::capability::model::*;

/// 【能力中心】: every capability with 开通状态 and 有效期.
#[server(endpoint = "capability_list")]
pub async fn capability_list() -> Result<CapabilityCenter, AppError> {
    svc::center(&ctx()?).await
}

/// One capability: 能力说明文档, the 测试中心's cases, the 测试报告 and the timeline.
#[server(endpoint = "capability_detail")]
pub async fn capability_detail(code: String) -> Result<CapabilityPage, AppError> {
    svc::detail(&ctx()?, &code).await
}

/// The direct unit's one way to move a subscription: 【订阅】, 【生成测试报告】,
/// 【提交税务机关确认】 (`valid_until` required) or 【重新测试】, as offered in
/// `CapabilityRow::actions`; `version` is the row's (0 before the first 订阅).
#[server(endpoint = "capability_act", input = Json)]
pub async fn capability_act(code: String, version: i64, action: CapabilityAction, valid_until: String) -> Result<CapabilityPage, AppError> {
    svc::act(&ctx()?, &code, version, action, &valid_until).await
}

/// Tax console: the 测试报告 waiting for the officer's office (待确认).
#[server(endpoint = "capability_queue")]
pub async fn capability_queue() -> Result<Vec<CapabilityReview>, AppError> {
    svc::queue(&ctx()?).await
}

/// Tax console: 【确认通过】 or 【退回】 (`reason` required).
#[server(endpoint = "capability_decide", input = Json)]
pub async fn capability_decide(id: i64, version: i64, action: CapabilityAction, reason: String) -> Result<CapabilityReview, AppError> {
    svc::decide(&ctx()?, id, version, action, &reason).await
}

/// 能力授权 of the signed-in unit: as a direct unit (what it may grant, its bound use
/// units, the grants it made) and as a use unit (the grants it received, through which
/// direct unit).
#[server(endpoint = "capability_grants")]
pub async fn capability_grants() -> Result<GrantCenter, AppError> {
    grants::center(&ctx()?).await
}

/// 【授权】 an opened capability to bound use units (one or a batch, by their invitation
/// ids): each use unit's result (待确认, or why not).
#[server(endpoint = "capability_grant", input = Json)]
pub async fn capability_grant(code: String, invitation_ids: Vec<i64>) -> Result<Vec<GrantRowResult>, AppError> {
    grants::grant(&ctx()?, &code, &invitation_ids).await
}

/// 【确认授权】/【拒绝】 (the use unit) or 【撤销授权】 (either side), as offered in `GrantView::actions`.
#[server(endpoint = "capability_grant_act", input = Json)]
pub async fn capability_grant_act(id: i64, version: i64, action: GrantAction, reason: String) -> Result<GrantView, AppError> {
    grants::act(&ctx()?, id, version, action, &reason).await
}

/// H5: the grants the use unit received (lean lines for the H5 bundle).
#[server(endpoint = "h5_capability_grants")]
pub async fn h5_capability_grants() -> Result<Vec<H5Grant>, AppError> {
    grants::h5_lines(&ctx()?).await
}

/// H5: 【确认授权】 (`confirm`) or 【拒绝】 a pending grant; the new status's label.
#[server(endpoint = "h5_grant_answer", input = Json)]
pub async fn h5_grant_answer(id: i64, version: i64, confirm: bool) -> Result<String, AppError> {
    let action = if confirm { GrantAction::Confirm } else { GrantAction::Refuse };
    Ok(grants::act(&ctx()?, id, version, action, "").await?.status.label().to_string())
}
