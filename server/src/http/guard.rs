//! What every request passes through (issue #14):
//!
//! - the client's address is worked out once ([`ClientAddr`]) for the login
//!   counters and SMS caps;
//! - a state-changing request (POST, PUT, PATCH, DELETE under `/api/`) that the
//!   browser says comes from another site (`Sec-Fetch-Site`, or an `Origin`
//!   that is not this host) is refused with 403 before any handler runs (CSRF);
//! - every response gets `X-Content-Type-Options: nosniff` and a
//!   `Referrer-Policy`, HTML a Content-Security-Policy that fits the wasm apps
//!   (the hashes of trunk's inline loader scripts, read from the built pages)
//!   and `frame-ancestors 'none'`, downloads (anything with a
//!   `Content-Disposition`) `Content-Security-Policy: sandbox`, and with
//!   secure cookies on, `Strict-Transport-Security`.

use std::path::Path;
use std::sync::Arc;

use app::error::AppError;
use app::context::web::ClientAddr;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use base64::Engine;
use sha2::{Digest, Sha256};

pub struct Guard {
    csp: HeaderValue,
    hsts: bool,
    trust_proxy: bool,
}

impl Guard {
    pub fn new(site_dir: &Path, secure_cookies: bool, trust_proxy: bool) -> Self {
        let mut hashes = Vec::new();
        // Every bundle's page carries trunk's inline loader.
        for b in crate::http::bundles::bundles() {
            if let Ok(html) = std::fs::read_to_string(site_dir.join(b.folder()).join("index.html")) {
                for h in inline_script_hashes(&html) {
                    if !hashes.contains(&h) {
                        hashes.push(h);
                    }
                }
            }
        }
        let csp = content_security_policy(&hashes);
        Guard { csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")), hsts: secure_cookies, trust_proxy }
    }
}

/// `'sha256-…'` of every inline `<script>` of a page (trunk's module loader).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else { break };
        let body = &body_start[..close];
        if !tag.contains("src=") && !body.trim().is_empty() {
            let digest = Sha256::digest(body.as_bytes());
            out.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        }
        rest = &body_start[close..];
    }
    out
}

/// The policy of the HTML pages. `'wasm-unsafe-eval'` lets the page compile
/// its own wasm (not JavaScript eval); inline scripts run only when their hash
/// is listed; styles allow the one inline width of the upload progress bar.
pub fn content_security_policy(script_hashes: &[String]) -> String {
    let hashes = if script_hashes.is_empty() { String::new() } else { format!(" {}", script_hashes.join(" ")) };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Whether the browser says the request comes from another site.
pub fn is_cross_site(method: &Method, path: &str, headers: &axum::http::HeaderMap) -> bool {
    let changes_state = matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    if !changes_state || !path.starts_with("/api/") {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // same-origin: our pages; none: typed in / a bookmark. A sibling
        // subdomain (same-site) is another application: refused too.
        if !matches!(site, "same-origin" | "none") {
            return true;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        if origin == "null" || origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return true;
        }
    }
    false
}

pub async fn guard(State(g): State<Arc<Guard>>, req: Request, next: Next) -> Response<Body> {
    let (mut parts, body) = req.into_parts();
    if is_cross_site(&parts.method, parts.uri.path(), &parts.headers) {
        tracing::warn!(path = %parts.uri.path(), origin = ?parts.headers.get(header::ORIGIN), "cross-site request refused");
        let mut res = Response::new(Body::from(serde_json::to_string(&AppError::Forbidden).unwrap_or_default()));
        *res.status_mut() = StatusCode::FORBIDDEN;
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return res;
    }
    let addr = crate::http::openapi::client_ip(g.trust_proxy, &parts).unwrap_or_else(|| "unknown".into());
    parts.extensions.insert(ClientAddr(addr));
    let mut res = next.run(Request::from_parts(parts, body)).await;
    let h = res.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if h.contains_key(header::CONTENT_DISPOSITION) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
    } else if h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html")) {
        h.insert(header::CONTENT_SECURITY_POLICY, g.csp.clone());
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if g.hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_loader_scripts_are_hashed_and_external_ones_are_not() {
        let html = r#"<html><head><script type="module">import init from '/a.js';await init();</script><script src="/x.js"></script></head></html>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"import init from '/a.js';await init();"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        let csp = content_security_policy(&hashes);
        for part in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-", "object-src 'none'", "frame-ancestors 'none'"] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'"));
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        use axum::http::HeaderMap;
        let h = |pairs: &[(&str, &str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
            }
            m
        };
        let post = Method::POST;
        assert!(is_cross_site(&post, "/api/logout", &h(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&post, "/api/logout", &h(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&post, "/api/logout", &h(&[("origin", "https://evil.example"), ("host", "leqi.example")])));
        assert!(is_cross_site(&post, "/api/logout", &h(&[("origin", "null"), ("host", "leqi.example")])));
        assert!(!is_cross_site(&post, "/api/logout", &h(&[("origin", "https://leqi.example"), ("host", "leqi.example"), ("sec-fetch-site", "same-origin")])));
        assert!(!is_cross_site(&post, "/api/logout", &h(&[])), "no browser headers: not a browser, no ambient cookies to abuse");
        assert!(!is_cross_site(&Method::GET, "/api/materials/1", &h(&[("sec-fetch-site", "cross-site")])), "reads are not refused");
        assert!(!is_cross_site(&post, "/openapi/v1/invitations", &h(&[("sec-fetch-site", "cross-site")])), "the signed API has no cookies");
    }
}
