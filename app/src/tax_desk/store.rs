//! The tax console's 【已办】 and 【单位档案】: one read over the workflows' timelines (who
//! decided what), the units in an officer's jurisdiction, and a unit's records section by
//! section, each newest first by (time, id) with a keyset cursor.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::access::rules::ApplicationStatus;
use crate::kernel::AccessType;
use crate::capability::rules::CapabilityStatus;
use crate::capability_grant::rules::GrantStatus;
use crate::invitation::rules::InvitationStatus;
use crate::lifecycle::rules::{RequestKind, RequestStatus};
use crate::measure::rules::{MeasureKind, MeasureStatus};
use crate::tax_desk::rules::{Cursor, DeskScope, DoneKind, FileSection, UnitQuery};
use crate::kernel::Timestamp;

/// One timeline step an officer took, with the unit it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneRecord {
    pub kind: DoneKind,
    /// Unique across kinds (`tax_desk::rules::done_id`): the cursor's id.
    pub id: i64,
    pub item_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub at: Timestamp,
    pub action: String,
    pub to: String,
    pub reason: Option<String>,
}

/// Who decided: the timelines record the officer's name and unit (tax office or bureau).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneQuery {
    pub actor: String,
    pub actor_unit: String,
    /// Only items within this jurisdiction.
    pub scope: DeskScope,
    pub before: Option<Cursor>,
    pub limit: u32,
}

/// A unit of the registry as the tax console finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub tax_office_id: i64,
    pub tax_office_name: String,
    pub province_code: String,
    pub direct_unit: Option<AccessType>,
}

/// One record of a unit's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileEntry {
    Application { status: ApplicationStatus },
    Request { kind: RequestKind, status: RequestStatus },
    Measure { kind: MeasureKind, status: MeasureStatus, note: String },
    /// As direct unit (`other`: the use unit) or as use unit (`other`: the direct unit).
    Invitation { other_name: String, other_code: String, relationship: String, status: InvitationStatus, use_tax_office_id: i64 },
    Subscription { capability_code: String, status: CapabilityStatus, valid_until: Option<String> },
    Grant { capability_code: String, direct_name: String, use_name: String, status: GrantStatus },
    Message { title: String, kind: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    pub id: i64,
    pub at: Timestamp,
    pub entry: FileEntry,
}

#[async_trait]
pub trait DeskStore: Send + Sync {
    /// The steps this officer took, newest first by (time, id), below the cursor.
    async fn decided_by(&self, q: &DoneQuery) -> StoreResult<Vec<DoneRecord>>;
    /// Units within the scope: the code exactly, or names containing the part (by id).
    async fn find_units(&self, scope: &DeskScope, q: &UnitQuery, limit: u32) -> StoreResult<Vec<UnitRecord>>;
    /// One section of a unit's file, newest first by (time, id), below the cursor.
    async fn unit_section(&self, enterprise_id: i64, section: FileSection, before: Option<Cursor>, limit: u32) -> StoreResult<Vec<FileRecord>>;
}
