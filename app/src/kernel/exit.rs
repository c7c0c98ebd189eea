//! A unit's exit (guideline-neimenggu 第六章): its kind and the re-application ban derived from it.

use serde::{Deserialize, Serialize};

use crate::kernel::time::Day;
use crate::kernel::Timestamp;


/// How a unit left (guideline-neimenggu 第六章).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExitKind {
    /// 主动退出 (终止服务备案, or 申请退出)
    Voluntary,
    /// 责令退出
    Ordered,
    /// 到期终止 (no 资格延续 by the end of the grace)
    Expired,
}

impl ExitKind {
    pub fn label(self) -> &'static str {
        match self {
            ExitKind::Voluntary => "主动退出",
            ExitKind::Ordered => "责令退出",
            ExitKind::Expired => "到期终止",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ExitKind::Voluntary => "voluntary",
            ExitKind::Ordered => "ordered",
            ExitKind::Expired => "expired",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [ExitKind::Voluntary, ExitKind::Ordered, ExitKind::Expired].into_iter().find(|k| k.code() == c)
    }
}

/// The record of a unit's exit: what kind, when it was filed or ordered, when it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRecord {
    pub kind: ExitKind,
    pub filed_at: Timestamp,
    pub effective_at: Timestamp,
}

impl ExitRecord {
    /// The re-application ban derived from the exit: `voluntary_years` after leaving,
    /// `ordered_years` after being ordered out (guideline-neimenggu 第六章: 1 and 3 years);
    /// 到期终止 carries none (the seeds state none). Some(first day it may apply again).
    pub fn ban_until(&self, voluntary_years: u32, ordered_years: u32) -> Option<Day> {
        let years = match self.kind {
            ExitKind::Voluntary => voluntary_years,
            ExitKind::Ordered => ordered_years,
            ExitKind::Expired => 0,
        };
        (years > 0).then(|| Day::of(self.effective_at).plus_years(years as i64))
    }

    /// Whether a ban runs today.
    pub fn banned_on(&self, today: Day, voluntary_years: u32, ordered_years: u32) -> Option<Day> {
        self.ban_until(voluntary_years, ordered_years).filter(|until| today < *until)
    }
}
