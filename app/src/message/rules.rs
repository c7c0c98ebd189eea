//! 【消息中心】 (issue #13): every event that needs someone's attention becomes a
//! message for the people of a unit who use the module it concerns. Messages are
//! written in the same transaction as the change they report (so none is lost, and
//! none exists for a change that was rolled back); reading is a per-person marker.
//!
//! Pure: the texts and the recipients are decided here; storage only fans them out.

use serde::{Deserialize, Serialize};

use crate::kernel::{Grants, Module};
use crate::kernel::Timestamp;

/// The 消息类型 a user filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageKind {
    /// 邀请通知: a direct unit invited this unit (or a use unit asked to be invited).
    Invitation,
    /// 状态变更: the other party moved something of ours (确认, 拒绝, 解除绑定 …).
    StatusChange,
    /// 审核结果: the tax office decided (受理, 确认通过, 退回 …).
    Decision,
    /// 到期提醒: a deadline is near or passed.
    Reminder,
    /// 管理措施: the tax office took a measure (提示提醒 … 责令退出).
    Measure,
    /// 通知公告: 版本升级通知 and other notices.
    Notice,
    /// 能力授权: a capability granted, confirmed or revoked.
    CapabilityGrant,
}

impl MessageKind {
    pub const ALL: [MessageKind; 7] = [
        MessageKind::Invitation,
        MessageKind::StatusChange,
        MessageKind::Decision,
        MessageKind::Reminder,
        MessageKind::Measure,
        MessageKind::Notice,
        MessageKind::CapabilityGrant,
    ];

    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Invitation => "邀请通知",
            MessageKind::StatusChange => "状态变更",
            MessageKind::Decision => "审核结果",
            MessageKind::Reminder => "到期提醒",
            MessageKind::Measure => "管理措施",
            MessageKind::Notice => "通知公告",
            MessageKind::CapabilityGrant => "能力授权",
        }
    }

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Invitation => "invitation",
            MessageKind::StatusChange => "status_change",
            MessageKind::Decision => "decision",
            MessageKind::Reminder => "reminder",
            MessageKind::Measure => "measure",
            MessageKind::Notice => "notice",
            MessageKind::CapabilityGrant => "capability_grant",
        }
    }

    pub fn from_code(code: &str) -> Option<MessageKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Which people of the recipient unit read a message: those who use 【消息中心】
/// and the module the message is about (法定代表人 and 财务负责人 use everything).
/// `None` when the person does not use 消息中心 at all.
pub fn readable_modules(grants: &Grants) -> Option<Vec<Module>> {
    if !grants.allows(Module::LeqiMessages) {
        return None;
    }
    Some(Module::ALL.into_iter().filter(|m| *m != Module::LeqiMessages && grants.allows(*m)).collect())
}

/// A link to the item, inside this site: an absolute path ("/jrgl/respond"), never
/// another host (a message must not send anybody elsewhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLink(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("链接必须是本站以“/”开头的路径")]
pub struct NotASiteLink;

impl SiteLink {
    pub fn parse(s: &str) -> Result<SiteLink, NotASiteLink> {
        let ok = s.starts_with('/')
            && !s.starts_with("//")
            && !s.contains('\\')
            && s.len() <= 300
            && s.chars().all(|c| !c.is_control() && !c.is_whitespace());
        if ok { Ok(SiteLink(s.to_string())) } else { Err(NotASiteLink) }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message about to be written, for every reader of one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The recipient unit (`enterprises.id`).
    pub enterprise_id: i64,
    /// The module it concerns: who of the unit reads it.
    pub module: Module,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    pub link: Option<SiteLink>,
    pub at: Timestamp,
    /// Written once per unit and key (a reminder sent by every pass of the scheduler
    /// is stored once); `None`: always written.
    pub once_key: Option<String>,
}

/// One side of a workflow item: the unit, and where its people see the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub enterprise_id: i64,
    pub module: Module,
    pub link: Option<SiteLink>,
}

/// Who hears of a step: every party except the unit that took it (an officer's step
/// is heard by all parties). The texts are the same for each.
pub fn tell_parties(parties: &[Party], acting_unit: Option<i64>, kind: MessageKind, title: &str, body: &str, at: Timestamp) -> Vec<NewMessage> {
    let mut out: Vec<NewMessage> = Vec::new();
    for p in parties {
        if Some(p.enterprise_id) == acting_unit || out.iter().any(|m| m.enterprise_id == p.enterprise_id) {
            continue;
        }
        out.push(NewMessage {
            enterprise_id: p.enterprise_id,
            module: p.module,
            kind,
            title: title.to_string(),
            body: body.to_string(),
            link: p.link.clone(),
            at,
            once_key: None,
        });
    }
    out
}

/// "状态由「待确认」变为「确认通过」" with the reason when one was given.
pub fn status_change_text(from: &str, to: &str, reason: Option<&str>) -> String {
    let mut s = format!("状态由「{from}」变为「{to}」");
    if let Some(r) = reason.map(str::trim).filter(|r| !r.is_empty()) {
        s.push_str(&format!("，原因：{r}"));
    }
    s
}

/// 邀请通知 to each invited use unit (its link: the invitation under 【响应邀请】).
pub fn invitation_received(direct_name: &str, direct_code: &str) -> (String, String) {
    (
        format!("{direct_name}邀请贵单位成为其使用单位"),
        format!("{direct_name}（{direct_code}）向贵单位发起了接入邀请，请在【接入管理】→【响应邀请】中查看并处理。"),
    )
}

/// The title of a message about a workflow item's new status: "接入邀请：确认通过".
pub fn status_title(item: &str, to: &str) -> String {
    format!("{item}：{to}")
}

/// A page of messages is at most this long.
pub const PAGE_SIZE: u32 = 20;
/// The header shows "99+" above this.
pub const UNREAD_CAP: u32 = 99;

/// The unread count as the header shows it.
pub fn unread_badge(n: u32) -> String {
    if n > UNREAD_CAP { format!("{UNREAD_CAP}+") } else { n.to_string() }
}

/// The client's polling interval for new messages: `base_secs`, doubled for every
/// failed poll in a row, at most `max_secs` (a server that is down is not hammered).
pub fn poll_delay_secs(base_secs: u32, max_secs: u32, failures: u32) -> u32 {
    let factor = 1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX);
    base_secs.saturating_mul(factor).min(max_secs)
}

/// The template told to every use unit whose binding ended (its `enterprise_id` is set per unit).
pub fn to_use_units(direct_name: &str, why: &str, at: Timestamp) -> NewMessage {
    NewMessage {
        enterprise_id: 0,
        module: Module::LeqiAccess,
        kind: MessageKind::StatusChange,
        title: "绑定关系已解除".into(),
        body: format!("直连单位{direct_name}{why}，贵单位与其的乐企绑定关系已解除。"),
        link: SiteLink::parse("/jrgl/respond").ok(),
        at,
        once_key: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::Grants;

    fn party(id: i64) -> Party {
        Party { enterprise_id: id, module: Module::LeqiAccess, link: Some(SiteLink::parse("/jrgl/invite").unwrap()) }
    }

    #[test]
    fn the_acting_unit_does_not_hear_of_its_own_step() {
        let ms = tell_parties(&[party(1), party(2)], Some(1), MessageKind::StatusChange, "t", "b", Timestamp(5));
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].enterprise_id, 2);
        assert_eq!(ms[0].at, Timestamp(5));
    }

    #[test]
    fn an_officers_step_is_heard_by_every_party_once() {
        let ms = tell_parties(&[party(1), party(2), party(2)], None, MessageKind::Decision, "t", "b", Timestamp(5));
        assert_eq!(ms.iter().map(|m| m.enterprise_id).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn links_stay_on_this_site() {
        assert!(SiteLink::parse("/jrgl/respond?id=3").is_ok());
        for bad in ["https://evil.example/", "//evil.example/x", "jrgl", "/a b", "/\\evil", ""] {
            assert!(SiteLink::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::from_code(k.code()), Some(k));
        }
        assert_eq!(MessageKind::from_code("nope"), None);
    }

    #[test]
    fn readers_need_the_message_center_and_the_module() {
        assert_eq!(readable_modules(&Grants([Module::LeqiAccess].into_iter().collect())), None);
        let r = readable_modules(&Grants([Module::LeqiMessages, Module::LeqiAccess].into_iter().collect())).unwrap();
        assert_eq!(r, vec![Module::LeqiAccess]);
        let all = readable_modules(&Grants::all()).unwrap();
        assert!(all.contains(&Module::LeqiCapability) && !all.contains(&Module::LeqiMessages));
    }

    #[test]
    fn an_invitation_names_who_invites_and_where_to_answer() {
        let (t, b) = invitation_received("四川乐企科技有限公司", "91510100MA6CGUKH4N");
        assert_eq!(t, "四川乐企科技有限公司邀请贵单位成为其使用单位");
        assert!(b.contains("91510100MA6CGUKH4N") && b.contains("【响应邀请】"));
        assert_eq!(status_title("接入邀请", "确认通过"), "接入邀请：确认通过");
    }

    #[test]
    fn the_badge_caps_at_99() {
        assert_eq!(unread_badge(0), "0");
        assert_eq!(unread_badge(99), "99");
        assert_eq!(unread_badge(100), "99+");
    }

    #[test]
    fn polling_backs_off_and_is_bounded() {
        assert_eq!(poll_delay_secs(10, 160, 0), 10);
        assert_eq!(poll_delay_secs(10, 160, 1), 20);
        assert_eq!(poll_delay_secs(10, 160, 4), 160);
        assert_eq!(poll_delay_secs(10, 160, 40), 160);
    }

    #[test]
    fn status_text_carries_the_reason_when_given() {
        assert_eq!(status_change_text("待确认", "确认通过", None), "状态由「待确认」变为「确认通过」");
        assert_eq!(status_change_text("待受理", "不予受理", Some(" 材料不全 ")), "状态由「待受理」变为「不予受理」，原因：材料不全");
        assert_eq!(status_change_text("a", "b", Some("  ")), "状态由「a」变为「b」");
    }
}
