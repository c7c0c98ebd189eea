//! 开票人员登记及管理 (manual §4.5): a 联用类 use unit's 开票员 registered to
//! invoice through one bound direct platform, and 解除登记.
//!
//! Who may do what:
//! - the page exists only for a use unit with at least one bound (确认通过)
//!   联用类 invitation; for any other unit the server refuses;
//! - the 法定代表人 or 财务负责人 registers any bound 开票员 of the unit to one of
//!   those direct platforms, and may 解除登记 anyone (the reason is optional);
//! - an 开票员 sees only their own registrations and may 解除登记 them, with a
//!   required reason;
//! - a 办税员 sees nothing to manage (refused).
//!
//! 【授权】 (§4.3.2) chooses the 开票员 of a new binding: each becomes a
//! registration at once, in the same transaction as the authorization.

use serde::{Deserialize, Serialize};

use crate::invitation::rules::{InvitationStatus, UseCategory};
use crate::kernel::{Identity, Timestamp};

/// A registration's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistrationState {
    /// 已登记
    Registered,
    /// 已解除登记, by whom (name and identity) and why.
    Unregistered { by: String, reason: String, at: Timestamp },
}

impl RegistrationState {
    pub fn label(&self) -> &'static str {
        match self {
            RegistrationState::Registered => "已登记",
            RegistrationState::Unregistered { .. } => "已解除登记",
        }
    }
    pub fn is_active(&self) -> bool {
        matches!(self, RegistrationState::Registered)
    }
}

/// What the page offers the signed-in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoicerAccess {
    /// 法定代表人 / 财务负责人: every registration, 新增登记 and 解除登记.
    Manage,
    /// 开票员: their own registrations, 解除登记 with a reason.
    Own,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum InvoicerError {
    #[error("【开票人员登记及管理】仅适用于已与直连单位建立绑定关系的联用类使用单位")]
    NoJointBinding,
    #[error("办税员不能办理开票人员登记，请由法定代表人或财务负责人办理")]
    IdentityNotAllowed,
    #[error("仅法定代表人或财务负责人可以登记开票人员")]
    NotPrincipal,
    #[error("开票员只能解除本人的登记")]
    NotYours,
    #[error("请填写解除原因")]
    ReasonRequired,
    #[error("该直连平台与本单位尚未建立联用类绑定关系")]
    NotBoundJoint,
    #[error("所选人员不是本单位的开票员")]
    NotAnInvoicer,
    #[error("该登记已解除")]
    AlreadyEnded,
}

/// Whether a unit's invitation is one its 开票员 can be registered to.
pub fn is_bound_joint(status: &InvitationStatus, category: UseCategory) -> bool {
    status.is_bound() && category == UseCategory::Joint
}

/// Who sees what: refused without a bound 联用类 invitation, and for a 办税员.
pub fn access(who: Identity, bound_joint_platforms: usize) -> Result<InvoicerAccess, InvoicerError> {
    if bound_joint_platforms == 0 {
        return Err(InvoicerError::NoJointBinding);
    }
    match who {
        Identity::LegalRepresentative | Identity::FinanceManager => Ok(InvoicerAccess::Manage),
        Identity::InvoiceClerk => Ok(InvoicerAccess::Own),
        Identity::TaxClerk => Err(InvoicerError::IdentityNotAllowed),
    }
}

/// 新增登记: by a principal, of a bound 开票员, to a bound 联用类 platform.
pub fn register(who: Identity, platform_bound_joint: bool, person_is_invoicer: bool) -> Result<RegistrationState, InvoicerError> {
    if !who.is_principal() {
        return Err(InvoicerError::NotPrincipal);
    }
    if !platform_bound_joint {
        return Err(InvoicerError::NotBoundJoint);
    }
    if !person_is_invoicer {
        return Err(InvoicerError::NotAnInvoicer);
    }
    Ok(RegistrationState::Registered)
}

/// 解除登记: a principal of anyone (reason optional), an 开票员 only their own
/// registration with a reason; a 办税员 never.
pub fn unregister(state: &RegistrationState, who: Identity, who_label: &str, own: bool, reason: &str, at: Timestamp) -> Result<RegistrationState, InvoicerError> {
    let reason: String = reason.trim().chars().take(500).collect();
    match who {
        Identity::LegalRepresentative | Identity::FinanceManager => {}
        Identity::InvoiceClerk if !own => return Err(InvoicerError::NotYours),
        Identity::InvoiceClerk if reason.is_empty() => return Err(InvoicerError::ReasonRequired),
        Identity::InvoiceClerk => {}
        Identity::TaxClerk => return Err(InvoicerError::IdentityNotAllowed),
    }
    if !state.is_active() {
        return Err(InvoicerError::AlreadyEnded);
    }
    Ok(RegistrationState::Unregistered { by: who_label.to_string(), reason, at })
}

/// What someone may do to a registration; sent to the page as typed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegistrationAction {
    /// 解除登记 (a reason is required of an 开票员: `reason_required`)
    Unregister,
}

impl RegistrationAction {
    pub fn label(self) -> &'static str {
        match self {
            RegistrationAction::Unregister => "解除登记",
        }
    }
}

/// An 开票员 must say why they end their registration.
pub fn reason_required(access: InvoicerAccess) -> bool {
    access == InvoicerAccess::Own
}

/// What a viewer with `access` may do to a registration in `state` (`own`: it is theirs).
pub fn actions_for(state: &RegistrationState, access: InvoicerAccess, own: bool) -> Vec<RegistrationAction> {
    match (state.is_active(), access) {
        (true, InvoicerAccess::Manage) => vec![RegistrationAction::Unregister],
        (true, InvoicerAccess::Own) if own => vec![RegistrationAction::Unregister],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Identity::*;

    #[test]
    fn only_bound_joint_units_and_not_tax_clerks_see_the_page() {
        assert_eq!(access(LegalRepresentative, 0), Err(InvoicerError::NoJointBinding));
        assert_eq!(access(InvoiceClerk, 0), Err(InvoicerError::NoJointBinding));
        assert_eq!(access(FinanceManager, 1), Ok(InvoicerAccess::Manage));
        assert_eq!(access(InvoiceClerk, 2), Ok(InvoicerAccess::Own));
        assert_eq!(access(TaxClerk, 1), Err(InvoicerError::IdentityNotAllowed));
        assert!(is_bound_joint(&InvitationStatus::Confirmed, UseCategory::Joint));
        assert!(!is_bound_joint(&InvitationStatus::Confirmed, UseCategory::SelfUse));
        assert!(!is_bound_joint(&InvitationStatus::AwaitingAuthorization, UseCategory::Joint));
    }

    #[test]
    fn actions_follow_state_and_access() {
        let r = RegistrationState::Registered;
        assert_eq!(actions_for(&r, InvoicerAccess::Manage, false), [RegistrationAction::Unregister]);
        assert_eq!(actions_for(&r, InvoicerAccess::Own, true), [RegistrationAction::Unregister]);
        assert!(actions_for(&r, InvoicerAccess::Own, false).is_empty());
        let ended = RegistrationState::Unregistered { by: "x".into(), reason: String::new(), at: Timestamp(1) };
        assert!(actions_for(&ended, InvoicerAccess::Manage, true).is_empty());
        assert!(reason_required(InvoicerAccess::Own) && !reason_required(InvoicerAccess::Manage));
    }

    #[test]
    fn principals_register_bound_invoicers_to_bound_platforms() {
        assert_eq!(register(LegalRepresentative, true, true), Ok(RegistrationState::Registered));
        assert_eq!(register(InvoiceClerk, true, true), Err(InvoicerError::NotPrincipal));
        assert_eq!(register(TaxClerk, true, true), Err(InvoicerError::NotPrincipal));
        assert_eq!(register(FinanceManager, false, true), Err(InvoicerError::NotBoundJoint));
        assert_eq!(register(FinanceManager, true, false), Err(InvoicerError::NotAnInvoicer));
    }

    #[test]
    fn invoicers_unregister_only_themselves_and_with_a_reason() {
        let t = Timestamp(1);
        let r = RegistrationState::Registered;
        assert_eq!(unregister(&r, InvoiceClerk, "马超（开票员）", false, "离职", t), Err(InvoicerError::NotYours));
        assert_eq!(unregister(&r, InvoiceClerk, "马超（开票员）", true, "  ", t), Err(InvoicerError::ReasonRequired));
        let ended = unregister(&r, InvoiceClerk, "马超（开票员）", true, " 岗位调整 ", t).unwrap();
        assert_eq!(ended, RegistrationState::Unregistered { by: "马超（开票员）".into(), reason: "岗位调整".into(), at: t });
        assert_eq!(unregister(&ended, LegalRepresentative, "何青（法定代表人）", false, "", t), Err(InvoicerError::AlreadyEnded));
        assert!(unregister(&r, FinanceManager, "罗琳（财务负责人）", false, "", t).is_ok());
        assert_eq!(unregister(&r, TaxClerk, "马超（办税员）", true, "x", t), Err(InvoicerError::IdentityNotAllowed));
        assert_eq!(ended.label(), "已解除登记");
        assert!(!ended.is_active());
    }
}
