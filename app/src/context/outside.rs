//! The outside world that is not storage: 实人认证, SMS, captcha images, randomness
//! and hashing, the clock.

#[allow(unused_imports)]

use async_trait::async_trait;

use crate::kernel::{MobilePhone, Timestamp};

/// 实人认证 (real-person verification: face scan by 微信/支付宝 in the guide).
/// Demo mode: the person confirms on screen.
#[async_trait]
pub trait RealPersonCheck: Send + Sync {
    async fn verify(&self, name: &str, id_number: &str) -> Result<(), String>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SMS not sent: {0}")]
pub struct SmsError(pub String);

#[async_trait]
pub trait SmsGateway: Send + Sync {
    async fn send(&self, phone: &MobilePhone, text: &str, now: Timestamp) -> Result<(), SmsError>;
}

pub trait CaptchaImages: Send + Sync {
    /// A fresh answer (random, or fixed for tests in demo mode).
    fn new_answer(&self) -> String;
    /// The answer drawn as an image, as a `data:image/png;base64,…` URL.
    fn render(&self, answer: &str) -> String;
}

/// Randomness and one-way functions.
pub trait Secrets: Send + Sync {
    /// 32 random bytes as URL-safe text (session tokens, ids).
    fn random_token(&self) -> String;
    fn random_u32(&self) -> u32;
    /// argon2id.
    fn hash_password(&self, password: &str) -> String;
    /// False for a wrong password. An empty `hash` (unknown account) still
    /// costs one full verification, so timing does not tell accounts apart.
    fn verify_password(&self, password: &str, hash: &str) -> bool;
    /// A fast one-way hash of a session token, for storage.
    fn hash_token(&self, token: &str) -> String;
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}
