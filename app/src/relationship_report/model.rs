//! The data `relationship_report::api`'s server fns exchange (关系变化报告).

use serde::{Deserialize, Serialize};

use crate::lifecycle::rules::ReportStatus;

/// A 关系变化报告 as the direct unit (or its tax office) sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipReportView {
    pub id: i64,
    pub version: i64,
    /// The direct unit that reports.
    pub enterprise_name: String,
    pub credit_code: String,
    pub use_unit_name: String,
    pub use_credit_code: String,
    pub what_changed: String,
    pub changed_on: String,
    /// The last day to report (3 days after the change).
    pub due: String,
    pub status: ReportStatus,
    pub reported_by: Option<String>,
    /// The viewer may 【报告】 it now.
    pub may_report: bool,
}
