//! 税务管理措施 on a direct unit (issue #13; guideline-sichuan 第五章 and the agreement: 提醒, 约谈,
//! 暂停新增使用单位, 暂停使用乐企能力, 暂停接入服务, 终止; guideline-neimenggu 第四章 异常情形处理:
//! 提示提醒 → 责令限期改正 → 暂停 → 责令退出).
//!
//! Each measure is a state machine. 提示提醒 and 责令限期改正 are taken by the unit's 主管税务机关;
//! the 暂停 measures and 责令退出 by the provincial bureau (the reading of "confirmed at province
//! level": the province takes them). A 责令限期改正 has a deadline of 1 month by default, at most
//! 3 months from the day it was issued (also after extensions); the unit answers with 整改反馈
//! and the office accepts it (整改通过 → 已解除) or not (整改不通过 → 整改中 again). A 暂停 is in
//! force until 【恢复】. Pure: the rules, the deadlines and what is restricted.

use serde::{Deserialize, Serialize};

use crate::kernel::{ExitKind, ExitRecord};
use crate::upgrade_notice::rules::beijing_date;
use crate::kernel::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MeasureKind {
    /// 提示提醒
    Reminder,
    /// 责令限期改正
    Rectify,
    /// 暂停新增使用单位
    SuspendNewUseUnits,
    /// 暂停使用乐企能力
    SuspendCapabilities,
    /// 暂停接入服务
    SuspendService,
    /// 责令退出 (a 3-year ban; the next application carries the 整改情况报告)
    OrderExit,
}

impl MeasureKind {
    pub const ALL: [MeasureKind; 6] = [
        MeasureKind::Reminder,
        MeasureKind::Rectify,
        MeasureKind::SuspendNewUseUnits,
        MeasureKind::SuspendCapabilities,
        MeasureKind::SuspendService,
        MeasureKind::OrderExit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MeasureKind::Reminder => "提示提醒",
            MeasureKind::Rectify => "责令限期改正",
            MeasureKind::SuspendNewUseUnits => "暂停新增使用单位",
            MeasureKind::SuspendCapabilities => "暂停使用乐企能力",
            MeasureKind::SuspendService => "暂停接入服务",
            MeasureKind::OrderExit => "责令退出",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            MeasureKind::Reminder => "reminder",
            MeasureKind::Rectify => "rectify",
            MeasureKind::SuspendNewUseUnits => "suspend_new_use_units",
            MeasureKind::SuspendCapabilities => "suspend_capabilities",
            MeasureKind::SuspendService => "suspend_service",
            MeasureKind::OrderExit => "order_exit",
        }
    }

    pub fn from_code(c: &str) -> Option<MeasureKind> {
        Self::ALL.into_iter().find(|k| k.code() == c)
    }

    /// Taken by the provincial bureau (else by the unit's 主管税务机关).
    pub fn provincial(self) -> bool {
        matches!(self, MeasureKind::SuspendNewUseUnits | MeasureKind::SuspendCapabilities | MeasureKind::SuspendService | MeasureKind::OrderExit)
    }

    /// The status a new measure of this kind starts in.
    fn initial(self, deadline: Option<String>) -> MeasureStatus {
        match self {
            MeasureKind::Reminder => MeasureStatus::Issued,
            MeasureKind::Rectify => MeasureStatus::Rectifying { deadline: deadline.unwrap_or_default(), returned: None },
            MeasureKind::OrderExit => MeasureStatus::Final,
            _ => MeasureStatus::InForce,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureStatus {
    /// 已提醒 (提示提醒: nothing more to do)
    Issued,
    /// 整改中, until the deadline ("YYYY-MM-DD"); `returned`: why the last 整改反馈 was not accepted.
    Rectifying { deadline: String, returned: Option<String> },
    /// 待审核: the unit's 整改反馈
    FeedbackSubmitted { deadline: String, feedback: String },
    /// 生效中 (a 暂停)
    InForce,
    /// 已解除 (整改通过 or 恢复)
    Lifted,
    /// 已责令退出
    Final,
}

impl MeasureStatus {
    pub fn code(&self) -> &'static str {
        match self {
            MeasureStatus::Issued => "issued",
            MeasureStatus::Rectifying { .. } => "rectifying",
            MeasureStatus::FeedbackSubmitted { .. } => "feedback",
            MeasureStatus::InForce => "in_force",
            MeasureStatus::Lifted => "lifted",
            MeasureStatus::Final => "final",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            MeasureStatus::Issued => "已提醒",
            MeasureStatus::Rectifying { .. } => "整改中",
            MeasureStatus::FeedbackSubmitted { .. } => "待审核",
            MeasureStatus::InForce => "生效中",
            MeasureStatus::Lifted => "已解除",
            MeasureStatus::Final => "已责令退出",
        }
    }

    /// Still bites (what `restrictions` counts).
    pub fn in_force(&self) -> bool {
        matches!(self, MeasureStatus::Rectifying { .. } | MeasureStatus::FeedbackSubmitted { .. } | MeasureStatus::InForce | MeasureStatus::Final)
    }

    pub fn deadline(&self) -> Option<&str> {
        match self {
            MeasureStatus::Rectifying { deadline, .. } | MeasureStatus::FeedbackSubmitted { deadline, .. } => Some(deadline),
            _ => None,
        }
    }
}

/// The steps of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureAction {
    /// 直连单位: 【提交整改反馈】
    SubmitFeedback,
    /// 主管税务机关: 【整改通过】 → 已解除
    AcceptFeedback,
    /// 主管税务机关: 【整改不通过】 (a reason) → 整改中
    ReturnFeedback,
    /// 主管税务机关: 【延期】 (a new deadline, at most 3 months from issue)
    Extend,
    /// 省级税务机关: 【恢复】 a 暂停 → 已解除
    Restore,
}

impl MeasureAction {
    pub fn label(self) -> &'static str {
        match self {
            MeasureAction::SubmitFeedback => "提交整改反馈",
            MeasureAction::AcceptFeedback => "整改通过",
            MeasureAction::ReturnFeedback => "整改不通过",
            MeasureAction::Extend => "延期",
            MeasureAction::Restore => "恢复",
        }
    }
}

/// Who looks at a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureViewer {
    /// The unit the measure is on.
    Unit,
    /// An officer of the unit's 主管税务机关.
    Office,
    /// An officer of the unit's provincial bureau.
    Province,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeasureError {
    #[error("{0}由省级税务机关作出")]
    ProvincialOnly(&'static str),
    #[error("{0}由主管税务机关作出")]
    OfficeOnly(&'static str),
    #[error("整改期限为1至3个月")]
    DeadlineMonths,
    #[error("延期后的整改期限不能晚于{0}（下达之日起3个月）")]
    ExtendTooFar(String),
    #[error("延期后的整改期限须晚于原期限{0}")]
    ExtendNotLater(String),
    #[error("请填写整改反馈（不超过2000字）")]
    FeedbackRequired,
    #[error("请填写原因")]
    ReasonRequired,
    #[error("请填写措施说明（不超过500字）")]
    NoteRequired,
    #[error("当前状态为{0}，不能办理该事项")]
    WrongStatus(&'static str),
    #[error("该措施已在生效中")]
    AlreadyInForce,
    #[error("整改反馈最多附{0}份材料")]
    TooManyMaterials(usize),
    #[error("只有整改反馈可以附材料")]
    MaterialsNotExpected,
}

/// At most this many materials go with one 整改反馈.
pub const MAX_FEEDBACK_MATERIALS: usize = 5;

/// The kinds of material a 整改反馈 carries: the 整改情况报告, and anything else the office asked for.
pub const FEEDBACK_MATERIAL_KINDS: [crate::materials::rules::MaterialKind; 2] = [crate::materials::rules::MaterialKind::RectificationReport, crate::materials::rules::MaterialKind::Other];

/// "YYYY-MM-DD" + `months` calendar months (the day clamped to the month's last day).
pub fn add_months(date: &str, months: u32) -> Option<String> {
    Timestamp::parse_beijing_date(date)?;
    let (y, m, d): (i64, u32, u32) = (date[0..4].parse().ok()?, date[5..7].parse().ok()?, date[8..10].parse().ok()?);
    let total = (y * 12 + (m as i64 - 1)) + months as i64;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    let mut nd = d;
    loop {
        let s = format!("{ny:04}-{nm:02}-{nd:02}");
        if Timestamp::parse_beijing_date(&s).is_some() {
            return Some(s);
        }
        nd -= 1;
    }
}

/// The deadline of a 责令限期改正 issued at `issued`, `months` 1 to 3 (1 by default).
pub fn rectify_deadline(issued: Timestamp, months: u32) -> Result<String, MeasureError> {
    if !(1..=3).contains(&months) {
        return Err(MeasureError::DeadlineMonths);
    }
    add_months(&beijing_date(issued), months).ok_or(MeasureError::DeadlineMonths)
}

/// A measure taken: its first status, checked for who takes it and what is already in force.
pub fn take(kind: MeasureKind, by: MeasureViewer, issued: Timestamp, months: u32, note: &str, in_force: &[MeasureKind]) -> Result<MeasureStatus, MeasureError> {
    match (kind.provincial(), by) {
        (true, MeasureViewer::Province) | (false, MeasureViewer::Office) => {}
        (true, _) => return Err(MeasureError::ProvincialOnly(kind.label())),
        (false, _) => return Err(MeasureError::OfficeOnly(kind.label())),
    }
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 500 {
        return Err(MeasureError::NoteRequired);
    }
    if kind != MeasureKind::Reminder && in_force.contains(&kind) {
        return Err(MeasureError::AlreadyInForce);
    }
    let deadline = if kind == MeasureKind::Rectify { Some(rectify_deadline(issued, months)?) } else { None };
    Ok(kind.initial(deadline))
}

/// What a viewer may do on a measure now.
pub fn actions_for(kind: MeasureKind, s: &MeasureStatus, viewer: MeasureViewer) -> Vec<MeasureAction> {
    use MeasureAction::*;
    match (kind, s, viewer) {
        (MeasureKind::Rectify, MeasureStatus::Rectifying { .. }, MeasureViewer::Unit) => vec![SubmitFeedback],
        (MeasureKind::Rectify, MeasureStatus::Rectifying { .. }, MeasureViewer::Office) => vec![Extend],
        (MeasureKind::Rectify, MeasureStatus::FeedbackSubmitted { .. }, MeasureViewer::Office) => vec![AcceptFeedback, ReturnFeedback],
        (MeasureKind::SuspendNewUseUnits | MeasureKind::SuspendCapabilities | MeasureKind::SuspendService, MeasureStatus::InForce, MeasureViewer::Province) => vec![Restore],
        _ => vec![],
    }
}

/// The input of a step.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub text: String,
    /// 延期: the new deadline "YYYY-MM-DD".
    pub deadline: String,
    /// 提交整改反馈: how many uploaded materials go with it.
    pub materials: usize,
}

/// One step: the new status, or why not. `issued` is when the measure was taken.
pub fn apply(kind: MeasureKind, s: &MeasureStatus, viewer: MeasureViewer, action: MeasureAction, input: &StepInput, issued: Timestamp) -> Result<MeasureStatus, MeasureError> {
    if !actions_for(kind, s, viewer).contains(&action) {
        return Err(MeasureError::WrongStatus(s.label()));
    }
    let text = input.text.trim();
    if input.materials > 0 && action != MeasureAction::SubmitFeedback {
        return Err(MeasureError::MaterialsNotExpected);
    }
    if input.materials > MAX_FEEDBACK_MATERIALS {
        return Err(MeasureError::TooManyMaterials(MAX_FEEDBACK_MATERIALS));
    }
    match (action, s) {
        (MeasureAction::SubmitFeedback, MeasureStatus::Rectifying { deadline, .. }) => {
            if text.is_empty() || text.chars().count() > 2000 {
                return Err(MeasureError::FeedbackRequired);
            }
            Ok(MeasureStatus::FeedbackSubmitted { deadline: deadline.clone(), feedback: text.to_string() })
        }
        (MeasureAction::AcceptFeedback, _) => Ok(MeasureStatus::Lifted),
        (MeasureAction::ReturnFeedback, MeasureStatus::FeedbackSubmitted { deadline, .. }) => {
            if text.is_empty() {
                return Err(MeasureError::ReasonRequired);
            }
            Ok(MeasureStatus::Rectifying { deadline: deadline.clone(), returned: Some(text.to_string()) })
        }
        (MeasureAction::Extend, MeasureStatus::Rectifying { deadline, returned }) => {
            let latest = rectify_deadline(issued, 3)?;
            let new = input.deadline.trim();
            if Timestamp::parse_beijing_date(new).is_none() || new <= deadline.as_str() {
                return Err(MeasureError::ExtendNotLater(deadline.clone()));
            }
            if new > latest.as_str() {
                return Err(MeasureError::ExtendTooFar(latest));
            }
            Ok(MeasureStatus::Rectifying { deadline: new.to_string(), returned: returned.clone() })
        }
        (MeasureAction::Restore, _) => Ok(MeasureStatus::Lifted),
        _ => Err(MeasureError::WrongStatus(s.label())),
    }
}

/// 责令退出 takes effect when it is final (it is from the moment the province takes it): the
/// unit exits — an exit record of kind 责令退出 from that moment, from which the 3-year
/// re-application ban is derived (`ExitRecord::ban_until`). No other measure ends the service.
pub fn exit_of(kind: MeasureKind, status: &MeasureStatus, at: Timestamp) -> Option<ExitRecord> {
    (kind == MeasureKind::OrderExit && *status == MeasureStatus::Final).then_some(ExitRecord { kind: ExitKind::Ordered, filed_at: at, effective_at: at })
}

/// What the measures in force restrict, where each bites.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restrictions {
    /// 邀请 (form, import, API) refuse new use units.
    pub no_new_use_units: bool,
    /// The signed API refuses capability calls.
    pub no_capabilities: bool,
    /// The signed API refuses every call.
    pub no_service: bool,
}

impl Restrictions {
    pub fn of<'a>(measures: impl IntoIterator<Item = (MeasureKind, &'a MeasureStatus)>) -> Restrictions {
        let mut r = Restrictions::default();
        for (k, s) in measures {
            if !s.in_force() {
                continue;
            }
            match k {
                MeasureKind::SuspendNewUseUnits => r.no_new_use_units = true,
                MeasureKind::SuspendCapabilities => r.no_capabilities = true,
                MeasureKind::SuspendService | MeasureKind::OrderExit => {
                    r.no_service = true;
                    r.no_new_use_units = true;
                    r.no_capabilities = true;
                }
                MeasureKind::Reminder | MeasureKind::Rectify => {}
            }
        }
        r
    }

    /// Why a new use unit is refused, when it is.
    pub fn invitation_refusal(&self) -> Option<&'static str> {
        if self.no_service {
            Some("本单位已被暂停接入服务，不能新增使用单位")
        } else if self.no_new_use_units {
            Some("本单位已被暂停新增使用单位，不能发起接入邀请")
        } else {
            None
        }
    }
}

/// An officer's standing toward a unit of `tax_office_id` in `province_code`, if any.
pub fn officer_viewer(o: &crate::kernel::OfficerSession, tax_office_id: i64, province_code: &str) -> Option<MeasureViewer> {
    if o.role.is_provincial() {
        (o.province_code == province_code).then_some(MeasureViewer::Province)
    } else {
        (o.tax_office_id == Some(tax_office_id)).then_some(MeasureViewer::Office)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MeasureAction as A;
    use MeasureKind as K;
    use MeasureViewer as V;

    fn day(d: &str) -> Timestamp {
        Timestamp::parse_beijing_date(d).unwrap()
    }

    #[test]
    fn months_are_calendar_months_clamped_to_the_month_end() {
        assert_eq!(add_months("2026-11-30", 1).as_deref(), Some("2026-12-30"));
        assert_eq!(add_months("2027-01-31", 1).as_deref(), Some("2027-02-28"));
        assert_eq!(add_months("2027-11-15", 3).as_deref(), Some("2028-02-15"));
    }

    #[test]
    fn rectification_gets_one_to_three_months() {
        assert_eq!(rectify_deadline(day("2026-12-01"), 1).unwrap(), "2027-01-01");
        assert_eq!(rectify_deadline(day("2026-12-01"), 3).unwrap(), "2027-03-01");
        assert_eq!(rectify_deadline(day("2026-12-01"), 0), Err(MeasureError::DeadlineMonths));
        assert_eq!(rectify_deadline(day("2026-12-01"), 4), Err(MeasureError::DeadlineMonths));
    }

    #[test]
    fn the_office_reminds_and_orders_rectification_the_province_suspends_and_orders_exit() {
        let t = day("2026-12-01");
        assert_eq!(take(K::Reminder, V::Office, t, 1, "发票交付投诉", &[]), Ok(MeasureStatus::Issued));
        assert_eq!(take(K::Rectify, V::Office, t, 1, "x", &[]), Ok(MeasureStatus::Rectifying { deadline: "2027-01-01".into(), returned: None }));
        assert_eq!(take(K::Rectify, V::Province, t, 1, "x", &[]), Err(MeasureError::OfficeOnly("责令限期改正")));
        assert_eq!(take(K::SuspendService, V::Office, t, 1, "x", &[]), Err(MeasureError::ProvincialOnly("暂停接入服务")));
        assert_eq!(take(K::SuspendService, V::Province, t, 1, "x", &[]), Ok(MeasureStatus::InForce));
        assert_eq!(take(K::OrderExit, V::Province, t, 1, "x", &[]), Ok(MeasureStatus::Final));
        assert_eq!(take(K::Reminder, V::Unit, t, 1, "x", &[]), Err(MeasureError::OfficeOnly("提示提醒")));
    }

    #[test]
    fn a_measure_needs_its_note_and_is_not_taken_twice() {
        let t = day("2026-12-01");
        assert_eq!(take(K::Reminder, V::Office, t, 1, "  ", &[]), Err(MeasureError::NoteRequired));
        assert_eq!(take(K::SuspendNewUseUnits, V::Province, t, 1, "x", &[K::SuspendNewUseUnits]), Err(MeasureError::AlreadyInForce));
        assert!(take(K::Reminder, V::Office, t, 1, "x", &[K::Reminder]).is_ok(), "reminders repeat");
    }

    #[test]
    fn feedback_then_accepted_or_returned() {
        let t = day("2026-12-01");
        let s = take(K::Rectify, V::Office, t, 1, "x", &[]).unwrap();
        assert_eq!(actions_for(K::Rectify, &s, V::Unit), [A::SubmitFeedback]);
        assert_eq!(actions_for(K::Rectify, &s, V::Office), [A::Extend]);
        let empty = StepInput::default();
        assert_eq!(apply(K::Rectify, &s, V::Unit, A::SubmitFeedback, &empty, t), Err(MeasureError::FeedbackRequired));
        let fb = StepInput { text: "已完善发票交付流程".into(), ..Default::default() };
        let sent = apply(K::Rectify, &s, V::Unit, A::SubmitFeedback, &fb, t).unwrap();
        assert_eq!(sent.label(), "待审核");
        assert_eq!(apply(K::Rectify, &sent, V::Unit, A::AcceptFeedback, &empty, t), Err(MeasureError::WrongStatus("待审核")));
        assert_eq!(apply(K::Rectify, &sent, V::Office, A::ReturnFeedback, &empty, t), Err(MeasureError::ReasonRequired));
        let back = apply(K::Rectify, &sent, V::Office, A::ReturnFeedback, &StepInput { text: "材料不全".into(), ..Default::default() }, t).unwrap();
        assert_eq!(back, MeasureStatus::Rectifying { deadline: "2027-01-01".into(), returned: Some("材料不全".into()) });
        let sent = apply(K::Rectify, &back, V::Unit, A::SubmitFeedback, &fb, t).unwrap();
        assert_eq!(apply(K::Rectify, &sent, V::Office, A::AcceptFeedback, &empty, t), Ok(MeasureStatus::Lifted));
        // Materials go with a 整改反馈 (at most 5), with nothing else.
        let with = |n: usize| StepInput { text: "见整改情况报告".into(), materials: n, ..Default::default() };
        assert!(apply(K::Rectify, &back, V::Unit, A::SubmitFeedback, &with(5), t).is_ok());
        assert_eq!(apply(K::Rectify, &back, V::Unit, A::SubmitFeedback, &with(6), t), Err(MeasureError::TooManyMaterials(5)));
        assert_eq!(apply(K::Rectify, &sent, V::Office, A::AcceptFeedback, &with(1), t), Err(MeasureError::MaterialsNotExpected));
    }

    #[test]
    fn extension_later_and_at_most_three_months_from_issue() {
        let t = day("2026-12-01");
        let s = take(K::Rectify, V::Office, t, 1, "x", &[]).unwrap();
        let to = |d: &str| StepInput { deadline: d.into(), ..Default::default() };
        assert_eq!(apply(K::Rectify, &s, V::Office, A::Extend, &to("2027-01-01"), t), Err(MeasureError::ExtendNotLater("2027-01-01".into())));
        assert_eq!(apply(K::Rectify, &s, V::Office, A::Extend, &to("2027-03-02"), t), Err(MeasureError::ExtendTooFar("2027-03-01".into())));
        assert_eq!(apply(K::Rectify, &s, V::Office, A::Extend, &to("2027-03-01"), t).unwrap().deadline(), Some("2027-03-01"));
        assert_eq!(apply(K::Rectify, &s, V::Unit, A::Extend, &to("2027-02-01"), t), Err(MeasureError::WrongStatus("整改中")));
    }

    #[test]
    fn suspensions_bite_until_restored_by_the_province() {
        let t = day("2026-12-01");
        let s = take(K::SuspendNewUseUnits, V::Province, t, 1, "x", &[]).unwrap();
        let r = Restrictions::of([(K::SuspendNewUseUnits, &s)]);
        assert!(r.no_new_use_units && !r.no_service && !r.no_capabilities);
        assert!(r.invitation_refusal().unwrap().contains("暂停新增使用单位"));
        assert_eq!(actions_for(K::SuspendNewUseUnits, &s, V::Office), []);
        let lifted = apply(K::SuspendNewUseUnits, &s, V::Province, A::Restore, &StepInput::default(), t).unwrap();
        assert_eq!(Restrictions::of([(K::SuspendNewUseUnits, &lifted)]), Restrictions::default());
        let all = Restrictions::of([(K::SuspendService, &MeasureStatus::InForce)]);
        assert!(all.no_service && all.no_new_use_units && all.no_capabilities);
        assert!(all.invitation_refusal().unwrap().contains("暂停接入服务"));
        let exit = Restrictions::of([(K::OrderExit, &MeasureStatus::Final)]);
        assert!(exit.no_service, "责令退出 ends the service");
        assert_eq!(Restrictions::of([(K::Reminder, &MeasureStatus::Issued), (K::Rectify, &MeasureStatus::Rectifying { deadline: "x".into(), returned: None })]), Restrictions::default());
    }

    #[test]
    fn an_ordered_exit_is_an_exit_record_with_a_three_year_ban_to_the_day() {
        use crate::kernel::Day;
        let t = day("2026-12-01");
        let s = take(K::OrderExit, V::Province, t, 1, "严重违规", &[]).unwrap();
        let exit = exit_of(K::OrderExit, &s, t).unwrap();
        assert_eq!((exit.kind, exit.effective_at), (ExitKind::Ordered, t));
        let d = |s: &str| Day::parse(s).unwrap();
        assert_eq!(exit.banned_on(d("2029-11-30"), 1, 3), Some(d("2029-12-01")), "3 years − 1 day");
        assert_eq!(exit.banned_on(d("2029-12-01"), 1, 3), None, "exactly 3 years");
        assert_eq!(exit.banned_on(d("2029-12-02"), 1, 3), None, "3 years + 1 day");
        // Only a final 责令退出 ends the service.
        assert_eq!(exit_of(K::SuspendService, &MeasureStatus::InForce, t), None);
        assert_eq!(exit_of(K::OrderExit, &MeasureStatus::Lifted, t), None);
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in K::ALL {
            assert_eq!(K::from_code(k.code()), Some(k));
        }
    }
}
