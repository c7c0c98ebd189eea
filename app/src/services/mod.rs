//! Server-side use cases behind the server fns: authorize, apply the domain
//! rules, persist through the ports. Compiled only with the `ssr` feature.

pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod auth;
pub mod auth_request;
pub mod invitation;
pub mod invoicers;
pub mod leqi;
pub mod materials;
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
