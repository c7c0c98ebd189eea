//! The use unit's own 授权申请 (guideline-sichuan ch. 3 一(二)1.(2): "由使用单位申请授权的，
//! 使用单位通过电子税务局中乐企平台向直连单位发起授权申请，取得直连单位同意后再向使用单位主管税务机关
//! 发起使用请求"; the 服务协议书 第三条 一 2: the direct unit 有权…审核通过使用单位的授权申请).
//!
//! A use unit finds a direct unit by its credit code and sends a request with its
//! relationship and proof; the direct unit 同意 or 拒绝 (with a reason); the use unit may
//! 撤回 while it waits. On 同意 the request becomes an invitation that continues as one
//! would after the use unit's answer: 自用类 → 待受理 at the use unit's 主管税务机关;
//! 联用类 → 接入备案, then 待使用单位授权 (or 待受理 when 备案不通过).

use serde::{Deserialize, Serialize};

use crate::kernel::AccessType;
use crate::invitation::rules::{may_invite, Filing, InvitationStatus, Relationship, UseCategory};

/// 授权申请's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthRequestStatus {
    /// 待直连单位同意
    Pending,
    /// 直连单位已同意: the invitation it became.
    Agreed { invitation_id: i64 },
    /// 直连单位已拒绝
    Refused { reason: String },
    /// 已撤回 (by the use unit, while pending)
    Withdrawn,
}

impl AuthRequestStatus {
    pub const FILTERS: [(&'static str, &'static str); 4] = [("pending", "待直连单位同意"), ("agreed", "已同意"), ("refused", "已拒绝"), ("withdrawn", "已撤回")];

    pub fn code(&self) -> &'static str {
        match self {
            AuthRequestStatus::Pending => "pending",
            AuthRequestStatus::Agreed { .. } => "agreed",
            AuthRequestStatus::Refused { .. } => "refused",
            AuthRequestStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(&self) -> &'static str {
        Self::FILTERS.iter().find(|(c, _)| *c == self.code()).map(|(_, l)| *l).unwrap_or("")
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            AuthRequestStatus::Refused { reason } => Some(reason),
            _ => None,
        }
    }

    /// Pending: the pair cannot be asked again until it is decided.
    pub fn is_open(&self) -> bool {
        matches!(self, AuthRequestStatus::Pending)
    }
}

/// The side acting on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestParty {
    /// 使用单位 (the requester)
    UseUnit,
    /// 直连单位 (asked)
    DirectUnit,
}

/// What a party may do with a request now (the pages show exactly these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthRequestAction {
    /// 同意
    Agree,
    /// 拒绝
    Refuse,
    /// 撤回
    Withdraw,
}

impl AuthRequestAction {
    pub fn label(self) -> &'static str {
        match self {
            AuthRequestAction::Agree => "同意",
            AuthRequestAction::Refuse => "拒绝",
            AuthRequestAction::Withdraw => "撤回",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("该单位不是乐企直连单位，不能向其申请授权")]
    NotDirectUnit,
    #[error("该直连单位正在退出乐企，不能向其申请授权")]
    DirectUnitLeaving,
    #[error("不能向本单位申请授权")]
    SelfRequest,
    #[error("{0}直连单位不能接入{1}使用单位（{2}）")]
    CategoryNotAllowed(&'static str, &'static str, &'static str),
    #[error("请上传单位关系证明材料")]
    ProofRequired,
    #[error("已向该直连单位申请授权，请等待其处理")]
    AlreadyPending,
    #[error("当前状态为{0}，不能进行此操作")]
    WrongStatus(String),
    #[error("仅直连单位可以同意或拒绝授权申请")]
    NotDirectUnitParty,
    #[error("仅申请的使用单位可以撤回")]
    NotRequester,
    #[error("请填写原因")]
    ReasonRequired,
}

/// Who is asked, as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectUnitFacts {
    /// Its access type, when it is a direct unit.
    pub access_type: Option<AccessType>,
    pub leaving: bool,
}

/// 发起授权申请: the checks that need only the two units, the relationship and the proof.
/// The proof is required except for 同一监管部门 (guideline-sichuan ch. 3 一(二)2.(1): 隶属于统一政府
/// 业务监管部门的，无需提供).
pub fn request(direct: &DirectUnitFacts, same_unit: bool, relationship: Relationship, has_proof: bool, already_pending: bool) -> Result<AuthRequestStatus, RequestError> {
    if same_unit {
        return Err(RequestError::SelfRequest);
    }
    let Some(t) = direct.access_type else { return Err(RequestError::NotDirectUnit) };
    if direct.leaving {
        return Err(RequestError::DirectUnitLeaving);
    }
    let category = relationship.category();
    if !may_invite(t, category) {
        return Err(RequestError::CategoryNotAllowed(t.label(), category.label(), relationship.label()));
    }
    if !has_proof && relationship != Relationship::SameRegulator {
        return Err(RequestError::ProofRequired);
    }
    if already_pending {
        return Err(RequestError::AlreadyPending);
    }
    Ok(AuthRequestStatus::Pending)
}

/// 同意 by the direct unit. The invitation id is the one created with it.
pub fn agree(status: &AuthRequestStatus, by: RequestParty, invitation_id: i64) -> Result<AuthRequestStatus, RequestError> {
    if by != RequestParty::DirectUnit {
        return Err(RequestError::NotDirectUnitParty);
    }
    match status {
        AuthRequestStatus::Pending => Ok(AuthRequestStatus::Agreed { invitation_id }),
        other => Err(RequestError::WrongStatus(other.label().into())),
    }
}

/// 拒绝 by the direct unit, with a reason.
pub fn refuse(status: &AuthRequestStatus, by: RequestParty, reason: &str) -> Result<AuthRequestStatus, RequestError> {
    if by != RequestParty::DirectUnit {
        return Err(RequestError::NotDirectUnitParty);
    }
    if !status.is_open() {
        return Err(RequestError::WrongStatus(status.label().into()));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RequestError::ReasonRequired);
    }
    Ok(AuthRequestStatus::Refused { reason: reason.chars().take(500).collect() })
}

/// 撤回 by the use unit while the direct unit has not decided.
pub fn withdraw(status: &AuthRequestStatus, by: RequestParty) -> Result<AuthRequestStatus, RequestError> {
    if by != RequestParty::UseUnit {
        return Err(RequestError::NotRequester);
    }
    match status {
        AuthRequestStatus::Pending => Ok(AuthRequestStatus::Withdrawn),
        other => Err(RequestError::WrongStatus(other.label().into())),
    }
}

/// The actions a party has on a request in this status.
pub fn actions_for(status: &AuthRequestStatus, party: RequestParty) -> Vec<AuthRequestAction> {
    match (status, party) {
        (AuthRequestStatus::Pending, RequestParty::DirectUnit) => vec![AuthRequestAction::Agree, AuthRequestAction::Refuse],
        (AuthRequestStatus::Pending, RequestParty::UseUnit) => vec![AuthRequestAction::Withdraw],
        _ => vec![],
    }
}

/// The invitation an agreed request becomes: the use unit already asked (and
/// declared its relationship and proof), so a 自用类 one needs no 响应 and goes to its
/// 主管税务机关 (待受理); a 联用类 one runs 接入备案 and waits for its 授权 (or the desks).
pub fn invitation_status_on_agreement(category: UseCategory, filing: Option<Filing>) -> InvitationStatus {
    match (category, filing) {
        (UseCategory::SelfUse, _) => InvitationStatus::PendingAcceptance,
        (UseCategory::Joint, Some(Filing::Passed)) => InvitationStatus::AwaitingAuthorization,
        (UseCategory::Joint, _) => InvitationStatus::PendingAcceptance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthRequestStatus as S;

    fn joint() -> DirectUnitFacts {
        DirectUnitFacts { access_type: Some(AccessType::Joint), leaving: false }
    }

    #[test]
    fn a_request_goes_to_a_direct_unit_only() {
        let none = DirectUnitFacts { access_type: None, leaving: false };
        assert_eq!(request(&none, false, Relationship::ParentSubsidiary, true, false), Err(RequestError::NotDirectUnit));
        let leaving = DirectUnitFacts { leaving: true, ..joint() };
        assert_eq!(request(&leaving, false, Relationship::ParentSubsidiary, true, false), Err(RequestError::DirectUnitLeaving));
        assert_eq!(request(&joint(), true, Relationship::ParentSubsidiary, true, false), Err(RequestError::SelfRequest));
        assert_eq!(request(&joint(), false, Relationship::ParentSubsidiary, true, false), Ok(S::Pending));
    }

    #[test]
    fn the_relationship_must_suit_the_direct_units_access_type() {
        let self_use = DirectUnitFacts { access_type: Some(AccessType::SelfUse), leaving: false };
        let e = request(&self_use, false, Relationship::NoControl, true, false).unwrap_err();
        assert_eq!(e.to_string(), "乐企自用直连单位不能接入联用类使用单位（不具有控制关系）");
        let other = DirectUnitFacts { access_type: Some(AccessType::OtherUse), leaving: false };
        assert!(request(&other, false, Relationship::HeadBranch, true, false).is_err());
        assert!(request(&other, false, Relationship::NoControl, true, false).is_ok());
        assert!(request(&joint(), false, Relationship::NoControl, true, false).is_ok());
    }

    #[test]
    fn proof_is_required_except_for_the_same_regulator() {
        assert_eq!(request(&joint(), false, Relationship::HeadBranch, false, false), Err(RequestError::ProofRequired));
        assert_eq!(request(&joint(), false, Relationship::NoControl, false, false), Err(RequestError::ProofRequired));
        assert_eq!(request(&joint(), false, Relationship::SameRegulator, false, false), Ok(S::Pending));
    }

    #[test]
    fn one_pending_request_per_pair() {
        assert_eq!(request(&joint(), false, Relationship::HeadBranch, true, true), Err(RequestError::AlreadyPending));
    }

    #[test]
    fn only_the_direct_unit_agrees_or_refuses_and_only_while_pending() {
        assert_eq!(agree(&S::Pending, RequestParty::UseUnit, 9), Err(RequestError::NotDirectUnitParty));
        assert_eq!(agree(&S::Pending, RequestParty::DirectUnit, 9), Ok(S::Agreed { invitation_id: 9 }));
        assert!(matches!(agree(&S::Withdrawn, RequestParty::DirectUnit, 9), Err(RequestError::WrongStatus(_))));
        assert!(matches!(agree(&S::Agreed { invitation_id: 1 }, RequestParty::DirectUnit, 9), Err(RequestError::WrongStatus(_))));
        assert_eq!(refuse(&S::Pending, RequestParty::UseUnit, "x"), Err(RequestError::NotDirectUnitParty));
        assert_eq!(refuse(&S::Pending, RequestParty::DirectUnit, "  "), Err(RequestError::ReasonRequired));
        assert_eq!(refuse(&S::Pending, RequestParty::DirectUnit, " 无关联关系 "), Ok(S::Refused { reason: "无关联关系".into() }));
        assert!(refuse(&S::Refused { reason: "x".into() }, RequestParty::DirectUnit, "y").is_err());
    }

    #[test]
    fn only_the_requester_withdraws_and_only_while_pending() {
        assert_eq!(withdraw(&S::Pending, RequestParty::DirectUnit), Err(RequestError::NotRequester));
        assert_eq!(withdraw(&S::Pending, RequestParty::UseUnit), Ok(S::Withdrawn));
        assert!(withdraw(&S::Agreed { invitation_id: 1 }, RequestParty::UseUnit).is_err());
    }

    #[test]
    fn actions_follow_status_and_party() {
        assert_eq!(actions_for(&S::Pending, RequestParty::DirectUnit), [AuthRequestAction::Agree, AuthRequestAction::Refuse]);
        assert_eq!(actions_for(&S::Pending, RequestParty::UseUnit), [AuthRequestAction::Withdraw]);
        for s in [S::Agreed { invitation_id: 1 }, S::Refused { reason: "x".into() }, S::Withdrawn] {
            assert!(actions_for(&s, RequestParty::DirectUnit).is_empty() && actions_for(&s, RequestParty::UseUnit).is_empty());
            assert!(!s.is_open());
        }
        assert_eq!(S::Pending.label(), "待直连单位同意");
    }

    #[test]
    fn an_agreed_request_continues_as_an_answered_invitation() {
        assert_eq!(invitation_status_on_agreement(UseCategory::SelfUse, None), InvitationStatus::PendingAcceptance);
        assert_eq!(invitation_status_on_agreement(UseCategory::Joint, Some(Filing::Passed)), InvitationStatus::AwaitingAuthorization);
        assert_eq!(invitation_status_on_agreement(UseCategory::Joint, Some(Filing::Failed)), InvitationStatus::PendingAcceptance);
    }
}
