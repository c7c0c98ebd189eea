//! 税务管理措施 on direct units: each measure, its timeline.

#[allow(unused_imports)]
use crate::access::store::*;
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::audit::rules::AuditRecord;
use crate::measure::rules::{MeasureKind, MeasureStatus};
use crate::kernel::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeasure {
    pub id: i64,
    pub enterprise_id: i64,
    /// The unit's 主管税务机关 and province when the measure was taken.
    pub tax_office_id: i64,
    pub province_code: String,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    /// 措施说明
    pub note: String,
    pub issued_by: String,
    pub issued_at: Timestamp,
    pub version: i64,
    pub updated_at: Timestamp,
}

/// A measure about to be taken.
#[derive(Debug, Clone)]
pub struct NewMeasure {
    pub enterprise_id: i64,
    pub tax_office_id: i64,
    pub province_code: String,
    pub kind: MeasureKind,
    pub status: MeasureStatus,
    pub note: String,
    pub issued_by: String,
    pub issued_at: Timestamp,
}

/// One step of a measure (or its taking): the new status, its timeline entry, the audit record
/// and what else the step makes happen (`effects`: the unit told, 责令退出's end of service),
/// applied by the one dispatcher in the same transaction.
pub struct MeasureChange<'a> {
    pub to: &'a MeasureStatus,
    pub event: &'a ApplicationEvent,
    pub audit: &'a AuditRecord,
    pub effects: &'a [crate::effect::Effect],
    /// 提交整改反馈: the unit's unattached uploads, attached to the measure
    /// (`MaterialOwner::MeasureFeedback`) in the same transaction; `Conflict` when one is not.
    pub attach: &'a [i64],
}

#[async_trait]
pub trait MeasureStore: Send + Sync {
    async fn create_measure(&self, m: &NewMeasure, change: &MeasureChange<'_>) -> StoreResult<i64>;
    async fn measure(&self, id: i64) -> StoreResult<Option<StoredMeasure>>;
    /// A unit's measures, newest first.
    async fn measures_of(&self, enterprise_id: i64) -> StoreResult<Vec<StoredMeasure>>;
    /// Measures of an office in one status (e.g. 整改反馈 待审核), oldest first.
    async fn measure_queue(&self, tax_office_id: i64, status_code: &str, limit: u32) -> StoreResult<Vec<StoredMeasure>>;
    async fn transition_measure(&self, id: i64, version: i64, change: &MeasureChange<'_>) -> StoreResult<i64>;
    async fn measure_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>>;
}
