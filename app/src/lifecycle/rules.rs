//! The qualification lifecycle after 确认通过 (guideline-sichuan 第五章 服务管理要求;
//! guideline-neimenggu 第六章 退出; the 接入信息表's 请求类型 □接入 □变更 □终止 with
//! 请求期限 and 变更、终止原因): the requests a direct unit files afterwards — 资格延续,
//! 事项变更, 终止服务备案 — decided by its 主管税务机关 (受理 / 确认通过 / 退回), the exit
//! record and the re-application ban derived from it, the unit's status with its next
//! deadline, and what the scheduler owes each unit on a given day. Pure: callers pass `today`.

use serde::{Deserialize, Serialize};

use crate::measure::rules::Restrictions;
use crate::kernel::{Day, ExitKind, ExitRecord, OfficerRole, TransitionError};


/// "应在到期前 3 个月发起延期请求": 【申请延续】 opens 3 months before the term ends.
pub const EXTENSION_WINDOW_MONTHS: i64 = 3;
/// "至少提前 30 日…进行终止服务备案".
pub const TERMINATION_NOTICE_DAYS: i64 = 30;
/// Days of reduced concurrency after 资格有效期至 before the qualification is
/// terminated ("限制…并发量；若经提醒仍不发起延期请求的…直至终止"; the length is not in the seeds).
pub const THROTTLE_GRACE_DAYS: i64 = 30;
/// The reduced concurrency: signed API requests per minute while 限制并发 (not in the seeds).
pub const THROTTLED_PER_MINUTE: i64 = 60;
/// "直连单位需在变动后 3 日内向主管税务机关报备".
pub const RELATIONSHIP_REPORT_DAYS: i64 = 3;

/// The first day a 资格延续 request is accepted: 3 months before the end of the term
/// (资格有效期至 2027-12-31 → 2027-10-01).
pub fn extension_opens(term_end: Day) -> Day {
    term_end.plus_days(1).plus_months(-EXTENSION_WINDOW_MONTHS)
}

/// The day the qualification is terminated when no extension came: the day after the grace.
pub fn termination_day(term_end: Day) -> Day {
    term_end.plus_days(THROTTLE_GRACE_DAYS + 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LifecycleError {
    #[error("资格延续请求自{opens}起可以提交（资格有效期至{end}前3个月）")]
    ExtensionNotYetOpen { opens: String, end: String },
    #[error("本单位的乐企接入资格已终止，请重新发起接入申请")]
    Terminated,
    #[error("本单位已有待处理的{0}请求")]
    AlreadyPending(String),
    #[error("本单位还不是乐企直连单位")]
    NotDirectUnit,
    #[error("本单位已进行终止服务备案，不能再提交此请求")]
    Terminating,
    #[error("请输入正确的日期（YYYY-MM-DD）")]
    BadDate,
    #[error("终止日期应至少在{earliest}之后（至少提前30日备案）")]
    TooSoon { earliest: String },
    #[error("延续后的资格有效期至应晚于{0}")]
    NotLater(String),
    #[error("短期（一年及以内）的延续，资格有效期至不能晚于{0}")]
    ShortTermTooLong(String),
    #[error("请填写{0}")]
    Missing(&'static str),
    #[error("请选择变更事项")]
    NoChangeItem,
    #[error("法定代表人变更需重新签订并上传《服务协议书》")]
    AgreementRequired,
    #[error("{0}")]
    BadIps(String),
}

impl LifecycleError {
    /// The form field the message belongs next to.
    pub fn field(&self) -> &'static str {
        match self {
            LifecycleError::BadDate | LifecycleError::TooSoon { .. } => "end_date",
            LifecycleError::NotLater(_) | LifecycleError::ShortTermTooLong(_) => "granted_end",
            LifecycleError::Missing(f) if *f == "变更、终止原因" => "reason",
            LifecycleError::Missing(_) => "details",
            LifecycleError::NoChangeItem => "items",
            LifecycleError::AgreementRequired => "agreement",
            LifecycleError::BadIps(_) => "ips",
            _ => "",
        }
    }
}

/// 请求期限 of the 接入信息表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Term {
    /// 短期（一年及以内）
    Short,
    /// 长期（一年以上）
    Long,
}

impl Term {
    pub fn label(self) -> &'static str {
        match self {
            Term::Short => "短期（一年及以内）",
            Term::Long => "长期（一年以上）",
        }
    }
}

/// Whether a 资格延续 request may be filed today.
pub fn may_request_extension(term_end: Day, today: Day) -> Result<(), LifecycleError> {
    let opens = extension_opens(term_end);
    if today < opens {
        return Err(LifecycleError::ExtensionNotYetOpen { opens: opens.to_string(), end: term_end.to_string() });
    }
    if today >= termination_day(term_end) {
        return Err(LifecycleError::Terminated);
    }
    Ok(())
}

/// The term the officer grants on 确认通过: after the current end; a 短期 request at most one year more.
pub fn grant_term(current_end: Day, term: Term, granted: &str) -> Result<Day, LifecycleError> {
    let day = Day::parse(granted).ok_or_else(|| LifecycleError::NotLater(current_end.to_string()))?;
    if day <= current_end {
        return Err(LifecycleError::NotLater(current_end.to_string()));
    }
    let short_max = current_end.plus_years(1);
    if term == Term::Short && day > short_max {
        return Err(LifecycleError::ShortTermTooLong(short_max.to_string()));
    }
    Ok(day)
}

/// 终止服务备案: the end date at least 30 days after the filing day.
pub fn termination_end(today: Day, end_date: &str) -> Result<Day, LifecycleError> {
    let day = Day::parse(end_date).ok_or(LifecycleError::BadDate)?;
    let earliest = today.plus_days(TERMINATION_NOTICE_DAYS);
    if day < earliest {
        return Err(LifecycleError::TooSoon { earliest: today.plus_days(TERMINATION_NOTICE_DAYS - 1).to_string() });
    }
    Ok(day)
}

/// What a 事项变更 changes (guideline-sichuan 第五章 一; the 接入信息表's fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeItem {
    /// 法定代表人
    LegalRepresentative,
    /// 财务负责人
    FinanceHead,
    /// 项目负责人
    ProjectLead,
    /// 联系人及联系方式
    Contacts,
    /// 机构地址
    Address,
    /// 生产环境IP、测试环境IP
    Ips,
    /// 被授权单位
    AuthorizedUnit,
}

impl ChangeItem {
    pub const ALL: [ChangeItem; 7] =
        [ChangeItem::LegalRepresentative, ChangeItem::FinanceHead, ChangeItem::ProjectLead, ChangeItem::Contacts, ChangeItem::Address, ChangeItem::Ips, ChangeItem::AuthorizedUnit];

    pub fn label(self) -> &'static str {
        match self {
            ChangeItem::LegalRepresentative => "法定代表人",
            ChangeItem::FinanceHead => "财务负责人",
            ChangeItem::ProjectLead => "项目负责人",
            ChangeItem::Contacts => "联系人及联系方式",
            ChangeItem::Address => "机构地址",
            ChangeItem::Ips => "生产环境IP、测试环境IP",
            ChangeItem::AuthorizedUnit => "被授权单位",
        }
    }
}

/// A 事项变更 as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeInput {
    pub items: Vec<ChangeItem>,
    /// The new values and the 变更原因.
    pub details: String,
    pub production_ips: String,
    pub test_ips: String,
    /// The newly signed 服务协议书 (an upload of the unit).
    pub agreement_material_id: Option<i64>,
}

/// A parsed 事项变更: the new addresses (when they change) normalized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub items: Vec<ChangeItem>,
    pub details: String,
    /// (production, test) as they will be filed once confirmed.
    pub ips: Option<(String, String)>,
    pub agreement_material_id: Option<i64>,
}

/// Parses a 事项变更: at least one item, details, both address lists when the
/// addresses change, and the new 服务协议书 when the legal representative changes.
pub fn parse_change(input: &ChangeInput) -> Result<Change, LifecycleError> {
    let mut items: Vec<ChangeItem> = Vec::new();
    for i in &input.items {
        if !items.contains(i) {
            items.push(*i);
        }
    }
    if items.is_empty() {
        return Err(LifecycleError::NoChangeItem);
    }
    let details = input.details.trim();
    if details.is_empty() {
        return Err(LifecycleError::Missing("变更内容及原因"));
    }
    let ips = if items.contains(&ChangeItem::Ips) {
        let list = |label: &str, text: &str| {
            crate::kernel::ips(text)
                .map(|v| v.iter().map(|ip| ip.to_string()).collect::<Vec<_>>().join(", "))
                .map_err(|e| LifecycleError::BadIps(format!("{label}：{e}")))
        };
        Some((list("生产环境IP", &input.production_ips)?, list("测试环境IP", &input.test_ips)?))
    } else {
        None
    };
    if items.contains(&ChangeItem::LegalRepresentative) && input.agreement_material_id.is_none() {
        return Err(LifecycleError::AgreementRequired);
    }
    Ok(Change { items, details: details.to_string(), ips, agreement_material_id: input.agreement_material_id })
}

/// Which request (请求类型 □变更 □终止, and 资格延续).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestKind {
    /// 资格延续
    Extension,
    /// 事项变更
    Change,
    /// 终止服务备案
    Termination,
}

impl RequestKind {
    pub fn label(self) -> &'static str {
        match self {
            RequestKind::Extension => "资格延续",
            RequestKind::Change => "事项变更",
            RequestKind::Termination => "终止服务备案",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            RequestKind::Extension => "extension",
            RequestKind::Change => "change",
            RequestKind::Termination => "termination",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        [RequestKind::Extension, RequestKind::Change, RequestKind::Termination].into_iter().find(|k| k.code() == c)
    }
}

/// What a request carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestBody {
    Extension { term: Term, reason: String },
    Change(Change),
    Termination { end_date: String, reason: String },
}

impl RequestBody {
    pub fn kind(&self) -> RequestKind {
        match self {
            RequestBody::Extension { .. } => RequestKind::Extension,
            RequestBody::Change(_) => RequestKind::Change,
            RequestBody::Termination { .. } => RequestKind::Termination,
        }
    }
}

/// A request's status: 待受理 → (受理) 待确认 → 确认通过, or 已退回 with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    /// 待受理
    PendingAcceptance,
    /// 待确认
    PendingConfirmation,
    /// 确认通过
    Confirmed,
    /// 已退回
    Returned { reason: String },
}

impl RequestStatus {
    pub fn label(&self) -> &'static str {
        match self {
            RequestStatus::PendingAcceptance => "待受理",
            RequestStatus::PendingConfirmation => "待确认",
            RequestStatus::Confirmed => "确认通过",
            RequestStatus::Returned { .. } => "已退回",
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            RequestStatus::PendingAcceptance => "pending_acceptance",
            RequestStatus::PendingConfirmation => "pending_confirmation",
            RequestStatus::Confirmed => "confirmed",
            RequestStatus::Returned { .. } => "returned",
        }
    }
    /// Waiting for the tax office.
    pub fn is_open(&self) -> bool {
        matches!(self, RequestStatus::PendingAcceptance | RequestStatus::PendingConfirmation)
    }
    /// The desk of the unit's 主管税务机关 that acts now.
    pub fn deciding_role(&self) -> Option<OfficerRole> {
        match self {
            RequestStatus::PendingAcceptance => Some(OfficerRole::Acceptance),
            RequestStatus::PendingConfirmation => Some(OfficerRole::Review),
            _ => None,
        }
    }
    pub fn reason(&self) -> Option<&str> {
        match self {
            RequestStatus::Returned { reason } => Some(reason),
            _ => None,
        }
    }
}

/// An officer's step on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RequestAction {
    /// 受理
    Accept,
    /// 确认通过 (a 资格延续 carries the granted 资格有效期至)
    Confirm,
    /// 退回 (reason required)
    Return,
}

impl RequestAction {
    pub fn label(self) -> &'static str {
        match self {
            RequestAction::Accept => "受理",
            RequestAction::Confirm => "确认通过",
            RequestAction::Return => "退回",
        }
    }
    pub fn needs_reason(self) -> bool {
        self == RequestAction::Return
    }
}

/// What a desk of the unit's 主管税务机关 may do now.
pub fn request_actions(status: &RequestStatus, role: OfficerRole) -> Vec<RequestAction> {
    match (status.deciding_role(), role) {
        (Some(OfficerRole::Acceptance), OfficerRole::Acceptance) => vec![RequestAction::Accept, RequestAction::Return],
        (Some(OfficerRole::Review), OfficerRole::Review) => vec![RequestAction::Confirm, RequestAction::Return],
        _ => vec![],
    }
}

/// An officer's decision, checked against the status, the desk and the office.
pub fn decide_request(status: &RequestStatus, action: RequestAction, reason: &str, role: OfficerRole, same_office: bool) -> Result<RequestStatus, TransitionError> {
    let desk = status.deciding_role().ok_or_else(|| TransitionError::WrongStatus(status.label().into()))?;
    if !request_actions(status, desk).contains(&action) {
        return Err(TransitionError::WrongStatus(status.label().into()));
    }
    if role != desk {
        return Err(TransitionError::WrongRole);
    }
    if !same_office {
        return Err(TransitionError::NotYourUnit);
    }
    Ok(match action {
        RequestAction::Accept => RequestStatus::PendingConfirmation,
        RequestAction::Confirm => RequestStatus::Confirmed,
        RequestAction::Return => {
            let r = reason.trim();
            if r.is_empty() {
                return Err(TransitionError::ReasonRequired);
            }
            RequestStatus::Returned { reason: r.to_string() }
        }
    })
}


/// The unit's status on 【接入申请】 and the tax console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitStatus {
    /// 正常
    Normal,
    /// 即将到期 (within the 3-month window)
    ExpiringSoon,
    /// 限制并发 (past 资格有效期至 without an extension)
    Throttled,
    /// 终止备案中
    Terminating,
    /// 暂停新增使用单位 (a tax measure in force)
    SuspendedNewUseUnits,
    /// 暂停使用乐企能力 (a tax measure in force)
    SuspendedCapabilities,
    /// 暂停接入服务 (a tax measure in force)
    SuspendedService,
    /// 已退出 (主动退出 or 责令退出)
    Left,
    /// 已终止 (到期终止)
    Terminated,
    /// Not a direct unit and never was.
    NotJoined,
}

impl UnitStatus {
    pub fn label(self) -> &'static str {
        match self {
            UnitStatus::Normal => "正常",
            UnitStatus::ExpiringSoon => "即将到期",
            UnitStatus::Throttled => "限制并发",
            UnitStatus::Terminating => "终止备案中",
            UnitStatus::SuspendedNewUseUnits => "暂停新增使用单位",
            UnitStatus::SuspendedCapabilities => "暂停使用乐企能力",
            UnitStatus::SuspendedService => "暂停接入服务",
            UnitStatus::Left => "已退出",
            UnitStatus::Terminated => "已终止",
            UnitStatus::NotJoined => "未接入",
        }
    }
    /// New use units may be invited (form, import, API) and capabilities subscribed, as far as
    /// the status tells (the invitations ask `measure::Restrictions` for every measure in force).
    pub fn may_invite(self) -> bool {
        matches!(self, UnitStatus::Normal | UnitStatus::ExpiringSoon | UnitStatus::Throttled | UnitStatus::SuspendedCapabilities)
    }

    /// The order in which statuses win when several hold (the strongest is shown): the end of
    /// the qualification first, then the tax measures (暂停接入服务 over 暂停使用乐企能力 over
    /// 暂停新增使用单位: each stops more), then the unit's own 终止备案中, then the term's course.
    pub const BY_STRENGTH: [UnitStatus; 10] = [
        UnitStatus::Terminated,
        UnitStatus::Left,
        UnitStatus::SuspendedService,
        UnitStatus::SuspendedCapabilities,
        UnitStatus::SuspendedNewUseUnits,
        UnitStatus::Terminating,
        UnitStatus::Throttled,
        UnitStatus::ExpiringSoon,
        UnitStatus::Normal,
        UnitStatus::NotJoined,
    ];

    /// Higher is stronger (see [`UnitStatus::BY_STRENGTH`]).
    pub fn strength(self) -> usize {
        Self::BY_STRENGTH.len() - Self::BY_STRENGTH.iter().position(|s| *s == self).unwrap_or(Self::BY_STRENGTH.len() - 1)
    }

    /// The strongest 暂停 the measures in force impose, if any.
    pub fn suspension(r: &Restrictions) -> Option<UnitStatus> {
        if r.no_service {
            Some(UnitStatus::SuspendedService)
        } else if r.no_capabilities {
            Some(UnitStatus::SuspendedCapabilities)
        } else if r.no_new_use_units {
            Some(UnitStatus::SuspendedNewUseUnits)
        } else {
            None
        }
    }
}

/// The next deadline that matters, with what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// e.g. "可申请资格延续", "资格有效期至", "终止接入资格", "终止服务", "可重新申请接入"
    pub what: String,
    pub day: String,
}

/// What the status is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFacts {
    /// A direct unit now.
    pub direct: bool,
    pub term_end: Option<Day>,
    /// The latest exit.
    pub exit: Option<ExitRecord>,
    /// A 终止服务备案 filed and not 退回: its end date.
    pub terminating_on: Option<Day>,
    /// A 资格延续 request waiting for the tax office.
    pub extension_pending: bool,
    /// The province's bans (years after 主动退出, after 责令退出).
    pub ban_years: (u32, u32),
    /// What the tax measures in force restrict (暂停…).
    pub restrictions: Restrictions,
}

/// Which of the lifecycle requests the unit may file now (the page's buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnitAction {
    /// 【申请延续】
    RequestExtension,
    /// 【事项变更】
    RequestChange,
    /// 【终止服务备案】
    FileTermination,
}

impl UnitAction {
    pub fn label(self) -> &'static str {
        match self {
            UnitAction::RequestExtension => "申请延续",
            UnitAction::RequestChange => "事项变更",
            UnitAction::FileTermination => "终止服务备案",
        }
    }
    pub fn kind(self) -> RequestKind {
        match self {
            UnitAction::RequestExtension => RequestKind::Extension,
            UnitAction::RequestChange => RequestKind::Change,
            UnitAction::FileTermination => RequestKind::Termination,
        }
    }
}

/// The unit's status and its next deadline, today: the course of its qualification, unless a
/// stronger 暂停 is in force (then that, with the qualification's next deadline).
pub fn unit_status(f: &UnitFacts, today: Day) -> (UnitStatus, Option<Deadline>) {
    let (status, deadline) = qualification_status(f, today);
    if !f.direct {
        return (status, deadline);
    }
    match UnitStatus::suspension(&f.restrictions) {
        Some(s) if s.strength() > status.strength() => (s, deadline),
        _ => (status, deadline),
    }
}

/// The course of the qualification alone (term, 终止服务备案, exit), measures aside.
fn qualification_status(f: &UnitFacts, today: Day) -> (UnitStatus, Option<Deadline>) {
    let deadline = |what: &str, day: Day| Some(Deadline { what: what.into(), day: day.to_string() });
    if !f.direct {
        return match f.exit {
            Some(e) => {
                let status = if e.kind == ExitKind::Expired { UnitStatus::Terminated } else { UnitStatus::Left };
                (status, e.banned_on(today, f.ban_years.0, f.ban_years.1).and_then(|d| deadline("可重新申请接入", d)))
            }
            None => (UnitStatus::NotJoined, None),
        };
    }
    if let Some(end) = f.terminating_on {
        return (UnitStatus::Terminating, deadline("终止服务", end));
    }
    let Some(end) = f.term_end else { return (UnitStatus::Normal, None) };
    if today > end {
        let stop = termination_day(end);
        if today >= stop {
            return (UnitStatus::Terminated, None);
        }
        return (UnitStatus::Throttled, deadline("终止接入资格", stop));
    }
    if today >= extension_opens(end) {
        return (UnitStatus::ExpiringSoon, deadline("资格有效期至", end));
    }
    (UnitStatus::Normal, deadline("可申请资格延续", extension_opens(end)))
}

/// The requests the unit may file now: none pending of the same kind; 资格延续 inside its
/// window; nothing new once a 终止服务备案 is filed.
pub fn unit_actions(f: &UnitFacts, today: Day, pending: &[RequestKind]) -> Vec<UnitAction> {
    let (status, _) = qualification_status(f, today);
    if !matches!(status, UnitStatus::Normal | UnitStatus::ExpiringSoon | UnitStatus::Throttled) {
        return vec![];
    }
    [UnitAction::RequestExtension, UnitAction::RequestChange, UnitAction::FileTermination]
        .into_iter()
        .filter(|a| !pending.contains(&a.kind()))
        .filter(|a| *a != UnitAction::RequestExtension || f.term_end.is_some_and(|end| may_request_extension(end, today).is_ok()))
        .collect()
}

/// A reminder before 资格有效期至 (3 months, 1 month, 7 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Reminder {
    ThreeMonths,
    OneMonth,
    SevenDays,
}

impl Reminder {
    pub const ALL: [Reminder; 3] = [Reminder::ThreeMonths, Reminder::OneMonth, Reminder::SevenDays];
    pub fn code(self) -> &'static str {
        match self {
            Reminder::ThreeMonths => "3m",
            Reminder::OneMonth => "1m",
            Reminder::SevenDays => "7d",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Reminder::ThreeMonths => "资格到期前3个月提醒",
            Reminder::OneMonth => "资格到期前1个月提醒",
            Reminder::SevenDays => "资格到期前7日提醒",
        }
    }
    /// The day it is due for a term ending on `end`.
    pub fn due(self, end: Day) -> Day {
        match self {
            Reminder::ThreeMonths => extension_opens(end),
            Reminder::OneMonth => end.plus_days(1).plus_months(-1),
            Reminder::SevenDays => end.plus_days(1 - 7),
        }
    }
}

/// What the scheduler owes a unit today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Duty {
    /// Send this reminder (recorded once per term).
    Remind(Reminder),
    /// Reduce the signed API's concurrency.
    Throttle,
    /// Terminate the qualification (到期终止): bindings end, the unit exits.
    Terminate,
    /// The 终止服务备案 reached its end date: bindings end, the unit exits (主动退出).
    EndService,
}

/// The scheduler's duties for one unit today; `sent` are the reminders already
/// recorded for this term, `throttled` whether the rate limit is already stored.
/// Idempotent by construction: what is done is not owed again.
pub fn duties(f: &UnitFacts, today: Day, sent: &[Reminder], throttled: bool) -> Vec<Duty> {
    if !f.direct {
        return vec![];
    }
    if let Some(end) = f.terminating_on {
        return if today >= end { vec![Duty::EndService] } else { vec![] };
    }
    let Some(end) = f.term_end else { return vec![] };
    if f.extension_pending {
        return vec![];
    }
    if today > end {
        if today >= termination_day(end) {
            return vec![Duty::Terminate];
        }
        return if throttled { vec![] } else { vec![Duty::Throttle] };
    }
    // The latest reminder due and not sent (a unit caught up after downtime gets one, not three).
    Reminder::ALL.into_iter().rev().find(|r| today >= r.due(end)).filter(|r| !sent.contains(r)).map(Duty::Remind).into_iter().collect()
}

/// A relationship change with a use unit must be reported within 3 days: the last day.
pub fn relationship_report_due(changed_on: Day) -> Day {
    changed_on.plus_days(RELATIONSHIP_REPORT_DAYS)
}

/// 关系变化报告 (guideline-sichuan 第五章 一: a change in the relationship with a use unit is
/// reported by the direct unit within 3 days). Owed when a binding (确认通过) ends — 解除绑定 by
/// either side, or by the API; the unit 【报告】s it with what changed and why; not reported by its
/// last day, the scheduler flags it 已逾期 to the unit's 主管税务机关 (its console lists it) and tells
/// the unit; a late report is still taken, and stays marked late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportStatus {
    /// 待报告 (until the due day, inclusive)
    Pending,
    /// 已逾期: flagged to the tax office, still to report
    Overdue,
    /// 已报告 (`late`: after the due day)
    Reported { reason: String, late: bool },
}

impl ReportStatus {
    pub fn code(&self) -> &'static str {
        match self {
            ReportStatus::Pending => "pending",
            ReportStatus::Overdue => "overdue",
            ReportStatus::Reported { late: false, .. } => "reported",
            ReportStatus::Reported { late: true, .. } => "reported_late",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ReportStatus::Pending => "待报告",
            ReportStatus::Overdue => "已逾期",
            ReportStatus::Reported { late: false, .. } => "已报告",
            ReportStatus::Reported { late: true, .. } => "逾期后已报告",
        }
    }

    /// Still owed by the unit (the page's 【报告】).
    pub fn is_open(&self) -> bool {
        matches!(self, ReportStatus::Pending | ReportStatus::Overdue)
    }

    /// Of interest to the tax office (its console lists these): overdue, or reported late.
    pub fn flagged(&self) -> bool {
        matches!(self, ReportStatus::Overdue | ReportStatus::Reported { late: true, .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("请填写关系变化情况及原因（不超过500字）")]
    ReasonRequired,
    #[error("该关系变化已报告")]
    AlreadyReported,
}

/// 【报告】 by the direct unit on `today`.
pub fn report_relationship(status: &ReportStatus, due: Day, today: Day, reason: &str) -> Result<ReportStatus, ReportError> {
    if !status.is_open() {
        return Err(ReportError::AlreadyReported);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ReportError::ReasonRequired);
    }
    Ok(ReportStatus::Reported { reason: reason.to_string(), late: today > due })
}

/// The relationship change an invitation step makes, if any: a binding (确认通过) that ends
/// (已解除绑定, by either side or by the API), in words. Not the end of the whole service
/// (终止服务, 到期终止, 责令退出): the unit has left, and the tax office made or took note of it.
pub fn relationship_ended(from: &crate::invitation::rules::InvitationStatus, to: &crate::invitation::rules::InvitationStatus) -> Option<String> {
    use crate::invitation::rules::InvitationStatus as I;
    match (from, to) {
        (I::Confirmed, I::Unbound { by, reason }) if reason.trim().is_empty() => Some(format!("{by}解除绑定")),
        (I::Confirmed, I::Unbound { by, reason }) => Some(format!("{by}解除绑定：{}", reason.trim())),
        _ => None,
    }
}

/// The scheduler on `today`: a report still pending after its due day becomes 已逾期 (once).
pub fn overdue_report(status: &ReportStatus, due: Day, today: Day) -> Option<ReportStatus> {
    (*status == ReportStatus::Pending && today > due).then_some(ReportStatus::Overdue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    fn facts(end: &str) -> UnitFacts {
        UnitFacts { direct: true, term_end: Some(d(end)), ban_years: (1, 3), ..Default::default() }
    }

    #[test]
    fn days_and_months_are_calendar_arithmetic() {
        assert_eq!(d("2027-12-31").plus_months(-3).to_string(), "2027-09-30");
        assert_eq!(d("2028-02-29").plus_years(1).to_string(), "2029-02-28");
        assert_eq!(d("2027-03-31").plus_months(-1).to_string(), "2027-02-28");
        assert_eq!(Day::of(d("2027-10-01").start()), d("2027-10-01"));
        assert_eq!(Day::of(crate::kernel::Timestamp(d("2027-10-01").start().0 - 1)), d("2027-09-30"));
        assert_eq!(d("2027-12-01").days_until(d("2027-12-31")), 30);
    }

    #[test]
    fn extension_opens_three_months_before_the_end_at_the_boundary() {
        let end = d("2027-12-31");
        assert_eq!(extension_opens(end).to_string(), "2027-10-01");
        // 3 months − 1 day: refused, with the date it opens.
        let e = may_request_extension(end, d("2027-09-30")).unwrap_err();
        assert_eq!(e.to_string(), "资格延续请求自2027-10-01起可以提交（资格有效期至2027-12-31前3个月）");
        // exactly 3 months, and + 1 day: accepted.
        assert_eq!(may_request_extension(end, d("2027-10-01")), Ok(()));
        assert_eq!(may_request_extension(end, d("2027-10-02")), Ok(()));
        // After the end, during the reduced concurrency, still accepted; terminated after the grace.
        assert_eq!(may_request_extension(end, d("2028-01-15")), Ok(()));
        assert_eq!(may_request_extension(end, termination_day(end)), Err(LifecycleError::Terminated));
        // A mid-month end: 2028-06-15 → opens 2028-03-16.
        assert_eq!(extension_opens(d("2028-06-15")).to_string(), "2028-03-16");
    }

    #[test]
    fn the_granted_term_is_later_and_short_is_at_most_a_year() {
        let end = d("2027-12-31");
        assert_eq!(grant_term(end, Term::Long, "2029-12-31"), Ok(d("2029-12-31")));
        assert_eq!(grant_term(end, Term::Short, "2028-12-31"), Ok(d("2028-12-31")));
        assert_eq!(grant_term(end, Term::Short, "2029-01-01"), Err(LifecycleError::ShortTermTooLong("2028-12-31".into())));
        assert_eq!(grant_term(end, Term::Long, "2027-12-31"), Err(LifecycleError::NotLater("2027-12-31".into())));
        assert!(grant_term(end, Term::Long, "2027-13-01").is_err());
        assert_eq!(LifecycleError::NotLater("x".into()).field(), "granted_end");
    }

    #[test]
    fn termination_is_filed_at_least_30_days_ahead() {
        let today = d("2027-03-01");
        assert_eq!(termination_end(today, "2027-03-31"), Ok(d("2027-03-31")), "exactly 30 days");
        assert_eq!(termination_end(today, "2027-04-01"), Ok(d("2027-04-01")));
        let e = termination_end(today, "2027-03-30").unwrap_err();
        assert_eq!(e, LifecycleError::TooSoon { earliest: "2027-03-30".into() });
        assert_eq!(e.field(), "end_date");
        assert_eq!(termination_end(today, "明天"), Err(LifecycleError::BadDate));
    }

    #[test]
    fn a_change_needs_items_details_valid_ips_and_a_new_agreement_for_the_legal_representative() {
        let ok = ChangeInput { items: vec![ChangeItem::Ips], details: "机房迁移".into(), production_ips: "203.0.113.20，203.0.113.21".into(), test_ips: "10.0.0.9".into(), agreement_material_id: None };
        let c = parse_change(&ok).unwrap();
        assert_eq!(c.ips, Some(("203.0.113.20, 203.0.113.21".into(), "10.0.0.9".into())));
        assert_eq!(parse_change(&ChangeInput { items: vec![], ..ok.clone() }), Err(LifecycleError::NoChangeItem));
        assert_eq!(parse_change(&ChangeInput { details: " ".into(), ..ok.clone() }).unwrap_err().field(), "details");
        let bad = parse_change(&ChangeInput { production_ips: "203.0.113.999".into(), ..ok.clone() }).unwrap_err();
        assert!(matches!(&bad, LifecycleError::BadIps(m) if m.starts_with("生产环境IP：203.0.113.999")), "{bad:?}");
        let legal = ChangeInput { items: vec![ChangeItem::LegalRepresentative], details: "法定代表人变更为张三".into(), ..Default::default() };
        assert_eq!(parse_change(&legal), Err(LifecycleError::AgreementRequired));
        let with = parse_change(&ChangeInput { agreement_material_id: Some(7), ..legal }).unwrap();
        assert_eq!((with.ips, with.agreement_material_id), (None, Some(7)), "no address change: the filed addresses stay");
    }

    #[test]
    fn requests_go_through_acceptance_and_confirmation_or_are_returned() {
        use OfficerRole::*;
        let s = RequestStatus::PendingAcceptance;
        assert_eq!(request_actions(&s, Acceptance), [RequestAction::Accept, RequestAction::Return]);
        assert!(request_actions(&s, Review).is_empty());
        let s = decide_request(&s, RequestAction::Accept, "", Acceptance, true).unwrap();
        assert_eq!(s.label(), "待确认");
        assert_eq!(request_actions(&s, Review), [RequestAction::Confirm, RequestAction::Return]);
        assert_eq!(decide_request(&s, RequestAction::Confirm, "", Acceptance, true), Err(TransitionError::WrongRole));
        assert_eq!(decide_request(&s, RequestAction::Confirm, "", Review, false), Err(TransitionError::NotYourUnit));
        assert_eq!(decide_request(&s, RequestAction::Return, " ", Review, true), Err(TransitionError::ReasonRequired));
        assert_eq!(decide_request(&s, RequestAction::Accept, "", Review, true), Err(TransitionError::WrongStatus("待确认".into())));
        assert_eq!(decide_request(&s, RequestAction::Confirm, "", Review, true), Ok(RequestStatus::Confirmed));
        let r = decide_request(&RequestStatus::PendingAcceptance, RequestAction::Return, "材料不全", Acceptance, true).unwrap();
        assert_eq!((r.label(), r.reason(), r.is_open()), ("已退回", Some("材料不全"), false));
        assert!(matches!(decide_request(&RequestStatus::Confirmed, RequestAction::Return, "x", Review, true), Err(TransitionError::WrongStatus(_))));
    }

    #[test]
    fn bans_are_derived_from_the_exit_one_and_three_years() {
        let left = d("2027-03-01").start();
        let vol = ExitRecord { kind: ExitKind::Voluntary, filed_at: left, effective_at: left };
        assert_eq!(vol.ban_until(1, 3), Some(d("2028-03-01")));
        assert_eq!(vol.banned_on(d("2028-02-29"), 1, 3), Some(d("2028-03-01")), "1 year − 1 day");
        assert_eq!(vol.banned_on(d("2028-03-01"), 1, 3), None, "exactly 1 year");
        assert_eq!(vol.banned_on(d("2028-03-02"), 1, 3), None, "1 year + 1 day");
        let ordered = ExitRecord { kind: ExitKind::Ordered, ..vol };
        assert_eq!(ordered.banned_on(d("2030-02-28"), 1, 3), Some(d("2030-03-01")), "3 years − 1 day");
        assert_eq!(ordered.banned_on(d("2030-03-01"), 1, 3), None, "exactly 3 years");
        assert_eq!(ordered.banned_on(d("2030-03-02"), 1, 3), None, "3 years + 1 day");
        assert_eq!(ordered.banned_on(d("2028-03-02"), 1, 3), Some(d("2030-03-01")), "ordered out: still banned after 1 year + 1 day");
        let expired = ExitRecord { kind: ExitKind::Expired, ..vol };
        assert_eq!(expired.ban_until(1, 3), None);
    }

    #[test]
    fn the_status_and_its_next_deadline() {
        let f = facts("2027-12-31");
        let at = |day: &str| unit_status(&f, d(day));
        assert_eq!(at("2027-09-30"), (UnitStatus::Normal, Some(Deadline { what: "可申请资格延续".into(), day: "2027-10-01".into() })));
        assert_eq!(at("2027-10-01").0, UnitStatus::ExpiringSoon);
        assert_eq!(at("2027-12-31"), (UnitStatus::ExpiringSoon, Some(Deadline { what: "资格有效期至".into(), day: "2027-12-31".into() })));
        assert_eq!(at("2028-01-01"), (UnitStatus::Throttled, Some(Deadline { what: "终止接入资格".into(), day: "2028-01-31".into() })));
        assert_eq!(at("2028-01-31").0, UnitStatus::Terminated);
        let term = UnitFacts { terminating_on: Some(d("2027-06-30")), ..f.clone() };
        assert_eq!(unit_status(&term, d("2027-05-01")), (UnitStatus::Terminating, Some(Deadline { what: "终止服务".into(), day: "2027-06-30".into() })));
        assert!(!UnitStatus::Terminating.may_invite() && UnitStatus::Throttled.may_invite());
        let left = UnitFacts { direct: false, term_end: None, exit: Some(ExitRecord { kind: ExitKind::Voluntary, filed_at: d("2027-05-01").start(), effective_at: d("2027-06-30").start() }), ..f.clone() };
        assert_eq!(unit_status(&left, d("2027-07-01")), (UnitStatus::Left, Some(Deadline { what: "可重新申请接入".into(), day: "2028-06-30".into() })));
        assert_eq!(unit_status(&left, d("2028-06-30")), (UnitStatus::Left, None));
        // Re-joined after the ban: a direct unit again, whatever the old exit says.
        let back = UnitFacts { direct: true, term_end: Some(d("2031-12-31")), ..left };
        assert_eq!(unit_status(&back, d("2029-01-01")).0, UnitStatus::Normal);
        assert!(unit_status(&back, d("2029-01-01")).0.may_invite());
    }

    use crate::measure::rules::{MeasureKind, MeasureStatus};

    fn suspended(kinds: &[MeasureKind]) -> Restrictions {
        Restrictions::of(kinds.iter().map(|k| (*k, &MeasureStatus::InForce)))
    }

    #[test]
    fn a_suspension_in_force_shows_as_the_status_with_the_terms_next_deadline() {
        let f = UnitFacts { restrictions: suspended(&[MeasureKind::SuspendNewUseUnits]), ..facts("2027-12-31") };
        assert_eq!(unit_status(&f, d("2027-09-30")), (UnitStatus::SuspendedNewUseUnits, Some(Deadline { what: "可申请资格延续".into(), day: "2027-10-01".into() })));
        assert!(!UnitStatus::SuspendedNewUseUnits.may_invite());
        let f = UnitFacts { restrictions: suspended(&[MeasureKind::SuspendCapabilities]), ..facts("2027-12-31") };
        assert_eq!(unit_status(&f, d("2027-12-31")), (UnitStatus::SuspendedCapabilities, Some(Deadline { what: "资格有效期至".into(), day: "2027-12-31".into() })));
        let f = UnitFacts { restrictions: suspended(&[MeasureKind::SuspendService]), ..facts("2027-12-31") };
        assert_eq!(unit_status(&f, d("2028-01-01")), (UnitStatus::SuspendedService, Some(Deadline { what: "终止接入资格".into(), day: "2028-01-31".into() })));
        assert!(!UnitStatus::SuspendedService.may_invite());
        // Lifted (恢复): the term's own status again.
        let lifted = Restrictions::of([(MeasureKind::SuspendService, &MeasureStatus::Lifted)]);
        assert_eq!(unit_status(&UnitFacts { restrictions: lifted, ..facts("2027-12-31") }, d("2027-09-30")).0, UnitStatus::Normal);
        // 提示提醒 and 责令限期改正 restrict nothing, so they do not change the status.
        let rectify = Restrictions::of([(MeasureKind::Rectify, &MeasureStatus::Rectifying { deadline: "2027-10-01".into(), returned: None })]);
        assert_eq!(unit_status(&UnitFacts { restrictions: rectify, ..facts("2027-12-31") }, d("2027-09-30")).0, UnitStatus::Normal);
    }

    #[test]
    fn the_strongest_status_wins() {
        let at = "2027-09-30";
        // Several 暂停 at once: 暂停接入服务 > 暂停使用乐企能力 > 暂停新增使用单位.
        let both = UnitFacts { restrictions: suspended(&[MeasureKind::SuspendNewUseUnits, MeasureKind::SuspendCapabilities]), ..facts("2027-12-31") };
        assert_eq!(unit_status(&both, d(at)).0, UnitStatus::SuspendedCapabilities);
        let all = UnitFacts { restrictions: suspended(&[MeasureKind::SuspendNewUseUnits, MeasureKind::SuspendCapabilities, MeasureKind::SuspendService]), ..facts("2027-12-31") };
        assert_eq!(unit_status(&all, d(at)).0, UnitStatus::SuspendedService);
        // A 暂停 is stronger than the unit's own 终止备案中 and than 限制并发; the 终止服务 date stays the deadline.
        let term = UnitFacts { terminating_on: Some(d("2027-11-30")), ..both.clone() };
        assert_eq!(unit_status(&term, d(at)), (UnitStatus::SuspendedCapabilities, Some(Deadline { what: "终止服务".into(), day: "2027-11-30".into() })));
        assert!(UnitStatus::SuspendedNewUseUnits.strength() > UnitStatus::Terminating.strength());
        assert!(UnitStatus::SuspendedNewUseUnits.strength() > UnitStatus::Throttled.strength());
        // The end of the qualification is stronger than any 暂停.
        assert_eq!(unit_status(&all, d("2028-01-31")).0, UnitStatus::Terminated);
        let left = UnitFacts { direct: false, exit: Some(ExitRecord { kind: ExitKind::Ordered, filed_at: d("2027-05-01").start(), effective_at: d("2027-05-01").start() }), ..all.clone() };
        assert_eq!(unit_status(&left, d(at)).0, UnitStatus::Left, "a unit that left is 已退出 whatever measure stays on file");
        let order: Vec<usize> = UnitStatus::BY_STRENGTH.iter().map(|s| s.strength()).collect();
        assert!(order.windows(2).all(|w| w[0] > w[1]), "BY_STRENGTH is strictly ordered");
        // The unit may still file its requests while a 暂停 is in force (事项变更 is how it rectifies).
        assert_eq!(unit_actions(&both, d(at), &[]), [UnitAction::RequestChange, UnitAction::FileTermination]);
    }

    #[test]
    fn the_buttons_follow_the_status() {
        let f = facts("2027-12-31");
        assert_eq!(unit_actions(&f, d("2027-09-30"), &[]), [UnitAction::RequestChange, UnitAction::FileTermination]);
        assert_eq!(unit_actions(&f, d("2027-10-01"), &[]), [UnitAction::RequestExtension, UnitAction::RequestChange, UnitAction::FileTermination]);
        assert_eq!(unit_actions(&f, d("2027-10-01"), &[RequestKind::Extension]), [UnitAction::RequestChange, UnitAction::FileTermination]);
        let term = UnitFacts { terminating_on: Some(d("2027-06-30")), ..f };
        assert!(unit_actions(&term, d("2027-05-01"), &[]).is_empty());
        assert!(unit_actions(&UnitFacts::default(), d("2027-05-01"), &[]).is_empty());
    }

    #[test]
    fn the_scheduler_reminds_once_each_then_throttles_then_terminates() {
        let f = facts("2027-12-31");
        assert!(duties(&f, d("2027-09-30"), &[], false).is_empty());
        assert_eq!(duties(&f, d("2027-10-01"), &[], false), [Duty::Remind(Reminder::ThreeMonths)]);
        assert!(duties(&f, d("2027-10-02"), &[Reminder::ThreeMonths], false).is_empty(), "sent once");
        assert_eq!(Reminder::OneMonth.due(d("2027-12-31")).to_string(), "2027-12-01");
        assert_eq!(duties(&f, d("2027-12-01"), &[Reminder::ThreeMonths], false), [Duty::Remind(Reminder::OneMonth)]);
        assert_eq!(Reminder::SevenDays.due(d("2027-12-31")).to_string(), "2027-12-25");
        assert_eq!(duties(&f, d("2027-12-25"), &[Reminder::ThreeMonths, Reminder::OneMonth], false), [Duty::Remind(Reminder::SevenDays)]);
        assert!(duties(&f, d("2027-12-31"), &Reminder::ALL, false).is_empty(), "the last day of the term");
        assert_eq!(duties(&f, d("2028-01-01"), &Reminder::ALL, false), [Duty::Throttle]);
        assert!(duties(&f, d("2028-01-02"), &Reminder::ALL, true).is_empty());
        assert_eq!(duties(&f, d("2028-01-31"), &Reminder::ALL, true), [Duty::Terminate]);
        // A pending extension request stops the reminders and the throttle.
        let pending = UnitFacts { extension_pending: true, ..f.clone() };
        assert!(duties(&pending, d("2028-01-01"), &[], false).is_empty());
        // A 终止服务备案 ends the service on its end date.
        let term = UnitFacts { terminating_on: Some(d("2027-06-30")), ..f };
        assert!(duties(&term, d("2027-06-29"), &[], false).is_empty());
        assert_eq!(duties(&term, d("2027-06-30"), &[], false), [Duty::EndService]);
    }

    #[test]
    fn relationship_changes_are_reported_within_three_days() {
        let due = relationship_report_due(d("2027-05-30"));
        assert_eq!(due.to_string(), "2027-06-02");
        let s = ReportStatus::Pending;
        // The last day: not overdue yet, reported on time; the day after: overdue, once.
        assert_eq!(overdue_report(&s, due, d("2027-06-02")), None);
        assert_eq!(report_relationship(&s, due, d("2027-06-02"), "业务调整，解除绑定"), Ok(ReportStatus::Reported { reason: "业务调整，解除绑定".into(), late: false }));
        let late = overdue_report(&s, due, d("2027-06-03")).unwrap();
        assert_eq!((late.label(), late.is_open(), late.flagged()), ("已逾期", true, true));
        assert_eq!(overdue_report(&late, due, d("2027-06-04")), None, "flagged once");
        // Still reported after, marked late; a report is made once, with its reason.
        assert_eq!(report_relationship(&late, due, d("2027-06-04"), " "), Err(ReportError::ReasonRequired));
        let done = report_relationship(&late, due, d("2027-06-04"), "使用单位注销").unwrap();
        assert_eq!((done.code(), done.label(), done.is_open(), done.flagged()), ("reported_late", "逾期后已报告", false, true));
        assert_eq!(report_relationship(&done, due, d("2027-06-04"), "x"), Err(ReportError::AlreadyReported));
        assert!(!ReportStatus::Pending.flagged() && !report_relationship(&s, due, due, "x").unwrap().flagged());
    }

    #[test]
    fn only_a_binding_that_ends_owes_a_report() {
        use crate::invitation::rules::InvitationStatus as I;
        let by_use = I::Unbound { by: "使用单位".into(), reason: "业务终止".into() };
        assert_eq!(relationship_ended(&I::Confirmed, &by_use).as_deref(), Some("使用单位解除绑定：业务终止"));
        assert_eq!(relationship_ended(&I::Confirmed, &I::Unbound { by: "直连单位".into(), reason: " ".into() }).as_deref(), Some("直连单位解除绑定"));
        assert_eq!(relationship_ended(&I::AwaitingAuthorization, &I::Declined { reason: "x".into() }), None, "never bound");
        assert_eq!(relationship_ended(&I::PendingConfirmation, &I::Confirmed), None, "a new binding is the tax office's own decision");
    }
}
