//! The shared kernel: parsed codes (统一社会信用代码, 身份证号, phone, IPv4, amounts), people and
//! sessions, days and timestamps, the storage error. Pure; it imports no workflow.

pub mod access_type;
pub mod codes;
pub mod exit;
pub mod people;
#[cfg(test)]
mod sample_pack;
#[cfg(feature = "ssr")]
pub mod storage;
pub mod taxpayer_number;
pub mod time;
pub mod transition;

pub use codes::*;
pub use people::*;
pub use access_type::AccessType;
pub use exit::{ExitKind, ExitRecord};
pub use time::{Day, Timestamp};
pub use transition::TransitionError;

use serde::{Deserialize, Serialize};

/// The answer to a workflow's `act` server fn: the record's new version and
/// status (its label, for the notice). Pages reload their own view of it, so
/// the web pages and the lean H5 page share one `act` per workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acted {
    /// The record acted on, or the new one (重新发起邀请).
    pub id: i64,
    pub version: i64,
    pub status: String,
}

/// One step of a record's history (审核记录) as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub actor_unit: String,
    pub action: String,
    pub to: String,
    pub reason: Option<String>,
}
