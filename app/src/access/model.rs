//! The data that `access::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::materials::model::MaterialInfo;
use crate::access::rules::{AccessAction, ApplicationStatus, CheckLine, QualificationItem};
use crate::materials::rules::MaterialRules;
use crate::kernel::TimelineEntry;
pub use crate::access::form::{AccessForm, PreInvite};

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
    /// The unit's 资格 status after 确认通过 (issue #13), when it has one.
    #[serde(default)]
    pub lifecycle: Option<crate::lifecycle::model::UnitLifecycle>,
}
