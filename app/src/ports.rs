//! What the server fns need from the outside world, as traits. The `server`
//! crate implements them (sqlx storage, argon2, SMS, captcha images); tests
//! can too. Nothing here knows SQL or HTTP.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::access::{AccessType, Applicant, ApplicationStatus, PastExit, ProvinceRules, UnitFigures};
use crate::domain::accounts::{GrantOutcome, Grants, PersonName};
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
    async fn province_rules(&self, province_code: &str) -> StoreResult<Option<ProvinceRules>>;
    async fn put_province_rules(&self, rules: &ProvinceRules, now: Timestamp) -> StoreResult<()>;
    async fn latest_application(&self, enterprise_id: i64) -> StoreResult<Option<StoredApplication>>;
    async fn application(&self, id: i64) -> StoreResult<Option<StoredApplication>>;
    async fn create_application(&self, enterprise_id: i64, tax_office_id: i64, province_code: &str, form: &str, previous_id: Option<i64>, now: Timestamp) -> StoreResult<StoredApplication>;
    /// Saves a draft's form if it is still at `expected_version`; returns the new version.
    async fn save_form(&self, id: i64, enterprise_id: i64, form: &str, expected_version: i64, now: Timestamp) -> StoreResult<i64>;
    /// Moves the application to `to` if it is still at `expected_version`, records the
    /// event, and on confirmation makes the unit a direct unit — in one transaction.
    /// `Conflict` when somebody else moved it first. Returns the new version.
    async fn transition(&self, id: i64, expected_version: i64, to: &ApplicationStatus, event: &ApplicationEvent, confirmation: Option<&Confirmation>) -> StoreResult<i64>;
    async fn events(&self, application_id: i64) -> StoreResult<Vec<ApplicationEvent>>;
    /// Applications in a status at a tax office (受理/复核) or in a province (确认), oldest first.
    async fn queue(&self, status_code: &str, tax_office_id: Option<i64>, province_code: &str, limit: u32) -> StoreResult<Vec<StoredApplication>>;
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

/// Everything persistent, behind one object.
pub trait Store: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + ApplicationStore + MaterialStore {}
impl<T: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + ApplicationStore + MaterialStore> Store for T {}

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
}
