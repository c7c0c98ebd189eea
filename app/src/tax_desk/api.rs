//! The tax console's 【已办】 and 【单位查询】 → 【单位档案】 (officers, within their jurisdiction).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::tax_desk::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::tax_desk::model::*;

/// 【已办】: this officer's decisions, newest first; `before`: the previous page's `next`.
#[server(endpoint = "tax_done", input = Json)]
pub async fn tax_done(before: Option<Cursor>, limit: Option<u32>) -> Result<DonePage, AppError> {
    svc::done(&ctx()?, before, limit).await
}

/// 【单位查询】: by 统一社会信用代码 or part of the name.
#[server(endpoint = "tax_unit_search")]
pub async fn tax_unit_search(query: String) -> Result<Vec<UnitHit>, AppError> {
    svc::find(&ctx()?, &query).await
}

/// 【单位档案】: the unit and its status with the next deadline.
#[server(endpoint = "tax_unit_file")]
pub async fn tax_unit_file(credit_code: String) -> Result<UnitFileHead, AppError> {
    svc::file_head(&ctx()?, &credit_code).await
}

/// One section of 【单位档案】; `before`: the previous page's `next` (【更多】).
#[server(endpoint = "tax_unit_section", input = Json)]
pub async fn tax_unit_section(credit_code: String, section: FileSection, before: Option<Cursor>, limit: Option<u32>) -> Result<FilePage, AppError> {
    svc::file_section(&ctx()?, &credit_code, section, before, limit).await
}
