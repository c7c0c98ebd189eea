//! The data `tax_desk::api`'s server fns exchange: 【已办】 rows, 【单位查询】 hits and
//! 【单位档案】 (the head with the unit's status, and one section page at a time).

use serde::{Deserialize, Serialize};

pub use crate::tax_desk::rules::{Cursor, DoneKind, FileSection};
use crate::lifecycle::model::UnitLifecycle;

/// One decision this officer took (【已办】).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoneItem {
    /// Unique across kinds (the cursor's id).
    pub id: i64,
    pub kind: DoneKind,
    /// The application, invitation, subscription, request or measure.
    pub item_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    /// The step taken (受理, 确认通过, 暂停新增使用单位 …) and the status it led to.
    pub action: String,
    pub to: String,
    pub reason: Option<String>,
    pub at: String,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DonePage {
    pub items: Vec<DoneItem>,
    /// The next (older) page's cursor, when there is one (【更多】).
    pub next: Option<Cursor>,
}

/// A unit found by 【单位查询】.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitHit {
    pub enterprise_name: String,
    pub credit_code: String,
    pub tax_office_name: String,
    /// "乐企联用" …, when a direct unit.
    pub direct_unit: Option<String>,
}

/// 【单位档案】's head: the unit, its status with the next deadline, and its sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFileHead {
    pub enterprise_name: String,
    pub credit_code: String,
    pub tax_office_name: String,
    pub direct_unit: Option<String>,
    pub lifecycle: UnitLifecycle,
    pub sections: Vec<FileSection>,
}

/// One row of a section of 【单位档案】.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub detail: String,
    pub at: String,
    /// Its case page in the tax console, where there is one (and the officer may open it).
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePage {
    pub section: FileSection,
    pub rows: Vec<FileRow>,
    pub next: Option<Cursor>,
}
