//! 使用单位管理能力: the signed HTTP API for a direct unit's own system (manual
//! §3.4.1.3 上传邀请信息, §3.5.2 调用乐企能力接口上传解除信息), under `/openapi/v1/`.
//! Every call is checked by `app::api_credentials::service::authenticate`
//! (signature, freshness, replay, filed IP) and then runs the same invitation
//! services as the portal. The OpenAPI document is at `/openapi/v1/openapi.json`.

use std::net::{IpAddr, SocketAddr};

use app::invitation::api::{BatchOutcome, InvitationQuery, InvitationRow};
use app::api_credentials::rules::{SignError, SignedHeaders, MAX_SKEW_MS, NONCE_MAX, NONCE_MIN};
use app::invitation::rules::{InvitationStatus, InviteRowInput};
use app::error::AppError;
use app::invitation::store::BatchSource;
use app::context::Ctx;
use app::api_credentials::service::{self as api, ApiRefusal, ApiRequest, UnbindItem, API_MAX_ROWS, API_MAX_UNBIND};
use app::invitation::service::{self as invitations, Inviter};
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::http::AppState;

pub const PREFIX: &str = "/openapi/v1";
/// Largest accepted request body.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// Every route: (method, path). The OpenAPI document describes each (tested).
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/openapi/v1/invitations"),
    ("get", "/openapi/v1/invitations"),
    ("post", "/openapi/v1/invitations/unbind"),
    ("get", "/openapi/v1/auth-requests"),
    ("post", "/openapi/v1/sandbox/cases"),
    ("post", "/openapi/v1/capabilities/{code}"),
    ("get", "/openapi/v1/openapi.json"),
];

/// Which capability of the catalogue each route is (the signed API refuses a call for a
/// capability the caller has not opened: 403 `CAPABILITY_NOT_OPENED`). The sandbox and
/// the document belong to none; `/capabilities/{code}` is the capability named.
pub const ROUTE_CAPABILITIES: &[(&str, &str)] = &[
    ("/openapi/v1/invitations", "use_unit_management"),
    ("/openapi/v1/invitations/unbind", "use_unit_management"),
    ("/openapi/v1/auth-requests", "use_unit_management"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi/v1/invitations", post(upload).get(query))
        .route("/openapi/v1/invitations/unbind", post(unbind))
        .route("/openapi/v1/auth-requests", get(auth_requests))
        .route("/openapi/v1/sandbox/cases", post(sandbox_case))
        .route("/openapi/v1/capabilities/{code}", post(capability_call))
        .route("/openapi/v1/openapi.json", get(|| async { Json(document()) }))
        .route("/openapi/{*rest}", axum::routing::any(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "接口不存在").into_response() }))
}

/// An error answer: `{"code", "message"}` (and `fields` for invalid input).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    fields: Vec<app::error::FieldError>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), fields: vec![] }
    }
}

impl From<SignError> for ApiError {
    fn from(e: SignError) -> Self {
        ApiError::new(StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNAUTHORIZED), e.code(), e.to_string())
    }
}

impl From<AppError> for ApiError {
    /// The one status mapping (`AppError::http_status`), with the API's codes.
    fn from(e: AppError) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = if status.is_server_error() { AppError::Internal.to_string() } else { e.to_string() };
        let code = e.code();
        match e {
            AppError::Invalid(fields) => ApiError { status, code, message, fields },
            _ => ApiError::new(status, code, message),
        }
    }
}

impl From<ApiRefusal> for ApiError {
    fn from(r: ApiRefusal) -> Self {
        match r {
            ApiRefusal::Sign(e) => e.into(),
            ApiRefusal::App(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "message": self.message });
        if !self.fields.is_empty() {
            body["fields"] = json!(self.fields.iter().map(|f| json!({ "field": f.field, "message": f.message })).collect::<Vec<_>>());
        }
        (self.status, Json(body)).into_response()
    }
}

/// The caller's address: the socket peer, or — behind a trusted proxy — the
/// last entry of `X-Forwarded-For` (the one that proxy appended).
pub(crate) fn client_ip(trust_forwarded_for: bool, parts: &Parts) -> Option<String> {
    let ip: IpAddr = if trust_forwarded_for {
        let header = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back()?;
        header.rsplit(',').next()?.trim().parse().ok()?
    } else {
        parts.extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip()
    };
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_else(|| v6.to_string()),
        IpAddr::V4(v4) => v4.to_string(),
    })
}

/// Checks the request and reads its body: the direct unit acting, and the bytes.
async fn authenticated(ctx: &Ctx, req: Request<Body>) -> Result<(Inviter, Parts, Bytes), ApiError> {
    let (parts, body) = req.into_parts();
    // Check what needs no body first: a stranger's request is refused unread.
    let headers = SignedHeaders::parse(|name| parts.headers.get(name).and_then(|v| v.to_str().ok()))?;
    let ip = client_ip(ctx.api.trust_forwarded_for, &parts);
    if let Err(e) = api::precheck(ctx, &headers, ip.as_deref()).await {
        tracing::info!(path = %parts.uri.path(), ip = ?ip, refusal = ?e, "API request refused before reading its body");
        return Err(e.into());
    }
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "请求体过大（最大2MB）");
    let declared = parts.headers.get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| too_large())?;
    let request = ApiRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or(""),
        headers,
        body: &bytes,
        client_ip: ip,
    };
    let result = api::authenticate(ctx, &request).await;
    if let Err(e) = &result {
        tracing::info!(path = %parts.uri.path(), ip = ?request.client_ip, refusal = ?e, "API request refused");
    }
    let inviter = result?;
    // 税务管理措施 in force (issue #13): 暂停接入服务 refuses every call, 暂停使用乐企能力 the 能力中心's.
    let r = app::measure::service::restrictions(ctx, inviter.enterprise_id).await?;
    if r.no_service {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "service_suspended", "本单位已被暂停接入服务（税务管理措施），请联系主管税务机关"));
    }
    if r.no_capabilities && parts.uri.path().starts_with("/openapi/v1/sandbox") {
        return Err(ApiError::new(StatusCode::FORBIDDEN, "capability_suspended", "本单位已被暂停使用乐企能力（税务管理措施），请联系主管税务机关"));
    }
    Ok((inviter, parts, bytes))
}

fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_json", format!("请求体不是有效的JSON：{e}")))
}

/// 能力预授权: `true`/`false` or 是/否.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum YesNo {
    Bool(bool),
    Text(String),
}

#[derive(Debug, Deserialize)]
struct UploadRow {
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    relationship: String,
    pre_authorize: Option<YesNo>,
}

#[derive(Debug, Deserialize)]
struct UploadBody {
    rows: Vec<UploadRow>,
}

#[derive(Debug, Serialize)]
struct FailedRowOut {
    row_no: u32,
    credit_code: String,
    name: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct UploadOut {
    batch_id: i64,
    rows_total: usize,
    invited: u32,
    failed: Vec<FailedRowOut>,
}

async fn upload(State(s): State<AppState>, req: Request<Body>) -> Result<Json<UploadOut>, ApiError> {
    let ctx = &s.ctx;
    let (by, _, bytes) = authenticated(ctx, req).await?;
    gate(ctx, &by, USE_UNIT_MANAGEMENT, None).await?;
    let body: UploadBody = parse_json(&bytes)?;
    if body.rows.is_empty() {
        return Err(AppError::field("rows", "请至少上传一家使用单位").into());
    }
    if body.rows.len() > API_MAX_ROWS {
        return Err(AppError::field("rows", format!("每次最多上传{API_MAX_ROWS}家使用单位，当前{}家", body.rows.len())).into());
    }
    let rows_total = body.rows.len();
    let rows = body
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let pre_authorize = match r.pre_authorize {
                None => String::new(),
                Some(YesNo::Bool(b)) => if b { "是" } else { "否" }.to_string(),
                Some(YesNo::Text(t)) => t,
            };
            (i as u32 + 1, InviteRowInput { credit_code: r.credit_code, name: r.name, province: r.province, relationship: r.relationship, pre_authorize })
        })
        .collect();
    // Proof materials are not accepted through the API yet (no material upload endpoint).
    let out: BatchOutcome = invitations::invite_rows(ctx, &by, rows, BatchSource::Api, "", None).await?;
    Ok(Json(UploadOut {
        batch_id: out.batch_id,
        rows_total,
        invited: out.invited,
        failed: out.failed.into_iter().map(|f| FailedRowOut { row_no: f.row_no, credit_code: f.credit_code, name: f.name, reason: f.reason }).collect(),
    }))
}

#[derive(Debug, Deserialize)]
struct UnbindBody {
    #[serde(default)]
    credit_codes: Vec<String>,
    #[serde(default)]
    invitation_ids: Vec<i64>,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Serialize)]
struct UnbindItemOut {
    credit_code: Option<String>,
    invitation_id: Option<i64>,
    /// 已解除绑定 / 失败
    result: &'static str,
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct UnbindOut {
    unbound: usize,
    failed: usize,
    items: Vec<UnbindItemOut>,
}

async fn unbind(State(s): State<AppState>, req: Request<Body>) -> Result<Json<UnbindOut>, ApiError> {
    let ctx = &s.ctx;
    let (by, _, bytes) = authenticated(ctx, req).await?;
    gate(ctx, &by, USE_UNIT_MANAGEMENT, None).await?;
    let body: UnbindBody = parse_json(&bytes)?;
    let items: Vec<UnbindItem> =
        body.credit_codes.into_iter().map(UnbindItem::CreditCode).chain(body.invitation_ids.into_iter().map(UnbindItem::InvitationId)).collect();
    let results = api::unbind_items(ctx, &by, items, &body.reason).await?;
    let items: Vec<UnbindItemOut> = results
        .into_iter()
        .map(|r| UnbindItemOut {
            credit_code: match &r.item {
                UnbindItem::CreditCode(c) => Some(c.clone()),
                UnbindItem::InvitationId(_) => None,
            },
            invitation_id: r.invitation_id.or(match r.item {
                UnbindItem::InvitationId(id) => Some(id),
                UnbindItem::CreditCode(_) => None,
            }),
            result: if r.error.is_none() { "已解除绑定" } else { "失败" },
            reason: r.error,
        })
        .collect();
    let unbound = items.iter().filter(|i| i.reason.is_none()).count();
    Ok(Json(UnbindOut { unbound, failed: items.len() - unbound, items }))
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
struct QueryParams {
    status: String,
    search: String,
    before_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct InvitationOut {
    id: i64,
    batch_id: i64,
    credit_code: String,
    name: String,
    relationship: String,
    category: String,
    status_code: String,
    status: String,
    reason: Option<String>,
    updated_at: String,
}

impl From<InvitationRow> for InvitationOut {
    fn from(r: InvitationRow) -> Self {
        InvitationOut {
            id: r.id,
            batch_id: r.batch_id,
            credit_code: r.credit_code,
            name: r.name,
            relationship: r.relationship,
            category: r.category,
            status_code: r.status_code,
            status: r.status,
            reason: r.reason,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct PageOut {
    rows: Vec<InvitationOut>,
    total: u32,
    /// `total` stopped counting here (shown as "1000+").
    total_cap: u32,
    next_before_id: Option<i64>,
}

async fn query(State(s): State<AppState>, req: Request<Body>) -> Result<Json<PageOut>, ApiError> {
    let ctx = &s.ctx;
    let (by, parts, _) = authenticated(ctx, req).await?;
    gate(ctx, &by, USE_UNIT_MANAGEMENT, None).await?;
    let params: QueryParams = serde_urlencoded_query(parts.uri.query().unwrap_or(""))?;
    let before_id = match params.before_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<i64>().map_err(|_| ApiError::from(AppError::field("before_id", "before_id应为邀请编号（整数）")))?),
    };
    let q = InvitationQuery { status: params.status.trim().to_string(), search: params.search, batch_id: None, before_id };
    let page = invitations::page_for(ctx, by.enterprise_id, q).await?;
    Ok(Json(PageOut { rows: page.rows.into_iter().map(Into::into).collect(), total: page.total, total_cap: page.total_cap, next_before_id: page.next_before }))
}

/// One 授权申请 received (guideline-sichuan ch. 3 一(二)1.(2)).
#[derive(Debug, Serialize)]
struct AuthRequestOut {
    id: i64,
    credit_code: String,
    name: String,
    relationship: String,
    category: String,
    status_code: String,
    status: String,
    reason: Option<String>,
    proof_material_id: Option<i64>,
    invitation_id: Option<i64>,
    created_at: String,
    updated_at: String,
}

#[derive(Debug, Serialize)]
struct AuthRequestPage {
    rows: Vec<AuthRequestOut>,
    next_before_id: Option<i64>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct AuthRequestParams {
    status: String,
    before_id: Option<String>,
}

/// Rows per page of `GET /openapi/v1/auth-requests`.
const AUTH_REQUEST_PAGE: u32 = 20;

/// The 授权申请 use units sent to this direct unit (default: 待直连单位同意), newest first.
async fn auth_requests(State(s): State<AppState>, req: Request<Body>) -> Result<Json<AuthRequestPage>, ApiError> {
    let ctx = &s.ctx;
    let (by, parts, _) = authenticated(ctx, req).await?;
    gate(ctx, &by, USE_UNIT_MANAGEMENT, None).await?;
    let q = parts.uri.query().unwrap_or("");
    let params: AuthRequestParams = axum::extract::Query::<AuthRequestParams>::try_from_uri(&format!("/?{q}").parse().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "查询参数无效"))?)
        .map(|q| q.0)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", format!("查询参数无效：{e}")))?;
    let before_id = match params.before_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(t.parse::<i64>().map_err(|_| ApiError::from(AppError::field("before_id", "before_id应为申请编号（整数）")))?),
    };
    let status = if params.status.trim().is_empty() { "pending".to_string() } else { params.status.trim().to_string() };
    let status = if status == "all" { String::new() } else { status };
    let mut rows = app::auth_request::service::received_by(ctx, by.enterprise_id, &status, before_id, AUTH_REQUEST_PAGE + 1).await?;
    let more = rows.len() > AUTH_REQUEST_PAGE as usize;
    rows.truncate(AUTH_REQUEST_PAGE as usize);
    Ok(Json(AuthRequestPage {
        next_before_id: if more { rows.last().map(|r| r.id) } else { None },
        rows: rows
            .into_iter()
            .map(|r| AuthRequestOut {
                id: r.id,
                credit_code: r.use_code,
                name: r.use_name,
                relationship: r.relationship,
                category: r.category,
                status_code: r.status.code().into(),
                status: r.status.label().into(),
                reason: r.status.reason().map(String::from),
                proof_material_id: r.proof_material_id,
                invitation_id: r.invitation_id,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
            .collect(),
    }))
}

/// Largest sandbox request body (a case is one invoice, not a batch).
pub const MAX_SANDBOX_BODY: usize = 256 * 1024;

#[derive(Debug, Deserialize)]
struct SandboxBody {
    capability: String,
    case: String,
    request: Value,
}

#[derive(Debug, Serialize)]
struct SandboxOut {
    request_id: String,
    case: String,
    passed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_no: Option<String>,
}

/// 测试中心: one test case's request, checked against the capability's rules as the
/// production API would; the case passes or fails with the field errors (stored, shown
/// on the unit's 能力中心 page). A malformed or oversized body, an unknown capability or
/// case, or a bad signature is refused and nothing is stored.
async fn sandbox_case(State(s): State<AppState>, req: Request<Body>) -> Result<Response, ApiError> {
    let ctx = &s.ctx;
    let (by, _, bytes) = authenticated(ctx, req).await?;
    if bytes.len() > MAX_SANDBOX_BODY {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "请求体过大（测试用例最大256KB）"));
    }
    let body: SandboxBody = parse_json(&bytes)?;
    app::capability::service::unit_for_api(ctx, &by).await?;
    let raw = body.request.to_string();
    match app::capability::service::sandbox_call(ctx, &by, body.capability.trim(), body.case.trim(), &body.request, &raw).await {
        Ok(a) => Ok(Json(SandboxOut { request_id: a.request_id, case: a.case_code, passed: true, invoice_no: a.invoice_no }).into_response()),
        Err(app::capability::service::SandboxRefusal::App(e)) => Err(e.into()),
        Err(app::capability::service::SandboxRefusal::Fields { request_id, errors }) => {
            let fields = app::capability::service::field_errors(&errors);
            let message = format!("测试用例未通过：{}", fields.first().map(|f| f.message.as_str()).unwrap_or("请求有误"));
            let body = json!({
                "code": "case_failed",
                "message": message,
                "request_id": request_id,
                "fields": fields.iter().map(|f| json!({ "field": f.field, "message": f.message })).collect::<Vec<_>>(),
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

/// The capabilities called through `/openapi/v1/capabilities/{code}` (使用单位管理 has its own endpoints).
pub const CALLABLE: [&str; 5] = ["invoice_query", "blue_invoice", "red_invoice", "invoice_delivery", "refined_oil_invoice"];

/// 使用单位管理 (a 公用基础能力): the invitation and 授权申请 endpoints.
const USE_UNIT_MANAGEMENT: &str = "use_unit_management";

/// Enforcement before a capability's endpoint runs: the caller must have the capability
/// open (403 `CAPABILITY_NOT_OPENED`); acting for a use unit, that unit must be bound
/// (403 `USE_UNIT_NOT_BOUND`) and have confirmed a grant of it (403 `CAPABILITY_NOT_GRANTED`).
async fn gate(ctx: &Ctx, by: &Inviter, code: &str, use_unit: Option<&str>) -> Result<app::capability::rules::Capability, ApiError> {
    let c = app::capability::rules::find(code).map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "unknown_capability", "能力不存在"))?;
    match app::capability_grant::service::api_gate(ctx, by.enterprise_id, &c, use_unit).await? {
        Ok(()) => Ok(c),
        Err(refusal) => {
            tracing::info!(capability = %c.code, unit = by.enterprise_id, refusal = refusal.code(), "API capability call refused");
            Err(ApiError::new(StatusCode::FORBIDDEN, refusal.code(), refusal.message()))
        }
    }
}

#[derive(Debug, Deserialize)]
struct CapabilityCallBody {
    /// Acting for this use unit (统一社会信用代码); absent: for the direct unit itself.
    #[serde(default)]
    use_unit: Option<String>,
    request: Value,
}

#[derive(Debug, Serialize)]
struct CapabilityCallOut {
    request_id: String,
    capability: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    use_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_no: Option<String>,
}

/// A capability's production call: enforcement (`gate`), then the request checked against
/// the capability's rules as in the 测试中心 (422 with the field errors). Nothing is
/// stored: the platform's own invoice service is outside this portal.
async fn capability_call(State(s): State<AppState>, axum::extract::Path(code): axum::extract::Path<String>, req: Request<Body>) -> Result<Response, ApiError> {
    let ctx = &s.ctx;
    let (by, _, bytes) = authenticated(ctx, req).await?;
    if bytes.len() > MAX_SANDBOX_BODY {
        return Err(ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", "请求体过大（最大256KB）"));
    }
    let body: CapabilityCallBody = parse_json(&bytes)?;
    let use_unit = body.use_unit.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    if !CALLABLE.contains(&code.trim()) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "unknown_capability", "能力不存在（使用单位管理能力请调用 /openapi/v1/invitations 等接口）"));
    }
    let c = gate(ctx, &by, code.trim(), use_unit.as_deref()).await?;
    let Some(kind) = c.cases.first().map(|k| k.kind) else { return Err(AppError::NotFound.into()) };
    let issued = ctx.store.sandbox_invoices(by.enterprise_id).await.map_err(AppError::from)?;
    let request_id = ctx.secrets.random_token().chars().take(24).collect::<String>();
    match app::capability::rules::check_case(kind, &body.request, &issued) {
        Ok(accepted) => {
            let invoice_no = match accepted {
                app::capability::rules::CaseAccepted::Issued { .. } => {
                    let yy = &ctx.clock.now().beijing_time()[2..4];
                    Some(format!("{yy}{:09}{:09}", ctx.secrets.random_u32() % 1_000_000_000, ctx.secrets.random_u32() % 1_000_000_000))
                }
                app::capability::rules::CaseAccepted::Accepted => None,
            };
            Ok(Json(CapabilityCallOut { request_id, capability: c.code, use_unit, invoice_no }).into_response())
        }
        Err(errors) => {
            let fields = app::capability::service::field_errors(&errors);
            let message = fields.first().map(|f| f.message.clone()).unwrap_or_else(|| "请求有误".into());
            let body = json!({
                "code": "invalid_request",
                "message": message,
                "request_id": request_id,
                "fields": fields.iter().map(|f| json!({ "field": f.field, "message": f.message })).collect::<Vec<_>>(),
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

fn serde_urlencoded_query(q: &str) -> Result<QueryParams, ApiError> {
    axum::extract::Query::<QueryParams>::try_from_uri(&format!("/?{q}").parse().map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "查询参数无效"))?)
        .map(|q| q.0)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", format!("查询参数无效：{e}")))
}

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn signed_errors() -> Value {
    json!({
        "400": error_response("请求体不是有效的JSON（bad_json）或查询参数无效（bad_query）"),
        "401": error_response("签名相关：bad_signature_headers（缺少或格式错误的X-Leqi-*请求头）、stale_request（时间戳与服务器相差超过5分钟）、unknown_app（AppId不存在或已停用）、bad_signature（签名校验失败，含已重置的旧密钥）、replayed_request（Nonce已使用）"),
        "403": error_response("ip_not_filed：请求来源IP不是本单位接入申请中备案的生产环境IP或测试环境IP"),
        "404": error_response("not_found：记录不存在或不属于本单位"),
        "409": error_response("conflict：记录已被他人处理"),
        "413": error_response("body_too_large：请求体超过2MB"),
        "422": error_response("invalid_request（字段错误，见fields）或 refused（本单位不是直连单位或正在退出等）"),
        "500": error_response("internal：系统繁忙")
    })
}

/// The OpenAPI 3.0 document of this API.
pub fn document() -> Value {
    let statuses: Vec<Value> = InvitationStatus::FILTERS.iter().map(|(c, _)| json!(c)).collect();
    let status_doc: String = InvitationStatus::FILTERS.iter().map(|(c, l)| format!("{c}={l}")).collect::<Vec<_>>().join("，");
    let security = json!([{ "LeqiAppId": [], "LeqiTimestamp": [], "LeqiNonce": [], "LeqiSignature": [] }]);
    let header = |name: &str, description: &str| json!({ "type": "apiKey", "in": "header", "name": name, "description": description });
    let mut responses_upload = signed_errors();
    responses_upload["200"] = json!({ "description": "逐行结果：成功邀请的家数与失败行（行号从1开始，对应rows的顺序）", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UploadResult" } } } });
    let mut responses_unbind = signed_errors();
    responses_unbind["200"] = json!({ "description": "逐项结果", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UnbindResult" } } } });
    let mut responses_requests = signed_errors();
    responses_requests["200"] = json!({ "description": "一页授权申请（每页20条，按申请编号倒序）", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuthRequestPage" } } } });
    let request_statuses: Vec<Value> = app::auth_request::rules::AuthRequestStatus::FILTERS.iter().map(|(c, _)| json!(c)).chain([json!("all")]).collect();
    let request_status_doc: String = app::auth_request::rules::AuthRequestStatus::FILTERS.iter().map(|(c, l)| format!("{c}={l}")).collect::<Vec<_>>().join("，");
    let mut responses_sandbox = signed_errors();
    responses_sandbox["200"] = json!({ "description": "用例通过", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SandboxResult" } } } });
    responses_sandbox["413"] = error_response("body_too_large：测试用例请求体超过256KB");
    let capability_codes: Vec<&str> = CALLABLE.to_vec();
    let capability_doc: String = app::capability::rules::catalogue()
        .iter()
        .map(|c| format!("{}={}（{}）", c.code, c.name, if c.public { "公用基础能力" } else { "非公用基础能力，须订阅并开通" }))
        .collect::<Vec<_>>()
        .join("；");
    let mut responses_capability = signed_errors();
    responses_capability["200"] = json!({ "description": "请求通过校验并受理", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CapabilityCallResult" } } } });
    responses_capability["403"] = error_response("CAPABILITY_NOT_OPENED：本单位尚未开通该能力（或已到期）；USE_UNIT_NOT_BOUND：use_unit与本单位尚未建立绑定关系；CAPABILITY_NOT_GRANTED：use_unit尚未确认授权该能力；ip_not_filed");
    responses_capability["404"] = error_response("unknown_capability：能力编码不存在");
    responses_capability["413"] = error_response("body_too_large：请求体超过256KB");
    responses_capability["422"] = error_response("invalid_request：请求未通过该能力的规则校验（逐字段错误见fields，另含request_id）");
    for r in [&mut responses_upload, &mut responses_unbind, &mut responses_requests] {
        r["403"] = error_response("ip_not_filed；CAPABILITY_NOT_OPENED：本单位未开通使用单位管理能力（不是直连单位或乐企资格已到期）");
    }
    responses_sandbox["422"] = error_response("case_failed（用例未通过，见fields与request_id）、refused（该能力不在测试中）或 invalid_request");
    let mut responses_query = signed_errors();
    responses_query["200"] = json!({ "description": "一页邀请（每页20条，按邀请编号倒序）", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/InvitationPage" } } } });
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "乐企使用单位管理能力",
            "version": "1.0.0",
            "description": format!(
                "直连单位的信息系统调用本接口上传邀请信息（操作手册3.4.1.3）、上传解除信息（3.5.2）并查询邀请状态。\n\n\
                 凭证：在【接入管理】→【接入邀请】→ 接口凭证中由法定代表人或财务负责人申请（AppId与密钥，密钥只显示一次，可重置、可停用）。\n\n\
                 签名：每个请求带四个请求头：X-Leqi-AppId；X-Leqi-Timestamp（毫秒时间戳，与服务器时间相差不得超过{}分钟）；\
                 X-Leqi-Nonce（{NONCE_MIN}至{NONCE_MAX}位字母、数字、下划线或连字符，同一AppId下只能使用一次）；\
                 X-Leqi-Signature = Base64(HMAC-SHA256(密钥, 待签名串))。待签名串为以下六项用换行符（\\n）连接：\
                 请求方法（大写）、请求路径（如/openapi/v1/invitations，不含查询串）、查询参数（按发送时的编码，\
                 各name=value按字节序排序后用&连接，无参数为空串）、X-Leqi-Timestamp、X-Leqi-Nonce、请求体的SHA-256十六进制小写（无请求体时为空串的SHA-256）。\n\n\
                 来源IP：只接受本单位确认通过的接入申请中备案的生产环境IP和测试环境IP。\n\n\
                 错误：JSON {{\"code\", \"message\"}}，message为中文说明。",
                MAX_SKEW_MS / 60_000
            )
        },
        "servers": [{ "url": "/" }],
        "security": security,
        "paths": {
            "/openapi/v1/invitations": {
                "post": {
                    "summary": "上传邀请信息",
                    "description": format!("每次1至{API_MAX_ROWS}家使用单位。每行与【新增邀请】的校验相同；校验通过的行发起邀请，失败的行返回行号与原因（同一请求作为一个批次，来源为“接口上传”）。"),
                    "operationId": "uploadInvitations",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UploadRequest" } } } },
                    "responses": responses_upload
                },
                "get": {
                    "summary": "查询邀请状态",
                    "operationId": "queryInvitations",
                    "parameters": [
                        { "name": "status", "in": "query", "required": false, "description": format!("邀请状态：{status_doc}"), "schema": { "type": "string", "enum": statuses } },
                        { "name": "search", "in": "query", "required": false, "description": "统一社会信用代码（完整时精确匹配）或单位名称的一部分", "schema": { "type": "string" } },
                        { "name": "before_id", "in": "query", "required": false, "description": "翻页：上一页返回的next_before_id", "schema": { "type": "integer", "format": "int64" } }
                    ],
                    "responses": responses_query
                }
            },
            "/openapi/v1/invitations/unbind": {
                "post": {
                    "summary": "上传解除信息（解除绑定）",
                    "description": format!("按使用单位统一社会信用代码（解除与其确认通过的绑定关系）或邀请编号解除，每次最多{API_MAX_UNBIND}项，逐项返回结果。其他单位的邀请编号视为不存在。"),
                    "operationId": "unbindUseUnits",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UnbindRequest" } } } },
                    "responses": responses_unbind
                }
            },
            "/openapi/v1/auth-requests": {
                "get": {
                    "summary": "查询使用单位的授权申请",
                    "description": "使用单位通过乐企平台向本直连单位发起的授权申请（《四川省乐企自用直连服务规范指引》第三章一（二）1.（2））。默认只返回待直连单位同意的申请；同意或拒绝请在【接入管理】→【接入邀请】→ 授权申请中办理。",
                    "operationId": "queryAuthRequests",
                    "parameters": [
                        { "name": "status", "in": "query", "required": false, "description": format!("申请状态：{request_status_doc}，all=全部；默认pending"), "schema": { "type": "string", "enum": request_statuses } },
                        { "name": "before_id", "in": "query", "required": false, "description": "翻页：上一页返回的next_before_id", "schema": { "type": "integer", "format": "int64" } }
                    ],
                    "responses": responses_requests
                }
            },
            "/openapi/v1/sandbox/cases": {
                "post": {
                    "summary": "测试中心：能力测试用例",
                    "description": "直连单位订阅非公用基础能力后（能力中心，状态待测试），其信息系统按能力说明文档逐个调用测试用例；测试中心按该能力的规则校验请求，通过则该用例通过，不通过则返回逐字段错误（422，code=case_failed）。全部用例通过后可在【能力中心】生成测试报告并提交税务机关确认（《四川省乐企自用直连服务规范指引》第四章二）。",
                    "operationId": "sandboxCase",
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SandboxRequest" } } } },
                    "responses": responses_sandbox
                }
            },
            "/openapi/v1/capabilities/{code}": {
                "post": {
                    "summary": "能力调用",
                    "description": format!("调用已开通的能力（《四川省乐企自用直连服务规范指引》第四章三、四）。本单位须已开通该能力（公用基础能力在乐企资格有效期内自动开通；非公用基础能力须在【能力中心】订阅、测试并经税务机关确认），否则返回403 CAPABILITY_NOT_OPENED。代使用单位调用时在请求体中填写use_unit：该单位须与本单位已绑定（接入邀请确认通过）且已确认授权该能力，否则返回403 USE_UNIT_NOT_BOUND或CAPABILITY_NOT_GRANTED。请求按该能力的规则校验（与测试中心相同）。使用单位管理能力即 /openapi/v1/invitations、/openapi/v1/invitations/unbind、/openapi/v1/auth-requests 接口。能力：{capability_doc}"),
                    "operationId": "callCapability",
                    "x-capabilities": capability_codes,
                    "parameters": [{ "name": "code", "in": "path", "required": true, "description": "能力编码", "schema": { "type": "string", "enum": capability_codes } }],
                    "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CapabilityCallRequest" } } } },
                    "responses": responses_capability
                }
            },
            "/openapi/v1/openapi.json": {
                "get": {
                    "summary": "本文档",
                    "operationId": "openapiDocument",
                    "security": [],
                    "responses": { "200": { "description": "OpenAPI 3.0文档", "content": { "application/json": { "schema": { "type": "object" } } } } }
                }
            }
        },
        "components": {
            "securitySchemes": {
                "LeqiAppId": header("X-Leqi-AppId", "接口凭证的AppId"),
                "LeqiTimestamp": header("X-Leqi-Timestamp", "毫秒时间戳，与服务器时间相差不超过5分钟"),
                "LeqiNonce": header("X-Leqi-Nonce", "16至64位[A-Za-z0-9_-]，同一AppId下只能使用一次"),
                "LeqiSignature": header("X-Leqi-Signature", "Base64(HMAC-SHA256(密钥, METHOD\\nPATH\\n排序后的查询参数\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(请求体))))")
            },
            "schemas": {
                "Error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {
                        "code": { "type": "string", "example": "bad_signature" },
                        "message": { "type": "string", "example": "签名校验失败" },
                        "fields": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } },
                        "request_id": { "type": "string", "description": "测试中心：未通过的用例请求的编号" }
                    }
                },
                "CapabilityCallRequest": {
                    "type": "object", "required": ["request"],
                    "properties": {
                        "use_unit": { "type": "string", "nullable": true, "description": "代其调用的使用单位统一社会信用代码；不填为本单位自用" },
                        "request": { "type": "object", "description": "该能力的业务请求体（见能力说明文档）" }
                    }
                },
                "CapabilityCallResult": {
                    "type": "object", "required": ["request_id", "capability"],
                    "properties": {
                        "request_id": { "type": "string" },
                        "capability": { "type": "string" },
                        "use_unit": { "type": "string" },
                        "invoice_no": { "type": "string", "description": "蓝字发票开具：发票号码" }
                    }
                },
                "SandboxRequest": {
                    "type": "object", "required": ["capability", "case", "request"],
                    "properties": {
                        "capability": { "type": "string", "description": "能力编码（能力中心的能力说明文档中列出）", "example": "blue_invoice" },
                        "case": { "type": "string", "description": "测试用例编码", "example": "blue_single_line" },
                        "request": { "type": "object", "description": "该用例的业务请求体（与正式接口相同，见能力说明文档）" }
                    }
                },
                "SandboxResult": {
                    "type": "object", "required": ["request_id", "case", "passed"],
                    "properties": {
                        "request_id": { "type": "string" },
                        "case": { "type": "string" },
                        "passed": { "type": "boolean" },
                        "invoice_no": { "type": "string", "description": "蓝字发票用例：测试中心开具的发票号码（红字、交付用例引用）" }
                    }
                },
                "UploadRow": {
                    "type": "object", "required": ["credit_code", "name", "province", "relationship"],
                    "properties": {
                        "credit_code": { "type": "string", "description": "使用单位统一社会信用代码", "example": "91510104MA6CLQ0132" },
                        "name": { "type": "string", "description": "使用单位名称（与税务登记一致）", "example": "四川蜀乐物业服务有限公司" },
                        "province": { "type": "string", "description": "使用单位的省级税务机关", "example": "国家税务总局四川省税务局" },
                        "relationship": { "type": "string", "enum": app::invitation::rules::Relationship::labels(), "description": "单位关系（决定自用类/联用类）" },
                        "pre_authorize": { "oneOf": [{ "type": "boolean" }, { "type": "string", "enum": ["是", "否"] }], "description": "能力预授权，默认否" }
                    }
                },
                "UploadRequest": {
                    "type": "object", "required": ["rows"],
                    "properties": { "rows": { "type": "array", "minItems": 1, "maxItems": API_MAX_ROWS, "items": { "$ref": "#/components/schemas/UploadRow" } } }
                },
                "UploadResult": {
                    "type": "object", "required": ["batch_id", "rows_total", "invited", "failed"],
                    "properties": {
                        "batch_id": { "type": "integer", "format": "int64", "description": "批次编号" },
                        "rows_total": { "type": "integer" },
                        "invited": { "type": "integer", "description": "成功发起邀请的家数" },
                        "failed": { "type": "array", "items": { "$ref": "#/components/schemas/FailedRow" } }
                    }
                },
                "FailedRow": {
                    "type": "object", "required": ["row_no", "credit_code", "name", "reason"],
                    "properties": {
                        "row_no": { "type": "integer", "description": "rows中的序号，从1开始" },
                        "credit_code": { "type": "string" }, "name": { "type": "string" },
                        "reason": { "type": "string", "example": "单位名称与统一社会信用代码登记信息不一致" }
                    }
                },
                "UnbindRequest": {
                    "type": "object", "required": ["reason"],
                    "properties": {
                        "credit_codes": { "type": "array", "items": { "type": "string" }, "description": "要解除绑定的使用单位统一社会信用代码" },
                        "invitation_ids": { "type": "array", "items": { "type": "integer", "format": "int64" }, "description": "要解除的邀请编号" },
                        "reason": { "type": "string", "description": "解除原因" }
                    }
                },
                "UnbindResult": {
                    "type": "object", "required": ["unbound", "failed", "items"],
                    "properties": {
                        "unbound": { "type": "integer" }, "failed": { "type": "integer" },
                        "items": { "type": "array", "items": {
                            "type": "object",
                            "properties": {
                                "credit_code": { "type": "string", "nullable": true },
                                "invitation_id": { "type": "integer", "format": "int64", "nullable": true },
                                "result": { "type": "string", "enum": ["已解除绑定", "失败"] },
                                "reason": { "type": "string", "nullable": true, "description": "失败原因" }
                            }
                        } }
                    }
                },
                "Invitation": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "integer", "format": "int64", "description": "邀请编号" },
                        "batch_id": { "type": "integer", "format": "int64" },
                        "credit_code": { "type": "string" }, "name": { "type": "string" },
                        "relationship": { "type": "string" },
                        "category": { "type": "string", "enum": ["自用类", "联用类"] },
                        "status_code": { "type": "string", "enum": statuses },
                        "status": { "type": "string", "description": "邀请状态（中文）" },
                        "reason": { "type": "string", "nullable": true, "description": "拒绝、不予受理、确认不通过或解除的原因" },
                        "updated_at": { "type": "string", "description": "北京时间 YYYY-MM-DD HH:MM:SS" }
                    }
                },
                "AuthRequest": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "integer", "format": "int64", "description": "申请编号" },
                        "credit_code": { "type": "string", "description": "使用单位统一社会信用代码" },
                        "name": { "type": "string", "description": "使用单位名称" },
                        "relationship": { "type": "string", "enum": app::invitation::rules::Relationship::labels() },
                        "category": { "type": "string", "enum": ["自用类", "联用类"] },
                        "status_code": { "type": "string", "enum": app::auth_request::rules::AuthRequestStatus::FILTERS.iter().map(|(c, _)| *c).collect::<Vec<_>>() },
                        "status": { "type": "string", "description": "申请状态（中文）" },
                        "reason": { "type": "string", "nullable": true, "description": "拒绝原因" },
                        "proof_material_id": { "type": "integer", "format": "int64", "nullable": true, "description": "单位关系证明材料编号（在乐企平台查看）" },
                        "invitation_id": { "type": "integer", "format": "int64", "nullable": true, "description": "同意后生成的邀请编号" },
                        "created_at": { "type": "string", "description": "北京时间 YYYY-MM-DD HH:MM:SS" },
                        "updated_at": { "type": "string" }
                    }
                },
                "AuthRequestPage": {
                    "type": "object",
                    "properties": {
                        "rows": { "type": "array", "items": { "$ref": "#/components/schemas/AuthRequest" } },
                        "next_before_id": { "type": "integer", "format": "int64", "nullable": true }
                    }
                },
                "InvitationPage": {
                    "type": "object",
                    "properties": {
                        "rows": { "type": "array", "items": { "$ref": "#/components/schemas/Invitation" } },
                        "total": { "type": "integer", "description": "符合条件的条数（最多数到total_cap）" },
                        "total_cap": { "type": "integer" },
                        "next_before_id": { "type": "integer", "format": "int64", "nullable": true }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_capability_of_the_catalogue_has_its_endpoints_and_every_gated_route_is_a_route() {
        for c in app::capability::rules::catalogue() {
            let called = CALLABLE.contains(&c.code.as_str());
            let routed = ROUTE_CAPABILITIES.iter().any(|(_, code)| *code == c.code);
            assert!(called ^ routed, "{} needs exactly one way to be called", c.code);
        }
        for (path, code) in ROUTE_CAPABILITIES {
            assert!(ROUTES.iter().any(|(_, p)| p == path), "{path}");
            assert!(app::capability::rules::find(code).is_ok(), "{code}");
        }
        for code in CALLABLE {
            assert!(app::capability::rules::find(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn every_route_is_in_the_document_and_every_documented_operation_is_a_route() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        for (method, path) in ROUTES {
            assert!(paths.get(*path).and_then(|p| p.get(*method)).is_some(), "{method} {path} is not documented");
        }
        let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
        assert_eq!(documented, ROUTES.len(), "the document describes an operation that is not a route");
        assert_eq!(doc["openapi"], "3.0.3");
        for scheme in ["LeqiAppId", "LeqiTimestamp", "LeqiNonce", "LeqiSignature"] {
            assert!(doc["components"]["securitySchemes"][scheme].is_object(), "{scheme}");
        }
    }

    fn parts(xff: Option<&str>, peer: Option<SocketAddr>) -> Parts {
        let mut b = axum::http::Request::get("/openapi/v1/invitations");
        if let Some(x) = xff {
            b = b.header("x-forwarded-for", x);
        }
        let mut req = b.body(()).unwrap();
        if let Some(p) = peer {
            req.extensions_mut().insert(ConnectInfo(p));
        }
        req.into_parts().0
    }

    #[test]
    fn the_client_address_is_the_peer_unless_a_trusted_proxy_says_otherwise() {
        let peer: SocketAddr = "10.0.0.9:5000".parse().unwrap();
        let p = parts(Some("127.0.0.1"), Some(peer));
        assert_eq!(client_ip(false, &p).as_deref(), Some("10.0.0.9"), "X-Forwarded-For ignored without a trusted proxy");
        let p = parts(Some("1.2.3.4, 203.0.113.10"), Some(peer));
        assert_eq!(client_ip(true, &p).as_deref(), Some("203.0.113.10"), "the entry the proxy appended");
        assert_eq!(client_ip(true, &parts(None, Some(peer))), None);
        assert_eq!(client_ip(false, &parts(None, None)), None);
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:5000".parse().unwrap();
        assert_eq!(client_ip(false, &parts(None, Some(mapped))).as_deref(), Some("127.0.0.1"));
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(doc["components"]["schemas"][name].is_object(), "missing schema {name}");
        }
    }
}
