//! What every server fn reaches (server side only): `Ctx` — the storage, blobs, SMS, captcha,
//! secrets and clock — and `Store`, every workflow's storage trait behind one object.
//! The `server` crate implements the traits (sqlx storage, argon2, SMS, captcha images).

pub mod outside;
pub mod web;

use std::sync::Arc;

pub use outside::*;
use crate::access::province_store::*;
use crate::access::store::*;
use crate::accounts::store::*;
use crate::api_credentials::store::*;
use crate::audit::store::*;
use crate::auth_request::store::*;
use crate::capability::store::*;
use crate::invitation::store::*;
use crate::invite_link::store::*;
use crate::invoicers::store::*;
use crate::lifecycle::store::*;
use crate::materials::store::*;
use crate::measure::store::*;
use crate::message::store::*;
use crate::tax_desk::store::*;
use crate::upgrade_notice::store::*;

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

use crate::error::{AppError, AppResult};
use crate::kernel::storage::StoreError;

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => AppError::Conflict,
            StoreError::Unavailable(cause) => {
                tracing::error!(%cause, "storage failure");
                AppError::Internal
            }
        }
    }
}

/// The server's context for this request.
pub fn ctx() -> Result<Ctx, AppError> {
    leptos::prelude::use_context::<Ctx>().ok_or_else(|| {
        tracing::error!("server fn called without Ctx in context");
        AppError::Internal
    })
}

/// argon2id verification off the async threads (it takes tens of milliseconds
/// of CPU; on the runtime it would stall every other request meanwhile).
pub(crate) async fn verify_password(ctx: &Ctx, password: &str, hash: &str) -> bool {
    let (secrets, password, hash) = (ctx.secrets.clone(), password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || secrets.verify_password(&password, &hash)).await.unwrap_or(false)
}

/// argon2id hashing off the async threads.
pub(crate) async fn hash_password(ctx: &Ctx, password: &str) -> AppResult<String> {
    let (secrets, password) = (ctx.secrets.clone(), password.to_string());
    tokio::task::spawn_blocking(move || secrets.hash_password(&password)).await.map_err(|e| {
        tracing::error!(error = %e, "password hashing task");
        AppError::Internal
    })
}

/// Every storage and outside-world trait, unnamed: `use app::context::store_traits::*;` puts
/// their methods in scope (tests and adapters that call many stores).
pub mod store_traits {
    pub use crate::access::province_store::RulesStore as _;
    pub use crate::access::store::ApplicationStore as _;
    pub use crate::accounts::store::AccountStore as _;
    pub use crate::accounts::store::AuditStore as _;
    pub use crate::accounts::store::ChallengeStore as _;
    pub use crate::accounts::store::FlowStore as _;
    pub use crate::accounts::store::OutboxStore as _;
    pub use crate::accounts::store::SessionStore as _;
    pub use crate::api_credentials::store::ApiCredentialStore as _;
    pub use crate::audit::store::SecurityStore as _;
    pub use crate::auth_request::store::AuthRequestStore as _;
    pub use crate::capability::store::CapabilityStore as _;
    pub use crate::context::outside::CaptchaImages as _;
    pub use crate::context::outside::Clock as _;
    pub use crate::context::outside::RealPersonCheck as _;
    pub use crate::context::outside::Secrets as _;
    pub use crate::context::outside::SmsGateway as _;
    pub use crate::invitation::store::InvitationStore as _;
    pub use crate::invite_link::store::InviteLinkStore as _;
    pub use crate::invoicers::store::InvoicerStore as _;
    pub use crate::lifecycle::store::LifecycleStore as _;
    pub use crate::lifecycle::store::RelationshipReportStore as _;
    pub use crate::materials::store::BlobStore as _;
    pub use crate::materials::store::MaterialStore as _;
    pub use crate::measure::store::MeasureStore as _;
    pub use crate::message::store::MessageStore as _;
    pub use crate::tax_desk::store::DeskStore as _;
    pub use crate::upgrade_notice::store::UpgradeNoticeStore as _;
}
