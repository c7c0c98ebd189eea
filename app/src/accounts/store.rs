//! Accounts, sessions, login flows, SMS challenges, the audit log and the SMS outbox (etax-login-guide).

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::accounts::rules::{GrantOutcome, PersonName};
use crate::kernel::Grants;
use crate::auth::rules::{Captcha, FailureCounter, SessionClock, SmsChallenge};
use crate::audit::rules::AuditRecord;
use crate::kernel::{CreditCode, IdNumber, Identity, MobilePhone, OfficerSession, Principal, Timestamp};

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
    async fn enterprise_by_taxpayer_number(&self, number: &crate::kernel::taxpayer_number::TaxpayerNumber) -> StoreResult<Option<EnterpriseLogin>>;
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
