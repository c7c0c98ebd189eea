//! `GET /kkjrh5/i/TOKEN`: the 邀请链接 from the SMS or the QR code. It discloses
//! nothing before login: a good link redirects to the H5 invitation page with
//! the use unit's credit code for the login form; any other link to the H5 home
//! with the reason (`?link=expired|spent|invalid|too_many`), which offers
//! 【接入确认】 instead.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/kkjrh5/i/{token}", get(open_link))
}

async fn open_link(State(state): State<AppState>, Path(token): Path<String>, req: Request) -> Response {
    let (parts, _) = req.into_parts();
    let client = crate::http::openapi::client_ip(state.ctx.api.trust_forwarded_for, &parts).unwrap_or_else(|| "unknown".into());
    let target = match app::invite_link::service::open(&state.ctx, &token, &client).await {
        Ok(Ok((id, code))) => format!("/kkjrh5/invitation/{id}?code={code}"),
        Ok(Err(refusal)) => format!("/kkjrh5/?link={}", refusal.code()),
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "系统繁忙，请稍后重试").into_response(),
    };
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    h.insert(header::LOCATION, HeaderValue::from_str(&target).unwrap_or(HeaderValue::from_static("/kkjrh5/")));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}
