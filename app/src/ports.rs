//! What the server fns need from the outside world, as traits. The `server`
//! crate implements them (sqlx storage, argon2, SMS, captcha images); tests
//! can too. Nothing here knows SQL or HTTP.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::access::{AccessType, Applicant, ApplicationStatus, PastExit, ProvinceRules, UnitFigures};
use crate::domain::accounts::{GrantOutcome, Grants, PersonName};
use crate::domain::access::CheckLine;
use crate::domain::invitation::{AuthorizationRecord, InvitationStatus, InviteRowInput, Relationship};
use crate::domain::auth::{Captcha, FailureCounter, SessionClock, SmsChallenge};
use crate::domain::audit::AuditRecord;
use crate::domain::materials::{FileType, MaterialKind, MaterialOwner};
use crate::domain::{CreditCode, IdNumber, Identity, MobilePhone, OfficerSession, Principal, Timestamp};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Optimistic versioning: somebody changed the row first.
    #[error("conflict")]
    Conflict,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// An enterprise as the login sees it.
#[derive(Debug, Clone)]
pub struct EnterpriseLogin {
    pub id: i64,
    pub name: String,
    pub credit_code: CreditCode,
    pub password_hash: String,
}

/// A person bound to an enterprise with one identity (one row of 办税人员选择).
#[derive(Debug, Clone)]
pub struct BoundPerson {
    pub link_id: i64,
    pub person_id: i64,
    pub name: String,
    pub identity: Identity,
    pub phone: MobilePhone,
    /// The password for identity checks: the one set for this enterprise, else the person's own.
    pub password_hash: Option<String>,
    /// False once every permission was removed (授权信息): shown, but 未绑定企业.
    pub bound: bool,
}

/// A registered natural person (自然人注册 done).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewPerson {
    pub name: PersonName,
    pub id_number: IdNumber,
    pub phone: MobilePhone,
    pub password_hash: String,
    pub tax_office_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxOffice {
    pub id: i64,
    pub name: String,
    pub province_name: String,
}

/// One user of an enterprise as 授权信息 lists it.
#[derive(Debug, Clone)]
pub struct EnterpriseUser {
    pub link_id: i64,
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub identity: Identity,
    pub grants: Grants,
    pub bound: bool,
    pub source: LinkSource,
}

/// How a person came to be linked to an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSource {
    /// 在核心征管系统登记的法人、财务负责人及办税人
    Registry,
    /// 企业用户注册（办税人绑定企业）
    SelfBound,
    /// 授权信息-添加用户（企业绑定办税人）
    Added,
}

impl LinkSource {
    pub fn code(self) -> &'static str {
        match self {
            LinkSource::Registry => "registry",
            LinkSource::SelfBound => "self_bound",
            LinkSource::Added => "added",
        }
    }
    pub fn from_code(c: &str) -> Self {
        match c {
            "self_bound" => LinkSource::SelfBound,
            "added" => LinkSource::Added,
            _ => LinkSource::Registry,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LinkSource::Registry => "登记信息",
            LinkSource::SelfBound => "企业用户注册",
            LinkSource::Added => "添加用户",
        }
    }
}

/// A live session of a person, for 登录设备管理.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub token_hash: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub user_agent: String,
    pub enterprise_name: String,
}

/// A stored multi-step flow: its state (JSON of a domain enum) and version.
#[derive(Debug, Clone)]
pub struct StoredFlow {
    pub state: String,
    pub version: i64,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct OfficerLogin {
    pub session: OfficerSession,
    pub username: String,
    pub password_hash: String,
}

/// A login between the enterprise password and the person's identity check.
#[derive(Debug, Clone)]
pub struct LoginFlow {
    pub id: String,
    pub enterprise_id: i64,
    pub credit_code: String,
    pub created_at: Timestamp,
}

/// Who a new session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSubject {
    Taxpayer { link_id: i64 },
    Officer { officer_id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSms {
    pub phone: String,
    pub text: String,
    pub sent_at: Timestamp,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn enterprise_by_code(&self, code: &CreditCode) -> StoreResult<Option<EnterpriseLogin>>;
    /// By any 纳税人识别号 it logs in with: its credit code or its other 识别号 (15/17/18/20 characters).
    async fn enterprise_by_taxpayer_number(&self, number: &crate::domain::taxpayer_number::TaxpayerNumber) -> StoreResult<Option<EnterpriseLogin>>;
    async fn bound_people(&self, enterprise_id: i64) -> StoreResult<Vec<BoundPerson>>;
    async fn officer_by_username(&self, username: &str) -> StoreResult<Option<OfficerLogin>>;
    async fn enterprise_by_id(&self, id: i64) -> StoreResult<Option<EnterpriseLogin>>;
    async fn set_enterprise_password(&self, enterprise_id: i64, hash: &str) -> StoreResult<()>;
    async fn tax_offices(&self) -> StoreResult<Vec<TaxOffice>>;
    async fn person_by_phone(&self, phone: &str) -> StoreResult<Option<PersonRecord>>;
    async fn person_by_id_number(&self, id_number: &str) -> StoreResult<Option<PersonRecord>>;
    async fn person_by_id(&self, id: i64) -> StoreResult<Option<PersonRecord>>;
    /// A phone or ID number already registered is a `Conflict`.
    async fn insert_person(&self, person: &NewPerson, now: Timestamp) -> StoreResult<i64>;
    async fn set_person_password(&self, person_id: i64, hash: &str) -> StoreResult<()>;
    /// Every user linked to the enterprise, bound or not.
    async fn enterprise_users(&self, enterprise_id: i64) -> StoreResult<Vec<EnterpriseUser>>;
    /// Binds (or binds again) a person with an identity and all of `grants`.
    #[allow(clippy::too_many_arguments)]
    async fn bind_person(&self, enterprise_id: i64, person_id: i64, identity: Identity, source: LinkSource, password_hash: Option<&str>, grants: &Grants, now: Timestamp) -> StoreResult<i64>;
    /// Applies new grants to a user of that enterprise, or unbinds them (and
    /// ends their sessions), in one transaction. False when no such user.
    async fn apply_grants(&self, enterprise_id: i64, link_id: i64, outcome: &GrantOutcome) -> StoreResult<bool>;
    /// The link's own password (set by 添加用户), if it has one.
    async fn link_has_password(&self, link_id: i64) -> StoreResult<bool>;
    async fn set_link_password(&self, link_id: i64, hash: &str) -> StoreResult<()>;
    /// "lianyong" / "ziyong" / "tayong" for a direct unit.
    async fn direct_unit_type(&self, enterprise_id: i64) -> StoreResult<Option<String>>;
}

#[async_trait]
pub trait FlowStore: Send + Sync {
    async fn insert_flow(&self, id: &str, kind: &str, state: &str, now: Timestamp) -> StoreResult<()>;
    async fn flow(&self, id: &str, kind: &str) -> StoreResult<Option<StoredFlow>>;
    /// Optimistic: fails with `Conflict` when the version moved on.
    async fn update_flow(&self, id: &str, state: &str, expected_version: i64) -> StoreResult<()>;
    async fn delete_flow(&self, id: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait ChallengeStore: Send + Sync {
    async fn failure_counter(&self, key: &str) -> StoreResult<FailureCounter>;
    async fn save_failure_counter(&self, key: &str, counter: FailureCounter) -> StoreResult<()>;
    async fn insert_captcha(&self, id: &str, captcha: &Captcha) -> StoreResult<()>;
    /// Marks the captcha used and returns it as it was before — single use even under races.
    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>>;
    async fn insert_login_flow(&self, flow: &LoginFlow) -> StoreResult<()>;
    async fn login_flow(&self, id: &str) -> StoreResult<Option<LoginFlow>>;
    async fn delete_login_flow(&self, id: &str) -> StoreResult<()>;
    /// The newest SMS challenge for a purpose key (e.g. a login flow + person).
    async fn latest_sms(&self, key: &str) -> StoreResult<Option<SmsChallenge>>;
    async fn insert_sms(&self, key: &str, challenge: &SmsChallenge) -> StoreResult<()>;
    /// Marks the newest unused challenge used; false when it was already used (a race lost).
    async fn use_sms(&self, key: &str) -> StoreResult<bool>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(&self, token_hash: &str, subject: SessionSubject, user_agent: &str, now: Timestamp) -> StoreResult<()>;
    /// The principal behind a session, resolved afresh (an unbound person has none).
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Principal, SessionClock)>>;
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
    /// The person's sessions in every enterprise, newest first.
    async fn sessions_of_person(&self, person_id: i64) -> StoreResult<Vec<SessionRecord>>;
    async fn delete_sessions_of_person(&self, person_id: i64) -> StoreResult<()>;
    async fn delete_sessions_of_enterprise(&self, enterprise_id: i64) -> StoreResult<()>;
}

#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, record: &AuditRecord) -> StoreResult<()>;
    async fn recent_audit(&self, limit: u32) -> StoreResult<Vec<AuditRecord>>;
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn push_outbox(&self, sms: &OutboxSms) -> StoreResult<()>;
    async fn outbox(&self, limit: u32) -> StoreResult<Vec<OutboxSms>>;
}

/// A unit's registry data (核心征管系统) as the access conditions see it.
#[derive(Debug, Clone)]
pub struct RegistryProfile {
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub province_code: String,
    pub applicant: Applicant,
    pub exit: Option<PastExit>,
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
    async fn transition(&self, id: i64, expected_version: i64, to: &ApplicationStatus, event: &ApplicationEvent, confirmation: Option<&Confirmation>, audit: &AuditRecord) -> StoreResult<i64>;
    async fn events(&self, application_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Applications in a status at a tax office (受理/复核) or in a province (确认), oldest first.
    async fn queue(&self, status_code: &str, tax_office_id: Option<i64>, province_code: &str, limit: u32) -> StoreResult<Vec<StoredApplication>>;
}

pub use crate::domain::invitation::BatchSource;

/// A row that could not be invited, with the reason (邀请失败记录).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailedRow {
    /// The row number in the form or the Excel sheet.
    pub row_no: u32,
    pub input: InviteRowInput,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct NewBatch {
    pub direct_enterprise_id: i64,
    pub source: BatchSource,
    pub file_name: String,
    pub proof_material_id: Option<i64>,
    pub created_by: String,
    pub rows_total: u32,
    pub failures: Vec<FailedRow>,
}

#[derive(Debug, Clone)]
pub struct StoredBatch {
    pub id: i64,
    pub direct_enterprise_id: i64,
    pub source: BatchSource,
    pub file_name: String,
    pub proof_material_id: Option<i64>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub rows_total: u32,
    pub rows_ok: u32,
    pub rows_failed: u32,
    pub failures: Vec<FailedRow>,
}

/// An invitation ready to be stored (every check passed).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub use_enterprise_id: i64,
    pub use_code: String,
    pub use_name: String,
    pub use_tax_office_id: i64,
    pub province_code: String,
    pub relationship: Relationship,
    pub pre_authorize: bool,
    /// 联用类: the 接入备案 lines.
    pub filing: Option<Vec<CheckLine>>,
    pub status: InvitationStatus,
    pub previous_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct StoredInvitation {
    pub id: i64,
    pub batch_id: i64,
    pub direct_enterprise_id: i64,
    pub use_enterprise_id: i64,
    pub use_code: String,
    pub use_name: String,
    pub use_tax_office_id: i64,
    pub province_code: String,
    pub relationship: Relationship,
    pub pre_authorize: bool,
    /// 联用类: the 接入备案 lines.
    pub filing: Option<Vec<CheckLine>>,
    pub status: InvitationStatus,
    pub version: i64,
    pub previous_id: Option<i64>,
    pub proof_material_id: Option<i64>,
    /// 联用类 授权: the configuration once authorized.
    pub authorization: Option<AuthorizationRecord>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// 【邀请状态】 filter, search and keyset paging of 查看详情.
#[derive(Debug, Clone, Default)]
pub struct InvitationFilter {
    pub status_code: Option<String>,
    /// A full credit code matches exactly; anything else matches part of the name or code.
    pub search: Option<String>,
    pub batch_id: Option<i64>,
    /// Newest first: only ids below this.
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Of these use-unit codes, those with an open (pending or bound) invitation from the direct unit.
    async fn open_invitation_codes(&self, direct_enterprise_id: i64, codes: &[String]) -> StoreResult<Vec<String>>;
    /// Registry data of many units at once, by credit code.
    async fn registry_by_codes(&self, codes: &[String]) -> StoreResult<Vec<RegistryUnit>>;
    /// The batch, all its invitations, its proof material (attached when new) and the
    /// audit record in one transaction: all or nothing. `Conflict` when one of the pairs got an open invitation meanwhile.
    async fn create_batch(&self, batch: &NewBatch, invitations: &[NewInvitation], now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
    async fn batches(&self, direct_enterprise_id: i64, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredBatch>>;
    async fn batch(&self, id: i64) -> StoreResult<Option<StoredBatch>>;
    async fn invitations(&self, direct_enterprise_id: i64, filter: &InvitationFilter) -> StoreResult<Vec<StoredInvitation>>;
    /// How many match (ignoring paging), counting at most `cap`.
    async fn count_invitations(&self, direct_enterprise_id: i64, filter: &InvitationFilter, cap: u32) -> StoreResult<u32>;
    async fn invitation(&self, id: i64) -> StoreResult<Option<StoredInvitation>>;
    async fn invitations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredInvitation>>;
    /// Moves the invitation if it is still at `expected_version`, with its event, its
    /// audit record and (授权) the authorization and the 开票员's registrations, in
    /// one transaction. Returns the new version.
    async fn transition_invitation(&self, id: i64, expected_version: i64, change: &InvitationChange<'_>) -> StoreResult<i64>;
    /// 变更关系证明材料: the new material (and, when it is new, attached to
    /// `attach` = (the uploading unit, the owner)), the event and the audit record, in one transaction.
    async fn set_invitation_proof(&self, id: i64, expected_version: i64, material_id: i64, attach: Option<(i64, MaterialOwner)>, event: &ApplicationEvent, audit: &AuditRecord) -> StoreResult<i64>;
    async fn invitation_events(&self, invitation_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Whether an invitation carrying this proof material involves the unit (as
    /// either party) or sits at the tax office.
    async fn proof_visible(&self, material_id: i64, enterprise_id: Option<i64>, tax_office_id: Option<i64>) -> StoreResult<bool>;
    /// Invitations waiting at one tax office's desk, oldest first.
    async fn invitation_queue(&self, status_code: &str, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredInvitation>>;
}

/// One step of an invitation: the new status, its timeline event and audit record,
/// and for 授权 the configuration and the registrations it creates.
#[derive(Debug, Clone)]
pub struct InvitationChange<'a> {
    pub to: &'a InvitationStatus,
    pub event: &'a ApplicationEvent,
    pub audit: &'a AuditRecord,
    pub authorization: Option<&'a AuthorizationRecord>,
    pub registrations: &'a [NewRegistration],
}

/// The province rules (conditions, materials, filing, verification periods),
/// read by every workflow that needs them.
#[async_trait]
pub trait RulesStore: Send + Sync {
    async fn province_rules(&self, province_code: &str) -> StoreResult<Option<ProvinceRules>>;
    async fn put_province_rules(&self, rules: &ProvinceRules, now: Timestamp) -> StoreResult<()>;
}

/// A unit as the registry knows it, for checking invitation rows.
#[derive(Debug, Clone)]
pub struct RegistryUnit {
    pub credit_code: String,
    pub enterprise_id: i64,
    pub name: String,
    pub tax_office_id: i64,
    pub province_code: String,
    /// 省级税务机关, e.g. 国家税务总局四川省税务局
    pub bureau_name: String,
    /// What 接入备案 reads.
    pub applicant: Applicant,
    /// The unit is itself a direct unit.
    pub direct_unit: bool,
}

/// An API credential of a direct unit (使用单位管理能力). Its secret is never
/// stored: it is derived from the server's master key, the app id and `salt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCredential {
    pub id: i64,
    pub app_id: String,
    pub enterprise_id: i64,
    /// Changes on every 重置密钥 (so the old secret stops working).
    pub salt: String,
    /// A short hash of the current secret, shown so a holder can tell which secret is current.
    pub fingerprint: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub rotated_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewApiCredential {
    pub app_id: String,
    pub enterprise_id: i64,
    pub salt: String,
    pub fingerprint: String,
    pub created_by: String,
}

#[async_trait]
pub trait ApiCredentialStore: Send + Sync {
    /// `Conflict` when the app id exists.
    async fn insert_api_credential(&self, c: &NewApiCredential, now: Timestamp) -> StoreResult<ApiCredential>;
    /// The unit's credentials, newest first.
    async fn api_credentials(&self, enterprise_id: i64) -> StoreResult<Vec<ApiCredential>>;
    async fn api_credential(&self, app_id: &str) -> StoreResult<Option<ApiCredential>>;
    /// A new salt and fingerprint if still at `expected_version` and not revoked (else `Conflict`).
    async fn rotate_api_credential(&self, id: i64, expected_version: i64, salt: &str, fingerprint: &str, now: Timestamp) -> StoreResult<i64>;
    /// Revoked for good if still at `expected_version` (else `Conflict`).
    async fn revoke_api_credential(&self, id: i64, expected_version: i64, by: &str, now: Timestamp) -> StoreResult<i64>;
    /// Records a request nonce; false when (app id, nonce) was used before —
    /// decided by a unique key, so it holds across several server processes.
    async fn use_api_nonce(&self, app_id: &str, nonce: &str, expires_at: Timestamp) -> StoreResult<bool>;
    /// Forgets nonces whose requests are stale anyway; returns how many.
    async fn purge_api_nonces(&self, now: Timestamp) -> StoreResult<u64>;
    /// The form (JSON) of the unit's newest 确认通过 access application: its filed IPs.
    async fn confirmed_access_form(&self, enterprise_id: i64) -> StoreResult<Option<String>>;
}

/// 开票人员登记 (manual §4.5): a use unit's 开票员 bound to one direct platform.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub invitation_id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    /// The 开票员's link (enterprise_people).
    pub link_id: i64,
    pub person_name: String,
    /// Who registered (name and identity), or 授权 by whom.
    pub registered_by: String,
}

#[derive(Debug, Clone)]
pub struct StoredRegistration {
    pub id: i64,
    pub invitation_id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub link_id: i64,
    pub person_name: String,
    pub registered_by: String,
    pub registered_at: Timestamp,
    pub state: crate::domain::invoicers::RegistrationState,
    pub version: i64,
}

#[async_trait]
pub trait InvoicerStore: Send + Sync {
    /// The use unit's registrations (active and ended), newest first.
    async fn registrations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredRegistration>>;
    async fn registration(&self, id: i64) -> StoreResult<Option<StoredRegistration>>;
    /// The registration and its audit record in one transaction. `Conflict` when the
    /// 开票员 is already registered to that invitation.
    async fn register_invoicer(&self, r: &NewRegistration, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
    /// Moves a registration if it is still at `expected_version`, with its audit
    /// record, in one transaction. Returns the new version.
    async fn end_registration(&self, id: i64, expected_version: i64, to: &crate::domain::invoicers::RegistrationState, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64>;
}

pub use crate::ports_security::*;

/// Everything persistent, behind one object.
pub trait Store: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + RulesStore + ApplicationStore + InvitationStore + InvoicerStore + ApiCredentialStore + MaterialStore + InviteLinkStore + SecurityStore + AuthRequestStore {}
impl<T: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + RulesStore + ApplicationStore + InvitationStore + InvoicerStore + ApiCredentialStore + MaterialStore + InviteLinkStore + SecurityStore + AuthRequestStore> Store for T {}

/// A use unit's 授权申请 to a direct unit, ready to be stored.
#[derive(Debug, Clone)]
pub struct NewAuthRequest {
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub relationship: Relationship,
    pub proof_material_id: Option<i64>,
    /// 自用类: the use-unit conditions' lines (JSON) as checked on request.
    pub checks: Option<String>,
    pub created_by: String,
}

#[derive(Debug, Clone)]
pub struct StoredAuthRequest {
    pub id: i64,
    pub use_enterprise_id: i64,
    pub direct_enterprise_id: i64,
    pub relationship: Relationship,
    pub proof_material_id: Option<i64>,
    pub checks: Option<String>,
    pub status: crate::domain::auth_request::RequestStatus,
    pub version: i64,
    pub created_by: String,
    pub decided_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// 授权申请 storage: every change in one transaction with its audit record and optimistic versioning.
#[async_trait]
pub trait AuthRequestStore: Send + Sync {
    /// A pending request (Conflict when the pair already has a pending one).
    async fn create_auth_request(&self, r: &NewAuthRequest, audit: &AuditRecord, now: Timestamp) -> StoreResult<StoredAuthRequest>;
    async fn auth_request(&self, id: i64) -> StoreResult<Option<StoredAuthRequest>>;
    /// The use unit's requests, newest first.
    async fn auth_requests_of_use_unit(&self, use_enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredAuthRequest>>;
    /// The requests a direct unit received (optionally one status), newest first, ids below `before_id`.
    async fn auth_requests_to(&self, direct_enterprise_id: i64, status_code: Option<&str>, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredAuthRequest>>;
    /// 拒绝 or 撤回: the new status at `version`.
    async fn decide_auth_request(&self, id: i64, version: i64, to: &crate::domain::auth_request::RequestStatus, by: &str, audit: &AuditRecord, now: Timestamp) -> StoreResult<()>;
    /// 同意: the invitation (its own batch, carrying the proof) and the request's
    /// 已同意 in one transaction; returns the invitation's id.
    async fn agree_auth_request(&self, id: i64, version: i64, by: &str, batch: &NewBatch, invitation: &NewInvitation, audit: &AuditRecord, now: Timestamp) -> StoreResult<i64>;
    /// Whether a request sent to `enterprise_id` (or from it) carries this proof.
    async fn auth_request_proof_visible(&self, material_id: i64, enterprise_id: i64) -> StoreResult<bool>;
}
/// An uploaded material's metadata (the contents are in the `BlobStore`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMaterial {
    pub id: i64,
    /// The uploader's unit: the only unit that may read or delete it.
    pub enterprise_id: i64,
    pub owner: MaterialOwner,
    pub kind: MaterialKind,
    pub file_name: String,
    /// Sniffed from the bytes at upload.
    pub file_type: FileType,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_by: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMaterial {
    pub enterprise_id: i64,
    pub kind: MaterialKind,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_by: String,
}

#[async_trait]
pub trait MaterialStore: Send + Sync {
    /// A new material, unattached.
    async fn insert_material(&self, m: &NewMaterial, now: Timestamp) -> StoreResult<StoredMaterial>;
    async fn material(&self, id: i64) -> StoreResult<Option<StoredMaterial>>;
    /// The materials attached to an owner, in upload order.
    async fn materials_of(&self, owner: MaterialOwner) -> StoreResult<Vec<StoredMaterial>>;
    /// Attaches an unattached material of `enterprise_id` to `owner`; false when
    /// there is no such unattached material of that unit.
    async fn attach_material(&self, id: i64, enterprise_id: i64, owner: MaterialOwner) -> StoreResult<bool>;
    /// Attaches copies of `from`'s materials (same contents) to `to`; returns how many.
    async fn copy_materials(&self, from: MaterialOwner, to: MaterialOwner, now: Timestamp) -> StoreResult<u64>;
    /// Removes a material's row. Returns its object key when no other row uses it
    /// (the contents may then go), None otherwise.
    async fn delete_material(&self, id: i64) -> StoreResult<Option<String>>;
}

/// Where materials' contents live: object storage (a local folder by default).
#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> StoreResult<()>;
    /// None when there is no such object.
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn delete(&self, key: &str) -> StoreResult<()>;
}


/// 实人认证 (real-person verification: face scan by 微信/支付宝 in the guide).
/// Demo mode: the person confirms on screen.
#[async_trait]
pub trait RealPersonCheck: Send + Sync {
    async fn verify(&self, name: &str, id_number: &str) -> Result<(), String>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SMS not sent: {0}")]
pub struct SmsError(pub String);

#[async_trait]
pub trait SmsGateway: Send + Sync {
    async fn send(&self, phone: &MobilePhone, text: &str, now: Timestamp) -> Result<(), SmsError>;
}

pub trait CaptchaImages: Send + Sync {
    /// A fresh answer (random, or fixed for tests in demo mode).
    fn new_answer(&self) -> String;
    /// The answer drawn as an image, as a `data:image/png;base64,…` URL.
    fn render(&self, answer: &str) -> String;
}

/// Randomness and one-way functions.
pub trait Secrets: Send + Sync {
    /// 32 random bytes as URL-safe text (session tokens, ids).
    fn random_token(&self) -> String;
    fn random_u32(&self) -> u32;
    /// argon2id.
    fn hash_password(&self, password: &str) -> String;
    /// False for a wrong password. An empty `hash` (unknown account) still
    /// costs one full verification, so timing does not tell accounts apart.
    fn verify_password(&self, password: &str, hash: &str) -> bool;
    /// A fast one-way hash of a session token, for storage.
    fn hash_token(&self, token: &str) -> String;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Demo data, the SMS outbox page, an optional fixed captcha for tests.
    Demo,
    Production,
}

/// What every server fn can reach, provided as Leptos context by the server.
#[derive(Clone)]
pub struct Ctx {
    pub store: Arc<dyn Store>,
    /// Materials' contents.
    pub blobs: Arc<dyn BlobStore>,
    pub sms: Arc<dyn SmsGateway>,
    pub captcha: Arc<dyn CaptchaImages>,
    pub secrets: Arc<dyn Secrets>,
    pub clock: Arc<dyn Clock>,
    pub real_person: Arc<dyn RealPersonCheck>,
    pub mode: Mode,
    /// Set the `Secure` attribute on cookies (the site is served over https).
    pub secure_cookies: bool,
    /// 使用单位管理能力 (the signed API).
    pub api: ApiSettings,
    pub links: LinkSettings,
}

/// 邀请链接 (`domain::invite_link`): where the site is reached from outside, and for how long a link works.
#[derive(Clone)]
pub struct LinkSettings {
    /// The site's address as users' phones reach it, without a trailing slash
    /// (`LEQI_PUBLIC_URL`, default `http://` + `LEQI_ADDR`).
    pub public_url: Arc<str>,
    /// `LEQI_INVITE_LINK_DAYS` (default 7).
    pub ttl_days: u32,
}

/// One SMS waiting in the queue (邀请链接 notices; sent by the notifier job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSms {
    pub id: i64,
    pub phone: String,
    pub text: String,
    pub attempts: u32,
}

/// 邀请链接 and their SMS queue (see `domain::invite_link`).
#[async_trait]
pub trait InviteLinkStore: Send + Sync {
    /// Stores the link of its invitation, replacing the one before (【重新生成】:
    /// the old token stops working at once).
    async fn put_invite_link(&self, link: &crate::domain::invite_link::InviteLink, token_hash: &str) -> StoreResult<()>;
    /// Stores the link unless the invitation already has one for the same step;
    /// false when it had (another server process got there first).
    async fn add_invite_link(&self, link: &crate::domain::invite_link::InviteLink, token_hash: &str) -> StoreResult<bool>;
    async fn invite_link(&self, invitation_id: i64) -> StoreResult<Option<crate::domain::invite_link::InviteLink>>;
    async fn invite_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<crate::domain::invite_link::InviteLink>>;
    /// Ids of invitations that wait for their use unit and have no link for that step yet, oldest first.
    async fn invitations_without_link(&self, limit: u32) -> StoreResult<Vec<i64>>;
    /// Queues an SMS unless `phone` already got one for this invitation on `day`:
    /// false then (at most one per person per invitation per day).
    async fn queue_invite_sms(&self, invitation_id: i64, phone: &str, day: i64, text: &str, now: Timestamp) -> StoreResult<bool>;
    /// Queued SMS not yet sent, oldest first, tried fewer than `max_attempts` times.
    async fn queued_sms(&self, limit: u32, max_attempts: u32) -> StoreResult<Vec<QueuedSms>>;
    /// Sent: the text (it holds a link) is cleared.
    async fn sms_sent(&self, id: i64, now: Timestamp) -> StoreResult<()>;
    async fn sms_failed(&self, id: i64, now: Timestamp) -> StoreResult<()>;
    /// Counts one more miss for `key` (atomically) and returns the count.
    async fn count_link_miss(&self, key: &str, now: Timestamp) -> StoreResult<u32>;
    /// Takes or renews the lease of a periodic job until `until`: true when
    /// `holder` has it (one server process runs the job at a time).
    async fn take_lease(&self, job: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool>;
}

/// Settings of the signed API (`/openapi/v1/`).
#[derive(Clone)]
pub struct ApiSettings {
    /// Every credential's secret is derived from this key (`LEQI_API_MASTER_KEY`).
    pub master_key: Arc<[u8]>,
    /// A trusted proxy is in front: the client address is the last entry of
    /// `X-Forwarded-For` rather than the socket peer (`LEQI_TRUST_PROXY`).
    pub trust_forwarded_for: bool,
}
