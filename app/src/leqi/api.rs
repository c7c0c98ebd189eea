//! The Leqi platform's own pages (【接入管理】 …): every server fn checks that
//! the user was granted the module, not only that the menu is hidden.

use leptos::prelude::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::leqi::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::leqi::model::*;

#[server(endpoint = "access_home")]
pub async fn access_home() -> Result<AccessHomeInfo, AppError> {
    svc::access_home(&ctx()?).await
}
