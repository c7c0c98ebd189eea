//! 版本升级通知: the province publishes, the direct unit marks 已完成改造, the tax console
//! lists who is overdue.

use leptos::prelude::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::upgrade_notice::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::upgrade_notice::model::*;

/// Tax console: 【发布】 (provincial bureau).
#[server(endpoint = "notice_publish")]
pub async fn notice_publish(title: String, content: String) -> Result<NoticeSummary, AppError> {
    svc::publish(&ctx()?, &title, &content).await
}

/// Tax console: the province's notices with done / overdue counts.
#[server(endpoint = "notice_list")]
pub async fn notice_list() -> Result<Vec<NoticeSummary>, AppError> {
    svc::tax_list(&ctx()?).await
}

/// Tax console: one notice and its units (逾期未完成 first).
#[server(endpoint = "notice_detail")]
pub async fn notice_detail(id: i64) -> Result<NoticeFile, AppError> {
    svc::tax_detail(&ctx()?, id).await
}

/// The direct unit's 【版本升级通知】.
#[server(endpoint = "my_notices")]
pub async fn my_notices() -> Result<Vec<MyNotice>, AppError> {
    svc::my_notices(&ctx()?).await
}

/// 【已完成改造】 (`report`: one of `MyNotice::reports`, or empty).
#[server(endpoint = "notice_complete")]
pub async fn notice_complete(id: i64, version: i64, report: String) -> Result<MyNotice, AppError> {
    svc::complete(&ctx()?, id, version, Some(report)).await
}
