//! What the server fns need from the outside world, as traits. The `server`
//! crate implements them (sqlx storage, argon2, SMS, captcha images); tests
//! can too. Nothing here knows SQL or HTTP.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::auth::{Captcha, FailureCounter, SessionClock, SmsChallenge};
use crate::domain::audit::AuditRecord;
use crate::domain::{CreditCode, Identity, MobilePhone, OfficerSession, Principal, Timestamp};

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
    async fn insert_session(&self, token_hash: &str, subject: SessionSubject, now: Timestamp) -> StoreResult<()>;
    /// The principal behind a session, resolved afresh (an unbound person has none).
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Principal, SessionClock)>>;
    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
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

/// Everything persistent, behind one object.
pub trait Store: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore {}
impl<T: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore> Store for T {}

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
    pub sms: Arc<dyn SmsGateway>,
    pub captcha: Arc<dyn CaptchaImages>,
    pub secrets: Arc<dyn Secrets>,
    pub clock: Arc<dyn Clock>,
    pub mode: Mode,
    /// Set the `Secure` attribute on cookies (the site is served over https).
    pub secure_cookies: bool,
}
