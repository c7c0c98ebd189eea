//! The data `measure::api`'s server fns exchange (税务管理措施).

use serde::{Deserialize, Serialize};

use crate::measure::rules::{MeasureAction, MeasureKind, MeasureStatus, Restrictions};
use crate::kernel::TimelineEntry;
use crate::materials::model::MaterialInfo;

/// A measure as its viewer sees it (`actions`: what this viewer may do now).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureView {
    pub id: i64,
    pub version: i64,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    pub note: String,
    pub issued_by: String,
    pub issued_at: String,
    pub enterprise_name: String,
    pub credit_code: String,
    /// 整改期限 passed while still 整改中.
    pub overdue: bool,
    pub actions: Vec<MeasureAction>,
    pub timeline: Vec<TimelineEntry>,
    /// The materials of the unit's 整改反馈 (every round), to open.
    #[serde(default)]
    pub materials: Vec<MaterialInfo>,
}

/// A unit's measures, what they restrict now, and which measures this officer may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitMeasures {
    pub enterprise_name: String,
    pub credit_code: String,
    pub restrictions: Restrictions,
    pub measures: Vec<MeasureView>,
    pub may_take: Vec<MeasureKind>,
}
