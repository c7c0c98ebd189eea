//! What the server fns need from the outside world, as traits. The `server`
//! crate implements them (sqlx storage, argon2, SMS, captcha images); tests
//! can too. Nothing here knows SQL or HTTP.
//!
//! One module per workflow (its records and its store trait), re-exported here, so
//! `crate::ports::X` names every item; `Store` is all of them behind one object and
//! `Ctx` is what every server fn can reach.

mod access;
mod accounts;
mod api_credentials;
mod auth_request;
mod capability;
mod invitation;
mod invite_link;
mod invoicers;
mod lifecycle;
mod materials;
mod measure;
mod message;
mod outside;
mod rules;
mod security;
mod tax_desk;
mod upgrade_notice;

pub use access::*;
pub use accounts::*;
pub use api_credentials::*;
pub use auth_request::*;
pub use capability::*;
pub use invitation::*;
pub use invite_link::*;
pub use invoicers::*;
pub use lifecycle::*;
pub use materials::*;
pub use measure::*;
pub use message::*;
pub use outside::*;
pub use rules::*;
pub use security::*;
pub use tax_desk::*;
pub use upgrade_notice::*;

use std::sync::Arc;



#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Optimistic versioning: somebody changed the row first.
    #[error("conflict")]
    Conflict,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything persistent, behind one object.
pub trait Store: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + RulesStore + ApplicationStore + InvitationStore + InvoicerStore + ApiCredentialStore + MaterialStore + InviteLinkStore + SecurityStore + AuthRequestStore + CapabilityStore + LifecycleStore + MessageStore + UpgradeNoticeStore + MeasureStore + DeskStore + RelationshipReportStore {}
impl<T: AccountStore + ChallengeStore + SessionStore + AuditStore + OutboxStore + FlowStore + RulesStore + ApplicationStore + InvitationStore + InvoicerStore + ApiCredentialStore + MaterialStore + InviteLinkStore + SecurityStore + AuthRequestStore + CapabilityStore + LifecycleStore + MessageStore + UpgradeNoticeStore + MeasureStore + DeskStore + RelationshipReportStore> Store for T {}

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

