//! Accounts (etax-login-guide §2–4): natural-person registration, binding a
//! person to an enterprise, the functions a user may use (授权信息), and the
//! rules for who may manage them.


use serde::{Deserialize, Serialize};

use crate::kernel::{Grants, Identity};

/// What an identity may do in an enterprise, whatever was granted: the
/// 法定代表人 and 财务负责人 may always do everything.
pub fn effective_grants(identity: Identity, granted: &Grants) -> Grants {
    if identity.is_principal() {
        Grants::all()
    } else {
        granted.clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ManageError {
    #[error("仅法定代表人或财务负责人可以管理授权信息")]
    NotPrincipal,
    #[error("法定代表人、财务负责人的权限不能变更")]
    TargetIsPrincipal,
}

/// Whether `actor` may change the grants of a user holding `target`.
pub fn may_manage(actor: Identity, target: Identity) -> Result<(), ManageError> {
    if !actor.is_principal() {
        return Err(ManageError::NotPrincipal);
    }
    if target.is_principal() {
        return Err(ManageError::TargetIsPrincipal);
    }
    Ok(())
}

/// The result of setting a user's grants: removing every permission unbinds
/// the user (guide §3.4.3 (4)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantOutcome {
    Granted(Grants),
    Unbound,
}

pub fn set_grants(new: Grants) -> GrantOutcome {
    if new.is_empty() {
        GrantOutcome::Unbound
    } else {
        GrantOutcome::Granted(new)
    }
}

/// A person's name as registered: 2–30 characters, Chinese, letters, spaces or "·".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum PersonNameError {
    #[error("请输入姓名")]
    Empty,
    #[error("姓名应为2至30个字符")]
    Length,
    #[error("姓名只能包含汉字、字母、空格和“·”")]
    Chars,
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, PersonNameError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PersonNameError::Empty);
        }
        let n = s.chars().count();
        if !(2..=30).contains(&n) {
            return Err(PersonNameError::Length);
        }
        let ok = s.chars().all(|c| {
            c.is_ascii_alphabetic() || c == ' ' || c == '·' || c == '•' || ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
        });
        if !ok {
            return Err(PersonNameError::Chars);
        }
        Ok(PersonName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// "王*国", "张*" — for showing a name to someone who should not read it whole.
    pub fn masked(&self) -> String {
        mask_name(&self.0)
    }
}

pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

impl TryFrom<String> for PersonName {
    type Error = PersonNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

/// 企业用户注册 (办税人绑定企业), guide §2.4.2, as a state machine: each step
/// may only follow the one before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Binding {
    /// Phone verified by SMS; the natural person is known (registered now or before).
    PhoneVerified { person_id: i64 },
    /// 实人认证 done.
    PersonVerified { person_id: i64 },
    /// The enterprise is chosen by its credit code.
    EnterpriseChosen { person_id: i64, enterprise_id: i64 },
    /// The chosen 法定代表人/财务负责人 has been sent an approval code.
    AwaitingApproval { person_id: i64, enterprise_id: i64, approver_link_id: i64 },
    /// Bound: the person appears in the enterprise's 办税人员选择.
    Bound { person_id: i64, enterprise_id: i64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum BindingError {
    #[error("请按步骤完成企业用户注册")]
    OutOfOrder,
    #[error("认证人员须为该企业的法定代表人或财务负责人")]
    ApproverNotPrincipal,
}

impl Binding {
    pub fn person_id(&self) -> i64 {
        match *self {
            Binding::PhoneVerified { person_id }
            | Binding::PersonVerified { person_id }
            | Binding::EnterpriseChosen { person_id, .. }
            | Binding::AwaitingApproval { person_id, .. }
            | Binding::Bound { person_id, .. } => person_id,
        }
    }

    pub fn verify_person(self) -> Result<Binding, BindingError> {
        match self {
            Binding::PhoneVerified { person_id } => Ok(Binding::PersonVerified { person_id }),
            _ => Err(BindingError::OutOfOrder),
        }
    }

    /// Choosing (or choosing again) the enterprise, after 实人认证.
    pub fn choose_enterprise(self, enterprise_id: i64) -> Result<Binding, BindingError> {
        match self {
            Binding::PersonVerified { person_id }
            | Binding::EnterpriseChosen { person_id, .. }
            | Binding::AwaitingApproval { person_id, .. } => Ok(Binding::EnterpriseChosen { person_id, enterprise_id }),
            _ => Err(BindingError::OutOfOrder),
        }
    }

    /// The approver must be the enterprise's 法定代表人 or 财务负责人.
    pub fn ask_approval(self, approver_link_id: i64, approver_identity: Identity) -> Result<Binding, BindingError> {
        if !approver_identity.is_principal() {
            return Err(BindingError::ApproverNotPrincipal);
        }
        match self {
            Binding::EnterpriseChosen { person_id, enterprise_id } | Binding::AwaitingApproval { person_id, enterprise_id, .. } => {
                Ok(Binding::AwaitingApproval { person_id, enterprise_id, approver_link_id })
            }
            _ => Err(BindingError::OutOfOrder),
        }
    }

    pub fn approve(self) -> Result<Binding, BindingError> {
        match self {
            Binding::AwaitingApproval { person_id, enterprise_id, .. } => Ok(Binding::Bound { person_id, enterprise_id }),
            _ => Err(BindingError::OutOfOrder),
        }
    }
}

/// One 短信验证码接收人 shown by 【忘记密码】→【企业】 for a 税号 that matches no
/// enterprise. The answer must not tell whether a 税号 is registered (issue #14),
/// so an unknown one gets plausible, masked stand-ins — the same ones every time
/// for the same 税号, since `seed` is a keyed hash of it — and the code sent to
/// them reaches nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandInApprover {
    pub link_id: i64,
    pub name_masked: String,
    pub identity: Identity,
    pub phone_masked: String,
}

const STAND_IN_SURNAMES: [char; 24] = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋'];
const STAND_IN_PREFIXES: [&str; 12] = ["133", "135", "136", "137", "138", "139", "150", "151", "158", "186", "188", "189"];

/// The 法定代表人 and the 财务负责人 that an unknown 税号 shows, from 16 bytes of a keyed hash.
pub fn stand_in_approvers(seed: &[u8; 16]) -> Vec<StandInApprover> {
    [Identity::LegalRepresentative, Identity::FinanceManager]
        .into_iter()
        .enumerate()
        .map(|(i, identity)| {
            let b = &seed[i * 8..i * 8 + 8];
            let surname = STAND_IN_SURNAMES[b[0] as usize % STAND_IN_SURNAMES.len()];
            // Two- and three-character names, as mask_name shows them.
            let name_masked = if b[1] % 3 == 0 { format!("{surname}*") } else { format!("{surname}*{}", ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰'][b[2] as usize % 12]) };
            let tail = u16::from_le_bytes([b[3], b[4]]) % 10_000;
            let phone_masked = format!("{}****{tail:04}", STAND_IN_PREFIXES[b[5] as usize % STAND_IN_PREFIXES.len()]);
            let link_id = 1_000 + i64::from(u16::from_le_bytes([b[6], b[7]]) % 60_000) * 2 + i as i64;
            StandInApprover { link_id, name_masked, identity, phone_masked }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Module;

    #[test]
    fn grants_round_trip_and_new_users_get_everything() {
        let all = Grants::all();
        assert_eq!(Grants::from_codes(&all.to_codes()), all);
        assert_eq!(Grants::from_codes("leqi_access, bogus ,invoicing").0.len(), 2);
        assert!(Grants::from_codes("").is_empty());
    }

    #[test]
    fn principals_always_have_everything_and_others_what_was_granted() {
        let none = Grants::default();
        assert!(effective_grants(Identity::LegalRepresentative, &none).allows(Module::LeqiAccess));
        assert!(effective_grants(Identity::FinanceManager, &none).allows(Module::Declaration));
        assert!(!effective_grants(Identity::TaxClerk, &none).allows(Module::LeqiAccess));
        let some = Grants::from_codes("leqi_messages");
        assert!(effective_grants(Identity::InvoiceClerk, &some).allows(Module::LeqiMessages));
        assert!(!effective_grants(Identity::InvoiceClerk, &some).allows(Module::LeqiAccess));
    }

    #[test]
    fn only_principals_manage_and_only_non_principals_are_managed() {
        assert_eq!(may_manage(Identity::LegalRepresentative, Identity::TaxClerk), Ok(()));
        assert_eq!(may_manage(Identity::FinanceManager, Identity::InvoiceClerk), Ok(()));
        assert_eq!(may_manage(Identity::TaxClerk, Identity::InvoiceClerk), Err(ManageError::NotPrincipal));
        assert_eq!(may_manage(Identity::LegalRepresentative, Identity::FinanceManager), Err(ManageError::TargetIsPrincipal));
    }

    #[test]
    fn removing_every_permission_unbinds() {
        assert_eq!(set_grants(Grants::default()), GrantOutcome::Unbound);
        assert!(matches!(set_grants(Grants::from_codes("invoicing")), GrantOutcome::Granted(_)));
    }

    #[test]
    fn names_are_checked_and_masked() {
        assert_eq!(PersonName::parse(" 王建国 ").unwrap().as_str(), "王建国");
        assert_eq!(PersonName::parse("阿依古丽·买买提").unwrap().masked(), "阿******提");
        assert_eq!(PersonName::parse("张伟").unwrap().masked(), "张*");
        assert_eq!(PersonName::parse("王"), Err(PersonNameError::Length));
        assert_eq!(PersonName::parse("Bob1"), Err(PersonNameError::Chars));
        assert_eq!(PersonName::parse("  "), Err(PersonNameError::Empty));
    }

    #[test]
    fn binding_steps_follow_in_order() {
        let b = Binding::PhoneVerified { person_id: 7 };
        assert_eq!(b.clone().choose_enterprise(1), Err(BindingError::OutOfOrder), "实人认证 first");
        assert_eq!(b.clone().approve(), Err(BindingError::OutOfOrder));
        let b = b.verify_person().unwrap();
        let b = b.choose_enterprise(3).unwrap();
        assert_eq!(b.clone().ask_approval(9, Identity::TaxClerk), Err(BindingError::ApproverNotPrincipal));
        let b = b.ask_approval(9, Identity::FinanceManager).unwrap();
        assert_eq!(b, Binding::AwaitingApproval { person_id: 7, enterprise_id: 3, approver_link_id: 9 });
        // Another enterprise may still be chosen before approval.
        let b2 = b.clone().choose_enterprise(4).unwrap();
        assert_eq!(b2, Binding::EnterpriseChosen { person_id: 7, enterprise_id: 4 });
        assert_eq!(b.approve().unwrap(), Binding::Bound { person_id: 7, enterprise_id: 3 });
    }

    #[test]
    fn an_unknown_tax_number_gets_two_masked_stand_ins_the_same_every_time() {
        let a = stand_in_approvers(&[7; 16]);
        assert_eq!(a, stand_in_approvers(&[7; 16]), "the same 税号 shows the same people on every try");
        assert_eq!(a.iter().map(|s| s.identity).collect::<Vec<_>>(), [Identity::LegalRepresentative, Identity::FinanceManager]);
        assert_ne!(a[0].link_id, a[1].link_id);
        for s in &a {
            assert!(s.name_masked.chars().nth(1) == Some('*'), "masked like a real name: {}", s.name_masked);
            assert_eq!(s.phone_masked.len(), 11);
            assert_eq!(&s.phone_masked[3..7], "****");
        }
        let mut other = [7; 16];
        other[0] = 8;
        other[5] = 1;
        assert_ne!(stand_in_approvers(&other)[0], a[0], "another 税号, other people");
    }
}
