//! Configuration from the environment (see docs/configuration.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use app::context::Mode;

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// trunk's output: the portal at the root, the H5 app in `kkjrh5/`.
    pub site_dir: PathBuf,
    /// Province rules (`province-*.json`), loaded into the database at start.
    pub rules_dir: PathBuf,
    pub secure_cookies: bool,
    /// Demo mode only: every captcha's answer (for automated tests).
    pub fixed_captcha: Option<String>,
    /// Production: the program that sends SMS (phone as argument, text on stdin).
    pub sms_command: Option<String>,
    /// The key every API credential's secret is derived from (`LEQI_API_MASTER_KEY`).
    pub api_master_key: String,
    /// A trusted proxy is in front: API callers' addresses come from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// The site as users' phones reach it (邀请链接 in SMS and QR codes): `LEQI_PUBLIC_URL`,
    /// default `http://` + `LEQI_ADDR`.
    pub public_url: String,
    /// How many days an 邀请链接 works: `LEQI_INVITE_LINK_DAYS` (default 7, 1–90).
    pub invite_link_days: u32,
    /// Seconds between notifier passes (邀请链接 issued, SMS sent): `LEQI_NOTIFIER_SECS` (default 2).
    pub notifier_secs: u64,
    /// Days the audit log is kept (`LEQI_AUDIT_RETENTION_DAYS`, default 365, never below 183).
    pub audit_retention_days: i64,
    /// How long this process keeps a looked-up session (`LEQI_SESSION_CACHE_MS`, default
    /// 1000, at most 10000, 0 = off): a 退出 or revocation made through another server
    /// process takes effect here within this time (through this one: at once).
    pub session_cache_ms: u64,
}

/// Demo mode's master key when none is configured: public, so demo credentials are not secret.
pub const DEMO_API_MASTER_KEY: &str = "leqi-demo-api-master-key-not-a-secret-0001";
/// Shortest accepted master key.
pub const API_MASTER_KEY_MIN: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEQI_MODE must be `demo` or `production`, not `{0}`")]
    Mode(String),
    #[error("LEQI_ADDR is not a socket address: {0}")]
    Addr(String),
    #[error("production mode needs LEQI_SMS_COMMAND (the program that sends SMS)")]
    NoSms,
    #[error("production mode needs LEQI_API_MASTER_KEY (at least 32 characters, e.g. `openssl rand -base64 48`)")]
    NoApiKey,
    #[error("LEQI_API_MASTER_KEY is too short: at least 32 characters")]
    WeakApiKey,
    #[error("LEQI_PUBLIC_URL must start with http:// or https://, not `{0}`")]
    PublicUrl(String),
    #[error("LEQI_INVITE_LINK_DAYS must be a whole number of days from 1 to 90, not `{0}`")]
    LinkDays(String),
    #[error("LEQI_SESSION_CACHE_MS must be a whole number of milliseconds from 0 to 10000, not `{0}`")]
    SessionCache(String),
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mode = match get("LEQI_MODE").as_deref().unwrap_or("production") {
            "demo" => Mode::Demo,
            "production" => Mode::Production,
            other => return Err(ConfigError::Mode(other.into())),
        };
        let addr_text = get("LEQI_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| ConfigError::Addr(addr_text))?;
        let data_dir = PathBuf::from(get("LEQI_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("DATABASE_URL")
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("leqi.db").display()));
        let site_dir = PathBuf::from(get("LEQI_SITE_DIR").unwrap_or_else(|| "dist".into()));
        let rules_dir = PathBuf::from(get("LEQI_RULES_DIR").unwrap_or_else(|| "rules".into()));
        // On unless explicitly turned off (plain-http local use: scripts/run.sh, scripts/test.sh).
        let secure_cookies = !matches!(get("LEQI_SECURE_COOKIES").as_deref(), Some("0" | "false" | "off"));
        // The fixed captcha exists only in demo mode, whatever the environment says.
        let fixed_captcha = get("LEQI_FIXED_CAPTCHA").filter(|c| !c.is_empty() && mode == Mode::Demo);
        let sms_command = get("LEQI_SMS_COMMAND").filter(|c| !c.is_empty());
        if mode == Mode::Production && sms_command.is_none() {
            return Err(ConfigError::NoSms);
        }
        let api_master_key = match (get("LEQI_API_MASTER_KEY").filter(|k| !k.is_empty()), mode) {
            (Some(k), _) if k.len() < API_MASTER_KEY_MIN => return Err(ConfigError::WeakApiKey),
            (Some(k), _) => k,
            (None, Mode::Demo) => DEMO_API_MASTER_KEY.to_string(),
            (None, Mode::Production) => return Err(ConfigError::NoApiKey),
        };
        let trust_proxy = matches!(get("LEQI_TRUST_PROXY").as_deref(), Some("1" | "true"));
        let audit_retention_days = get("LEQI_AUDIT_RETENTION_DAYS")
            .and_then(|d| d.parse::<i64>().ok())
            .unwrap_or(365)
            .max(app::audit::rules::RETENTION_MIN_DAYS);
        let public_url = get("LEQI_PUBLIC_URL").filter(|u| !u.is_empty()).unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::PublicUrl(public_url));
        }
        let public_url = public_url.trim_end_matches('/').to_string();
        let invite_link_days = match get("LEQI_INVITE_LINK_DAYS") {
            None => app::invite_link::rules::DEFAULT_TTL_DAYS,
            Some(d) => d.trim().parse().ok().filter(|n| (1..=90).contains(n)).ok_or(ConfigError::LinkDays(d))?,
        };
        let notifier_secs = get("LEQI_NOTIFIER_SECS").and_then(|s| s.parse().ok()).filter(|n| *n > 0).unwrap_or(2);
        let session_cache_ms = match get("LEQI_SESSION_CACHE_MS") {
            None => 1000,
            Some(ms) => ms.trim().parse().ok().filter(|n| *n <= 10_000).ok_or(ConfigError::SessionCache(ms))?,
        };
        Ok(Config {
            mode,
            addr,
            database_url,
            data_dir,
            site_dir,
            rules_dir,
            secure_cookies,
            fixed_captcha,
            sms_command,
            api_master_key,
            trust_proxy,
            public_url,
            invite_link_days,
            notifier_secs,
            audit_retention_days,
            session_cache_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn demo_defaults_to_sqlite_in_the_data_folder_on_loopback() {
        let c = cfg(&[("LEQI_MODE", "demo")]).unwrap();
        assert_eq!(c.session_cache_ms, 1000);
        assert_eq!(cfg(&[("LEQI_MODE", "demo"), ("LEQI_SESSION_CACHE_MS", "0")]).unwrap().session_cache_ms, 0);
        for bad in ["-1", "10001", "1s"] {
            assert!(matches!(cfg(&[("LEQI_MODE", "demo"), ("LEQI_SESSION_CACHE_MS", bad)]), Err(ConfigError::SessionCache(_))), "{bad}");
        }
        assert_eq!(c.database_url, "sqlite://data/leqi.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.mode, Mode::Demo);
        assert!(c.secure_cookies, "Secure cookies unless turned off");
        assert!(!cfg(&[("LEQI_MODE", "demo"), ("LEQI_SECURE_COOKIES", "0")]).unwrap().secure_cookies);
    }

    #[test]
    fn the_fixed_captcha_never_reaches_production() {
        let c = cfg(&[("LEQI_MODE", "production"), ("LEQI_FIXED_CAPTCHA", "AAAA"), ("LEQI_SMS_COMMAND", "/bin/true"), ("LEQI_API_MASTER_KEY", KEY)]).unwrap();
        assert_eq!(c.fixed_captcha, None);
        let d = cfg(&[("LEQI_MODE", "demo"), ("LEQI_FIXED_CAPTCHA", "AAAA")]).unwrap();
        assert_eq!(d.fixed_captcha.as_deref(), Some("AAAA"));
    }

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn invite_links_default_to_the_listen_address_and_seven_days() {
        let c = cfg(&[("LEQI_MODE", "demo"), ("LEQI_ADDR", "127.0.0.1:3901")]).unwrap();
        assert_eq!(c.public_url, "http://127.0.0.1:3901");
        assert_eq!(c.invite_link_days, 7);
        let c = cfg(&[("LEQI_MODE", "demo"), ("LEQI_PUBLIC_URL", "https://leqi.example.cn/"), ("LEQI_INVITE_LINK_DAYS", "14")]).unwrap();
        assert_eq!(c.public_url, "https://leqi.example.cn");
        assert_eq!(c.invite_link_days, 14);
        assert!(matches!(cfg(&[("LEQI_MODE", "demo"), ("LEQI_PUBLIC_URL", "leqi.example.cn")]), Err(ConfigError::PublicUrl(_))));
        for bad in ["0", "91", "seven"] {
            assert!(matches!(cfg(&[("LEQI_MODE", "demo"), ("LEQI_INVITE_LINK_DAYS", bad)]), Err(ConfigError::LinkDays(_))), "{bad}");
        }
    }

    #[test]
    fn production_needs_an_api_master_key_and_demo_has_a_public_one() {
        let prod = [("LEQI_MODE", "production"), ("LEQI_SMS_COMMAND", "/bin/true")];
        assert!(matches!(cfg(&prod), Err(ConfigError::NoApiKey)));
        let mut short = prod.to_vec();
        short.push(("LEQI_API_MASTER_KEY", "short"));
        assert!(matches!(cfg(&short), Err(ConfigError::WeakApiKey)));
        let mut ok = prod.to_vec();
        ok.push(("LEQI_API_MASTER_KEY", KEY));
        let c = cfg(&ok).unwrap();
        assert_eq!(c.api_master_key, KEY);
        assert!(!c.trust_proxy);
        let d = cfg(&[("LEQI_MODE", "demo"), ("LEQI_TRUST_PROXY", "1")]).unwrap();
        assert_eq!(d.api_master_key, DEMO_API_MASTER_KEY);
        assert!(d.trust_proxy);
    }

    #[test]
    fn production_needs_an_sms_sender_and_bad_values_are_refused() {
        assert!(matches!(cfg(&[]), Err(ConfigError::NoSms)));
        assert!(matches!(cfg(&[("LEQI_MODE", "test")]), Err(ConfigError::Mode(_))));
        assert!(matches!(cfg(&[("LEQI_MODE", "demo"), ("LEQI_ADDR", "localhost")]), Err(ConfigError::Addr(_))));
    }
}
