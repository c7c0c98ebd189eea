//! Who acts: enterprise identities (manual §3.1: 法定代表人、财务负责人、办税员、开票员)
//! and tax officers (受理、复核 at the 主管税务机关, 确认 at the 省级税务机关).

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
    pub grants: crate::accounts::rules::Grants,
}

impl TaxpayerSession {
    pub fn may_use(&self, m: crate::accounts::rules::Module) -> bool {
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
