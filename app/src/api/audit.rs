//! 审计日志 (GB/T 22239; guideline-neimenggu: network and data security): who
//! did what, when, for which unit, and with what result. Tax officers see the
//! units of their jurisdiction; an enterprise's 法定代表人 and 财务负责人 see their
//! own unit's records. Filters by date, person and type; keyset paging; the
//! same query as an xlsx at `GET /api/audit/export.xlsx?from=&to=&person=&kind=`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{audit as svc, ctx};

/// The viewer's filters; dates as "YYYY-MM-DD" (Beijing time, both included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Part of the person's name.
    #[serde(default)]
    pub person: String,
    /// The type, e.g. 企业登录.
    #[serde(default)]
    pub kind: String,
    /// Paging: the previous page's `next_before_id`.
    #[serde(default)]
    pub before_id: Option<i64>,
}

impl AuditFilter {
    /// The query string of the xlsx export.
    pub fn export_url(&self) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!("/api/audit/export.xlsx?from={}&to={}&person={}&kind={}", enc(&self.from), enc(&self.to), enc(&self.person), enc(&self.kind))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// Beijing time.
    pub at: String,
    pub actor: String,
    pub unit: String,
    pub kind: String,
    pub description: String,
    pub success: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Whose records these are, e.g. 本单位：四川蜀乐科技集团有限公司.
    pub scope: String,
    pub rows: Vec<AuditRow>,
    /// Set when there may be more: pass it as `before_id`.
    pub next_before_id: Option<i64>,
}

/// One page (newest first) of the audit records the caller may see.
#[server(endpoint = "audit_log", input = Json)]
pub async fn audit_log(filter: AuditFilter) -> Result<AuditPage, AppError> {
    svc::page(&ctx()?, filter).await
}
