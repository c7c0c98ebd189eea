//! 邀请链接: the H5 confirmation link `/kkjrh5/i/TOKEN` that reaches the use
//! unit's 法定代表人 and 财务负责人 by SMS and as a QR code (guideline-sichuan
//! 第三章(二): "使用单位收到邀请通知，通过电子税务局中乐企平台确认邀请信息").
//!
//! One link per invitation while it needs the use unit (待使用单位响应,
//! 待使用单位授权). The token is a MAC the server computes over the link's
//! invitation, salt and expiry with its master key: the database keeps only
//! the salt and the token's hash, so neither a database reader nor a guesser can
//! make a working link, and 【重新生成】 (a new salt) kills the old one.
//! This module decides; it computes no MAC and reads no clock.

use serde::{Deserialize, Serialize};

use crate::invitation::rules::InvitationStatus;
use crate::kernel::people::Identity;
use crate::kernel::Timestamp;

/// How long a link works unless configured otherwise (`LEQI_INVITE_LINK_DAYS`).
pub const DEFAULT_TTL_DAYS: u32 = 7;
/// Unknown tokens one client address may try per hour before it is refused.
pub const MAX_UNKNOWN_PER_HOUR: u32 = 20;

/// Whether the invitation waits for its use unit, i.e. a link makes sense.
pub fn needs_use_unit(status: &InvitationStatus) -> bool {
    matches!(status, InvitationStatus::AwaitingResponse | InvitationStatus::AwaitingAuthorization)
}

/// The stored part of a link (no token: that is derived, see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteLink {
    pub invitation_id: i64,
    pub salt: String,
    pub issued_at: Timestamp,
    pub expires_at: Timestamp,
    /// The invitation's status code when issued: a link is good for that step only.
    pub for_status: String,
}

impl InviteLink {
    /// A link for an invitation that needs its use unit now.
    pub fn issue(invitation_id: i64, status: &InvitationStatus, salt: String, now: Timestamp, ttl_days: u32) -> Result<Self, LinkRefusal> {
        if !needs_use_unit(status) {
            return Err(LinkRefusal::Spent);
        }
        Ok(InviteLink {
            invitation_id,
            salt,
            issued_at: now,
            expires_at: now.plus_secs(i64::from(ttl_days.max(1)) * 86_400),
            for_status: status.code().to_string(),
        })
    }

    /// What the server's MAC covers: changing any part makes another token.
    pub fn mac_message(&self) -> String {
        format!("leqi-invite-link-v1\n{}\n{}\n{}", self.invitation_id, self.salt, self.expires_at.0)
    }

    /// Whether this link still opens its invitation, given the invitation's status now.
    pub fn check(&self, status: &InvitationStatus, now: Timestamp) -> Result<i64, LinkRefusal> {
        if now >= self.expires_at {
            return Err(LinkRefusal::Expired);
        }
        if !needs_use_unit(status) || status.code() != self.for_status {
            return Err(LinkRefusal::Spent);
        }
        Ok(self.invitation_id)
    }
}

/// Why a link does not open its invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkRefusal {
    /// No such link (mistyped, or replaced by 【重新生成】).
    Unknown,
    Expired,
    /// The invitation moved on (answered, authorized, withdrawn …).
    Spent,
    /// Too many unknown tokens from one address.
    TooMany,
}

impl LinkRefusal {
    pub const ALL: [LinkRefusal; 4] = [LinkRefusal::Unknown, LinkRefusal::Expired, LinkRefusal::Spent, LinkRefusal::TooMany];

    /// In the H5 app's URL (`/kkjrh5/?link=…`).
    pub fn code(self) -> &'static str {
        match self {
            LinkRefusal::Unknown => "invalid",
            LinkRefusal::Expired => "expired",
            LinkRefusal::Spent => "spent",
            LinkRefusal::TooMany => "too_many",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            LinkRefusal::Unknown => "链接无效或已重新生成，请在【接入确认】中查看待确认的邀请",
            LinkRefusal::Expired => "链接已过期，请在【接入确认】中查看待确认的邀请",
            LinkRefusal::Spent => "该邀请已处理，链接已失效，请在【接入确认】中查看",
            LinkRefusal::TooMany => "尝试次数过多，请稍后再试",
        }
    }
}

/// The phones that get the SMS: the use unit's 法定代表人 and 财务负责人, each phone once.
pub fn recipients<'a>(people: impl IntoIterator<Item = (Identity, &'a str)>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (identity, phone) in people {
        if identity.is_principal() && !out.iter().any(|p| p == phone) {
            out.push(phone.to_string());
        }
    }
    out
}

/// The day (China Standard Time) an SMS counts against: one per person per invitation per day.
pub fn sms_day(now: Timestamp) -> i64 {
    (now.0.div_euclid(1000) + 8 * 3600).div_euclid(86_400)
}

/// The SMS: who invites, the link, until when.
pub fn sms_text(direct_unit: &str, url: &str, expires_at: Timestamp) -> String {
    let until = expires_at.beijing_time();
    format!(
        "【乐企平台】{direct_unit}邀请贵单位接入乐企，请于{}前打开 {url} ，登录电子税务局后在【接入确认】中确认。如非本单位业务请忽略。",
        &until[..16]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp(1_764_000_000_000);

    fn link(status: &InvitationStatus) -> InviteLink {
        InviteLink::issue(42, status, "s1".into(), NOW, 7).unwrap()
    }

    #[test]
    fn a_link_is_issued_only_while_the_use_unit_is_needed() {
        assert!(InviteLink::issue(1, &InvitationStatus::AwaitingResponse, "s".into(), NOW, 7).is_ok());
        assert!(InviteLink::issue(1, &InvitationStatus::AwaitingAuthorization, "s".into(), NOW, 7).is_ok());
        for s in [InvitationStatus::PendingAcceptance, InvitationStatus::PendingConfirmation, InvitationStatus::Confirmed] {
            assert_eq!(InviteLink::issue(1, &s, "s".into(), NOW, 7), Err(LinkRefusal::Spent), "{s:?}");
        }
    }

    #[test]
    fn it_expires_after_the_configured_days_to_the_millisecond() {
        let l = link(&InvitationStatus::AwaitingResponse);
        assert_eq!(l.expires_at, NOW.plus_secs(7 * 86_400));
        let last = Timestamp(l.expires_at.0 - 1);
        assert_eq!(l.check(&InvitationStatus::AwaitingResponse, last), Ok(42));
        assert_eq!(l.check(&InvitationStatus::AwaitingResponse, l.expires_at), Err(LinkRefusal::Expired));
        let short = InviteLink::issue(1, &InvitationStatus::AwaitingResponse, "s".into(), NOW, 1).unwrap();
        assert_eq!(short.expires_at, NOW.plus_secs(86_400));
        // Zero days is read as one: a link that is dead on arrival helps nobody.
        assert_eq!(InviteLink::issue(1, &InvitationStatus::AwaitingResponse, "s".into(), NOW, 0).unwrap().expires_at, NOW.plus_secs(86_400));
    }

    #[test]
    fn it_is_spent_once_the_invitation_moves_on_even_to_another_waiting_step() {
        let l = link(&InvitationStatus::AwaitingResponse);
        assert_eq!(l.check(&InvitationStatus::PendingAcceptance, NOW), Err(LinkRefusal::Spent));
        assert_eq!(l.check(&InvitationStatus::Declined { reason: "x".into() }, NOW), Err(LinkRefusal::Spent));
        // A 待使用单位响应 link does not open the 授权 step: that step gets its own link.
        assert_eq!(l.check(&InvitationStatus::AwaitingAuthorization, NOW), Err(LinkRefusal::Spent));
        let a = link(&InvitationStatus::AwaitingAuthorization);
        assert_eq!(a.check(&InvitationStatus::AwaitingAuthorization, NOW), Ok(42));
        assert_eq!(a.check(&InvitationStatus::Confirmed, NOW), Err(LinkRefusal::Spent));
    }

    #[test]
    fn the_mac_message_changes_with_salt_invitation_and_expiry() {
        let l = link(&InvitationStatus::AwaitingResponse);
        let other_salt = InviteLink { salt: "s2".into(), ..l.clone() };
        let other_id = InviteLink { invitation_id: 43, ..l.clone() };
        let other_exp = InviteLink { expires_at: Timestamp(l.expires_at.0 + 1), ..l.clone() };
        for o in [other_salt, other_id, other_exp] {
            assert_ne!(o.mac_message(), l.mac_message());
        }
    }

    #[test]
    fn recipients_are_the_principals_once_per_phone() {
        let people = [
            (Identity::LegalRepresentative, "13908160009"),
            (Identity::FinanceManager, "13908160009"),
            (Identity::InvoiceClerk, "13908160010"),
            (Identity::TaxClerk, "13908160011"),
            (Identity::FinanceManager, "13908000015"),
        ];
        assert_eq!(recipients(people), vec!["13908160009".to_string(), "13908000015".to_string()]);
    }

    #[test]
    fn the_sms_day_turns_at_beijing_midnight() {
        // 2024-11-19T15:59:59Z is 23:59:59 in Beijing; one second later is the next day.
        let before = Timestamp(1_732_031_999_000);
        assert_eq!(sms_day(before) + 1, sms_day(Timestamp(before.0 + 1000)));
        assert_eq!(sms_day(before), sms_day(Timestamp(before.0 - 8 * 3600 * 1000)));
    }

    #[test]
    fn the_sms_names_the_inviter_the_link_and_the_deadline() {
        let t = sms_text("四川蜀乐科技集团有限公司", "https://leqi.example/kkjrh5/i/abc", Timestamp(1_732_060_800_000));
        assert!(t.contains("四川蜀乐科技集团有限公司邀请贵单位"));
        assert!(t.contains("https://leqi.example/kkjrh5/i/abc "));
        assert!(t.contains("2024-11-20 08:00前"));
    }

    #[test]
    fn refusal_codes_round_trip_and_every_refusal_has_a_message() {
        for r in LinkRefusal::ALL {
            assert_eq!(LinkRefusal::from_code(r.code()), Some(r));
            assert!(!r.message().is_empty());
        }
        assert_eq!(LinkRefusal::from_code("nope"), None);
    }
}
