//! 【接入管理】→【接入申请】 (manual §3.3) and its tax-authority processing.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::api::materials::MaterialInfo;
use crate::api::Acted;
use crate::domain::access::{AccessAction, AccessType, ApplicationStatus, CheckLine, QualificationItem};
use crate::domain::materials::MaterialRules;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{access as svc, ctx};

/// 确认单位信息: the unit's registered data (核心征管系统).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInfo {
    pub enterprise_name: String,
    pub credit_code: String,
    pub legal_representative: String,
    pub tax_office_name: String,
    pub province_name: String,
    pub credit_grade: String,
    pub digital_invoice_pilot: bool,
    pub direct_unit: Option<String>,
    pub qualification_end: Option<String>,
}

pub use crate::domain::access_form::{AccessForm, PreInvite};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub actor_unit: String,
    pub action: String,
    pub to: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub id: i64,
    pub version: i64,
    pub status: ApplicationStatus,
    pub form: AccessForm,
    pub items: Vec<QualificationItem>,
    pub timeline: Vec<TimelineEntry>,
    pub next_actor: Option<String>,
    /// 申请材料 uploaded so far.
    pub materials: Vec<MaterialInfo>,
    /// What the province asks for (the 授权委托书 depends on `form.built_by_authorized`).
    pub material_rules: MaterialRules,
    /// What the viewing officer may do now (empty for the applicant).
    pub actions: Vec<AccessAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSummary {
    pub unit: UnitInfo,
    pub current: Option<ApplicationView>,
    /// 【我要申请】 is offered (no active application, no re-application ban).
    pub can_apply: bool,
    pub ban_until: Option<String>,
}

/// The answer to 【下一步】 on 确认单位信息.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitCheck {
    pub lines: Vec<CheckLine>,
    /// The new draft when the check passed.
    pub draft: Option<ApplicationView>,
}

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

/// One row of an officer's work queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub access_type: String,
    pub status: String,
    pub submitted_at: String,
}

/// What an officer sees of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFile {
    pub application: ApplicationView,
    pub unit: UnitInfo,
    /// 基础信息核验 with the pre-invited use units.
    pub checks: Vec<CheckLine>,
    /// Whether this officer's desk decides now.
    pub can_decide: bool,
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
