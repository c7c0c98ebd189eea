//! 能力中心 end to end through the server fns and the signed 测试中心 (issue #12), on SQLite
//! and PostgreSQL: 订阅 → sandbox cases (a bad request fails its case with the field error, a
//! good one passes it; a forged signature, malformed JSON or an unknown capability store
//! nothing) → 生成测试报告 → 提交税务机关确认 → the officer 退回 → 重新测试 → 确认通过 →
//! 已开通 with the chosen 有效期 → 已到期 when it passes; another unit and another office see
//! none of it.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use app::api::api_credentials::{IssueApiCredential, IssuedSecret};
use app::api::capability::*;
use app::domain::api_signing::canonical_string;
use app::domain::capability::{CapabilityAction as A, CapabilityStatus as S};
use app::domain::Timestamp;
use app::error::AppError;
use app::ports::{Clock, Mode};
use app::services::api_credentials::{sha256_hex, sign};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use server::store::SqlStore;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
const SHULE_SOFT: &str = "91510100MA6CLQ0125";

async fn officer(r: &Router, username: &str) -> String {
    let (_, _, body) = common::http::call(r, app::api::auth::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (status, headers, body) = common::http::call(r, app::api::auth::OfficerLogin::PATH, &[("username", username), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    assert!(status.is_success(), "{body}");
    headers[axum::http::header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string()
}

/// The unit's own system calling the 测试中心 with its signed credential.
struct System {
    app_id: String,
    secret: String,
    clock: Arc<TestClock>,
    n: u32,
}

impl System {
    async fn call(&mut self, r: &Router, body: &str, forged: bool) -> (u16, Value) {
        self.n += 1;
        let nonce = format!("capability-{:010}", self.n);
        let now = self.clock.now().0;
        let path = "/openapi/v1/sandbox/cases";
        let canonical = canonical_string("POST", path, "", now, &nonce, &sha256_hex(body.as_bytes()));
        let signature = if forged { "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_string() } else { sign(&self.secret, &canonical) };
        let mut req = Request::post(path)
            .header("content-type", "application/json")
            .header("X-Leqi-AppId", &self.app_id)
            .header("X-Leqi-Timestamp", now.to_string())
            .header("X-Leqi-Nonce", nonce)
            .header("X-Leqi-Signature", signature)
            .body(Body::from(body.to_string()))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
        let res = r.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn case(&mut self, r: &Router, capability: &str, case: &str, request: Value) -> (u16, Value) {
        self.call(r, &json!({ "capability": capability, "case": case, "request": request }).to_string(), false).await
    }
}

fn blue_one() -> Value {
    json!({ "buyer_credit_code": "91510100MA6CLQ0125", "buyer_name": "成都蜀乐软件有限公司",
            "items": [{ "name": "软件开发服务", "amount": "1000.00", "tax_rate": "0.06", "tax": "60.00" }],
            "total_amount": "1000.00", "total_tax": "60.00" })
}

fn blue_two() -> Value {
    json!({ "buyer_credit_code": "91510100MA6CLQ0125", "buyer_name": "成都蜀乐软件有限公司",
            "items": [{ "name": "服务器", "amount": "2000.00", "tax_rate": "0.13", "tax": "260.00" },
                      { "name": "运维服务", "amount": "500.00", "tax_rate": "0.06", "tax": "30.00" }],
            "total_amount": "2500.00", "total_tax": "290.00" })
}

async fn act(r: &Router, who: &str, code: &str, version: i64, action: A, valid_until: &str) -> Result<CapabilityPage, AppError> {
    call_json(r, CapabilityAct::PATH, json!({ "code": code, "version": version, "action": action, "valid_until": valid_until }), who).await
}

async fn page(r: &Router, who: &str, code: &str) -> CapabilityPage {
    call_typed(r, CapabilityDetail::PATH, &[("code", code)], who).await.unwrap()
}

async fn decide(r: &Router, who: &str, id: i64, version: i64, action: A, reason: &str) -> Result<CapabilityReview, AppError> {
    call_json(r, CapabilityDecide::PATH, json!({ "id": id, "version": version, "action": action, "reason": reason }), who).await
}

async fn run_both_cases(r: &Router, sys: &mut System) -> String {
    let (status, ok) = sys.case(r, "blue_invoice", "blue_single_line", blue_one()).await;
    assert_eq!(status, 200, "{ok}");
    assert_eq!(ok["passed"], true);
    let (status, ok2) = sys.case(r, "blue_invoice", "blue_multi_rate", blue_two()).await;
    assert_eq!(status, 200, "{ok2}");
    ok["invoice_no"].as_str().unwrap().to_string()
}

async fn subscribe_test_report_confirm(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    let r = server::web::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    let shule = login(&r, SHULE, "王建国", "LegalRepresentative").await.unwrap();

    // 【能力中心】: every capability with 开通状态 and 有效期.
    let center: CapabilityCenter = call_typed(&r, CapabilityList::PATH, &[], &shule).await.unwrap();
    assert_eq!(center.qualification_end.as_deref(), Some("2027-12-31"));
    let row = |c: &CapabilityCenter, code: &str| c.rows.iter().find(|x| x.code == code).unwrap().clone();
    let query = row(&center, "invoice_query");
    assert!(query.public && query.status.is_open() && query.valid_until.as_deref() == Some("2027-12-31") && query.actions.is_empty());
    let blue = row(&center, "blue_invoice");
    assert_eq!((blue.status.clone(), blue.actions.clone(), blue.version), (S::NotSubscribed, vec![A::Subscribe], 0));
    let oil = row(&center, "refined_oil_invoice");
    assert!(oil.actions.is_empty() && oil.refusal.as_deref().unwrap().contains("成品油经营许可"), "{oil:?}");

    // Refused: a public capability, a missing qualification, an unknown one.
    assert!(matches!(act(&r, &shule, "invoice_query", 0, A::Subscribe, "").await, Err(AppError::Refused(m)) if m.contains("公用基础能力无需订阅")));
    assert!(matches!(act(&r, &shule, "refined_oil_invoice", 0, A::Subscribe, "").await, Err(AppError::Refused(m)) if m.contains("成品油经营许可")));
    assert_eq!(act(&r, &shule, "nope", 0, A::Subscribe, "").await.unwrap_err(), AppError::NotFound);

    // 订阅 → 待测试; a second 订阅 at the old version is a conflict.
    let p = act(&r, &shule, "blue_invoice", 0, A::Subscribe, "").await.unwrap();
    assert_eq!(p.row.status, S::AwaitingTest);
    assert!(p.row.actions.is_empty(), "no report before the cases pass");
    assert_eq!(p.cases.len(), 2);
    assert!(p.cases.iter().all(|c| c.passed.is_none()));
    assert_eq!(act(&r, &shule, "blue_invoice", 0, A::Subscribe, "").await.unwrap_err(), AppError::Conflict);
    assert!(matches!(act(&r, &shule, "blue_invoice", p.row.version, A::GenerateReport, "").await, Err(AppError::Refused(m)) if m.contains("尚未全部通过")));

    // The unit's system: its signed credential.
    let issued: IssuedSecret = call_typed(&r, IssueApiCredential::PATH, &[], &shule).await.unwrap();
    let mut sys = System { app_id: issued.app_id, secret: issued.secret, clock: clock.clone(), n: 0 };

    // Forged signature, malformed JSON, an unknown capability or case: refused, nothing stored.
    let body = json!({ "capability": "blue_invoice", "case": "blue_single_line", "request": blue_one() }).to_string();
    assert_eq!(sys.call(&r, &body, true).await.0, 401);
    let (status, e) = sys.call(&r, "{not json", false).await;
    assert_eq!((status, e["code"].as_str()), (400, Some("bad_json")));
    assert_eq!(sys.case(&r, "nope", "blue_single_line", blue_one()).await.0, 404);
    assert_eq!(sys.case(&r, "blue_invoice", "nope", blue_one()).await.0, 404);
    let (status, e) = sys.call(&r, &format!("{{\"capability\":\"blue_invoice\",\"case\":\"blue_single_line\",\"request\":{{\"x\":\"{}\"}}}}", "x".repeat(300_000)), false).await;
    assert_eq!((status, e["code"].as_str()), (413, Some("body_too_large")));
    assert!(page(&r, &shule, "blue_invoice").await.cases.iter().all(|c| c.passed.is_none()), "nothing stored");

    // A bad request fails its case with the field error.
    let mut bad = blue_one();
    bad["buyer_credit_code"] = json!("91510100MA6CLQ012X");
    let (status, e) = sys.case(&r, "blue_invoice", "blue_single_line", bad).await;
    assert_eq!((status, e["code"].as_str()), (422, Some("case_failed")), "{e}");
    assert_eq!(e["fields"][0]["field"], "buyer_credit_code");
    let p = page(&r, &shule, "blue_invoice").await;
    let c0 = &p.cases[0];
    assert_eq!(c0.passed, Some(false));
    assert_eq!(c0.request_id.as_deref(), e["request_id"].as_str());
    assert_eq!(c0.errors[0].field, "buyer_credit_code");
    assert!(c0.request_body.as_deref().unwrap().contains("91510100MA6CLQ012X"));

    // Good requests pass both cases: 【生成测试报告】 is offered.
    run_both_cases(&r, &mut sys).await;
    let p = page(&r, &shule, "blue_invoice").await;
    assert!(p.cases.iter().all(|c| c.passed == Some(true)), "{:?}", p.cases);
    assert_eq!(p.row.actions, [A::GenerateReport]);
    let p = act(&r, &shule, "blue_invoice", p.row.version, A::GenerateReport, "").await.unwrap();
    assert_eq!(p.row.status, S::TestPassed);
    let report = p.report.clone().unwrap();
    assert_eq!(report.cases.len(), 2);
    assert_eq!(report.credit_code, SHULE);
    assert_eq!(p.row.actions, [A::SubmitReport]);

    // 提交税务机关确认: 有效期 within the unit's qualification term.
    let e = act(&r, &shule, "blue_invoice", p.row.version, A::SubmitReport, "2028-06-30").await.unwrap_err();
    assert_eq!(e.message_for("valid_until").as_deref(), Some("有效期不能超过本单位乐企资格有效期（2027-12-31）"));
    assert!(act(&r, &shule, "blue_invoice", p.row.version, A::SubmitReport, "2025-01-01").await.unwrap_err().message_for("valid_until").is_some());
    let p = act(&r, &shule, "blue_invoice", p.row.version, A::SubmitReport, "2026-12-31").await.unwrap();
    assert_eq!(p.row.status, S::AwaitingConfirmation { valid_until: "2026-12-31".into() });

    // Another office sees nothing and cannot decide; the unit's own office does.
    let gx = officer(&r, "sc_gx_shouli").await;
    let q: Vec<CapabilityReview> = call_typed(&r, CapabilityQueue::PATH, &[], &gx).await.unwrap();
    assert!(q.is_empty());
    let jj = officer(&r, "sc_jj_shouli").await;
    let q: Vec<CapabilityReview> = call_typed(&r, CapabilityQueue::PATH, &[], &jj).await.unwrap();
    assert_eq!(q.len(), 1);
    let item = q[0].clone();
    assert_eq!((item.credit_code.as_str(), item.capability_name.as_str(), item.valid_until.as_deref()), (SHULE, "蓝字发票开具", Some("2026-12-31")));
    assert_eq!(item.actions, [A::Confirm, A::Return]);
    assert_eq!(item.report.as_ref().unwrap().cases.len(), 2);
    assert_eq!(decide(&r, &gx, item.id, item.version, A::Confirm, "").await.unwrap_err(), AppError::NotFound);
    // A taxpayer cannot decide its own report.
    assert_eq!(decide(&r, &shule, item.id, item.version, A::Confirm, "").await.unwrap_err(), AppError::Forbidden);

    // 退回 needs a reason; then the unit tests again.
    assert!(decide(&r, &jj, item.id, item.version, A::Return, " ").await.unwrap_err().message_for("reason").is_some());
    let back = decide(&r, &jj, item.id, item.version, A::Return, "行业不具备能力适用条件").await.unwrap();
    assert_eq!(back.status, S::Returned { reason: "行业不具备能力适用条件".into() });
    assert_eq!(decide(&r, &jj, item.id, item.version, A::Confirm, "").await.unwrap_err(), AppError::Conflict, "a stale decision");
    let p = page(&r, &shule, "blue_invoice").await;
    assert_eq!(p.row.actions, [A::Retest]);
    let p = act(&r, &shule, "blue_invoice", p.row.version, A::Retest, "").await.unwrap();
    assert_eq!(p.row.status, S::AwaitingTest);
    assert!(p.cases.iter().all(|c| c.passed.is_none()), "a new round: earlier results no longer count");
    assert!(p.report.is_none());
    let blue_no = run_both_cases(&r, &mut sys).await;
    let p = act(&r, &shule, "blue_invoice", p.row.version, A::GenerateReport, "").await.unwrap();
    act(&r, &shule, "blue_invoice", p.row.version, A::SubmitReport, "2026-12-31").await.unwrap();
    let q: Vec<CapabilityReview> = call_typed(&r, CapabilityQueue::PATH, &[], &jj).await.unwrap();
    let opened = decide(&r, &jj, q[0].id, q[0].version, A::Confirm, "").await.unwrap();
    assert_eq!(opened.status, S::Opened { valid_until: "2026-12-31".into() });
    let p = page(&r, &shule, "blue_invoice").await;
    assert_eq!((p.row.status.clone(), p.row.valid_until.as_deref()), (S::Opened { valid_until: "2026-12-31".into() }, Some("2026-12-31")));
    let steps: Vec<&str> = p.timeline.iter().map(|t| t.action.as_str()).collect();
    assert_eq!(steps, ["能力订阅", "生成测试报告", "提交能力测试报告", "退回能力订阅请求", "重新测试", "生成测试报告", "提交能力测试报告", "确认通过能力测试报告"]);
    assert_eq!(p.timeline[3].reason.as_deref(), Some("行业不具备能力适用条件"));
    // Every step has its audit record.
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind IN ('能力订阅', '生成测试报告', '提交能力测试报告', '退回能力订阅请求', '重新测试', '确认通过能力测试报告')")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(audited, 8);

    // A red-letter case references a blue invoice issued earlier in the same sandbox.
    let p = act(&r, &shule, "red_invoice", 0, A::Subscribe, "").await.unwrap();
    assert_eq!(p.row.status, S::AwaitingTest);
    let (status, e) = sys.case(&r, "red_invoice", "red_full", json!({ "original_invoice_no": "26000000000000000000", "reason": "销货退回", "amount": "1.00" })).await;
    assert_eq!((status, e["fields"][0]["field"].as_str()), (422, Some("original_invoice_no")));
    let (status, _) = sys.case(&r, "red_invoice", "red_full", json!({ "original_invoice_no": blue_no, "reason": "销货退回", "amount": "1000.00" })).await;
    assert_eq!(status, 200);
    assert_eq!(page(&r, &shule, "red_invoice").await.row.actions, [A::GenerateReport]);

    // Another unit sees none of it, and its calls cannot touch it.
    let caoyuan = login(&r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let theirs: CapabilityCenter = call_typed(&r, CapabilityList::PATH, &[], &caoyuan).await.unwrap();
    assert_eq!(row(&theirs, "blue_invoice").status, S::NotSubscribed);
    assert!(row(&theirs, "refined_oil_invoice").actions.contains(&A::Subscribe), "草原云链 holds 成品油经营许可");
    assert!(page(&r, &caoyuan, "blue_invoice").await.cases.iter().all(|c| c.passed.is_none()));
    assert_eq!(decide(&r, &caoyuan, opened.id, opened.version, A::Return, "x").await.unwrap_err(), AppError::Forbidden);
    let nm = officer(&r, "nm_sh_shouli").await;
    assert_eq!(decide(&r, &nm, opened.id, opened.version, A::Return, "x").await.unwrap_err(), AppError::NotFound);
    let issued: IssuedSecret = call_typed(&r, IssueApiCredential::PATH, &[], &caoyuan).await.unwrap();
    let mut other = System { app_id: issued.app_id, secret: issued.secret, clock: clock.clone(), n: 1000 };
    let (status, e) = other.case(&r, "blue_invoice", "blue_single_line", blue_one()).await;
    assert_eq!((status, e["code"].as_str()), (422, Some("refused")), "{e}");
    // A unit that is not a direct unit has no 能力中心.
    let soft = login(&r, SHULE_SOFT, "郑浩", "LegalRepresentative").await.unwrap();
    assert!(matches!(call_typed::<CapabilityCenter>(&r, CapabilityList::PATH, &[], &soft).await, Err(AppError::Refused(m)) if m.contains("不是乐企直连单位")));

    // At expiry the capability is 已到期 and needs a new subscription.
    let after = Timestamp::parse_beijing_date("2027-01-01").unwrap().0 - clock.now().0;
    clock.advance_secs(after / 1000 + 60);
    let shule = login(&r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    // The hourly job stores it as 已到期 with its timeline entry and audit record (once).
    let job = ctx(store, clock.clone(), Mode::Demo);
    assert_eq!(server::jobs::run_once(&job, 365).await, None);
    assert_eq!(app::services::capability::expire_due(&job).await.unwrap(), 0, "already expired");
    let p = page(&r, &shule, "blue_invoice").await;
    assert_eq!(p.timeline.last().map(|t| (t.action.as_str(), t.to.as_str())), Some(("能力到期", "已到期")));
    let expired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = '能力到期'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(expired, 1);
    let center: CapabilityCenter = call_typed(&r, CapabilityList::PATH, &[], &shule).await.unwrap();
    let blue = row(&center, "blue_invoice");
    assert_eq!((blue.status.clone(), blue.actions.clone()), (S::Expired { valid_until: "2026-12-31".into() }, vec![A::Subscribe]));
    let p = act(&r, &shule, "blue_invoice", blue.version, A::Subscribe, "").await.unwrap();
    assert_eq!(p.row.status, S::AwaitingTest);
    assert!(p.cases.iter().all(|c| c.passed.is_none()));
}

on_both_backends!(subscribe_test_report_confirm);
