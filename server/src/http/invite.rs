//! HTTP routes of 导入邀请 that are files rather than server fns: 【下载模版】,
//! the .xlsx upload (raw body, so the browser can show upload progress), and the
//! 邀请失败记录 download. Same session cookie and checks as the server fns.

use app::invitation::api::BatchOutcome;
use app::invitation::rules::InviteRowInput;
use app::error::AppError;
use app::invitation::store::BatchSource;
use app::invitation::service as svc;
use app::context::web::{cookie_value, SESSION_COOKIE};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::invite_xlsx::{self, ImportLimits, RawInviteRow};
use crate::http::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn routes() -> Router<AppState> {
    let limits = ImportLimits::default();
    Router::new()
        .route("/api/invitations/template.xlsx", get(template))
        .route("/api/invitations/import", post(import).layer(DefaultBodyLimit::max(limits.max_file_bytes as usize + 1024)))
        .route("/api/invitations/batches/{id}/failures.xlsx", get(failures))
}

/// An error as the client's server-fn errors look: the AppError as JSON, with the one status mapping.
fn error(e: AppError) -> Response {
    crate::http::error_response(&e)
}

fn token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

fn attachment(bytes: Vec<u8>, file_name: &str) -> Response {
    // RFC 5987: the Chinese file name percent-encoded as UTF-8.
    let encoded: String = file_name.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    let disposition = format!("attachment; filename=\"invitations.xlsx\"; filename*=UTF-8''{encoded}");
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn template(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let by = match svc::inviter_from_token(&s.ctx, token(&headers).as_deref()).await {
        Ok(by) => by,
        Err(e) => return error(e),
    };
    let provinces = match svc::bureau_names(&s.ctx).await {
        Ok(p) => p,
        Err(e) => return error(e),
    };
    let rels = svc::relationships_for(&by);
    let rels: Vec<&str> = rels.iter().map(String::as_str).collect();
    attachment(invite_xlsx::template(&provinces, &rels), "使用单位邀请模版.xlsx")
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    file_name: String,
    proof_material_id: Option<i64>,
}

/// 导入邀请: the file is read and every row checked before anything is stored;
/// the valid rows and the failures are then stored as one batch, all or nothing.
async fn import(State(s): State<AppState>, headers: HeaderMap, Query(q): Query<ImportQuery>, body: Body) -> Response {
    // Who is asking is checked before a byte of the (up to 5 MB) file is read.
    let by = match svc::inviter_from_token(&s.ctx, token(&headers).as_deref()).await {
        Ok(by) => by,
        Err(e) => return error(e),
    };
    let limits = ImportLimits::default();
    let too_large = || error(AppError::field("file", invite_xlsx::ImportFileError::TooLarge { limit_mb: limits.max_file_bytes.div_ceil(1024 * 1024) }.to_string()));
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_file_bytes) {
        return too_large();
    }
    let body: Bytes = match axum::body::to_bytes(body, limits.max_file_bytes as usize + 1).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    // Inflating and parsing the workbook is CPU work: off the async threads.
    let parsed = tokio::task::spawn_blocking(move || invite_xlsx::read_rows(&body, &limits)).await;
    let rows = match parsed {
        Ok(Ok(rows)) => rows,
        Ok(Err(e)) => return error(AppError::field("file", e.to_string())),
        Err(_) => return error(AppError::Internal),
    };
    let file_name: String = q.file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    let numbered = rows.into_iter().map(|r| (r.row_no, input(r))).collect();
    match svc::invite_rows(&s.ctx, &by, numbered, BatchSource::Import, &file_name, q.proof_material_id).await {
        Ok(out) => Json::<BatchOutcome>(out).into_response(),
        Err(e) => error(e),
    }
}

fn input(r: RawInviteRow) -> InviteRowInput {
    InviteRowInput { credit_code: r.credit_code, name: r.name, province: r.province, relationship: r.relationship, pre_authorize: r.pre_authorize }
}

async fn failures(State(s): State<AppState>, headers: HeaderMap, Path(id): Path<i64>) -> Response {
    let by = match svc::inviter_from_token(&s.ctx, token(&headers).as_deref()).await {
        Ok(by) => by,
        Err(e) => return error(e),
    };
    match svc::failures_of(&s.ctx, by.enterprise_id, id).await {
        Ok(rows) => {
            let rows: Vec<(RawInviteRow, String)> = rows
                .into_iter()
                .map(|f| {
                    let raw = RawInviteRow {
                        row_no: f.row_no,
                        credit_code: f.input.credit_code,
                        name: f.input.name,
                        province: f.input.province,
                        relationship: f.input.relationship,
                        pre_authorize: f.input.pre_authorize,
                        remark: String::new(),
                    };
                    (raw, f.reason)
                })
                .collect();
            attachment(invite_xlsx::failure_workbook(&rows), &format!("邀请失败记录-{id}.xlsx"))
        }
        Err(e) => error(e),
    }
}
