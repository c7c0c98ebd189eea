//! The qualification lifecycle after 确认通过 (issue #13): on 【接入申请】 the unit's
//! status and 【申请延续】, 【事项变更】, 【终止服务备案】; in the tax console the
//! requests in the 待办 with 受理 / 确认通过 / 退回.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::kernel::Acted;
use crate::lifecycle::rules::RequestAction;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::lifecycle::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::lifecycle::model::*;

/// The unit's status with its next deadline, the requests it may file, and its requests.
#[server(endpoint = "lifecycle_overview")]
pub async fn lifecycle_overview() -> Result<UnitLifecycle, AppError> {
    svc::my_lifecycle(&ctx()?).await
}

/// 【申请延续】: 请求期限 短期 / 长期, from 3 months before 资格有效期至.
#[server(endpoint = "request_extension", input = Json)]
pub async fn request_extension(term: Term, reason: String) -> Result<RequestView, AppError> {
    svc::request_extension(&ctx()?, term, reason).await
}

/// 【事项变更】.
#[server(endpoint = "request_change", input = Json)]
pub async fn request_change(input: ChangeInput) -> Result<RequestView, AppError> {
    svc::request_change(&ctx()?, input).await
}

/// 【终止服务备案】: the end date at least 30 days ahead.
#[server(endpoint = "file_termination", input = Json)]
pub async fn file_termination(end_date: String, reason: String) -> Result<RequestView, AppError> {
    svc::file_termination(&ctx()?, end_date, reason).await
}

/// The officer's 待办 of requests at their tax office.
#[server(endpoint = "officer_requests")]
pub async fn officer_requests() -> Result<Vec<RequestQueueItem>, AppError> {
    svc::officer_requests(&ctx()?).await
}

#[server(endpoint = "officer_request")]
pub async fn officer_request(id: i64) -> Result<RequestCase, AppError> {
    svc::officer_request(&ctx()?, id).await
}

/// 受理 / 确认通过 / 退回 (a 资格延续's 确认通过 carries the granted 资格有效期至).
#[server(endpoint = "request_act", input = Json)]
pub async fn request_act(id: i64, version: i64, action: RequestAction, reason: String, granted_end: String) -> Result<Acted, AppError> {
    svc::act(&ctx()?, id, version, action, &reason, &granted_end).await
}
