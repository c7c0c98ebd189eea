//! 使用单位管理能力: credentials issued in the portal, signed requests to
//! /openapi/v1 (replay, staleness, bad signatures, rotated and revoked
//! secrets, unfiled addresses refused), and one direct unit never reaching
//! another's invitations. Every scenario runs on SQLite and PostgreSQL.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use app::api_credentials::api::{ApiCredentialList, IssueApiCredential, IssuedSecret, ListApiCredentials, RevokeApiCredential, RotateApiSecret};
use app::api_credentials::rules::canonical_string;
use app::invitation::rules::InvitationStatus;
use app::kernel::Timestamp;
use app::api_credentials::store::ApiCredentialStore;
use app::access::store::ApplicationEvent;
use app::accounts::store::AuditStore;
use app::context::outside::Clock;
use app::invitation::store::{InvitationChange, InvitationStore};
use app::context::Mode;
use app::api_credentials::service::{sha256_hex, sign};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::http::{call_typed, login};
use common::{TestClock, T0};
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use server::store::SqlStore;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
const WUYE: &str = "91510104MA6CLQ0132";
const LOOPBACK: [u8; 4] = [127, 0, 0, 1];
static NONCES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

async fn setup(store: &SqlStore) -> (Router, Arc<TestClock>, tempfile::TempDir) {
    common::seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = common::clock();
    let router = server::http::router(common::ctx(store, clock.clone(), Mode::Demo), dir.path());
    (router, clock, dir)
}

struct Client {
    app_id: String,
    secret: String,
    ip: [u8; 4],
    now: i64,
    nonce_seq: u32,
}

struct Signed {
    req: Request<Body>,
}

impl Client {
    fn new(issued: &IssuedSecret, now: i64) -> Self {
        Client { app_id: issued.app_id.clone(), secret: issued.secret.clone(), ip: LOOPBACK, now, nonce_seq: 0 }
    }

    /// A signed request; `tamper` changes it after signing.
    fn request(&mut self, method: &str, path_and_query: &str, body: Option<&Value>) -> Signed {
        self.nonce_seq += 1;
        let nonce = format!("nonce-{:08}-{:08}", NONCES.fetch_add(1, std::sync::atomic::Ordering::SeqCst), self.nonce_seq);
        self.request_with(method, path_and_query, body.map(|b| b.to_string()).unwrap_or_default(), self.now, &nonce)
    }

    fn request_with(&self, method: &str, path_and_query: &str, body: String, ts: i64, nonce: &str) -> Signed {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let canonical = canonical_string(method, path, query, ts, nonce, &sha256_hex(body.as_bytes()));
        let signature = sign(&self.secret, &canonical);
        let mut req = Request::builder()
            .method(method)
            .uri(path_and_query)
            .header("content-type", "application/json")
            .header("X-Leqi-AppId", &self.app_id)
            .header("X-Leqi-Timestamp", ts.to_string())
            .header("X-Leqi-Nonce", nonce)
            .header("X-Leqi-Signature", signature)
            .body(Body::from(body))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from((self.ip, 40_000))));
        Signed { req }
    }
}

/// Copies a request (to replay it exactly).
async fn copy(s: Signed) -> (Signed, Signed) {
    let (parts, body) = s.req.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    let mut a = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let mut b = Request::from_parts(parts.clone(), Body::from(bytes));
    if let Some(ci) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        a.extensions_mut().insert(*ci);
        b.extensions_mut().insert(*ci);
    }
    (Signed { req: a }, Signed { req: b })
}

async fn send(router: &Router, s: Signed) -> (StatusCode, Value) {
    let res = router.clone().oneshot(s.req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&bytes) })))
}

fn wuye_row() -> Value {
    json!({ "credit_code": WUYE, "name": "四川蜀乐物业服务有限公司", "province": "国家税务总局四川省税务局", "relationship": "其他控制关系", "pre_authorize": false })
}

fn upload_body() -> Value {
    json!({ "rows": [
        wuye_row(),
        { "credit_code": "91510104MA6CLQ0133", "name": "不存在的公司", "province": "国家税务总局四川省税务局", "relationship": "其他控制关系", "pre_authorize": "否" }
    ] })
}

async fn issue(router: &Router, code: &str, person: &str) -> (String, IssuedSecret) {
    let cookie = login(router, code, person, "LegalRepresentative").await.unwrap();
    let issued: IssuedSecret = call_typed(router, IssueApiCredential::PATH, &[], &cookie).await.unwrap();
    (cookie, issued)
}

async fn signed_upload_replay_staleness_and_forgery(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let (cookie, issued) = issue(&r, SHULE, "王建国").await;
    assert!(issued.app_id.starts_with("lq") && issued.secret.len() >= 40, "{issued:?}");
    let mut c = Client::new(&issued, clock.now().0);

    // A signed upload: one row invited, the other failed with its row number and reason.
    let (first, replay) = copy(c.request("POST", "/openapi/v1/invitations", Some(&upload_body()))).await;
    let (status, body) = send(&r, first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["invited"], 1, "{body}");
    assert_eq!(body["rows_total"], 2);
    let failed = body["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{body}");
    assert_eq!(failed[0]["row_no"], 2);
    assert!(failed[0]["reason"].as_str().unwrap().contains("统一社会信用代码"), "{body}");
    let batch = store.batch(body["batch_id"].as_i64().unwrap()).await.unwrap().unwrap();
    assert_eq!(batch.source, app::invitation::store::BatchSource::Api);
    assert_eq!(batch.created_by, format!("接口凭证{}", issued.app_id));

    // The very same request again: refused as a replay, nothing stored.
    let (status, body) = send(&r, replay).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["code"], "replayed_request");
    assert!(body["message"].as_str().unwrap().contains("Nonce"), "{body}");

    // Stale (6 minutes old) and from the future: refused.
    for ts in [c.now - 6 * 60 * 1000, c.now + 6 * 60 * 1000] {
        let s = c.request_with("GET", "/openapi/v1/invitations", String::new(), ts, &format!("stale-nonce-{ts}"));
        let (status, body) = send(&r, s).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("stale_request")), "{body}");
    }

    // A forged signature, a changed body, a changed query: refused.
    let mut s = c.request("GET", "/openapi/v1/invitations", None);
    s.req.headers_mut().insert("x-leqi-signature", "AAAA".parse().unwrap());
    let (status, body) = send(&r, s).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")));
    let good = c.request("POST", "/openapi/v1/invitations", Some(&json!({ "rows": [wuye_row()] })));
    let (parts, _) = good.req.into_parts();
    let tampered = Request::from_parts(parts, Body::from(json!({ "rows": [] }).to_string()));
    let (status, body) = send(&r, Signed { req: tampered }).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")), "{body}");
    let signed_for_all = c.request("GET", "/openapi/v1/invitations?status=confirmed", None);
    let (mut parts, body) = signed_for_all.req.into_parts();
    parts.uri = "/openapi/v1/invitations?status=unbound".parse().unwrap();
    let (status, _) = send(&r, Signed { req: Request::from_parts(parts, body) }).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Missing headers and unknown app ids.
    let bare = Request::get("/openapi/v1/invitations").body(Body::empty()).unwrap();
    let (status, body) = send(&r, Signed { req: bare }).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature_headers")), "{body}");
    let mut stranger = Client::new(&IssuedSecret { app_id: "lq000000000000000000000000".into(), secret: issued.secret.clone(), fingerprint: String::new() }, c.now);
    let (status, body) = send(&r, stranger.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unknown_app")));

    // The query shows the invited unit with its status.
    let (status, body) = send(&r, c.request("GET", &format!("/openapi/v1/invitations?search={WUYE}&status=awaiting_response"), None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 1, "{body}");
    assert_eq!(body["rows"][0]["name"], "四川蜀乐物业服务有限公司");
    assert_eq!(body["rows"][0]["status"], "待使用单位响应");
    let (status, body) = send(&r, c.request("GET", "/openapi/v1/invitations?status=nonsense", None)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request")), "{body}");

    // Time moves on: the stored nonces of stale requests are forgotten.
    clock.advance_secs(6 * 60);
    assert!(store.purge_api_nonces(clock.now()).await.unwrap() >= 1);

    // The portal lists the credential (never its secret).
    let list: ApiCredentialList = call_typed(&r, ListApiCredentials::PATH, &[], &cookie).await.unwrap();
    assert!(list.may_manage);
    assert_eq!(list.credentials.len(), 1);
    assert_eq!(list.credentials[0].fingerprint, issued.fingerprint);
    assert!(list.filed_ips.contains(&"127.0.0.1".to_string()), "{:?}", list.filed_ips);
    assert!(!serde_json::to_string(&list).unwrap().contains(&issued.secret));
}

async fn unfiled_addresses_are_refused(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let (_, issued) = issue(&r, SHULE, "王建国").await;
    let mut c = Client::new(&issued, clock.now().0);
    c.ip = [192, 0, 2, 1];
    let (status, body) = send(&r, c.request("POST", "/openapi/v1/invitations", Some(&json!({ "rows": [wuye_row()] })))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("ip_not_filed")), "{body}");
    assert!(body["message"].as_str().unwrap().contains("192.0.2.1"), "{body}");
    // Without a trusted proxy, X-Forwarded-For is not believed.
    let mut s = c.request("GET", "/openapi/v1/invitations", None);
    s.req.headers_mut().insert("x-forwarded-for", "127.0.0.1".parse().unwrap());
    let (status, _) = send(&r, s).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A filed test-environment address is accepted (10.1.2.3 in the demo application).
    c.ip = [10, 1, 2, 3];
    let (status, body) = send(&r, c.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Nothing was invited from the refused address.
    assert_eq!(body["total"], 0, "{body}");
}

async fn rotated_and_revoked_secrets_are_refused_and_only_principals_manage(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let (cookie, issued) = issue(&r, SHULE, "王建国").await;
    let now = clock.now().0;
    let mut old = Client::new(&issued, now);
    let (status, _) = send(&r, old.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!(status, StatusCode::OK);

    // 办税员 may see but not manage.
    let clerk = login(&r, SHULE, "张伟", "TaxClerk").await.unwrap();
    let e = call_typed::<IssuedSecret>(&r, IssueApiCredential::PATH, &[], &clerk).await.unwrap_err();
    assert!(matches!(e, app::error::AppError::Refused(_)), "{e:?}");

    // 重置密钥: the old secret is refused, the new one works; a stale version conflicts.
    let list: ApiCredentialList = call_typed(&r, ListApiCredentials::PATH, &[], &cookie).await.unwrap();
    let version = list.credentials[0].version.to_string();
    let rotated: IssuedSecret = call_typed(&r, RotateApiSecret::PATH, &[("app_id", &issued.app_id), ("version", &version)], &cookie).await.unwrap();
    assert_eq!(rotated.app_id, issued.app_id);
    assert_ne!(rotated.secret, issued.secret);
    assert_ne!(rotated.fingerprint, issued.fingerprint);
    let (status, body) = send(&r, old.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("bad_signature")), "{body}");
    let mut new = Client::new(&rotated, now);
    let (status, _) = send(&r, new.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!(status, StatusCode::OK);
    let e = call_typed::<IssuedSecret>(&r, RotateApiSecret::PATH, &[("app_id", &issued.app_id), ("version", &version)], &cookie).await.unwrap_err();
    assert_eq!(e, app::error::AppError::Conflict);

    // Another direct unit cannot see, rotate or revoke it.
    let (other_cookie, _) = issue(&r, CAOYUAN, "巴特尔").await;
    let theirs: ApiCredentialList = call_typed(&r, ListApiCredentials::PATH, &[], &other_cookie).await.unwrap();
    assert!(theirs.credentials.iter().all(|c| c.app_id != issued.app_id));
    let v2 = (list.credentials[0].version + 1).to_string();
    for path in [RotateApiSecret::PATH, RevokeApiCredential::PATH] {
        let e = call_typed::<Value>(&r, path, &[("app_id", &issued.app_id), ("version", &v2)], &other_cookie).await.unwrap_err();
        assert_eq!(e, app::error::AppError::NotFound, "{path}");
    }

    // 停用: refused from then on, and it cannot be rotated back to life.
    call_typed::<()>(&r, RevokeApiCredential::PATH, &[("app_id", &issued.app_id), ("version", &v2)], &cookie).await.unwrap();
    let (status, body) = send(&r, new.request("GET", "/openapi/v1/invitations", None)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unknown_app")), "{body}");
    let v3 = (list.credentials[0].version + 2).to_string();
    let e = call_typed::<IssuedSecret>(&r, RotateApiSecret::PATH, &[("app_id", &issued.app_id), ("version", &v3)], &cookie).await.unwrap_err();
    assert!(matches!(e, app::error::AppError::Refused(ref m) if m.contains("已停用")), "{e:?}");
    let list: ApiCredentialList = call_typed(&r, ListApiCredentials::PATH, &[], &cookie).await.unwrap();
    assert_eq!(list.credentials[0].status_label, "已停用");
    assert_eq!(list.credentials[0].revoked_by.as_deref(), Some("王建国"));

    let audit = store.recent_audit(50).await.unwrap();
    for kind in ["申请接口凭证", "重置接口密钥", "停用接口凭证"] {
        assert!(audit.iter().any(|a| a.kind == kind && a.unit == SHULE), "{kind}");
    }
}

async fn another_direct_unit_cannot_see_change_or_unbind(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let now = clock.now().0;
    let (_, shule) = issue(&r, SHULE, "王建国").await;
    let (_, caoyuan) = issue(&r, CAOYUAN, "巴特尔").await;
    let mut s = Client::new(&shule, now);
    let mut c = Client::new(&caoyuan, now);
    let (status, body) = send(&r, s.request("POST", "/openapi/v1/invitations", Some(&json!({ "rows": [wuye_row()] })))).await;
    assert_eq!((status, body["invited"].as_i64()), (StatusCode::OK, Some(1)), "{body}");
    let (_, page) = send(&r, s.request("GET", "/openapi/v1/invitations", None)).await;
    let id = page["rows"][0]["id"].as_i64().unwrap();

    // Bound (确认通过) — as the use unit and its tax office would make it.
    let inv = store.invitation(id).await.unwrap().unwrap();
    let ev = ApplicationEvent { at: Timestamp(T0), actor: "测试".into(), actor_unit: "测试".into(), action: "确认通过".into(), from: inv.status.label().into(), to: "确认通过".into(), reason: None };
    let audit = app::audit::rules::AuditRecord::new(Timestamp(T0), "测试", "测试", "确认通过", "测试", app::audit::rules::AuditOutcome::Success);
    let change = InvitationChange { to: &InvitationStatus::Confirmed, event: &ev, audit: &audit, authorization: None, registrations: &[], notes: &[], effects: &[] };
    store.transition_invitation(id, inv.version, &change).await.unwrap();

    // 草原云链 never sees it, and can neither unbind it by id nor by credit code.
    let (status, theirs) = send(&r, c.request("GET", &format!("/openapi/v1/invitations?search={WUYE}"), None)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["total"], 0, "{theirs}");
    let (_, all) = send(&r, c.request("GET", "/openapi/v1/invitations", None)).await;
    assert!(all["rows"].as_array().unwrap().iter().all(|row| row["id"] != id), "{all}");
    let (status, body) = send(&r, c.request("POST", "/openapi/v1/invitations/unbind", Some(&json!({ "invitation_ids": [id], "credit_codes": [WUYE], "reason": "试图解除" })))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unbound"], 0, "{body}");
    assert_eq!(body["items"][0]["reason"], "未找到与该使用单位的绑定关系");
    assert_eq!(body["items"][1]["reason"], "未找到相关记录");
    assert!(store.invitation(id).await.unwrap().unwrap().status.is_bound(), "still bound");
    // Nor invite it as if it were its own relation (自用 unit: a Sichuan company it has no record of is checked as usual).

    // 蜀乐 unbinds it by credit code, with a reason required.
    let (status, body) = send(&r, s.request("POST", "/openapi/v1/invitations/unbind", Some(&json!({ "credit_codes": [WUYE], "reason": "" })))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_request")), "{body}");
    let (status, body) = send(&r, s.request("POST", "/openapi/v1/invitations/unbind", Some(&json!({ "credit_codes": [WUYE, "bad-code"], "reason": "合作结束" })))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["unbound"], 1, "{body}");
    assert_eq!(body["items"][0]["invitation_id"], id);
    assert_eq!(body["items"][0]["result"], "已解除绑定");
    assert!(body["items"][1]["reason"].as_str().unwrap().starts_with("统一社会信用代码"), "{body}");
    let after = store.invitation(id).await.unwrap().unwrap();
    assert!(matches!(after.status, InvitationStatus::Unbound { ref reason, .. } if reason == "合作结束"), "{:?}", after.status);
    let (_, page) = send(&r, s.request("GET", "/openapi/v1/invitations?status=unbound", None)).await;
    assert_eq!(page["rows"][0]["reason"], "合作结束", "{page}");
}

async fn nonces_are_single_use_until_purged(store: &SqlStore) {
    common::seeded(store).await;
    assert!(store.use_api_nonce("lqA", "nonce-0000000000000001", Timestamp(T0 + 1000)).await.unwrap());
    assert!(!store.use_api_nonce("lqA", "nonce-0000000000000001", Timestamp(T0 + 1000)).await.unwrap());
    assert!(store.use_api_nonce("lqB", "nonce-0000000000000001", Timestamp(T0 + 1000)).await.unwrap(), "per app id");
    assert_eq!(store.purge_api_nonces(Timestamp(T0)).await.unwrap(), 0);
    assert_eq!(store.purge_api_nonces(Timestamp(T0 + 1001)).await.unwrap(), 2);
    assert!(store.use_api_nonce("lqA", "nonce-0000000000000001", Timestamp(T0 + 9000)).await.unwrap());
}

/// 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)): the direct unit's system lists the pending
/// requests use units sent it; another direct unit's list does not show them.
async fn auth_requests_are_queried_by_the_direct_units_system(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let wuye = login(&r, WUYE, "陈静", "LegalRepresentative").await.unwrap();
    // 同一监管部门 needs no proof; here 物业 asks with 其他控制关系 and a proof.
    let uri = format!("/api/materials?kind=relationship_proof&name={}", common::http::urlencode("证明.pdf"));
    let req = Request::post(uri).header("content-type", "application/octet-stream").header("cookie", &wuye).body(Body::from(common::http::PDF.to_vec())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let proof: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let sent: app::auth_request::api::AuthRequestView = call_typed(
        &r,
        app::auth_request::api::SendAuthRequest::PATH,
        &[("direct_code", SHULE), ("relationship", "其他控制关系"), ("proof_material_id", &proof["id"].as_i64().unwrap().to_string())],
        &wuye,
    )
    .await
    .unwrap();
    let (_, issued) = issue(&r, SHULE, "王建国").await;
    let mut c = Client::new(&issued, clock.now().0);
    let (status, body) = send(&r, c.request("GET", "/openapi/v1/auth-requests", None)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!((rows[0]["id"].as_i64(), rows[0]["credit_code"].as_str(), rows[0]["status_code"].as_str()), (Some(sent.id), Some(WUYE), Some("pending")));
    assert_eq!(rows[0]["category"], "自用类");
    let (status, body) = send(&r, c.request("GET", "/openapi/v1/auth-requests?status=agreed", None)).await;
    assert_eq!((status, body["rows"].as_array().map(|r| r.len())), (StatusCode::OK, Some(0)));
    let (status, body) = send(&r, c.request("GET", "/openapi/v1/auth-requests?status=nonsense", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Another direct unit sees none of them.
    let (_, other) = issue(&r, CAOYUAN, "巴特尔").await;
    let mut o = Client::new(&other, clock.now().0);
    let (status, body) = send(&r, o.request("GET", "/openapi/v1/auth-requests?status=all", None)).await;
    assert_eq!((status, body["rows"].as_array().map(|r| r.len())), (StatusCode::OK, Some(0)), "{body}");
}

on_both_backends!(
    auth_requests_are_queried_by_the_direct_units_system,
    signed_upload_replay_staleness_and_forgery,
    unfiled_addresses_are_refused,
    rotated_and_revoked_secrets_are_refused_and_only_principals_manage,
    another_direct_unit_cannot_see_change_or_unbind,
    nonces_are_single_use_until_purged,
);

#[tokio::test]
async fn every_route_answers_and_is_documented() {
    let site = common::site().await;
    let doc_req = Request::get("/openapi/v1/openapi.json").body(Body::empty()).unwrap();
    let (status, doc) = send(&site.router, Signed { req: doc_req }).await;
    assert_eq!(status, StatusCode::OK);
    for (method, path) in server::http::openapi::ROUTES {
        assert!(doc["paths"][*path][*method].is_object(), "{method} {path} undocumented");
        let req = Request::builder().method(method.to_uppercase().as_str()).uri(*path).body(Body::empty()).unwrap();
        let (status, body) = send(&site.router, Signed { req }).await;
        assert_ne!(status, StatusCode::NOT_FOUND, "{method} {path} is not routed: {body}");
        assert!(status == StatusCode::OK || body["code"] == "bad_signature_headers", "{method} {path}: {status} {body}");
    }
    let (status, body) = send(&site.router, Signed { req: Request::get("/openapi/v1/nothing").body(Body::empty()).unwrap() }).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let res = site.router.clone().oneshot(Request::get("/openapi/v1/invitations").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
}
