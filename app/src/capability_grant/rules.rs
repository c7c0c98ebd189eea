//! 能力授权 (guideline-sichuan 第四章 四; guideline-neimenggu 第二章 2.(5)): a direct unit
//! grants a capability it has opened to a use unit bound to it; the use unit 【确认授权】
//! (or 【拒绝】) and may then use the capability through that direct unit. Either side
//! 【撤销授权】; a grant ends when the binding ends or the capability is no longer open.
//!
//! 能力预授权 (manual §3.4.1.1), chosen per invitation row, turns into pending grants when
//! the invitation is bound (确认通过): every capability the direct unit has open that fits
//! the use unit (`pre_authorized`).
//!
//! Statuses: 待确认 →【确认授权】→ 已授权 | 【拒绝】→ 已拒绝; 待确认/已授权 →【撤销授权】(either
//! side) → 已撤销; 待确认/已授权 → 已终止 (the binding ended, or the capability expired).
//! 已拒绝/已撤销/已终止 are final: a new 授权 starts a new grant.

use serde::{Deserialize, Serialize};

use crate::capability::rules::Capability;

/// A grant's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantStatus {
    /// 待确认 (the use unit has not answered yet)
    Pending,
    /// 已授权: the use unit may use the capability through the direct unit
    Granted,
    /// 已拒绝 by the use unit
    Refused { reason: String },
    /// 已撤销 by either side (`by`: 直连单位 / 使用单位)
    Revoked { by: String },
    /// 已终止: the binding ended or the capability expired
    Ended { reason: String },
}

impl GrantStatus {
    pub const FILTERS: [(&'static str, &'static str); 5] = [("pending", "待确认"), ("granted", "已授权"), ("refused", "已拒绝"), ("revoked", "已撤销"), ("ended", "已终止")];

    pub fn code(&self) -> &'static str {
        match self {
            GrantStatus::Pending => "pending",
            GrantStatus::Granted => "granted",
            GrantStatus::Refused { .. } => "refused",
            GrantStatus::Revoked { .. } => "revoked",
            GrantStatus::Ended { .. } => "ended",
        }
    }

    pub fn label(&self) -> &'static str {
        Self::FILTERS.iter().find(|(c, _)| *c == self.code()).map(|(_, l)| *l).unwrap_or("")
    }

    /// Pending or granted: holds the (direct unit, use unit, capability) slot.
    pub fn is_active(&self) -> bool {
        matches!(self, GrantStatus::Pending | GrantStatus::Granted)
    }

    /// The use unit may use the capability (the signed API acting for it).
    pub fn is_granted(&self) -> bool {
        matches!(self, GrantStatus::Granted)
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            GrantStatus::Refused { reason } | GrantStatus::Ended { reason } => Some(reason).filter(|r| !r.is_empty()).map(|r| r.as_str()),
            GrantStatus::Revoked { by } => Some(by.as_str()),
            _ => None,
        }
    }
}

/// The two sides of a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantParty {
    DirectUnit,
    UseUnit,
}

impl GrantParty {
    pub fn label(self) -> &'static str {
        match self {
            GrantParty::DirectUnit => "直连单位",
            GrantParty::UseUnit => "使用单位",
        }
    }
}

/// What a side may do to a grant (the pages show exactly these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrantAction {
    /// 确认授权 (use unit, 待确认)
    Confirm,
    /// 拒绝 (use unit, 待确认)
    Refuse,
    /// 撤销授权 (either side, 待确认 or 已授权)
    Revoke,
}

impl GrantAction {
    pub fn label(self) -> &'static str {
        match self {
            GrantAction::Confirm => "确认授权",
            GrantAction::Refuse => "拒绝",
            GrantAction::Revoke => "撤销授权",
        }
    }

    /// Timeline / audit wording.
    pub fn event_label(self) -> &'static str {
        match self {
            GrantAction::Confirm => "确认能力授权",
            GrantAction::Refuse => "拒绝能力授权",
            GrantAction::Revoke => "撤销能力授权",
        }
    }
}

/// Timeline / audit wording of a new grant, a pre-authorization and an ending.
pub const GRANT_EVENT: &str = "能力授权";
pub const PRE_GRANT_EVENT: &str = "能力预授权";
pub const GRANT_ENDED_EVENT: &str = "能力授权终止";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("能力不存在")]
    Unknown,
    #[error("{0}尚未开通（或已到期），不能授权给使用单位")]
    NotOpened(String),
    #[error("该单位与本单位尚未建立绑定关系（接入邀请确认通过后方可授权）")]
    NotBound,
    #[error("使用单位不具备{qualification}，不能授权{capability}（须按使用单位的所属行业、资质资格授权）")]
    QualificationMissing { capability: String, qualification: String },
    #[error("已向该使用单位授权{0}（待确认或已授权）")]
    AlreadyGranted(String),
    #[error("请至少选择一家使用单位")]
    NoUseUnit,
    #[error("当前状态为{0}，不能进行此操作")]
    WrongStatus(&'static str),
    #[error("仅使用单位可以确认或拒绝能力授权")]
    NotUseUnit,
}

/// What decides whether a capability may be granted to a use unit.
#[derive(Debug, Clone)]
pub struct GrantCheck<'a> {
    pub capability: &'a Capability,
    /// The capability is 已开通 (as of today) for the direct unit.
    pub opened: bool,
    /// An invitation between the two is 确认通过.
    pub bound: bool,
    /// The use unit's 行业资质.
    pub use_unit_qualifications: &'a [String],
    /// An active (待确认/已授权) grant of this capability already exists.
    pub already: bool,
}

/// 【授权】: an opened capability, to a bound use unit that fits its qualification
/// (guideline-neimenggu 第二章 2.(5) 根據使用單位的所屬行業、資質資格授權), once at a time.
/// 公用基础能力 are granted too: a direct unit uses even those for a use unit only with its
/// consent (guideline-neimenggu 第三章 直連單位未取得使用單位授權, 不得使用…用戶數據).
pub fn may_grant(c: &GrantCheck<'_>) -> Result<(), GrantError> {
    if !c.opened {
        return Err(GrantError::NotOpened(c.capability.name.clone()));
    }
    if !c.bound {
        return Err(GrantError::NotBound);
    }
    if let Some(q) = &c.capability.qualification {
        if !c.use_unit_qualifications.iter().any(|u| u == q) {
            return Err(GrantError::QualificationMissing { capability: c.capability.name.clone(), qualification: q.clone() });
        }
    }
    if c.already {
        return Err(GrantError::AlreadyGranted(c.capability.name.clone()));
    }
    Ok(())
}

/// 能力预授权 at binding: for each capability the direct unit has open (`opened`), a
/// pending grant when it fits the use unit, else the reason it is skipped.
pub fn pre_authorized<'a>(opened: &'a [Capability], use_unit_qualifications: &[String]) -> Vec<(&'a Capability, Result<(), GrantError>)> {
    opened
        .iter()
        .map(|c| {
            let check = GrantCheck { capability: c, opened: true, bound: true, use_unit_qualifications, already: false };
            (c, may_grant(&check))
        })
        .collect()
}

/// The actions `party` has on a grant in `status`.
pub fn actions_for(status: &GrantStatus, party: GrantParty) -> Vec<GrantAction> {
    match (status, party) {
        (GrantStatus::Pending, GrantParty::UseUnit) => vec![GrantAction::Confirm, GrantAction::Refuse, GrantAction::Revoke],
        (GrantStatus::Pending | GrantStatus::Granted, _) => vec![GrantAction::Revoke],
        _ => vec![],
    }
}

/// One step by one side.
pub fn apply(status: &GrantStatus, party: GrantParty, action: GrantAction, reason: &str) -> Result<GrantStatus, GrantError> {
    let wrong = || GrantError::WrongStatus(status.label());
    match action {
        GrantAction::Confirm | GrantAction::Refuse if party != GrantParty::UseUnit => Err(GrantError::NotUseUnit),
        GrantAction::Confirm if *status == GrantStatus::Pending => Ok(GrantStatus::Granted),
        GrantAction::Refuse if *status == GrantStatus::Pending => Ok(GrantStatus::Refused { reason: reason.trim().chars().take(500).collect() }),
        GrantAction::Revoke if status.is_active() => Ok(GrantStatus::Revoked { by: party.label().to_string() }),
        _ => Err(wrong()),
    }
}

/// The system's ending: the binding ended or the capability is no longer open.
/// `None` when the grant is already final.
pub fn end(status: &GrantStatus, reason: &str) -> Option<GrantStatus> {
    status.is_active().then(|| GrantStatus::Ended { reason: reason.to_string() })
}

/// Why grants end.
pub const ENDED_UNBOUND: &str = "绑定关系已解除";
pub const ENDED_EXPIRED: &str = "直连单位的能力已到期";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capability::rules::find;
    use GrantAction as A;
    use GrantParty as P;
    use GrantStatus as S;

    fn check<'a>(c: &'a Capability, quals: &'a [String]) -> GrantCheck<'a> {
        GrantCheck { capability: c, opened: true, bound: true, use_unit_qualifications: quals, already: false }
    }

    #[test]
    fn an_opened_capability_is_granted_to_a_bound_use_unit() {
        let blue = find("blue_invoice").unwrap();
        assert_eq!(may_grant(&check(&blue, &[])), Ok(()));
        let public = find("invoice_query").unwrap();
        assert_eq!(may_grant(&check(&public, &[])), Ok(()), "公用基础能力 are granted too");
    }

    #[test]
    fn a_capability_not_opened_is_refused_with_the_reason() {
        let blue = find("blue_invoice").unwrap();
        let e = may_grant(&GrantCheck { opened: false, ..check(&blue, &[]) }).unwrap_err();
        assert_eq!(e.to_string(), "蓝字发票开具尚未开通（或已到期），不能授权给使用单位");
    }

    #[test]
    fn a_use_unit_not_bound_is_refused() {
        let blue = find("blue_invoice").unwrap();
        assert_eq!(may_grant(&GrantCheck { bound: false, ..check(&blue, &[]) }), Err(GrantError::NotBound));
    }

    #[test]
    fn a_use_unit_without_the_qualification_is_refused_with_the_reason() {
        let oil = find("refined_oil_invoice").unwrap();
        let e = may_grant(&check(&oil, &[])).unwrap_err();
        assert_eq!(e.to_string(), "使用单位不具备成品油经营许可，不能授权成品油发票开具（须按使用单位的所属行业、资质资格授权）");
        let quals = ["成品油经营许可".to_string()];
        assert_eq!(may_grant(&check(&oil, &quals)), Ok(()));
    }

    #[test]
    fn a_second_active_grant_of_the_same_capability_is_refused() {
        let blue = find("blue_invoice").unwrap();
        assert_eq!(may_grant(&GrantCheck { already: true, ..check(&blue, &[]) }), Err(GrantError::AlreadyGranted("蓝字发票开具".into())));
    }

    #[test]
    fn pre_authorization_grants_what_fits_and_names_what_does_not() {
        let opened = [find("blue_invoice").unwrap(), find("refined_oil_invoice").unwrap()];
        let out = pre_authorized(&opened, &[]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].1, Ok(()));
        assert!(matches!(&out[1].1, Err(GrantError::QualificationMissing { .. })));
    }

    #[test]
    fn the_use_unit_confirms_or_refuses_a_pending_grant() {
        assert_eq!(apply(&S::Pending, P::UseUnit, A::Confirm, ""), Ok(S::Granted));
        assert_eq!(apply(&S::Pending, P::UseUnit, A::Refuse, " 暂不需要 "), Ok(S::Refused { reason: "暂不需要".into() }));
        assert_eq!(apply(&S::Pending, P::DirectUnit, A::Confirm, ""), Err(GrantError::NotUseUnit));
        assert_eq!(apply(&S::Pending, P::DirectUnit, A::Refuse, ""), Err(GrantError::NotUseUnit));
        assert_eq!(apply(&S::Granted, P::UseUnit, A::Confirm, ""), Err(GrantError::WrongStatus("已授权")));
    }

    #[test]
    fn either_side_revokes_a_pending_or_granted_grant() {
        assert_eq!(apply(&S::Granted, P::DirectUnit, A::Revoke, ""), Ok(S::Revoked { by: "直连单位".into() }));
        assert_eq!(apply(&S::Granted, P::UseUnit, A::Revoke, ""), Ok(S::Revoked { by: "使用单位".into() }));
        assert_eq!(apply(&S::Pending, P::DirectUnit, A::Revoke, ""), Ok(S::Revoked { by: "直连单位".into() }));
        let revoked = S::Revoked { by: "直连单位".into() };
        assert_eq!(apply(&revoked, P::UseUnit, A::Revoke, ""), Err(GrantError::WrongStatus("已撤销")));
        assert!(!revoked.is_active() && !revoked.is_granted());
    }

    #[test]
    fn a_grant_ends_with_the_binding_or_the_capability_and_final_ones_stay() {
        assert_eq!(end(&S::Granted, ENDED_UNBOUND), Some(S::Ended { reason: ENDED_UNBOUND.into() }));
        assert_eq!(end(&S::Pending, ENDED_EXPIRED), Some(S::Ended { reason: ENDED_EXPIRED.into() }));
        assert_eq!(end(&S::Refused { reason: String::new() }, ENDED_UNBOUND), None);
        assert_eq!(apply(&S::Ended { reason: ENDED_UNBOUND.into() }, P::UseUnit, A::Confirm, ""), Err(GrantError::WrongStatus("已终止")));
    }

    #[test]
    fn actions_follow_status_and_side() {
        assert_eq!(actions_for(&S::Pending, P::UseUnit), [A::Confirm, A::Refuse, A::Revoke]);
        assert_eq!(actions_for(&S::Pending, P::DirectUnit), [A::Revoke]);
        assert_eq!(actions_for(&S::Granted, P::UseUnit), [A::Revoke]);
        assert!(actions_for(&S::Ended { reason: String::new() }, P::DirectUnit).is_empty());
        assert_eq!(S::FILTERS.map(|(_, l)| l), ["待确认", "已授权", "已拒绝", "已撤销", "已终止"]);
        assert_eq!(A::Confirm.label(), "确认授权");
    }
}
