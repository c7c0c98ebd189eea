//! Who acts: enterprise identities (manual §3.1: 法定代表人、财务负责人、办税员、开票员)
//! and tax officers (受理、复核 at the 主管税务机关, 确认 at the 省级税务机关).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The identity a person holds in an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Identity {
    LegalRepresentative,
    FinanceManager,
    TaxClerk,
    InvoiceClerk,
}

impl Identity {
    pub const ALL: [Identity; 4] = [
        Identity::LegalRepresentative,
        Identity::FinanceManager,
        Identity::TaxClerk,
        Identity::InvoiceClerk,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Identity::LegalRepresentative => "法定代表人",
            Identity::FinanceManager => "财务负责人",
            Identity::TaxClerk => "办税员",
            Identity::InvoiceClerk => "开票员",
        }
    }

    /// Stable code used in storage.
    pub fn code(self) -> &'static str {
        match self {
            Identity::LegalRepresentative => "legal_rep",
            Identity::FinanceManager => "finance",
            Identity::TaxClerk => "tax_clerk",
            Identity::InvoiceClerk => "invoice_clerk",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }

    /// 法定代表人 and 财务负责人 manage users and authorize on the unit's behalf.
    pub fn is_principal(self) -> bool {
        matches!(self, Identity::LegalRepresentative | Identity::FinanceManager)
    }
}

/// A tax officer's role. 受理 and 复核 belong to a 主管税务机关 (tax office);
/// 确认 belongs to a 省级税务机关 (province).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OfficerRole {
    Acceptance,
    Review,
    Confirmation,
}

impl OfficerRole {
    pub const ALL: [OfficerRole; 3] = [OfficerRole::Acceptance, OfficerRole::Review, OfficerRole::Confirmation];

    pub fn label(self) -> &'static str {
        match self {
            OfficerRole::Acceptance => "受理",
            OfficerRole::Review => "复核",
            OfficerRole::Confirmation => "省级确认",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            OfficerRole::Acceptance => "acceptance",
            OfficerRole::Review => "review",
            OfficerRole::Confirmation => "confirmation",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the role works at province level rather than at one tax office.
    pub fn is_provincial(self) -> bool {
        matches!(self, OfficerRole::Confirmation)
    }
}

/// Who is signed in, as the client sees it (header, menus).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Taxpayer(TaxpayerSession),
    Officer(OfficerSession),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxpayerSession {
    pub link_id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub person_id: i64,
    pub person_name: String,
    pub identity: Identity,
    /// What this user may use (法定代表人/财务负责人: everything).
    pub grants: Grants,
}

impl TaxpayerSession {
    pub fn may_use(&self, m: Module) -> bool {
        self.grants.allows(m)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerSession {
    pub officer_id: i64,
    pub name: String,
    pub role: OfficerRole,
    /// The tax office (受理/复核) or the provincial bureau (确认).
    pub unit_name: String,
    pub tax_office_id: Option<i64>,
    pub province_code: String,
}

/// A function module a user of an enterprise may be granted. All of them
/// belong to 我要办税; a new user has all of them (guide §3.4.2 备注).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Module {
    /// 乐企数字开放平台 · 接入管理 (接入申请、接入邀请、响应邀请、开票人员登记及管理)
    LeqiAccess,
    /// 乐企数字开放平台 · 能力中心
    LeqiCapability,
    /// 乐企数字开放平台 · 消息中心
    LeqiMessages,
    /// 发票使用
    Invoicing,
    /// 税费申报及缴纳
    Declaration,
}

impl Module {
    pub const ALL: [Module; 5] = [Module::LeqiAccess, Module::LeqiCapability, Module::LeqiMessages, Module::Invoicing, Module::Declaration];

    pub fn label(self) -> &'static str {
        match self {
            Module::LeqiAccess => "乐企数字开放平台-接入管理",
            Module::LeqiCapability => "乐企数字开放平台-能力中心",
            Module::LeqiMessages => "乐企数字开放平台-消息中心",
            Module::Invoicing => "发票使用",
            Module::Declaration => "税费申报及缴纳",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Module::LeqiAccess => "leqi_access",
            Module::LeqiCapability => "leqi_capability",
            Module::LeqiMessages => "leqi_messages",
            Module::Invoicing => "invoicing",
            Module::Declaration => "declaration",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// The modules granted to one user of one enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grants(pub BTreeSet<Module>);

impl Grants {
    /// What a newly bound or added user gets: all of 我要办税.
    pub fn all() -> Self {
        Grants(Module::ALL.into_iter().collect())
    }

    pub fn allows(&self, m: Module) -> bool {
        self.0.contains(&m)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Stored as comma-separated codes; unknown codes are dropped.
    pub fn to_codes(&self) -> String {
        self.0.iter().map(|m| m.code()).collect::<Vec<_>>().join(",")
    }

    pub fn from_codes(s: &str) -> Self {
        Grants(s.split(',').filter_map(|c| Module::from_code(c.trim())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_codes_round_trip_and_only_principals_manage() {
        for i in Identity::ALL {
            assert_eq!(Identity::from_code(i.code()), Some(i));
        }
        assert_eq!(Identity::from_code("boss"), None);
        let principals: Vec<_> = Identity::ALL.into_iter().filter(|i| i.is_principal()).map(Identity::label).collect();
        assert_eq!(principals, ["法定代表人", "财务负责人"]);
    }

    #[test]
    fn only_confirmation_is_provincial() {
        for r in OfficerRole::ALL {
            assert_eq!(OfficerRole::from_code(r.code()), Some(r));
        }
        assert!(OfficerRole::Confirmation.is_provincial());
        assert!(!OfficerRole::Acceptance.is_provincial() && !OfficerRole::Review.is_provincial());
    }
}
