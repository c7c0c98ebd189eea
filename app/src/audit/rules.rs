//! Audit records: every state change and every login attempt leaves one
//! (time, actor, unit, type, description, result). Kept at least 6 months
//! (guideline-neimenggu: network and data security).

use crate::kernel::Timestamp;
use serde::{Deserialize, Serialize};

/// Records are kept at least this long (6 months, guideline-neimenggu).
pub const RETENTION_MIN_DAYS: i64 = 183;

/// Records older than this may be pruned: `days` ago, but never less than the minimum.
pub fn retention_cutoff(now: Timestamp, days: i64) -> Timestamp {
    now.plus_mins(-days.max(RETENTION_MIN_DAYS) * 24 * 60)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditOutcome {
    Success,
    Failure,
}

impl AuditOutcome {
    pub fn label(self) -> &'static str {
        match self {
            AuditOutcome::Success => "成功",
            AuditOutcome::Failure => "失败",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: Timestamp,
    /// Who acted: a person's or officer's name, or what they typed when unknown.
    pub actor: String,
    /// The unit acted for: credit code, tax office, or empty.
    pub unit: String,
    /// The kind of action, e.g. "企业登录".
    pub kind: String,
    pub description: String,
    pub outcome: AuditOutcome,
}

impl AuditRecord {
    pub fn new(at: Timestamp, actor: impl Into<String>, unit: impl Into<String>, kind: &str, description: impl Into<String>, outcome: AuditOutcome) -> Self {
        AuditRecord { at, actor: actor.into(), unit: unit.into(), kind: kind.into(), description: description.into(), outcome }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_never_reaches_younger_than_six_months() {
        let now = Timestamp(1_764_000_000_000);
        assert_eq!(retention_cutoff(now, 30), now.plus_mins(-183 * 24 * 60));
        assert_eq!(retention_cutoff(now, 400), now.plus_mins(-400 * 24 * 60));
    }
}
