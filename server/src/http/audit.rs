//! 审计日志 as an xlsx (`GET /api/audit/export.xlsx?from=&to=&person=&kind=`):
//! the viewer's query, same session cookie and the same scope checks.

use app::audit::api::{AuditFilter, AuditRow};
use app::error::AppError;
use app::context::web::{cookie_value, SESSION_COOKIE};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rust_xlsxwriter::{Format, Workbook};

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/audit/export.xlsx", get(export))
}

fn error(e: AppError) -> Response {
    let status = match e {
        AppError::NotAuthenticated => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    (status, Json(e)).into_response()
}

pub const HEADERS: [&str; 6] = ["时间", "操作人", "单位", "类型", "内容", "结果"];

/// The workbook: a header row and one row per record.
pub fn workbook(scope: &str, rows: &[AuditRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("审计日志")?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        ws.write_string(row, 0, &r.at)?;
        ws.write_string(row, 1, &r.actor)?;
        ws.write_string(row, 2, &r.unit)?;
        ws.write_string(row, 3, &r.kind)?;
        ws.write_string(row, 4, &r.description)?;
        ws.write_string(row, 5, if r.success { "成功" } else { "失败" })?;
    }
    ws.write_string(rows.len() as u32 + 2, 0, format!("范围：{scope}；共{}条", rows.len()))?;
    for (c, w) in [20.0, 14.0, 22.0, 16.0, 60.0, 8.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    wb.save_to_buffer()
}

async fn export(State(s): State<AppState>, headers: HeaderMap, Query(f): Query<AuditFilter>) -> Response {
    let ctx = &s.ctx;
    let Some(token) = cookie_value(&headers, SESSION_COOKIE) else { return error(AppError::NotAuthenticated) };
    let who = match app::auth::service::principal_for(ctx, &token).await {
        Ok(Some(p)) => p,
        Ok(None) => return error(AppError::NotAuthenticated),
        Err(e) => return error(e),
    };
    let (scope, rows) = match app::audit::service::export_rows(ctx, &who, f).await {
        Ok(v) => v,
        Err(e) => return error(e),
    };
    // Writing the workbook is CPU work: off the async threads.
    let built = tokio::task::spawn_blocking(move || workbook(&scope, &rows)).await;
    let Ok(Ok(bytes)) = built else { return error(AppError::Internal) };
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"audit-log.xlsx\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx"));
    res
}
