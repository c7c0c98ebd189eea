//! 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)): the use unit finds a direct unit and
//! asks it; the direct unit 同意 / 拒绝 in 【接入邀请】.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::auth_request::rules::AuthRequestAction;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::auth_request::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::auth_request::model::*;

/// 申请授权 → 查询直连单位: by its 统一社会信用代码.
#[server(endpoint = "find_direct_unit")]
pub async fn find_direct_unit(credit_code: String) -> Result<DirectUnitCard, AppError> {
    svc::find_direct_unit(&ctx()?, &credit_code).await
}

/// 申请授权 → 【提交】: relationship + 单位关系证明材料 (uploaded first, its id).
#[server(endpoint = "send_auth_request")]
pub async fn send_auth_request(direct_code: String, relationship: String, proof_material_id: Option<i64>) -> Result<AuthRequestView, AppError> {
    svc::send(&ctx()?, &direct_code, &relationship, proof_material_id).await
}

/// The use unit's own requests, newest first.
#[server(endpoint = "my_auth_requests")]
pub async fn my_auth_requests() -> Result<Vec<AuthRequestView>, AppError> {
    svc::mine(&ctx()?).await
}

/// The requests the signed-in direct unit received (`status`: a code of `AuthRequestStatus::FILTERS`, or empty for all).
#[server(endpoint = "received_auth_requests")]
pub async fn received_auth_requests(status: String) -> Result<Vec<AuthRequestView>, AppError> {
    svc::received(&ctx()?, &status).await
}

#[server(endpoint = "auth_request_detail")]
pub async fn auth_request_detail(id: i64) -> Result<AuthRequestView, AppError> {
    svc::detail(&ctx()?, id).await
}

/// The one way a request moves: 【同意】 (direct unit: it becomes an invitation),
/// 【拒绝】 (direct unit, `reason` required) or 【撤回】 (use unit, while pending),
/// as offered in `AuthRequestView::actions`.
#[server(endpoint = "auth_request_act", input = Json)]
pub async fn auth_request_act(id: i64, version: i64, action: AuthRequestAction, reason: String) -> Result<AuthRequestView, AppError> {
    svc::act(&ctx()?, id, version, action, &reason).await
}

/// H5: the use unit's requests as text lines (keeps the H5 bundle small).
#[server(endpoint = "h5_auth_requests")]
pub async fn h5_auth_requests() -> Result<Vec<String>, AppError> {
    svc::h5_lines(&ctx()?).await
}
