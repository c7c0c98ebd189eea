//! The data `lifecycle::api`'s server fns exchange: the unit's status on
//! 【接入申请】 with its next deadline and buttons, its requests (资格延续, 事项变更,
//! 终止服务备案), and the tax console's view of them.

use serde::{Deserialize, Serialize};

use crate::lifecycle::rules::{Deadline, RequestAction, RequestBody, RequestKind, RequestStatus, UnitAction, UnitStatus};
pub use crate::lifecycle::rules::{ChangeInput, ChangeItem, Term};
use crate::kernel::TimelineEntry;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: i64,
    pub version: i64,
    pub kind: RequestKind,
    pub body: RequestBody,
    pub status: RequestStatus,
    pub granted_end: Option<String>,
    pub filed_at: String,
    pub timeline: Vec<TimelineEntry>,
    /// What the viewing officer may do now (empty for the unit).
    pub actions: Vec<RequestAction>,
}

/// The unit's lifecycle on 【接入申请】 (and on the officer's request page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitLifecycle {
    pub status: UnitStatus,
    pub deadline: Option<Deadline>,
    pub qualification_end: Option<String>,
    /// The requests the unit may file now (the buttons).
    pub actions: Vec<UnitAction>,
    /// The signed API's reduced concurrency (requests per minute), while 限制并发.
    pub rate_limit: Option<i64>,
    pub requests: Vec<RequestView>,
}

/// One row of the officer's 待办 of requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestQueueItem {
    pub id: i64,
    pub kind: RequestKind,
    pub enterprise_name: String,
    pub credit_code: String,
    pub status: RequestStatus,
    pub filed_at: String,
}

/// What an officer sees of one request: it, and the unit's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCase {
    pub request: RequestView,
    pub enterprise_name: String,
    pub credit_code: String,
    pub unit: UnitLifecycle,
}
