//! 申请材料 over plain HTTP, with the server fns' session cookie:
//! `POST /api/materials?kind=…&name=…&application=…` (the file is the request
//! body, at most 10 MB; its type is sniffed from the bytes) and
//! `GET /api/materials/{id}` (inline, with the sniffed type and `nosniff`).

use app::materials::rules::{MaterialKind, MAX_FILE_BYTES};
use app::kernel::Principal;
use app::error::AppError;
use app::context::Ctx;
use app::context::web::{cookie_value, SESSION_COOKIE};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/materials", post(upload)).route("/api/materials/{id}", get(download))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    kind: String,
    #[serde(default)]
    name: String,
    /// The access application to attach to; without it, a 单位关系证明材料 for an invitation.
    application: Option<i64>,
}

fn error(e: AppError) -> Response {
    crate::http::error_response(&e)
}

async fn principal(ctx: &Ctx, headers: &HeaderMap) -> Result<Principal, AppError> {
    let token = cookie_value(headers, SESSION_COOKIE).ok_or(AppError::NotAuthenticated)?;
    app::auth::service::principal_for(ctx, &token).await?.ok_or(AppError::NotAuthenticated)
}

async fn upload(State(s): State<AppState>, Query(q): Query<UploadQuery>, headers: HeaderMap, body: Body) -> Response {
    let ctx = &s.ctx;
    let who = match principal(ctx, &headers).await {
        Ok(p) => p,
        Err(e) => return error(e),
    };
    let Some(kind) = MaterialKind::from_code(&q.kind) else { return error(AppError::Refused("未知的材料类型".into())) };
    let too_large = || error(AppError::field(&kind.field(), app::materials::rules::UploadError::TooLarge.to_string()));
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return too_large();
    }
    // One byte over the limit is enough to refuse; never read more.
    let bytes = match axum::body::to_bytes(body, MAX_FILE_BYTES + 1).await {
        Ok(b) => b.to_vec(),
        Err(_) => return too_large(),
    };
    let stored = match q.application {
        Some(application) => app::access::service::upload_material(ctx, &who, application, kind, &q.name, bytes).await,
        None => app::invitation::service::upload_proof(ctx, &who, kind, &q.name, bytes).await,
    };
    match stored {
        Ok(info) => (StatusCode::CREATED, [(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&info).unwrap_or_default()).into_response(),
        Err(e) => error(e),
    }
}

/// `attachment`-safe header value: an ASCII fallback and the UTF-8 name.
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("inline; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

async fn download(State(s): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "未找到相关记录").into_response();
    let Ok(id) = id.parse::<i64>() else { return not_found() };
    let ctx = &s.ctx;
    let Ok(who) = principal(ctx, &headers).await else { return not_found() };
    match app::materials::service::download(ctx, &who, id).await {
        Ok((m, bytes)) => {
            let mut res = Response::new(Body::from(bytes));
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(m.file_type.mime()));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            if let Ok(v) = HeaderValue::from_str(&content_disposition(&m.file_name)) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(AppError::Internal) => error(AppError::Internal),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_go_into_the_header_safely() {
        assert_eq!(content_disposition("a.pdf"), "inline; filename=\"a.pdf\"; filename*=UTF-8''a.pdf");
        let cn = content_disposition("项目报告 v1.pdf");
        assert!(cn.starts_with("inline; filename=\"____ v1.pdf\"; filename*=UTF-8''%E9%A1%B9"), "{cn}");
        assert!(HeaderValue::from_str(&cn).is_ok());
    }
}
