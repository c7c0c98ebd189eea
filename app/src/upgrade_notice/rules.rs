//! 版本升级通知 (guideline-sichuan 第五章 二 版本更新; guideline-neimenggu 第四章 能力文档、版本升级通知):
//! the provincial bureau publishes a notice; every direct unit of the province must change
//! its system and test within 30 days, then marks 已完成改造 (optionally naming a 测试报告 of
//! the 能力中心's 测试中心). The tax console lists who is overdue.
//!
//! Pure: the deadline, the per-unit progress machine and the overdue rule.

use serde::{Deserialize, Serialize};

use crate::kernel::Timestamp;

/// Days from publication to the deadline (版本更新: change and test within 30 days).
pub const DEADLINE_DAYS: i64 = 30;

/// "YYYY-MM-DD" (Beijing) of a timestamp.
pub fn beijing_date(t: Timestamp) -> String {
    t.beijing_time()[..10].to_string()
}

/// The last day to finish: the publication day (Beijing) + 30 days.
pub fn deadline_for(published: Timestamp) -> String {
    beijing_date(published.plus_secs(DEADLINE_DAYS * 86_400))
}

/// A direct unit's progress on one notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeProgress {
    /// 待改造
    Pending,
    /// 已完成改造, when (Beijing time), with the 测试报告 named (a capability's name).
    Done { at: String, report: Option<String> },
}

impl NoticeProgress {
    pub fn code(&self) -> &'static str {
        match self {
            NoticeProgress::Pending => "pending",
            NoticeProgress::Done { .. } => "done",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            NoticeProgress::Pending => "待改造",
            NoticeProgress::Done { .. } => "已完成改造",
        }
    }
}

/// 逾期未完成: still 待改造 after the deadline day.
pub fn is_overdue(p: &NoticeProgress, deadline: &str, today: &str) -> bool {
    matches!(p, NoticeProgress::Pending) && today > deadline
}

/// What a party may do on a unit's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeAction {
    /// 直连单位: 【已完成改造】
    Complete,
}

impl NoticeAction {
    pub fn label(self) -> &'static str {
        match self {
            NoticeAction::Complete => "已完成改造",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeViewer {
    /// The direct unit the notice was sent to.
    DirectUnit,
    Officer,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("仅收到通知的直连单位可以标记已完成改造")]
    NotYours,
    #[error("已标记为已完成改造")]
    AlreadyDone,
    #[error("请填写通知标题（不超过100字）")]
    Title,
    #[error("请填写通知内容（不超过5000字）")]
    Content,
    #[error("仅省级税务机关可以发布版本升级通知")]
    NotProvincial,
}

pub fn actions_for(p: &NoticeProgress, viewer: NoticeViewer) -> Vec<NoticeAction> {
    match (p, viewer) {
        (NoticeProgress::Pending, NoticeViewer::DirectUnit) => vec![NoticeAction::Complete],
        _ => vec![],
    }
}

/// 【已完成改造】: only the unit itself, only once; late is allowed (the console still shows
/// that it was finished after the deadline).
pub fn complete(p: &NoticeProgress, viewer: NoticeViewer, at: Timestamp, report: Option<String>) -> Result<NoticeProgress, NoticeError> {
    if viewer != NoticeViewer::DirectUnit {
        return Err(NoticeError::NotYours);
    }
    match p {
        NoticeProgress::Pending => Ok(NoticeProgress::Done { at: at.beijing_time(), report }),
        NoticeProgress::Done { .. } => Err(NoticeError::AlreadyDone),
    }
}

/// A notice as the province writes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDraft {
    pub title: String,
    pub content: String,
}

impl NoticeDraft {
    pub fn parse(title: &str, content: &str) -> Result<NoticeDraft, NoticeError> {
        let (title, content) = (title.trim(), content.trim());
        if title.is_empty() || title.chars().count() > 100 {
            return Err(NoticeError::Title);
        }
        if content.is_empty() || content.chars().count() > 5000 {
            return Err(NoticeError::Content);
        }
        Ok(NoticeDraft { title: title.to_string(), content: content.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> Timestamp {
        Timestamp::parse_beijing_date(date).unwrap()
    }

    #[test]
    fn the_deadline_is_thirty_days_after_publication() {
        assert_eq!(deadline_for(at("2026-12-01")), "2026-12-31");
        assert_eq!(deadline_for(at("2026-12-01").plus_secs(23 * 3600)), "2026-12-31", "late on the day of publication");
        assert_eq!(deadline_for(at("2027-02-01")), "2027-03-03");
    }

    #[test]
    fn overdue_only_after_the_deadline_day_and_only_while_pending() {
        let p = NoticeProgress::Pending;
        assert!(!is_overdue(&p, "2026-12-31", "2026-12-30"));
        assert!(!is_overdue(&p, "2026-12-31", "2026-12-31"), "the deadline day itself is in time");
        assert!(is_overdue(&p, "2026-12-31", "2027-01-01"));
        let done = NoticeProgress::Done { at: "2027-01-02 10:00:00".into(), report: None };
        assert!(!is_overdue(&done, "2026-12-31", "2027-01-05"));
    }

    #[test]
    fn only_the_unit_completes_and_only_once() {
        let p = NoticeProgress::Pending;
        assert_eq!(actions_for(&p, NoticeViewer::DirectUnit), [NoticeAction::Complete]);
        assert!(actions_for(&p, NoticeViewer::Officer).is_empty());
        assert_eq!(complete(&p, NoticeViewer::Officer, at("2026-12-02"), None), Err(NoticeError::NotYours));
        let done = complete(&p, NoticeViewer::DirectUnit, at("2026-12-02"), Some("蓝字发票开具".into())).unwrap();
        assert_eq!(done, NoticeProgress::Done { at: "2026-12-02 00:00:00".into(), report: Some("蓝字发票开具".into()) });
        assert!(actions_for(&done, NoticeViewer::DirectUnit).is_empty());
        assert_eq!(complete(&done, NoticeViewer::DirectUnit, at("2026-12-03"), None), Err(NoticeError::AlreadyDone));
    }

    #[test]
    fn a_notice_needs_a_title_and_content_within_bounds() {
        assert_eq!(NoticeDraft::parse("  ", "x"), Err(NoticeError::Title));
        assert_eq!(NoticeDraft::parse(&"题".repeat(101), "x"), Err(NoticeError::Title));
        assert_eq!(NoticeDraft::parse("接口V2.1升级", " "), Err(NoticeError::Content));
        assert_eq!(NoticeDraft::parse("接口V2.1升级", &"字".repeat(5001)), Err(NoticeError::Content));
        let d = NoticeDraft::parse(" 接口V2.1升级 ", " 请于期限内完成改造 ").unwrap();
        assert_eq!((d.title.as_str(), d.content.as_str()), ("接口V2.1升级", "请于期限内完成改造"));
    }
}
