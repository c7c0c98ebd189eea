//! The Leqi platform's own pages (【接入管理】 …): every server fn checks that
//! the user was granted the module, not only that the menu is hidden.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{ctx, leqi as svc};

/// What 【接入管理】 shows about the signed-in unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessHomeInfo {
    pub enterprise_name: String,
    pub credit_code: String,
    /// "乐企联用" / "乐企自用" when the unit is a direct unit.
    pub direct_unit: Option<String>,
}

#[server(endpoint = "access_home")]
pub async fn access_home() -> Result<AccessHomeInfo, AppError> {
    svc::access_home(&ctx()?).await
}
