//! Use-unit invitations (manual §3.4–3.5, ch. 4): who a direct unit may invite,
//! each row of an invitation checked into a valid one, and the two status
//! workflows (自用类, 联用类 with 接入备案) with who may take each step.

use serde::{Deserialize, Serialize};

use crate::kernel::AccessType;
use crate::kernel::{CreditCode, Identity, OfficerRole};

/// At most this many rows in one 【新增邀请】 submission (manual §3.4.1.1).
pub const FORM_MAX_ROWS: usize = 50;
/// At most this many rows in one 【导入邀请】 file.
pub const IMPORT_MAX_ROWS: usize = 10_000;

/// 单位关系 between the direct unit and the use unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relationship {
    /// 总分公司关系
    HeadBranch,
    /// 母子公司关系
    ParentSubsidiary,
    /// 其他控制关系
    OtherControl,
    /// 同一监管部门
    SameRegulator,
    /// 不具有控制关系
    NoControl,
}

impl Relationship {
    pub const ALL: [Relationship; 5] =
        [Relationship::HeadBranch, Relationship::ParentSubsidiary, Relationship::OtherControl, Relationship::SameRegulator, Relationship::NoControl];

    pub fn label(self) -> &'static str {
        match self {
            Relationship::HeadBranch => "总分公司关系",
            Relationship::ParentSubsidiary => "母子公司关系",
            Relationship::OtherControl => "其他控制关系",
            Relationship::SameRegulator => "同一监管部门",
            Relationship::NoControl => "不具有控制关系",
        }
    }

    pub fn labels() -> Vec<&'static str> {
        Self::ALL.iter().map(|r| r.label()).collect()
    }

    /// By its label, as the form and the Excel template write it.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        Self::ALL.into_iter().find(|r| r.label() == s).ok_or_else(|| {
            if s.is_empty() { "请选择单位关系".to_string() } else { format!("单位关系“{s}”无效，应为：{}", Self::labels().join("、")) }
        })
    }

    /// The relationship decides the category (manual §3.4).
    pub fn category(self) -> UseCategory {
        match self {
            Relationship::NoControl => UseCategory::Joint,
            _ => UseCategory::SelfUse,
        }
    }
}

/// 自用类 / 联用类 use unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UseCategory {
    /// 自用类: 响应 → 受理 → 确认
    SelfUse,
    /// 联用类: 接入备案, then (受理 → 确认 when 备案不通过) → 授权
    Joint,
}

impl UseCategory {
    pub fn label(self) -> &'static str {
        match self {
            UseCategory::SelfUse => "自用类",
            UseCategory::Joint => "联用类",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            UseCategory::SelfUse => "ziyong",
            UseCategory::Joint => "lianyong",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        match c {
            "ziyong" => Some(UseCategory::SelfUse),
            "lianyong" => Some(UseCategory::Joint),
            _ => None,
        }
    }
}

/// Which categories a direct unit of each access type may invite. 乐企联用: both
/// (manual §3.4); 乐企自用: only 自用类 — its service is for related units
/// (guidelines: 使用单位 为同一总分公司、集团企业或具备相互股权控制关系的企业, and the
/// commitment 自用模式下绝不开展联用、他用); 乐企他用: only 联用类 — it serves third
/// parties without control relationships, who authorize it like 联用类 units.
pub fn may_invite(direct: AccessType, category: UseCategory) -> bool {
    match direct {
        AccessType::Joint => true,
        AccessType::SelfUse => category == UseCategory::SelfUse,
        AccessType::OtherUse => category == UseCategory::Joint,
    }
}

/// 能力预授权: 是 / 否.
pub fn parse_pre_authorize(s: &str) -> Result<bool, String> {
    match s.trim() {
        "是" | "Y" | "y" | "true" | "1" => Ok(true),
        "否" | "N" | "n" | "false" | "0" | "" => Ok(false),
        other => Err(format!("能力预授权“{other}”无效，应为是或否")),
    }
}

/// One row as entered (form, Excel or API) before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InviteRowInput {
    pub credit_code: String,
    pub name: String,
    /// 省级税务机关, by name (e.g. 国家税务总局四川省税务局)
    pub province: String,
    pub relationship: String,
    pub pre_authorize: String,
}

/// A row that passed the checks that need nothing but the row and the inviter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRow {
    pub credit_code: CreditCode,
    pub name: String,
    pub province: String,
    pub relationship: Relationship,
    pub pre_authorize: bool,
}

/// The checks of one row that need only the row and the inviter's access type.
/// Registry checks (name, province, already bound) come after, in the service.
pub fn parse_row(row: &InviteRowInput, direct: AccessType) -> Result<ParsedRow, String> {
    let credit_code = CreditCode::parse(&row.credit_code).map_err(|e| {
        let m = e.to_string();
        if m.starts_with("统一社会信用代码") { m } else { format!("统一社会信用代码：{m}") }
    })?;
    let name = row.name.trim();
    if name.is_empty() {
        return Err("请填写单位名称".into());
    }
    let province = row.province.trim();
    if province.is_empty() {
        return Err("请选择省级税务机关".into());
    }
    let relationship = Relationship::parse(&row.relationship)?;
    let category = relationship.category();
    if !may_invite(direct, category) {
        return Err(format!("{}直连单位不能邀请{}使用单位（{}）", direct.label(), category.label(), relationship.label()));
    }
    let pre_authorize = parse_pre_authorize(&row.pre_authorize)?;
    Ok(ParsedRow { credit_code, name: name.to_string(), province: province.to_string(), relationship, pre_authorize })
}

/// Where a batch of invitations came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchSource {
    /// 新增邀请 (the form)
    Form,
    /// 导入邀请 (an Excel file)
    Import,
    /// 使用单位管理能力 (the API)
    Api,
    /// 授权申请 agreed by the direct unit (one invitation)
    Request,
}

impl BatchSource {
    pub fn code(self) -> &'static str {
        match self {
            BatchSource::Form => "form",
            BatchSource::Import => "import",
            BatchSource::Api => "api",
            BatchSource::Request => "request",
        }
    }
    pub fn from_code(c: &str) -> Self {
        match c {
            "import" => BatchSource::Import,
            "api" => BatchSource::Api,
            "request" => BatchSource::Request,
            _ => BatchSource::Form,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            BatchSource::Form => "新增邀请",
            BatchSource::Import => "导入邀请",
            BatchSource::Api => "接口上传",
            BatchSource::Request => "授权申请",
        }
    }
}

/// Who decides or acts on an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationParty {
    /// 直连单位
    DirectUnit,
    /// 使用单位, with the identity of the person acting
    UseUnit(Identity),
}

impl InvitationParty {
    pub fn label(&self) -> &'static str {
        match self {
            InvitationParty::DirectUnit => "直连单位",
            InvitationParty::UseUnit(_) => "使用单位",
        }
    }
}

/// An invitation's status (manual §3.4.1.4, §3.4.2.4, §4.3.1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    /// 待使用单位响应 (自用类)
    AwaitingResponse,
    /// 已拒绝 (the use unit refused to respond or to authorize)
    Declined { reason: String },
    /// 待受理
    PendingAcceptance,
    /// 不予受理
    NotAccepted { reason: String },
    /// 待确认
    PendingConfirmation,
    /// 确认不通过
    ConfirmationRejected { reason: String },
    /// 待使用单位授权 (联用类)
    AwaitingAuthorization,
    /// 确认通过: bound
    Confirmed,
    /// 已解除绑定 (by either side, manual §3.5, §4.4)
    Unbound { by: String, reason: String },
}

impl InvitationStatus {
    pub const FILTERS: [(&'static str, &'static str); 9] = [
        ("awaiting_response", "待使用单位响应"),
        ("declined", "已拒绝"),
        ("pending_acceptance", "待受理"),
        ("not_accepted", "不予受理"),
        ("pending_confirmation", "待确认"),
        ("confirmation_rejected", "确认不通过"),
        ("awaiting_authorization", "待使用单位授权"),
        ("confirmed", "确认通过"),
        ("unbound", "已解除绑定"),
    ];

    pub fn code(&self) -> &'static str {
        match self {
            InvitationStatus::AwaitingResponse => "awaiting_response",
            InvitationStatus::Declined { .. } => "declined",
            InvitationStatus::PendingAcceptance => "pending_acceptance",
            InvitationStatus::NotAccepted { .. } => "not_accepted",
            InvitationStatus::PendingConfirmation => "pending_confirmation",
            InvitationStatus::ConfirmationRejected { .. } => "confirmation_rejected",
            InvitationStatus::AwaitingAuthorization => "awaiting_authorization",
            InvitationStatus::Confirmed => "confirmed",
            InvitationStatus::Unbound { .. } => "unbound",
        }
    }

    pub fn label(&self) -> &'static str {
        Self::FILTERS.iter().find(|(c, _)| *c == self.code()).map(|(_, l)| *l).unwrap_or("")
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            InvitationStatus::Declined { reason }
            | InvitationStatus::NotAccepted { reason }
            | InvitationStatus::ConfirmationRejected { reason }
            | InvitationStatus::Unbound { reason, .. } => (!reason.is_empty()).then_some(reason.as_str()),
            _ => None,
        }
    }

    /// After 已拒绝, 不予受理 or 确认不通过 the direct unit can 重新发起邀请.
    pub fn may_reinvite(&self) -> bool {
        matches!(self, InvitationStatus::Declined { .. } | InvitationStatus::NotAccepted { .. } | InvitationStatus::ConfirmationRejected { .. })
    }

    /// Pending or bound: the pair (direct unit, use unit) cannot be invited again.
    pub fn is_open(&self) -> bool {
        !(self.may_reinvite() || matches!(self, InvitationStatus::Unbound { .. }))
    }

    pub fn is_bound(&self) -> bool {
        matches!(self, InvitationStatus::Confirmed)
    }

    /// The use unit's answer is awaited (H5 【待确认】): 响应 or 授权.
    pub fn awaits_use_unit(&self) -> bool {
        matches!(self, InvitationStatus::AwaitingResponse | InvitationStatus::AwaitingAuthorization)
    }

    /// The officer desk that decides now: 受理 by the use unit's 主管税务机关's 受理
    /// post, 确认 by the same office's 复核 post (a second officer).
    pub fn deciding_role(&self) -> Option<OfficerRole> {
        match self {
            InvitationStatus::PendingAcceptance => Some(OfficerRole::Acceptance),
            InvitationStatus::PendingConfirmation => Some(OfficerRole::Review),
            _ => None,
        }
    }

    /// Who must act next, for the timeline.
    pub fn next_actor(&self) -> Option<&'static str> {
        match self {
            InvitationStatus::AwaitingResponse => Some("使用单位经办人（响应邀请）"),
            InvitationStatus::AwaitingAuthorization => Some("使用单位法定代表人或财务负责人（授权）"),
            InvitationStatus::PendingAcceptance => Some("使用单位主管税务机关（受理）"),
            InvitationStatus::PendingConfirmation => Some("使用单位主管税务机关（确认）"),
            s if s.may_reinvite() => Some("直连单位经办人（可重新发起邀请）"),
            _ => None,
        }
    }
}

/// 接入备案 outcome for a 联用类 use unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Filing {
    Passed,
    Failed,
}

/// The first status of a new invitation.
pub fn initial_status(category: UseCategory, filing: Option<Filing>) -> InvitationStatus {
    match (category, filing) {
        (UseCategory::SelfUse, _) => InvitationStatus::AwaitingResponse,
        (UseCategory::Joint, Some(Filing::Passed)) => InvitationStatus::AwaitingAuthorization,
        (UseCategory::Joint, _) => InvitationStatus::PendingAcceptance,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum InvitationError {
    #[error("当前状态为{0}，不能进行此操作")]
    WrongStatus(String),
    #[error("仅法定代表人或财务负责人可以授权")]
    NotPrincipal,
    #[error("您的岗位不能办理此环节")]
    WrongRole,
    #[error("该邀请不属于您所在的税务机关")]
    NotYourOffice,
    #[error("请填写原因")]
    ReasonRequired,
    #[error("请至少选择一名开票人员")]
    NoInvoicer,
    #[error("请选择开票安全验证时间")]
    NoPeriod,
    #[error("您不能办理此操作")]
    NotYours,
}

fn reason_of(reason: &str) -> Result<String, InvitationError> {
    let r = reason.trim();
    if r.is_empty() { Err(InvitationError::ReasonRequired) } else { Ok(r.chars().take(500).collect()) }
}

/// 自用类 【确认】 (→ 待受理) or 【拒绝】 (→ 已拒绝) by the use unit.
pub fn respond(status: &InvitationStatus, confirm: bool, reason: &str) -> Result<InvitationStatus, InvitationError> {
    match status {
        InvitationStatus::AwaitingResponse if confirm => Ok(InvitationStatus::PendingAcceptance),
        InvitationStatus::AwaitingResponse => Ok(InvitationStatus::Declined { reason: reason.trim().chars().take(500).collect() }),
        other => Err(InvitationError::WrongStatus(other.label().into())),
    }
}

/// 开票安全验证时间配置: a choice among the periods offered (data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationPeriod {
    pub code: String,
    pub label: String,
    pub minutes: u32,
}

/// 联用类 【授权】: 开票人员配置 (at least one) and 开票安全验证时间配置, by the
/// 法定代表人 or 财务负责人 only; → 确认通过 (bound).
pub fn authorize(status: &InvitationStatus, who: Identity, invoicers: usize, period: Option<&VerificationPeriod>) -> Result<InvitationStatus, InvitationError> {
    if !who.is_principal() {
        return Err(InvitationError::NotPrincipal);
    }
    if *status != InvitationStatus::AwaitingAuthorization {
        return Err(InvitationError::WrongStatus(status.label().into()));
    }
    if invoicers == 0 {
        return Err(InvitationError::NoInvoicer);
    }
    if period.is_none() {
        return Err(InvitationError::NoPeriod);
    }
    Ok(InvitationStatus::Confirmed)
}

/// 联用类 【拒绝】 of the authorization, by the 法定代表人 or 财务负责人.
pub fn refuse_authorization(status: &InvitationStatus, who: Identity, reason: &str) -> Result<InvitationStatus, InvitationError> {
    if !who.is_principal() {
        return Err(InvitationError::NotPrincipal);
    }
    match status {
        InvitationStatus::AwaitingAuthorization => Ok(InvitationStatus::Declined { reason: reason.trim().chars().take(500).collect() }),
        other => Err(InvitationError::WrongStatus(other.label().into())),
    }
}

/// An officer's decision on an invitation at the use unit's 主管税务机关.
/// 受理 → 待确认; 确认通过 → 确认通过 (自用类) or 待使用单位授权 (联用类).
pub fn decide(
    status: &InvitationStatus,
    category: UseCategory,
    approve: bool,
    reason: &str,
    role: OfficerRole,
    officer_office: Option<i64>,
    use_unit_office: i64,
) -> Result<InvitationStatus, InvitationError> {
    let desk = status.deciding_role().ok_or_else(|| InvitationError::WrongStatus(status.label().into()))?;
    if role != desk {
        return Err(InvitationError::WrongRole);
    }
    if officer_office != Some(use_unit_office) {
        return Err(InvitationError::NotYourOffice);
    }
    Ok(match (desk, approve) {
        (OfficerRole::Acceptance, true) => InvitationStatus::PendingConfirmation,
        (OfficerRole::Acceptance, false) => InvitationStatus::NotAccepted { reason: reason_of(reason)? },
        (_, true) if category == UseCategory::Joint => InvitationStatus::AwaitingAuthorization,
        (_, true) => InvitationStatus::Confirmed,
        (_, false) => InvitationStatus::ConfirmationRejected { reason: reason_of(reason)? },
    })
}

/// 解除绑定 by either side; the use unit must give a reason (manual §4.4).
pub fn unbind(status: &InvitationStatus, by: &InvitationParty, reason: &str) -> Result<InvitationStatus, InvitationError> {
    if !status.is_bound() {
        return Err(InvitationError::WrongStatus(status.label().into()));
    }
    let reason = match by {
        InvitationParty::UseUnit(_) => reason_of(reason)?,
        InvitationParty::DirectUnit => reason.trim().chars().take(500).collect(),
    };
    Ok(InvitationStatus::Unbound { by: by.label().into(), reason })
}

/// How the end of a binding by the end of the direct unit's service (到期终止, 终止服务,
/// 责令退出) is written in the invitation's timeline.
pub const SERVICE_ENDED_EVENT: &str = "终止服务";

/// The direct unit's service ends (到期终止, 终止服务, 责令退出): every open invitation — bound
/// or still pending — becomes 已解除绑定 by `by` (the system or the officer), for `reason`
/// (required). A closed one (已拒绝, 不予受理, 确认不通过, 已解除绑定) stays as it is.
pub fn end_binding(status: &InvitationStatus, by: &str, reason: &str) -> Result<InvitationStatus, InvitationError> {
    if !status.is_open() {
        return Err(InvitationError::WrongStatus(status.label().into()));
    }
    let by = by.trim();
    if by.is_empty() {
        return Err(InvitationError::NotYours);
    }
    Ok(InvitationStatus::Unbound { by: by.to_string(), reason: reason_of(reason)? })
}

/// What someone may do to an invitation now. The server sends these (never
/// their labels) and pages match on them; `label()` is the button text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvitationAction {
    /// 直连单位: 重新发起邀请 (after 已拒绝, 不予受理, 确认不通过)
    Reinvite,
    /// 直连单位: 解除绑定 (reason optional)
    UnbindUseUnit,
    /// 使用单位, 自用类: 确认 → 待受理
    Confirm,
    /// 使用单位, 自用类: 拒绝 → 已拒绝 (reason optional)
    Decline,
    /// 使用单位, 联用类, 法定代表人或财务负责人: 授权 → 确认通过
    Authorize,
    /// 使用单位, 联用类, 法定代表人或财务负责人: 拒绝 → 已拒绝 (reason optional)
    RefuseAuthorization,
    /// 使用单位: 解除绑定 (reason required)
    UnbindDirectUnit,
    /// 受理岗: 受理 → 待确认
    Accept,
    /// 受理岗: 不予受理 (reason required)
    NotAccept,
    /// 复核岗: 确认通过
    ConfirmPass,
    /// 复核岗: 确认不通过 (reason required)
    ConfirmReject,
}

/// Whether an action takes a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonRule {
    None,
    Optional,
    Required,
}

impl InvitationAction {
    /// The button text (manual wording).
    pub fn label(self) -> &'static str {
        use InvitationAction::*;
        match self {
            Reinvite => "重新发起邀请",
            UnbindUseUnit | UnbindDirectUnit => "解除绑定",
            Confirm => "确认",
            Decline | RefuseAuthorization => "拒绝",
            Authorize => "授权",
            Accept => "受理",
            NotAccept => "不予受理",
            ConfirmPass => "确认通过",
            ConfirmReject => "确认不通过",
        }
    }

    /// How the step is written in the timeline and the audit log.
    pub fn event_label(self) -> &'static str {
        use InvitationAction::*;
        match self {
            Confirm => "确认邀请",
            Decline => "拒绝邀请",
            RefuseAuthorization => "拒绝授权",
            UnbindDirectUnit => "使用单位解除绑定",
            UnbindUseUnit => "直连单位解除绑定",
            other => other.label(),
        }
    }

    pub fn reason(self) -> ReasonRule {
        use InvitationAction::*;
        match self {
            Decline | RefuseAuthorization | UnbindUseUnit => ReasonRule::Optional,
            UnbindDirectUnit | NotAccept | ConfirmReject => ReasonRule::Required,
            Reinvite | Confirm | Authorize | Accept | ConfirmPass => ReasonRule::None,
        }
    }

    /// A refusal or an ending (shown as a secondary, "danger" button).
    pub fn is_negative(self) -> bool {
        self.reason() != ReasonRule::None
    }

    /// The officer desk that takes this decision, and whether it approves.
    pub fn decision(self) -> Option<(OfficerRole, bool)> {
        use InvitationAction::*;
        match self {
            Accept => Some((OfficerRole::Acceptance, true)),
            NotAccept => Some((OfficerRole::Acceptance, false)),
            ConfirmPass => Some((OfficerRole::Review, true)),
            ConfirmReject => Some((OfficerRole::Review, false)),
            _ => None,
        }
    }
}

/// Who is looking at (or acting on) an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvitationViewer {
    DirectUnit,
    UseUnit(Identity),
    /// An officer of the use unit's 主管税务机关.
    Officer(OfficerRole),
}

/// What `viewer` may do to an invitation in `status` (the only source of the
/// buttons every page shows).
pub fn actions_for(status: &InvitationStatus, viewer: &InvitationViewer) -> Vec<InvitationAction> {
    use InvitationAction as A;
    match viewer {
        InvitationViewer::DirectUnit if status.may_reinvite() => vec![A::Reinvite],
        InvitationViewer::DirectUnit if status.is_bound() => vec![A::UnbindUseUnit],
        InvitationViewer::DirectUnit => vec![],
        InvitationViewer::UseUnit(who) => match status {
            InvitationStatus::AwaitingResponse => vec![A::Confirm, A::Decline],
            InvitationStatus::AwaitingAuthorization if who.is_principal() => vec![A::Authorize, A::RefuseAuthorization],
            InvitationStatus::Confirmed => vec![A::UnbindDirectUnit],
            _ => vec![],
        },
        InvitationViewer::Officer(role) if status.deciding_role() == Some(*role) => match role {
            OfficerRole::Acceptance => vec![A::Accept, A::NotAccept],
            _ => vec![A::ConfirmPass, A::ConfirmReject],
        },
        InvitationViewer::Officer(_) => vec![],
    }
}

/// What an action carries besides itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActInput {
    pub reason: String,
    /// 授权: how many 开票员 were chosen (each checked by the service).
    pub invoicers: usize,
    /// 授权: the 开票安全验证时间 chosen among the offered ones.
    pub period: Option<VerificationPeriod>,
}

/// One step of the workflow: the new status, or why not. Officers' office is
/// checked against the use unit's (`use_unit_office`). 重新发起邀请 creates a new
/// invitation and is not a transition of this one.
pub fn apply(
    status: &InvitationStatus,
    category: UseCategory,
    viewer: &InvitationViewer,
    officer_office: Option<i64>,
    use_unit_office: i64,
    action: InvitationAction,
    input: &ActInput,
) -> Result<InvitationStatus, InvitationError> {
    use InvitationAction as A;
    match (action, viewer) {
        (A::Confirm | A::Decline, InvitationViewer::UseUnit(_)) if category == UseCategory::SelfUse => respond(status, action == A::Confirm, &input.reason),
        (A::Authorize, InvitationViewer::UseUnit(who)) if category == UseCategory::Joint => authorize(status, *who, input.invoicers, input.period.as_ref()),
        (A::RefuseAuthorization, InvitationViewer::UseUnit(who)) if category == UseCategory::Joint => refuse_authorization(status, *who, &input.reason),
        (A::UnbindDirectUnit, InvitationViewer::UseUnit(who)) => unbind(status, &InvitationParty::UseUnit(*who), &input.reason),
        (A::UnbindUseUnit, InvitationViewer::DirectUnit) => unbind(status, &InvitationParty::DirectUnit, &input.reason),
        (A::Accept | A::NotAccept | A::ConfirmPass | A::ConfirmReject, InvitationViewer::Officer(role)) => {
            let (desk, approve) = action.decision().ok_or(InvitationError::WrongRole)?;
            if status.deciding_role() != Some(desk) {
                return Err(InvitationError::WrongStatus(status.label().into()));
            }
            decide(status, category, approve, &input.reason, *role, officer_office, use_unit_office)
        }
        (A::Confirm | A::Decline | A::Authorize | A::RefuseAuthorization, InvitationViewer::UseUnit(_)) => Err(InvitationError::WrongStatus(status.label().into())),
        _ => Err(InvitationError::NotYours),
    }
}

/// 联用类 【授权】 as recorded: the chosen 开票员, the verification period, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationRecord {
    pub invoicers: Vec<InvoicerChoice>,
    pub period: VerificationPeriod,
    /// 姓名（身份）
    pub authorized_by: String,
    /// Beijing time, "YYYY-MM-DD HH:MM:SS".
    pub authorized_at: String,
}

/// A unit's 开票员 as offered and chosen (开票人员配置).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicerChoice {
    pub link_id: i64,
    pub name: String,
}


/// 开票人员登记 (manual §4.5): who may register and unregister.
pub fn may_manage_invoicers(who: Identity) -> bool {
    who.is_principal()
}

#[cfg(test)]
mod tests {
    use super::*;
    use InvitationStatus as S;

    #[test]
    fn relationship_decides_category_and_labels_round_trip() {
        for r in Relationship::ALL {
            assert_eq!(Relationship::parse(r.label()), Ok(r));
        }
        assert_eq!(Relationship::NoControl.category(), UseCategory::Joint);
        assert!(Relationship::ALL[..4].iter().all(|r| r.category() == UseCategory::SelfUse));
        assert!(Relationship::parse("朋友关系").unwrap_err().contains("无效"));
        assert_eq!(Relationship::parse(" ").unwrap_err(), "请选择单位关系");
    }

    #[test]
    fn who_may_invite_whom() {
        assert!(may_invite(AccessType::Joint, UseCategory::SelfUse) && may_invite(AccessType::Joint, UseCategory::Joint));
        assert!(may_invite(AccessType::SelfUse, UseCategory::SelfUse) && !may_invite(AccessType::SelfUse, UseCategory::Joint));
        assert!(!may_invite(AccessType::OtherUse, UseCategory::SelfUse) && may_invite(AccessType::OtherUse, UseCategory::Joint));
    }

    fn row(code: &str, rel: &str) -> InviteRowInput {
        InviteRowInput { credit_code: code.into(), name: "成都青禾餐饮管理有限公司".into(), province: "国家税务总局四川省税务局".into(), relationship: rel.into(), pre_authorize: "是".into() }
    }

    #[test]
    fn rows_are_parsed_with_a_reason_each() {
        let ok = parse_row(&row("91510104MA6CLQ0158", "不具有控制关系"), AccessType::Joint).unwrap();
        assert_eq!(ok.relationship.category(), UseCategory::Joint);
        assert!(ok.pre_authorize);
        // wrong check character
        assert!(parse_row(&row("91510104MA6CLQ0159", "不具有控制关系"), AccessType::Joint).unwrap_err().starts_with("统一社会信用代码"));
        // a 自用 direct unit cannot invite 联用类
        assert!(parse_row(&row("91510104MA6CLQ0158", "不具有控制关系"), AccessType::SelfUse).unwrap_err().contains("不能邀请联用类"));
        let mut r = row("91510104MA6CLQ0158", "母子公司关系");
        r.name = " ".into();
        assert_eq!(parse_row(&r, AccessType::Joint).unwrap_err(), "请填写单位名称");
        r = row("91510104MA6CLQ0158", "母子公司关系");
        r.pre_authorize = "也许".into();
        assert!(parse_row(&r, AccessType::Joint).unwrap_err().contains("能力预授权"));
    }

    #[test]
    fn first_status_depends_on_category_and_filing() {
        assert_eq!(initial_status(UseCategory::SelfUse, None), S::AwaitingResponse);
        assert_eq!(initial_status(UseCategory::Joint, Some(Filing::Passed)), S::AwaitingAuthorization);
        assert_eq!(initial_status(UseCategory::Joint, Some(Filing::Failed)), S::PendingAcceptance);
    }

    #[test]
    fn self_use_path_response_then_two_desks() {
        let s = respond(&S::AwaitingResponse, true, "").unwrap();
        assert_eq!(s, S::PendingAcceptance);
        assert_eq!(decide(&s, UseCategory::SelfUse, true, "", OfficerRole::Review, Some(7), 7), Err(InvitationError::WrongRole));
        assert_eq!(decide(&s, UseCategory::SelfUse, true, "", OfficerRole::Acceptance, Some(8), 7), Err(InvitationError::NotYourOffice));
        assert_eq!(decide(&s, UseCategory::SelfUse, false, " ", OfficerRole::Acceptance, Some(7), 7), Err(InvitationError::ReasonRequired));
        let s = decide(&s, UseCategory::SelfUse, true, "", OfficerRole::Acceptance, Some(7), 7).unwrap();
        assert_eq!(s, S::PendingConfirmation);
        assert_eq!(decide(&s, UseCategory::SelfUse, true, "", OfficerRole::Review, Some(7), 7).unwrap(), S::Confirmed);
        assert_eq!(decide(&s, UseCategory::SelfUse, false, "材料不全", OfficerRole::Review, Some(7), 7).unwrap(), S::ConfirmationRejected { reason: "材料不全".into() });
        assert_eq!(respond(&S::AwaitingResponse, false, "").unwrap(), S::Declined { reason: String::new() });
        assert!(respond(&S::PendingAcceptance, true, "").is_err());
    }

    #[test]
    fn joint_path_ends_in_authorization_by_a_principal() {
        // 备案不通过: 受理, 确认, then 授权
        let s = decide(&S::PendingAcceptance, UseCategory::Joint, true, "", OfficerRole::Acceptance, Some(1), 1).unwrap();
        let s = decide(&s, UseCategory::Joint, true, "", OfficerRole::Review, Some(1), 1).unwrap();
        assert_eq!(s, S::AwaitingAuthorization);
        let week = VerificationPeriod { code: "7d".into(), label: "7天".into(), minutes: 7 * 24 * 60 };
        assert_eq!(authorize(&s, Identity::TaxClerk, 1, Some(&week)), Err(InvitationError::NotPrincipal));
        assert_eq!(authorize(&s, Identity::InvoiceClerk, 1, Some(&week)), Err(InvitationError::NotPrincipal));
        assert_eq!(authorize(&s, Identity::FinanceManager, 0, Some(&week)), Err(InvitationError::NoInvoicer));
        assert_eq!(authorize(&s, Identity::FinanceManager, 1, None), Err(InvitationError::NoPeriod));
        assert_eq!(authorize(&s, Identity::LegalRepresentative, 2, Some(&week)).unwrap(), S::Confirmed);
        assert_eq!(refuse_authorization(&s, Identity::TaxClerk, ""), Err(InvitationError::NotPrincipal));
        assert!(matches!(refuse_authorization(&s, Identity::FinanceManager, "不需要"), Ok(S::Declined { .. })));
        assert!(authorize(&S::PendingAcceptance, Identity::LegalRepresentative, 1, Some(&week)).is_err());
    }

    #[test]
    fn reinvite_and_open_states() {
        for s in [S::Declined { reason: String::new() }, S::NotAccepted { reason: "x".into() }, S::ConfirmationRejected { reason: "x".into() }] {
            assert!(s.may_reinvite() && !s.is_open());
        }
        for s in [S::AwaitingResponse, S::PendingAcceptance, S::PendingConfirmation, S::AwaitingAuthorization, S::Confirmed] {
            assert!(!s.may_reinvite() && s.is_open());
        }
        let u = S::Unbound { by: "直连单位".into(), reason: String::new() };
        assert!(!u.is_open() && !u.may_reinvite());
        assert_eq!(S::FILTERS.len(), 9);
        assert_eq!(S::Confirmed.label(), "确认通过");
    }

    #[test]
    fn actions_depend_on_status_and_viewer() {
        use InvitationAction as A;
        use InvitationViewer as V;
        assert_eq!(actions_for(&S::AwaitingResponse, &V::UseUnit(Identity::TaxClerk)), [A::Confirm, A::Decline]);
        assert_eq!(actions_for(&S::AwaitingAuthorization, &V::UseUnit(Identity::FinanceManager)), [A::Authorize, A::RefuseAuthorization]);
        assert!(actions_for(&S::AwaitingAuthorization, &V::UseUnit(Identity::InvoiceClerk)).is_empty());
        assert_eq!(actions_for(&S::Confirmed, &V::UseUnit(Identity::TaxClerk)), [A::UnbindDirectUnit]);
        assert_eq!(actions_for(&S::Confirmed, &V::DirectUnit), [A::UnbindUseUnit]);
        assert_eq!(actions_for(&S::NotAccepted { reason: "x".into() }, &V::DirectUnit), [A::Reinvite]);
        assert!(actions_for(&S::AwaitingResponse, &V::DirectUnit).is_empty());
        assert_eq!(actions_for(&S::PendingAcceptance, &V::Officer(OfficerRole::Acceptance)), [A::Accept, A::NotAccept]);
        assert_eq!(actions_for(&S::PendingConfirmation, &V::Officer(OfficerRole::Review)), [A::ConfirmPass, A::ConfirmReject]);
        assert!(actions_for(&S::PendingConfirmation, &V::Officer(OfficerRole::Acceptance)).is_empty());
        // Two actions share the label 拒绝; the page tells them apart by the enum.
        assert_eq!(A::Decline.label(), A::RefuseAuthorization.label());
        assert_eq!(A::UnbindDirectUnit.reason(), ReasonRule::Required);
        assert_eq!(A::UnbindUseUnit.reason(), ReasonRule::Optional);
    }

    #[test]
    fn apply_dispatches_by_action_and_checks_who_acts() {
        use InvitationAction as A;
        use InvitationViewer as V;
        let none = ActInput::default();
        let me = V::UseUnit(Identity::LegalRepresentative);
        assert_eq!(apply(&S::AwaitingResponse, UseCategory::SelfUse, &me, None, 1, A::Confirm, &none), Ok(S::PendingAcceptance));
        // The direct unit cannot answer for the use unit.
        assert_eq!(apply(&S::AwaitingResponse, UseCategory::SelfUse, &V::DirectUnit, None, 1, A::Confirm, &none), Err(InvitationError::NotYours));
        // A 联用类 invitation is not confirmed but authorized.
        assert!(matches!(apply(&S::AwaitingAuthorization, UseCategory::Joint, &me, None, 1, A::Confirm, &none), Err(InvitationError::WrongStatus(_))));
        assert_eq!(apply(&S::AwaitingAuthorization, UseCategory::Joint, &V::UseUnit(Identity::TaxClerk), None, 1, A::RefuseAuthorization, &none), Err(InvitationError::NotPrincipal));
        // An officer's decision from a stale page (the desk moved on) is a wrong status.
        let o = V::Officer(OfficerRole::Acceptance);
        assert!(matches!(apply(&S::PendingConfirmation, UseCategory::SelfUse, &o, Some(1), 1, A::Accept, &none), Err(InvitationError::WrongStatus(_))));
        assert_eq!(apply(&S::PendingAcceptance, UseCategory::SelfUse, &o, Some(2), 1, A::Accept, &none), Err(InvitationError::NotYourOffice));
        assert_eq!(apply(&S::PendingAcceptance, UseCategory::SelfUse, &o, Some(1), 1, A::Accept, &none), Ok(S::PendingConfirmation));
        assert_eq!(apply(&S::Confirmed, UseCategory::Joint, &V::DirectUnit, None, 1, A::UnbindUseUnit, &none).unwrap().label(), "已解除绑定");
    }

    #[test]
    fn filing_outcome_is_all_lines_passed() {
        use crate::access::rules::{filing_outcome, CheckLine, CheckOutcome};
        let line = |o| CheckLine { rule_id: "r".into(), label: "l".into(), unit_value: "v".into(), threshold: "t".into(), outcome: o };
        assert_eq!(filing_outcome(&[line(CheckOutcome::Pass)]), Filing::Passed);
        assert_eq!(filing_outcome(&[line(CheckOutcome::Pass), line(CheckOutcome::Fail)]), Filing::Failed);
        assert_eq!(initial_status(UseCategory::Joint, Some(filing_outcome(&[]))), S::AwaitingAuthorization);
    }

    #[test]
    fn the_end_of_service_ends_every_open_invitation_with_a_reason() {
        for s in [S::AwaitingResponse, S::PendingAcceptance, S::PendingConfirmation, S::AwaitingAuthorization, S::Confirmed] {
            assert_eq!(end_binding(&s, "系统", "终止服务"), Ok(S::Unbound { by: "系统".into(), reason: "终止服务".into() }), "{s:?}");
        }
        for s in [S::Declined { reason: String::new() }, S::NotAccepted { reason: "x".into() }, S::ConfirmationRejected { reason: "x".into() }, S::Unbound { by: "直连单位".into(), reason: String::new() }] {
            assert!(matches!(end_binding(&s, "系统", "终止服务"), Err(InvitationError::WrongStatus(_))), "{s:?}");
        }
        assert_eq!(end_binding(&S::Confirmed, "系统", "  "), Err(InvitationError::ReasonRequired));
        assert_eq!(end_binding(&S::Confirmed, " ", "终止服务"), Err(InvitationError::NotYours));
        assert_eq!(end_binding(&S::Confirmed, "张税官", " 责令退出 ").unwrap().reason(), Some("责令退出"));
        assert_eq!(end_binding(&S::Confirmed, "系统", &"长".repeat(600)).unwrap().reason().map(|r| r.chars().count()), Some(500));
    }

    #[test]
    fn unbinding_needs_a_bound_invitation_and_the_use_unit_a_reason() {
        assert!(unbind(&S::PendingAcceptance, &InvitationParty::DirectUnit, "").is_err());
        assert!(matches!(unbind(&S::Confirmed, &InvitationParty::DirectUnit, ""), Ok(S::Unbound { .. })));
        assert_eq!(unbind(&S::Confirmed, &InvitationParty::UseUnit(Identity::TaxClerk), " "), Err(InvitationError::ReasonRequired));
        assert_eq!(unbind(&S::Confirmed, &InvitationParty::UseUnit(Identity::TaxClerk), "业务调整").unwrap().reason(), Some("业务调整"));
    }
}
