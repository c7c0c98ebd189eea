//! 使用单位管理能力 (manual §3.4.1.3 上传邀请信息, §3.5.2 调用乐企能力接口上传解除信息):
//! the rules of a signed API request, without the cryptography (done by the
//! server with HMAC-SHA256). A request carries
//!
//! - `X-Leqi-AppId`: the credential's app id,
//! - `X-Leqi-Timestamp`: milliseconds since 1970 (UTC); refused when more than
//!   [`MAX_SKEW_MS`] away from the server's clock,
//! - `X-Leqi-Nonce`: 16–64 characters `[A-Za-z0-9_-]`, used once per app id,
//! - `X-Leqi-Signature`: base64(HMAC-SHA256(secret, canonical)), where canonical is
//!   [`canonical_string`]: METHOD, path, sorted query, timestamp, nonce and the
//!   hex SHA-256 of the body, joined by `\n`.
//!
//! The caller's address must be one of the direct unit's filed IPs
//! ([`filed_ips`]: 生产环境IP and 测试环境IP of its confirmed 接入申请).

use crate::kernel::Ipv4;

pub const HEADER_APP_ID: &str = "x-leqi-appid";
pub const HEADER_TIMESTAMP: &str = "x-leqi-timestamp";
pub const HEADER_NONCE: &str = "x-leqi-nonce";
pub const HEADER_SIGNATURE: &str = "x-leqi-signature";

/// How far a request's timestamp may be from the server's clock (5 minutes).
pub const MAX_SKEW_MS: i64 = 5 * 60 * 1000;
pub const NONCE_MIN: usize = 16;
pub const NONCE_MAX: usize = 64;

/// Why a request is refused before anything is done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("缺少请求头{0}")]
    MissingHeader(&'static str),
    #[error("请求头X-Leqi-Timestamp应为毫秒时间戳")]
    BadTimestamp,
    #[error("请求已过期：X-Leqi-Timestamp与服务器时间相差超过5分钟")]
    Stale,
    #[error("请求头X-Leqi-Nonce应为16至64位字母、数字、下划线或连字符")]
    BadNonce,
    #[error("AppId不存在或已停用")]
    UnknownApp,
    #[error("签名校验失败")]
    BadSignature,
    #[error("重复的请求：该Nonce已使用")]
    Replayed,
    #[error("请求来源IP {0} 不在本单位备案的IP地址中")]
    IpNotFiled(String),
}

impl SignError {
    /// The machine-readable `code` of the JSON error.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::MissingHeader(_) | SignError::BadTimestamp | SignError::BadNonce => "bad_signature_headers",
            SignError::Stale => "stale_request",
            SignError::UnknownApp => "unknown_app",
            SignError::BadSignature => "bad_signature",
            SignError::Replayed => "replayed_request",
            SignError::IpNotFiled(_) => "ip_not_filed",
        }
    }

    /// 401 for everything about the signature, 403 for an address not filed.
    pub fn http_status(&self) -> u16 {
        match self {
            SignError::IpNotFiled(_) => 403,
            _ => 401,
        }
    }
}

/// The signing headers of one request, checked for form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub app_id: String,
    pub timestamp_ms: i64,
    pub nonce: String,
    pub signature: String,
}

impl SignedHeaders {
    /// From the header values (`get` by lower-case name).
    pub fn parse<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Result<Self, SignError> {
        let need = |name: &'static str, shown: &'static str| get(name).map(str::trim).filter(|v| !v.is_empty()).ok_or(SignError::MissingHeader(shown));
        let app_id = need(HEADER_APP_ID, "X-Leqi-AppId")?.to_string();
        let ts = need(HEADER_TIMESTAMP, "X-Leqi-Timestamp")?;
        let nonce = need(HEADER_NONCE, "X-Leqi-Nonce")?.to_string();
        let signature = need(HEADER_SIGNATURE, "X-Leqi-Signature")?.to_string();
        if ts.is_empty() || ts.len() > 15 || !ts.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SignError::BadTimestamp);
        }
        let timestamp_ms: i64 = ts.parse().map_err(|_| SignError::BadTimestamp)?;
        if !(NONCE_MIN..=NONCE_MAX).contains(&nonce.len()) || !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(SignError::BadNonce);
        }
        Ok(SignedHeaders { app_id, timestamp_ms, nonce, signature })
    }

    /// Refused when the timestamp is more than [`MAX_SKEW_MS`] from `now_ms`.
    pub fn check_fresh(&self, now_ms: i64) -> Result<(), SignError> {
        if (now_ms - self.timestamp_ms).abs() > MAX_SKEW_MS {
            Err(SignError::Stale)
        } else {
            Ok(())
        }
    }

    /// Until when the nonce must be remembered: afterwards the timestamp is stale anyway.
    pub fn nonce_expiry_ms(&self) -> i64 {
        self.timestamp_ms + MAX_SKEW_MS
    }
}

/// The query string as signed: its `name=value` pairs exactly as sent
/// (percent-encoded), empty ones dropped, sorted bytewise, joined by `&`.
pub fn canonical_query(raw: &str) -> String {
    let mut parts: Vec<&str> = raw.split('&').filter(|p| !p.is_empty()).collect();
    parts.sort_unstable();
    parts.join("&")
}

/// The text that is signed: `METHOD\npath\nsorted query\ntimestamp\nnonce\nhex(SHA-256(body))`.
pub fn canonical_string(method: &str, path: &str, raw_query: &str, timestamp_ms: i64, nonce: &str, body_sha256_hex: &str) -> String {
    format!("{}\n{}\n{}\n{}\n{}\n{}", method.to_ascii_uppercase(), path, canonical_query(raw_query), timestamp_ms, nonce, body_sha256_hex.to_ascii_lowercase())
}

/// The filed addresses: 生产环境IP and 测试环境IP of the confirmed 接入申请 (as the
/// form lists them, separated by commas, semicolons, spaces or new lines).
/// Entries that are not IPv4 addresses are ignored.
pub fn filed_ips(production_ips: &str, test_ips: &str) -> Vec<Ipv4> {
    let mut out: Vec<Ipv4> = Vec::new();
    for text in [production_ips, test_ips] {
        for part in text.split([',', '，', ';', '；', ' ', '\n', '\t', '、']).map(str::trim).filter(|p| !p.is_empty()) {
            if let Ok(ip) = Ipv4::parse(part) {
                if !out.contains(&ip) {
                    out.push(ip);
                }
            }
        }
    }
    out
}

/// Whether `client` (as text, IPv4 or IPv4-mapped IPv6) is one of `filed`.
pub fn ip_is_filed(client: &str, filed: &[Ipv4]) -> bool {
    let text = client.trim();
    let v4 = text.strip_prefix("::ffff:").unwrap_or(text);
    Ipv4::parse(v4).is_ok_and(|ip| filed.contains(&ip))
}


/// At most this many credentials in use (启用) per direct unit.
pub const MAX_ACTIVE_CREDENTIALS: usize = 5;

/// An API credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CredentialStatus {
    /// 启用
    Active,
    /// 已停用 (final: apply for a new credential instead)
    Revoked,
}

impl CredentialStatus {
    pub fn label(self) -> &'static str {
        match self {
            CredentialStatus::Active => "启用",
            CredentialStatus::Revoked => "已停用",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("每个直连单位最多同时启用{MAX_ACTIVE_CREDENTIALS}个接口凭证，请先停用不再使用的凭证")]
    TooMany,
    #[error("该凭证已停用，不能重置密钥，请申请新的凭证")]
    RevokedCannotRotate,
    #[error("该凭证已停用")]
    AlreadyRevoked,
}

/// 【申请凭证】 with `active` credentials in use.
pub fn issue(active: usize) -> Result<CredentialStatus, CredentialError> {
    if active >= MAX_ACTIVE_CREDENTIALS {
        Err(CredentialError::TooMany)
    } else {
        Ok(CredentialStatus::Active)
    }
}

/// 【重置密钥】: a new secret; the old one stops working at once.
pub fn rotate(s: CredentialStatus) -> Result<CredentialStatus, CredentialError> {
    match s {
        CredentialStatus::Active => Ok(CredentialStatus::Active),
        CredentialStatus::Revoked => Err(CredentialError::RevokedCannotRotate),
    }
}

/// 【停用】: for good.
pub fn revoke(s: CredentialStatus) -> Result<CredentialStatus, CredentialError> {
    match s {
        CredentialStatus::Active => Ok(CredentialStatus::Revoked),
        CredentialStatus::Revoked => Err(CredentialError::AlreadyRevoked),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> Result<SignedHeaders, SignError> {
        SignedHeaders::parse(|name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
    }

    const OK: [(&str, &str); 4] =
        [(HEADER_APP_ID, "lq0123456789abcdef01234567"), (HEADER_TIMESTAMP, "1764000000000"), (HEADER_NONCE, "n0nce-0123456789_ab"), (HEADER_SIGNATURE, "c2ln")];

    #[test]
    fn headers_are_parsed_and_every_one_is_required() {
        let h = headers(&OK).unwrap();
        assert_eq!(h.timestamp_ms, 1_764_000_000_000);
        assert_eq!(h.nonce, "n0nce-0123456789_ab");
        for i in 0..4 {
            let mut less = OK.to_vec();
            let (name, _) = less.remove(i);
            assert!(matches!(headers(&less), Err(SignError::MissingHeader(_))), "{name}");
        }
    }

    #[test]
    fn bad_timestamps_and_nonces_are_refused() {
        for ts in ["-1", "12a", "1.5", "9999999999999999999"] {
            let mut h = OK.to_vec();
            h[1] = (HEADER_TIMESTAMP, ts);
            assert_eq!(headers(&h), Err(SignError::BadTimestamp), "{ts}");
        }
        for nonce in ["short", "has space in it 12345", "中文中文中文中文中文中文", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"] {
            let mut h = OK.to_vec();
            h[2] = (HEADER_NONCE, nonce);
            assert_eq!(headers(&h), Err(SignError::BadNonce), "{nonce}");
        }
    }

    #[test]
    fn freshness_is_five_minutes_either_way() {
        let h = headers(&OK).unwrap();
        let t = h.timestamp_ms;
        assert!(h.check_fresh(t).is_ok());
        assert!(h.check_fresh(t + MAX_SKEW_MS).is_ok());
        assert!(h.check_fresh(t - MAX_SKEW_MS).is_ok());
        assert_eq!(h.check_fresh(t + MAX_SKEW_MS + 1), Err(SignError::Stale));
        assert_eq!(h.check_fresh(t - MAX_SKEW_MS - 1), Err(SignError::Stale));
        assert_eq!(h.nonce_expiry_ms(), t + MAX_SKEW_MS);
    }

    #[test]
    fn the_canonical_string_sorts_the_query_and_fixes_case() {
        let c = canonical_string("get", "/openapi/v1/invitations", "status=confirmed&before_id=9&&search=%E8%9C%80", 5, "nonce", "ABCDEF");
        assert_eq!(c, "GET\n/openapi/v1/invitations\nbefore_id=9&search=%E8%9C%80&status=confirmed\n5\nnonce\nabcdef");
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn filed_ips_come_from_both_environments_and_match_the_client() {
        let ips = filed_ips("203.0.113.10, 203.0.113.11；127.0.0.1", "10.1.2.3\n203.0.113.10 bogus");
        assert_eq!(ips.iter().map(|i| i.to_string()).collect::<Vec<_>>(), ["203.0.113.10", "203.0.113.11", "127.0.0.1", "10.1.2.3"]);
        assert!(ip_is_filed("127.0.0.1", &ips));
        assert!(ip_is_filed("::ffff:10.1.2.3", &ips));
        assert!(!ip_is_filed("10.1.2.4", &ips));
        assert!(!ip_is_filed("::1", &ips));
        assert!(!ip_is_filed("", &ips));
    }

    #[test]
    fn errors_map_to_401_and_403() {
        assert_eq!(SignError::Replayed.http_status(), 401);
        assert_eq!(SignError::Stale.code(), "stale_request");
        assert_eq!(SignError::IpNotFiled("1.2.3.4".into()).http_status(), 403);
    }

    #[test]
    fn credentials_are_capped_rotated_while_active_and_revoked_once() {
        assert_eq!(issue(0), Ok(CredentialStatus::Active));
        assert_eq!(issue(MAX_ACTIVE_CREDENTIALS - 1), Ok(CredentialStatus::Active));
        assert_eq!(issue(MAX_ACTIVE_CREDENTIALS), Err(CredentialError::TooMany));
        assert_eq!(rotate(CredentialStatus::Active), Ok(CredentialStatus::Active));
        assert_eq!(rotate(CredentialStatus::Revoked), Err(CredentialError::RevokedCannotRotate));
        assert_eq!(revoke(CredentialStatus::Active), Ok(CredentialStatus::Revoked));
        assert_eq!(revoke(CredentialStatus::Revoked), Err(CredentialError::AlreadyRevoked));
    }
}
