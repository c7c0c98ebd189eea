//! Server-side use cases behind the server fns: authorize, apply the domain
//! rules, persist through the ports. Compiled only with the `ssr` feature.

pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod audit;
pub mod auth;
pub mod auth_request;
pub mod capability;
pub mod capability_grant;
pub mod invitation;
pub mod invite_link;
pub mod invoicers;
pub mod leqi;
pub mod lifecycle;
pub mod materials;
pub mod measure;
pub mod message;
pub mod relationship_report;
pub mod tax_desk;
pub mod upgrade_notice;
pub mod web;

use crate::error::AppError;
use crate::ports::{Ctx, StoreError};

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

use crate::error::AppResult;
