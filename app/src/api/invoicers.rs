//! 【接入管理】→【开票人员登记及管理】 (manual §4.5): a bound 联用类 use unit's
//! 开票员 registered to direct platforms.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::invitation::InvoicerChoice;
use crate::domain::invoicers::{InvoicerAccess, RegistrationAction};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{ctx, invoicers as svc};

/// A direct platform the unit is bound to as a 联用类 use unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformChoice {
    pub invitation_id: i64,
    pub direct_name: String,
    pub direct_code: String,
}

/// One registration as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub version: i64,
    pub invitation_id: i64,
    pub direct_name: String,
    pub direct_code: String,
    pub link_id: i64,
    pub person_name: String,
    /// 已登记 / 已解除登记
    pub state: String,
    pub active: bool,
    pub registered_by: String,
    pub registered_at: String,
    pub ended_by: Option<String>,
    pub ended_reason: Option<String>,
    pub ended_at: Option<String>,
    /// What the viewer may do to it now (`domain::invoicers::actions_for`).
    pub actions: Vec<RegistrationAction>,
    /// An 开票员 must give a reason.
    pub reason_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicersView {
    pub access: InvoicerAccess,
    pub platforms: Vec<PlatformChoice>,
    /// The unit's 开票员 (for 新增登记; empty for an 开票员).
    pub staff: Vec<InvoicerChoice>,
    pub rows: Vec<RegistrationRow>,
}

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
