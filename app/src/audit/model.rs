//! The data that `audit::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};

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
