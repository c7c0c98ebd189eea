//! Implementations of the app's `context::outside` traits (not storage).

use std::sync::Arc;

use app::kernel::{MobilePhone, Timestamp};
use app::context::outside::{CaptchaImages, Clock, Secrets, SmsError, SmsGateway};
use app::accounts::store::{OutboxSms, OutboxStore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use async_trait::async_trait;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        Timestamp(ms)
    }
}

/// OS randomness, argon2id and SHA-256.
pub struct OsSecrets {
    /// Verified against when an account does not exist, to keep timing even.
    dummy_hash: String,
}

impl OsSecrets {
    pub fn new() -> Self {
        let mut s = OsSecrets { dummy_hash: String::new() };
        s.dummy_hash = s.hash_password("not-a-real-password-0");
        s
    }
}

impl OsSecrets {
    /// `n` random bytes as lowercase hex (names, ids).
    pub fn random_hex(&self, n: usize) -> String {
        let mut bytes = vec![0u8; n];
        rand::rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl Default for OsSecrets {
    fn default() -> Self {
        Self::new()
    }
}

impl Secrets for OsSecrets {
    fn random_token(&self) -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    fn random_u32(&self) -> u32 {
        rand::rng().next_u32()
    }

    fn hash_password(&self, password: &str) -> String {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
        Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default params").to_string()
    }

    fn verify_password(&self, password: &str, hash: &str) -> bool {
        let hash = if hash.is_empty() { self.dummy_hash.as_str() } else { hash };
        let ok = PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false);
        ok && hash != self.dummy_hash
    }

    fn hash_token(&self, token: &str) -> String {
        let digest = Sha256::digest(token.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Demo mode: messages are written to the outbox table instead of a phone.
pub struct OutboxSmsGateway {
    pub store: Arc<dyn OutboxStore>,
}

#[async_trait]
impl SmsGateway for OutboxSmsGateway {
    async fn send(&self, phone: &MobilePhone, text: &str, now: Timestamp) -> Result<(), SmsError> {
        self.store
            .push_outbox(&OutboxSms { phone: phone.as_str().to_string(), text: text.to_string(), sent_at: now })
            .await
            .map_err(|e| SmsError(e.to_string()))
    }
}

/// Production: hands each message to an operator-supplied command
/// (`LEQI_SMS_COMMAND`), which gets the phone as its one argument and the
/// text on standard input, and talks to the SMS provider.
pub struct CommandSms {
    pub program: String,
}

#[async_trait]
impl SmsGateway for CommandSms {
    async fn send(&self, phone: &MobilePhone, text: &str, _now: Timestamp) -> Result<(), SmsError> {
        use tokio::io::AsyncWriteExt;
        let mut child = tokio::process::Command::new(&self.program)
            .arg(phone.as_str())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| SmsError(format!("cannot start {}: {e}", self.program)))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes()).await.map_err(|e| SmsError(e.to_string()))?;
        }
        let status = tokio::time::timeout(std::time::Duration::from_secs(15), child.wait())
            .await
            .map_err(|_| SmsError("sms command timed out".into()))?
            .map_err(|e| SmsError(e.to_string()))?;
        status.success().then_some(()).ok_or_else(|| SmsError(format!("sms command exited with {status}")))
    }
}

/// Demo mode: 实人认证 is a confirmation step on screen, so the check passes.
/// Production has no verification service configured here and refuses, so
/// nothing is bound or reset without a real check.
pub struct ConfiguredRealPerson {
    pub demo: bool,
}

#[async_trait]
impl app::context::outside::RealPersonCheck for ConfiguredRealPerson {
    async fn verify(&self, _name: &str, _id_number: &str) -> Result<(), String> {
        if self.demo {
            Ok(())
        } else {
            Err("实人认证服务未配置".into())
        }
    }
}

pub struct PngCaptcha {
    /// Demo mode only: every captcha has this answer (for automated tests).
    pub fixed_answer: Option<String>,
}

impl CaptchaImages for PngCaptcha {
    fn new_answer(&self) -> String {
        if let Some(a) = &self.fixed_answer {
            return a.clone();
        }
        let mut bytes = [0u8; 4];
        rand::rng().fill_bytes(&mut bytes);
        crate::captcha::answer_from_bytes(&bytes)
    }

    fn render(&self, answer: &str) -> String {
        let png = crate::captcha::render_png(answer, rand::rng().next_u64());
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2_round_trip_and_unknown_accounts_never_verify() {
        let s = OsSecrets::new();
        let h = s.hash_password("Demo1234");
        assert!(h.starts_with("$argon2id$"));
        assert!(s.verify_password("Demo1234", &h));
        assert!(!s.verify_password("Demo12345", &h));
        assert!(!s.verify_password("not-a-real-password-0", ""));
        assert!(!s.verify_password("x", "garbage"));
    }

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let s = OsSecrets::new();
        let (a, b) = (s.random_token(), s.random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(s.hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[tokio::test]
    async fn command_sms_passes_phone_and_text_and_reports_failure() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sent.txt");
        let script = dir.path().join("sms.sh");
        std::fs::write(&script, format!("#!/bin/sh\necho \"$1\" > {0}\ncat >> {0}\n", out.display())).unwrap();
        std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
        let sms = CommandSms { program: script.display().to_string() };
        let phone = MobilePhone::parse("13800138000").unwrap();
        sms.send(&phone, "验证码123456", Timestamp(0)).await.unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "13800138000\n验证码123456");
        let failing = CommandSms { program: "/bin/false".into() };
        assert!(failing.send(&phone, "x", Timestamp(0)).await.is_err());
    }
}
