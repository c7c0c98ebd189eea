//! 接入申请 (manual §3.3): registry figures, applications and their timeline.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::access::rules::{Applicant, ApplicationStatus, UnitFigures};
use crate::kernel::AccessType;
use crate::kernel::ExitRecord;
use crate::audit::rules::AuditRecord;
use crate::kernel::{CreditCode, Timestamp};

/// A unit's registry data (核心征管系统) as the access conditions see it.
#[derive(Debug, Clone)]
pub struct RegistryProfile {
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub province_code: String,
    pub applicant: Applicant,
    /// The latest exit (主动退出 / 责令退出 / 到期终止); the ban is derived from it.
    pub exit: Option<ExitRecord>,
    /// A 终止服务备案 is filed: its end date (no new use units from filing on).
    pub terminating_on: Option<String>,
    pub direct_unit: Option<AccessType>,
    /// "YYYY-12-31" once confirmed as a direct unit.
    pub qualification_end: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StoredApplication {
    pub id: i64,
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub province_code: String,
    pub status: ApplicationStatus,
    /// The application form as JSON (drafts may be incomplete).
    pub form: String,
    pub version: i64,
    pub previous_id: Option<i64>,
    pub created_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
}

/// One step of an application's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationEvent {
    pub at: Timestamp,
    pub actor: String,
    pub actor_unit: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
}

/// What confirming makes of the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub access_type: AccessType,
    /// "YYYY-12-31"
    pub qualification_end: String,
}

#[async_trait]
pub trait ApplicationStore: Send + Sync {
    async fn registry_profile(&self, enterprise_id: i64) -> StoreResult<Option<RegistryProfile>>;
    /// The registry figures of a unit by credit code (pre-invited use units).
    async fn figures_by_code(&self, code: &CreditCode) -> StoreResult<Option<(String, UnitFigures)>>;
    async fn latest_application(&self, enterprise_id: i64) -> StoreResult<Option<StoredApplication>>;
    async fn application(&self, id: i64) -> StoreResult<Option<StoredApplication>>;
    async fn create_application(&self, enterprise_id: i64, tax_office_id: i64, province_code: &str, form: &str, previous_id: Option<i64>, now: Timestamp) -> StoreResult<StoredApplication>;
    /// Saves a draft's form if it is still at `expected_version`, with its audit
    /// record, in one transaction; returns the new version.
    async fn save_form(&self, id: i64, enterprise_id: i64, form: &str, expected_version: i64, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
    /// Moves the application to `to` if it is still at `expected_version`, records the
    /// event and the audit record, and on confirmation makes the unit a direct unit —
    /// in one transaction. `Conflict` when somebody else moved it first. Returns the new version.
    async fn transition(&self, id: i64, expected_version: i64, to: &ApplicationStatus, event: &ApplicationEvent, confirmation: Option<&Confirmation>, audit: &AuditRecord, messages: &[crate::message::rules::NewMessage]) -> StoreResult<i64>;
    async fn events(&self, application_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Applications in a status at a tax office (受理/复核) or in a province (确认), oldest first.
    async fn queue(&self, status_code: &str, tax_office_id: Option<i64>, province_code: &str, limit: u32) -> StoreResult<Vec<StoredApplication>>;
}
