//! The request/response edges a server fn touches: the session cookie.

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

use crate::context::Ctx;

pub const SESSION_COOKIE: &str = "leqi_sid";

/// The session token sent by the browser, if any.
pub async fn session_token() -> Option<String> {
    let headers: HeaderMap = leptos_axum::extract().await.ok()?;
    cookie_value(&headers, SESSION_COOKIE)
}

/// The browser's User-Agent (for the list of one's sessions), or "".
pub async fn user_agent() -> String {
    let Ok(headers) = leptos_axum::extract::<HeaderMap>().await else { return String::new() };
    headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// The client's address, put on every request by the server (the socket peer,
/// or behind a trusted proxy the address it appended to `X-Forwarded-For`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

/// The calling client's address; "unknown" outside a request.
pub async fn client_addr() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|c| c.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(value: String) {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(v) = HeaderValue::from_str(&value) {
            opts.append_header(SET_COOKIE, v);
        }
    }
}

pub fn set_session_cookie(ctx: &Ctx, token: &str) {
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    set_cookie(format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"));
}

pub fn clear_session_cookie(ctx: &Ctx) {
    let secure = if ctx.secure_cookies { "; Secure" } else { "" };
    set_cookie(format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; leqi_sid=tok123; b=2"));
        assert_eq!(cookie_value(&h, SESSION_COOKIE).as_deref(), Some("tok123"));
        assert_eq!(cookie_value(&h, "missing"), None);
    }
}
