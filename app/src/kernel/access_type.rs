//! 接入类型: 乐企自用 / 乐企他用 / 乐企联用, which every workflow reads.

use serde::{Deserialize, Serialize};


/// 接入类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessType {
    /// 乐企自用
    SelfUse,
    /// 乐企他用
    OtherUse,
    /// 乐企联用
    Joint,
}

impl AccessType {
    pub const ALL: [AccessType; 3] = [AccessType::SelfUse, AccessType::OtherUse, AccessType::Joint];

    pub fn label(self) -> &'static str {
        match self {
            AccessType::SelfUse => "乐企自用",
            AccessType::OtherUse => "乐企他用",
            AccessType::Joint => "乐企联用",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            AccessType::SelfUse => "ziyong",
            AccessType::OtherUse => "tayong",
            AccessType::Joint => "lianyong",
        }
    }

    pub fn from_code(c: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == c)
    }

    /// 填表说明 1: 乐企他用 and 乐企联用 do not fill in the authorized (builder) unit.
    pub fn fills_authorized_unit(self) -> bool {
        matches!(self, AccessType::SelfUse)
    }
}
