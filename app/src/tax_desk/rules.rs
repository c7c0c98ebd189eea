//! The tax console beyond 待办 (issue #13): 【已办】 (what this officer already decided, across
//! the workflows) and 【单位查询】 → 【单位档案】 (a unit's whole file). Pure: the officer's
//! jurisdiction, the lookup's parse, the kinds and sections with their labels and case pages,
//! and the keyset cursor.

use serde::{Deserialize, Serialize};

use crate::kernel::{CreditCode, OfficerSession};

/// Where an officer may look: the tax office (受理 / 复核) or the province (省级确认).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeskScope {
    TaxOffice(i64),
    Province(String),
}

impl DeskScope {
    pub fn of(o: &OfficerSession) -> DeskScope {
        match o.tax_office_id {
            Some(office) if !o.role.is_provincial() => DeskScope::TaxOffice(office),
            _ => DeskScope::Province(o.province_code.clone()),
        }
    }

    /// Whether a unit of `tax_office_id` in `province_code` is within this scope.
    pub fn covers(&self, tax_office_id: i64, province_code: &str) -> bool {
        match self {
            DeskScope::TaxOffice(o) => *o == tax_office_id,
            DeskScope::Province(p) => p == province_code,
        }
    }
}

/// A keyset cursor: the last row's time (epoch ms) and id; the next page is strictly older.
/// Rows are ordered by (time, id) descending, so equal times never lose or repeat a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cursor {
    pub at: i64,
    pub id: i64,
}

impl Cursor {
    /// Whether a row at (at, id) comes after this cursor (is on a later page).
    pub fn admits(&self, at: i64, id: i64) -> bool {
        at < self.at || (at == self.at && id < self.id)
    }
}

/// A page's rows (`limit` + 1 were read): the page and the cursor of its last row when more follow.
pub fn page<T>(mut rows: Vec<T>, limit: usize, key: impl Fn(&T) -> Cursor) -> (Vec<T>, Option<Cursor>) {
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(&key);
        (rows, next)
    } else {
        (rows, None)
    }
}

/// What kind of item an officer decided (【已办】).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DoneKind {
    /// 接入申请 (受理 / 复核 / 确认)
    Application,
    /// 使用单位接入邀请 (联用类 接入备案: 受理 / 确认)
    Invitation,
    /// 能力订阅 (测试报告 确认通过 / 退回)
    Capability,
    /// 资格管理请求 (资格延续 / 事项变更 / 终止服务备案)
    Request,
    /// 管理措施 (下达, 整改通过 / 不通过, 延期, 恢复)
    Measure,
}

impl DoneKind {
    pub const ALL: [DoneKind; 5] = [DoneKind::Application, DoneKind::Invitation, DoneKind::Capability, DoneKind::Request, DoneKind::Measure];

    pub fn label(self) -> &'static str {
        match self {
            DoneKind::Application => "接入申请",
            DoneKind::Invitation => "使用单位接入邀请",
            DoneKind::Capability => "能力订阅",
            DoneKind::Request => "资格管理请求",
            DoneKind::Measure => "管理措施",
        }
    }

    /// A small number per kind: rows of different timelines get distinct ids (`event id × 8 + n`).
    pub fn tag(self) -> i64 {
        match self {
            DoneKind::Application => 1,
            DoneKind::Invitation => 2,
            DoneKind::Capability => 3,
            DoneKind::Request => 4,
            DoneKind::Measure => 5,
        }
    }

    pub fn from_tag(n: i64) -> Option<DoneKind> {
        Self::ALL.into_iter().find(|k| k.tag() == n)
    }

    /// The item's case page in the tax console, where there is one.
    pub fn case_link(self, item_id: i64, credit_code: &str) -> Option<String> {
        match self {
            DoneKind::Application => Some(format!("/tax/case/{item_id}")),
            DoneKind::Invitation => Some(format!("/tax/invitation/{item_id}")),
            DoneKind::Request => Some(format!("/tax/request/{item_id}")),
            DoneKind::Measure => Some(format!("/tax/measures?code={credit_code}")),
            // Decided in the 待办 list itself; the unit's file lists the subscription.
            DoneKind::Capability => Some(format!("/tax/units?code={credit_code}")),
        }
    }
}

/// A row id unique across the timelines (`event id × 8 + the kind's tag`).
pub fn done_id(kind: DoneKind, event_id: i64) -> i64 {
    event_id * 8 + kind.tag()
}

/// The sections of 【单位档案】, each newest first with its own paging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileSection {
    /// 接入申请 (submitted ones: a draft is the unit's own)
    Applications,
    /// 资格管理请求
    Requests,
    /// 管理措施
    Measures,
    /// 接入邀请 sent as the direct unit
    InvitationsSent,
    /// 接入邀请 received as a use unit
    InvitationsReceived,
    /// 能力订阅
    Subscriptions,
    /// 能力授权 (given as direct unit or received as use unit)
    Grants,
    /// 消息 sent to the unit (【消息中心】)
    Messages,
}

impl FileSection {
    pub const ALL: [FileSection; 8] = [
        FileSection::Applications,
        FileSection::Requests,
        FileSection::Measures,
        FileSection::InvitationsSent,
        FileSection::InvitationsReceived,
        FileSection::Subscriptions,
        FileSection::Grants,
        FileSection::Messages,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FileSection::Applications => "接入申请",
            FileSection::Requests => "资格管理请求",
            FileSection::Measures => "管理措施",
            FileSection::InvitationsSent => "接入邀请（作为直连单位）",
            FileSection::InvitationsReceived => "接入邀请（作为使用单位）",
            FileSection::Subscriptions => "能力订阅",
            FileSection::Grants => "能力授权",
            FileSection::Messages => "发送的消息",
        }
    }
}

/// 【单位查询】's input: a 统一社会信用代码, or part of the unit's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitQuery {
    Code(String),
    NamePart(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("请输入统一社会信用代码或单位名称（至少2个字）")]
    TooShort,
    #[error("单位名称不超过50个字")]
    TooLong,
}

impl UnitQuery {
    /// An 18-character valid credit code is looked up exactly; anything else is a name part of
    /// 2 to 50 characters (a code with a wrong check character is searched as text, and finds
    /// nothing, rather than being refused: the officer may be typing part of a name).
    pub fn parse(input: &str) -> Result<UnitQuery, QueryError> {
        let s = input.trim();
        if let Ok(code) = CreditCode::parse(s) {
            return Ok(UnitQuery::Code(code.to_string()));
        }
        match s.chars().count() {
            0..=1 => Err(QueryError::TooShort),
            2..=50 => Ok(UnitQuery::NamePart(s.to_string())),
            _ => Err(QueryError::TooLong),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::OfficerRole;

    fn officer(role: OfficerRole, office: Option<i64>) -> OfficerSession {
        OfficerSession { officer_id: 1, name: "陈晓".into(), role, unit_name: "锦江".into(), tax_office_id: office, province_code: "51".into() }
    }

    #[test]
    fn an_office_officer_sees_the_office_a_provincial_one_the_province() {
        let o = DeskScope::of(&officer(OfficerRole::Acceptance, Some(7)));
        assert_eq!(o, DeskScope::TaxOffice(7));
        assert!(o.covers(7, "51") && !o.covers(8, "51"));
        let p = DeskScope::of(&officer(OfficerRole::Confirmation, None));
        assert_eq!(p, DeskScope::Province("51".into()));
        assert!(p.covers(7, "51") && p.covers(8, "51") && !p.covers(7, "15"));
    }

    #[test]
    fn the_lookup_takes_a_code_exactly_or_part_of_a_name() {
        assert_eq!(UnitQuery::parse(" 91510104MA6CLQ001T "), Ok(UnitQuery::Code("91510104MA6CLQ001T".into())));
        assert_eq!(UnitQuery::parse("蜀乐"), Ok(UnitQuery::NamePart("蜀乐".into())));
        assert_eq!(UnitQuery::parse("91510104MA6CLQ001X"), Ok(UnitQuery::NamePart("91510104MA6CLQ001X".into())), "a bad check character is only text");
        assert_eq!(UnitQuery::parse(" 蜀 "), Err(QueryError::TooShort));
        assert_eq!(UnitQuery::parse(""), Err(QueryError::TooShort));
        assert_eq!(UnitQuery::parse(&"蜀".repeat(51)), Err(QueryError::TooLong));
        assert!(UnitQuery::parse(&"蜀".repeat(50)).is_ok());
    }

    #[test]
    fn the_cursor_pages_by_time_then_id_without_gaps_or_repeats() {
        let c = Cursor { at: 100, id: 50 };
        assert!(c.admits(99, 999), "older");
        assert!(c.admits(100, 49), "same time, lower id");
        assert!(!c.admits(100, 50), "the cursor's own row is not repeated");
        assert!(!c.admits(100, 51) && !c.admits(101, 1));
        let rows: Vec<(i64, i64)> = vec![(5, 9), (5, 8), (4, 7)];
        let (p, next) = page(rows.clone(), 2, |r| Cursor { at: r.0, id: r.1 });
        assert_eq!(p, [(5, 9), (5, 8)]);
        assert_eq!(next, Some(Cursor { at: 5, id: 8 }));
        assert_eq!(page(rows, 3, |r| Cursor { at: r.0, id: r.1 }).1, None, "no more rows: no cursor");
    }

    #[test]
    fn done_ids_are_distinct_across_kinds_and_link_to_case_pages() {
        let ids: Vec<i64> = DoneKind::ALL.iter().map(|k| done_id(*k, 42)).collect();
        assert!(ids.iter().enumerate().all(|(i, a)| ids[i + 1..].iter().all(|b| a != b)));
        for k in DoneKind::ALL {
            assert_eq!(DoneKind::from_tag(done_id(k, 42) % 8), Some(k));
            assert!(k.case_link(3, "X").is_some());
        }
        assert_eq!(DoneKind::Application.case_link(3, "X").as_deref(), Some("/tax/case/3"));
        assert_eq!(DoneKind::Request.case_link(3, "X").as_deref(), Some("/tax/request/3"));
    }
}
