//! 审计日志 (GB/T 22239; guideline-neimenggu: network and data security): who
//! did what, when, for which unit, and with what result. Tax officers see the
//! units of their jurisdiction; an enterprise's 法定代表人 and 财务负责人 see their
//! own unit's records. Filters by date, person and type; keyset paging; the
//! same query as an xlsx at `GET /api/audit/export.xlsx?from=&to=&person=&kind=`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::audit::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::audit::model::*;

/// One page (newest first) of the audit records the caller may see.
#[server(endpoint = "audit_log", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    svc::page(&ctx()?, filter).await
}
