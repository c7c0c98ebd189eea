//! 关系变化报告 (issue #13): a binding with a use unit ended, the direct unit reports it within
//! 3 days on 【资格管理】; the tax console lists the overdue ones.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::relationship_report::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::relationship_report::model::*;

/// The unit's 关系变化报告, open ones first.
#[server(endpoint = "relationship_reports")]
pub async fn relationship_reports() -> Result<Vec<RelationshipReportView>, AppError> {
    svc::mine(&ctx()?).await
}

/// 【报告】: what changed and why.
#[server(endpoint = "report_relationship", input = Json)]
pub async fn report_relationship(id: i64, version: i64, reason: String) -> Result<RelationshipReportView, AppError> {
    svc::report(&ctx()?, id, version, &reason).await
}

/// Tax console: the office's overdue (or late) 关系变化报告.
#[server(endpoint = "flagged_relationship_reports")]
pub async fn flagged_relationship_reports() -> Result<Vec<RelationshipReportView>, AppError> {
    svc::flagged(&ctx()?).await
}
