//! The data that `leqi::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};

/// What 【接入管理】 shows about the signed-in unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessHomeInfo {
    pub enterprise_name: String,
    pub credit_code: String,
    /// "乐企联用" / "乐企自用" when the unit is a direct unit.
    pub direct_unit: Option<String>,
}
