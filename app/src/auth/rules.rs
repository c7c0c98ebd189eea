//! Rules of the e-tax login (etax-login-guide §1): lockout after repeated
//! failures, single-use expiring captchas and SMS codes, session expiry.

use crate::kernel::Timestamp;
use serde::{Deserialize, Serialize};

/// 5 failures lock the enterprise (+ person) for 15 minutes.
pub const MAX_FAILURES: u32 = 5;
pub const LOCK_MINUTES: i64 = 15;
/// An SMS code may be re-sent after 60 s and is valid for 5 minutes.
pub const SMS_RESEND_SECS: i64 = 60;
pub const SMS_VALID_MINUTES: i64 = 5;
pub const CAPTCHA_VALID_MINUTES: i64 = 5;
/// A login in progress (after the enterprise password) must finish within 10 minutes.
pub const LOGIN_FLOW_MINUTES: i64 = 10;
/// Sessions end after 30 idle minutes, and after 12 hours in any case.
pub const SESSION_IDLE_MINUTES: i64 = 30;
pub const SESSION_MAX_HOURS: i64 = 12;
/// A live session's last use is written at most once this often (issue #16: a logged-in read
/// then costs no write), so a session idles out between 29 and 30 minutes after its last use.
pub const SESSION_TOUCH_SECS: i64 = 60;

/// Consecutive failed attempts for one lock key (an enterprise, or an enterprise + person).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureCounter {
    pub failures: u32,
    pub locked_until: Option<Timestamp>,
}

impl FailureCounter {
    /// Minutes (rounded up) the key stays locked, or None when attempts are allowed.
    pub fn locked_minutes(&self, now: Timestamp) -> Option<u32> {
        match self.locked_until {
            Some(until) if until > now => Some(((now.secs_until(until) + 59) / 60) as u32),
            _ => None,
        }
    }

    /// The counter after one more failure. The fifth failure in a row locks.
    pub fn after_failure(self, now: Timestamp) -> FailureCounter {
        // A lock that has run out starts a fresh count.
        let failures = match self.locked_until {
            Some(until) if until <= now => 1,
            _ => self.failures + 1,
        };
        if failures >= MAX_FAILURES {
            FailureCounter { failures, locked_until: Some(now.plus_mins(LOCK_MINUTES)) }
        } else {
            FailureCounter { failures, locked_until: None }
        }
    }
}

/// Password failures from one client address, on any accounts, within
/// [`ADDRESS_WINDOW_MINUTES`]: past this the address (not the accounts) is locked.
pub const ADDRESS_MAX_FAILURES: u32 = 30;
pub const ADDRESS_WINDOW_MINUTES: i64 = 15;
/// SMS codes to one phone per day, and from one client address per hour
/// (SMS pumping: every code costs money and annoys the phone's owner).
pub const SMS_PER_PHONE_PER_DAY: u32 = 10;
pub const SMS_PER_ADDRESS_PER_HOUR: u32 = 40;
/// 修改密码: wrong old passwords before the change is locked for a while.
pub const CHANGE_PASSWORD_MAX_FAILURES: u32 = 5;

/// What an attempt counter allows once this attempt has been counted. Every
/// attempt is counted *before* its secret is compared (one atomic
/// `UPDATE … SET failures = failures + 1 RETURNING`), so however many guesses
/// arrive at once, at most `max` of them are ever evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Compare the secret. `last`: a failure now reaches the limit and locks.
    Evaluate { last: bool },
    /// Refused without comparing anything.
    Locked { minutes: u32 },
}

/// The gate for a counter as it stands after counting this attempt.
pub fn gate(counted: FailureCounter, max: u32, now: Timestamp) -> Gate {
    if let Some(minutes) = counted.locked_minutes(now) {
        return Gate::Locked { minutes };
    }
    if counted.failures > max {
        // Attempts running at the same moment used up the allowance.
        return Gate::Locked { minutes: LOCK_MINUTES as u32 };
    }
    Gate::Evaluate { last: counted.failures >= max }
}

/// The attempt keys of a client address (any account).
pub fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

/// An account tried from one address: the only lock a stranger can cause is
/// on their own address (etax: a wrong password never locks others out).
pub fn account_address_key(account: &str, address: &str) -> String {
    format!("{account}@{address}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeCheck {
    Expired,
    AlreadyUsed,
    Mismatch,
}

impl CodeCheck {
    pub fn message(self, what: &str) -> String {
        match self {
            CodeCheck::Expired => format!("{what}已过期，请重新获取"),
            CodeCheck::AlreadyUsed => format!("{what}已使用，请重新获取"),
            CodeCheck::Mismatch => format!("{what}不正确"),
        }
    }
}

/// A graphical captcha: single use (consumed by any attempt), 5 minutes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captcha {
    pub answer: String,
    pub issued_at: Timestamp,
    pub used: bool,
}

impl Captcha {
    pub fn check(&self, input: &str, now: Timestamp) -> Result<(), CodeCheck> {
        if self.used {
            return Err(CodeCheck::AlreadyUsed);
        }
        if now >= self.issued_at.plus_mins(CAPTCHA_VALID_MINUTES) {
            return Err(CodeCheck::Expired);
        }
        if !input.trim().eq_ignore_ascii_case(&self.answer) {
            return Err(CodeCheck::Mismatch);
        }
        Ok(())
    }
}

/// An SMS verification code sent to a registered phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsChallenge {
    pub code: String,
    pub sent_at: Timestamp,
    pub used: bool,
}

impl SmsChallenge {
    /// Six digits from a random number.
    pub fn code_from_random(n: u32) -> String {
        format!("{:06}", n % 1_000_000)
    }

    /// Seconds to wait before another code may be sent, if any.
    pub fn resend_wait(&self, now: Timestamp) -> Option<u32> {
        let allowed = self.sent_at.plus_secs(SMS_RESEND_SECS);
        (now < allowed).then(|| now.secs_until(allowed) as u32)
    }

    pub fn check(&self, input: &str, now: Timestamp) -> Result<(), CodeCheck> {
        if self.used {
            return Err(CodeCheck::AlreadyUsed);
        }
        if now >= self.sent_at.plus_mins(SMS_VALID_MINUTES) {
            return Err(CodeCheck::Expired);
        }
        if input.trim() != self.code {
            return Err(CodeCheck::Mismatch);
        }
        Ok(())
    }
}

/// When a session stops being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionClock {
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

impl SessionClock {
    pub fn is_live(&self, now: Timestamp) -> bool {
        now < self.last_seen_at.plus_mins(SESSION_IDLE_MINUTES)
            && now < self.created_at.plus_mins(SESSION_MAX_HOURS * 60)
    }

    /// Whether this use should be written down as the session's last use.
    pub fn needs_touch(&self, now: Timestamp) -> bool {
        now >= self.last_seen_at.plus_secs(SESSION_TOUCH_SECS)
    }
}

/// The key under which failures are counted: the enterprise alone for the
/// first step (enterprise password), the enterprise and person for the second.
pub fn lock_key(credit_code: &str, person_id: Option<i64>) -> String {
    match person_id {
        Some(p) => format!("ent:{credit_code}:person:{p}"),
        None => format!("ent:{credit_code}"),
    }
}

/// The message for a wrong enterprise code or password: the same words either
/// way, so nobody learns which codes exist.
pub const BAD_ENTERPRISE_CREDENTIALS: &str = "统一社会信用代码（纳税人识别号）或密码错误";
pub const BAD_PERSON_PASSWORD: &str = "办税人员密码错误";
pub const BAD_OFFICER_CREDENTIALS: &str = "用户名或密码错误";

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_700_000_000_000);

    #[test]
    fn fifth_failure_locks_for_fifteen_minutes_then_counting_restarts() {
        let mut c = FailureCounter::default();
        for _ in 0..4 {
            c = c.after_failure(T0);
            assert_eq!(c.locked_minutes(T0), None);
        }
        c = c.after_failure(T0);
        assert_eq!(c.failures, 5);
        assert_eq!(c.locked_minutes(T0), Some(15));
        assert_eq!(c.locked_minutes(T0.plus_mins(14)), Some(1));
        assert_eq!(c.locked_minutes(T0.plus_mins(15)), None);
        let after = c.after_failure(T0.plus_mins(16));
        assert_eq!(after.failures, 1);
        assert_eq!(after.locked_minutes(T0.plus_mins(16)), None);
    }

    #[test]
    fn the_gate_admits_at_most_max_attempts_and_the_last_one_locks() {
        let counted = |failures| FailureCounter { failures, locked_until: None };
        assert_eq!(gate(counted(1), 5, T0), Gate::Evaluate { last: false });
        assert_eq!(gate(counted(4), 5, T0), Gate::Evaluate { last: false });
        assert_eq!(gate(counted(5), 5, T0), Gate::Evaluate { last: true });
        assert_eq!(gate(counted(6), 5, T0), Gate::Locked { minutes: 15 });
        assert_eq!(gate(counted(50), 5, T0), Gate::Locked { minutes: 15 });
        let locked = FailureCounter { failures: 1, locked_until: Some(T0.plus_mins(3)) };
        assert_eq!(gate(locked, 5, T0), Gate::Locked { minutes: 3 });
        assert_eq!(account_address_key(&lock_key("X", None), "10.0.0.1"), "ent:X@10.0.0.1");
        assert_eq!(address_key("10.0.0.1"), "addr:10.0.0.1");
    }

    #[test]
    fn captcha_is_single_use_case_insensitive_and_expires() {
        let c = Captcha { answer: "AB7K".into(), issued_at: T0, used: false };
        assert_eq!(c.check("ab7k", T0.plus_secs(10)), Ok(()));
        assert_eq!(c.check("AB7X", T0), Err(CodeCheck::Mismatch));
        assert_eq!(c.check("AB7K", T0.plus_mins(5)), Err(CodeCheck::Expired));
        let used = Captcha { used: true, ..c };
        assert_eq!(used.check("AB7K", T0), Err(CodeCheck::AlreadyUsed));
    }

    #[test]
    fn sms_code_waits_sixty_seconds_to_resend_and_lives_five_minutes() {
        let s = SmsChallenge { code: SmsChallenge::code_from_random(42), sent_at: T0, used: false };
        assert_eq!(s.code, "000042");
        assert_eq!(s.resend_wait(T0), Some(60));
        assert_eq!(s.resend_wait(T0.plus_secs(59)), Some(1));
        assert_eq!(s.resend_wait(T0.plus_secs(60)), None);
        assert_eq!(s.check("000042", T0.plus_secs(299)), Ok(()));
        assert_eq!(s.check("000042", T0.plus_secs(300)), Err(CodeCheck::Expired));
        assert_eq!(s.check("000043", T0), Err(CodeCheck::Mismatch));
        assert_eq!(SmsChallenge { used: true, ..s }.check("000042", T0), Err(CodeCheck::AlreadyUsed));
    }

    #[test]
    fn sessions_end_when_idle_or_too_old() {
        let s = SessionClock { created_at: T0, last_seen_at: T0 };
        assert!(s.is_live(T0.plus_mins(29)));
        assert!(!s.is_live(T0.plus_mins(30)));
        let busy = SessionClock { created_at: T0, last_seen_at: T0.plus_mins(12 * 60 - 1) };
        assert!(busy.is_live(T0.plus_mins(12 * 60 - 1)));
        assert!(!busy.is_live(T0.plus_mins(12 * 60)));
    }

    #[test]
    fn a_session_is_touched_at_most_once_a_minute() {
        let s = SessionClock { created_at: T0, last_seen_at: T0 };
        assert!(!s.needs_touch(T0));
        assert!(!s.needs_touch(T0.plus_secs(59)));
        assert!(s.needs_touch(T0.plus_secs(60)));
        // Used every 59 s without a touch, then idle: live until 30 minutes after the last touch.
        assert!(s.is_live(T0.plus_secs(59)) && !s.is_live(T0.plus_mins(30)));
    }
}
