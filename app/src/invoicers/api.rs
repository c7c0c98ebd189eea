//! 【接入管理】→【开票人员登记及管理】 (manual §4.5): a bound 联用类 use unit's
//! 开票员 registered to direct platforms.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::invoicers::rules::RegistrationAction;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::invoicers::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::invoicers::model::*;

/// The page: refused unless the unit has a bound 联用类 invitation; a 办税员 is refused.
#[server(endpoint = "invoicer_registrations")]
pub async fn invoicer_registrations() -> Result<InvoicersView, AppError> {
    svc::overview(&ctx()?).await
}

/// 新增登记 (法定代表人 / 财务负责人): an 开票员 and the direct platform to bind.
#[server(endpoint = "register_invoicer")]
pub async fn register_invoicer(invitation_id: i64, link_id: i64) -> Result<InvoicersView, AppError> {
    svc::register(&ctx()?, invitation_id, link_id).await
}

/// One of `RegistrationRow::actions`: 解除登记 (principals any registration, an
/// 开票员 their own with a reason).
#[server(endpoint = "registration_act", input = Json)]
pub async fn registration_act(id: i64, version: i64, action: RegistrationAction, reason: String) -> Result<InvoicersView, AppError> {
    svc::act(&ctx()?, id, version, action, reason).await
}
