//! 能力中心 end to end through the server fns and the signed 测试中心 (issue #12), on SQLite
//! and PostgreSQL: 订阅 → sandbox cases (a bad request fails its case with the field error, a
//! good one passes it; a forged signature, malformed JSON or an unknown capability store
//! nothing) → 生成测试报告 → 提交税务机关确认 → the officer 退回 → 重新测试 → 确认通过 →
//! 已开通 with the chosen 有效期 → 已到期 when it passes; another unit and another office see
//! none of it.

mod common;

use common::http::officer;
use std::net::SocketAddr;
use std::sync::Arc;

use app::api_credentials::api::{IssueApiCredential, IssuedSecret};
use app::capability::api::*;
use app::api_credentials::rules::canonical_string;
use app::capability::rules::{CapabilityAction as A, CapabilityStatus as S};
use app::kernel::Timestamp;
use app::error::AppError;
use app::context::outside::Clock;
use app::context::Mode;
use app::api_credentials::service::{sha256_hex, sign};
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


/// The unit's own system calling the 测试中心 with its signed credential.
struct System {
    app_id: String,
    secret: String,
    clock: Arc<TestClock>,
    n: u32,
}

impl System {
    async fn call(&mut self, r: &Router, body: &str, forged: bool) -> (u16, Value) {
        self.post(r, "/openapi/v1/sandbox/cases", body, forged).await
    }

    /// A production capability call (acting for `use_unit` when given).
    async fn use_capability(&mut self, r: &Router, code: &str, use_unit: Option<&str>, request: Value) -> (u16, Value) {
        let body = json!({ "use_unit": use_unit, "request": request }).to_string();
        self.post(r, &format!("/openapi/v1/capabilities/{code}"), &body, false).await
    }

    async fn get(&mut self, r: &Router, path: &str) -> (u16, Value) {
        self.send(r, "GET", path, "", false).await
    }

    async fn post(&mut self, r: &Router, path: &str, body: &str, forged: bool) -> (u16, Value) {
        self.send(r, "POST", path, body, forged).await
    }

    async fn send(&mut self, r: &Router, method: &str, path: &str, body: &str, forged: bool) -> (u16, Value) {
        self.n += 1;
        let nonce = format!("capability-{:010}-{}", self.n, self.app_id.len());
        let now = self.clock.now().0;
        let canonical = canonical_string(method, path, "", now, &nonce, &sha256_hex(body.as_bytes()));
        let signature = if forged { "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_string() } else { sign(&self.secret, &canonical) };
        let mut req = Request::builder()
            .method(method)
            .uri(path)
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
    let r = server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
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
    assert_eq!(app::capability::service::expire_due(&job).await.unwrap(), 0, "already expired");
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

// ---------------------------------------------------------------------------
// 能力授权 to use units and 能力预授权 (guideline-sichuan 第四章 四; manual §3.4.1.1)
// ---------------------------------------------------------------------------

use app::invitation::api::{BatchOutcome, InvitationAct, InvitationDetail, InvitationView, ListInvitations, SubmitInvitations, UnbindUseUnits, FailedRowView, InvitationPage};
use app::capability_grant::rules::{GrantAction as G, GrantStatus as GS};
use app::invitation::rules::{InvitationAction, InvitationStatus, InviteRowInput};

const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");
const SOFT: (&str, &str) = (SHULE_SOFT, "成都蜀乐软件有限公司");
const MIANYANG: (&str, &str) = ("91510703MA6CLQ011C", "四川蜀乐科技集团有限公司绵阳分公司");
const BT_FGS: (&str, &str) = ("91150203MA0NCY041D", "内蒙古草原云链能源股份有限公司包头分公司");

async fn setup(store: &SqlStore) -> (Router, Arc<TestClock>, tempfile::TempDir) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    let r = server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    (r, clock, dir)
}

async fn system(r: &Router, who: &str, clock: &Arc<TestClock>) -> System {
    let issued: IssuedSecret = call_typed(r, IssueApiCredential::PATH, &[], who).await.unwrap();
    System { app_id: issued.app_id, secret: issued.secret, clock: clock.clone(), n: 0 }
}

/// 订阅 → every case passed → 测试报告 → 提交 → the office's 确认通过: 已开通 until `until`.
async fn open(r: &Router, who: &str, sys: &mut System, code: &str, cases: &[(&str, Value)], desk: &str, until: &str) {
    let p = act(r, who, code, 0, A::Subscribe, "").await.unwrap();
    for (case, body) in cases {
        let (status, e) = sys.case(r, code, case, body.clone()).await;
        assert_eq!(status, 200, "{e}");
    }
    let p = act(r, who, code, p.row.version + 0, A::GenerateReport, "").await.unwrap();
    act(r, who, code, p.row.version, A::SubmitReport, until).await.unwrap();
    let officer = officer(r, desk).await;
    let q: Vec<CapabilityReview> = call_typed(r, CapabilityQueue::PATH, &[], &officer).await.unwrap();
    let item = q.iter().find(|i| i.capability_name == app::capability::rules::find(code).unwrap().name).unwrap();
    decide(r, &officer, item.id, item.version, A::Confirm, "").await.unwrap();
}

async fn invite(r: &Router, who: &str, unit: (&str, &str), province: &str, relationship: &str, pre: bool) -> i64 {
    let row = InviteRowInput { credit_code: unit.0.into(), name: unit.1.into(), province: province.into(), relationship: relationship.into(), pre_authorize: if pre { "是" } else { "否" }.into() };
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [row], "proof_material_id": null }), who).await.unwrap();
    assert_eq!((out.invited, out.failed.len()), (1, 0), "{:?}", out.failed);
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "status": "", "search": unit.0, "before_id": null } }), who).await.unwrap();
    page.rows[0].id
}

async fn inv_act(r: &Router, who: &str, id: i64, action: InvitationAction) {
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], who).await.unwrap();
    let _: app::kernel::Acted = call_json(r, InvitationAct::PATH, json!({ "id": id, "version": v.version, "action": action, "reason": "", "invoicer_link_ids": [], "period_code": "" }), who).await.unwrap();
}

/// 自用类: the use unit 确认, its office 受理 and 确认通过: bound.
async fn bind(r: &Router, id: i64, user: &str, desks: (&str, &str)) -> InvitationView {
    inv_act(r, user, id, InvitationAction::Confirm).await;
    inv_act(r, &officer(r, desks.0).await, id, InvitationAction::Accept).await;
    let fuhe = officer(r, desks.1).await;
    inv_act(r, &fuhe, id, InvitationAction::ConfirmPass).await;
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], user).await.unwrap();
    assert_eq!(v.status, InvitationStatus::Confirmed);
    v
}

async fn grants(r: &Router, who: &str) -> GrantCenter {
    call_typed(r, CapabilityGrants::PATH, &[], who).await.unwrap()
}

async fn grant(r: &Router, who: &str, code: &str, ids: &[i64]) -> Result<Vec<GrantRowResult>, AppError> {
    call_json(r, CapabilityGrant::PATH, json!({ "code": code, "invitation_ids": ids }), who).await
}

async fn grant_act(r: &Router, who: &str, g: &GrantView, action: G, reason: &str) -> Result<GrantView, AppError> {
    call_json(r, CapabilityGrantAct::PATH, json!({ "id": g.id, "version": g.version, "action": action, "reason": reason }), who).await
}

fn find<'a>(list: &'a [GrantView], code: &str, unit: &str) -> &'a GrantView {
    list.iter().find(|g| g.capability_code == code && (g.use_code == unit || g.direct_code == unit)).unwrap_or_else(|| panic!("a grant of {code} with {unit}: {list:?}"))
}

/// 【消息中心】 messages of kind 能力授权 to a unit with this title.
async fn told(store: &SqlStore, code: &str, title: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages m JOIN enterprises e ON e.id = m.enterprise_id WHERE e.credit_code = $1 AND m.kind = 'capability_grant' AND m.title = $2")
        .bind(code.to_string())
        .bind(title.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn audit_count(store: &SqlStore, kind: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = $1").bind(kind.to_string()).fetch_one(store.pool()).await.unwrap()
}

async fn grant_confirm_call_revoke_expire(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let shule = login(&r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let mut sys = system(&r, &shule, &clock).await;
    open(&r, &shule, &mut sys, "blue_invoice", &[("blue_single_line", blue_one()), ("blue_multi_rate", blue_two())], "sc_jj_shouli", "2026-12-31").await;

    // Bound use units: 物业 (no 能力预授权) and 软件 (能力预授权 是); 绵阳 invited, not yet bound.
    let wuye_inv = invite(&r, &shule, WUYE, "国家税务总局四川省税务局", "其他控制关系", false).await;
    let wuye = login(&r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    bind(&r, wuye_inv, &wuye, ("sc_jj_shouli", "sc_jj_fuhe")).await;
    assert!(grants(&r, &wuye).await.received.is_empty(), "no 能力预授权, no grant");
    let soft_inv = invite(&r, &shule, SOFT, "国家税务总局四川省税务局", "母子公司关系", true).await;
    let soft = login(&r, SOFT.0, "郑浩", "LegalRepresentative").await.unwrap();
    let bound = bind(&r, soft_inv, &soft, ("sc_gx_shouli", "sc_gx_fuhe")).await;
    let my_inv = invite(&r, &shule, MIANYANG, "国家税务总局四川省税务局", "总分公司关系", false).await;

    // 能力预授权 became pending grants at binding: every capability open for 蜀乐, each 待确认,
    // noted in the invitation's timeline and the binding's audit record.
    let received = grants(&r, &soft).await.received;
    let mut codes: Vec<&str> = received.iter().map(|g| g.capability_code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["blue_invoice", "invoice_query", "use_unit_management"], "{received:?}");
    assert!(received.iter().all(|g| g.status == GS::Pending && !g.usable && g.direct_code == SHULE && g.actions == [G::Confirm, G::Refuse, G::Revoke]));
    assert_eq!(bound.timeline.iter().filter(|t| t.action == "能力预授权").count(), 3, "{:?}", bound.timeline);
    let noted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE description LIKE '%能力预授权：%蓝字发票开具待确认%'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(noted, 1);
    assert_eq!(told(store, SOFT.0, "能力预授权：待确认").await, 1, "the use unit is told (消息中心)");

    // 【授权】 as a batch: 物业 gets it; 绵阳 is not bound; 软件 already has it (待确认); one audit record.
    let center = grants(&r, &shule).await;
    assert!(center.grantable.iter().any(|(c, _)| c == "blue_invoice") && !center.grantable.iter().any(|(c, _)| c == "red_invoice"));
    assert_eq!(center.bound.len(), 2, "only bound use units are offered: {:?}", center.bound);
    let out = grant(&r, &shule, "blue_invoice", &[wuye_inv, my_inv, soft_inv]).await.unwrap();
    assert_eq!(out[0].refusal, None);
    assert!(out[1].refusal.as_deref().unwrap().contains("尚未建立绑定关系"), "{out:?}");
    assert!(out[2].refusal.as_deref().unwrap().contains("已向该使用单位授权蓝字发票开具"), "{out:?}");
    assert_eq!(audit_count(store, "能力授权").await, 1);
    assert_eq!(told(store, WUYE.0, "能力授权（蓝字发票开具）：待确认").await, 1, "the use unit is told (消息中心)");
    assert_eq!(told(store, MIANYANG.0, "能力授权（蓝字发票开具）：待确认").await, 0);
    // Not opened: refused with the reason; nothing stored. Unknown: not found. None chosen: a field error.
    let out = grant(&r, &shule, "red_invoice", &[wuye_inv]).await.unwrap();
    assert!(out[0].refusal.as_deref().unwrap().contains("尚未开通"), "{out:?}");
    assert_eq!(grant(&r, &shule, "nope", &[wuye_inv]).await.unwrap_err(), AppError::NotFound);
    assert!(grant(&r, &shule, "blue_invoice", &[]).await.unwrap_err().message_for("use_units").is_some());
    assert_eq!(audit_count(store, "能力授权").await, 1);

    // The signed API: the direct unit itself may call what it opened, not what it did not;
    // acting for 物业 needs 物业's 确认授权; for 绵阳 a binding.
    let (status, ok) = sys.use_capability(&r, "blue_invoice", None, blue_one()).await;
    assert_eq!(status, 200, "{ok}");
    assert!(ok["invoice_no"].as_str().is_some());
    let (status, e) = sys.use_capability(&r, "red_invoice", None, json!({})).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("CAPABILITY_NOT_OPENED")), "{e}");
    let (status, e) = sys.use_capability(&r, "blue_invoice", Some(WUYE.0), blue_one()).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("CAPABILITY_NOT_GRANTED")), "{e}");
    let (status, e) = sys.use_capability(&r, "blue_invoice", Some(MIANYANG.0), blue_one()).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("USE_UNIT_NOT_BOUND")), "{e}");
    assert_eq!(sys.use_capability(&r, "nope", None, json!({})).await.0, 404);
    // 使用单位管理 (public) is open for 蜀乐: its endpoints answer.
    assert_eq!(sys.get(&r, "/openapi/v1/auth-requests").await.0, 200);

    // The direct unit cannot confirm for the use unit; another unit sees none of it.
    let pending = find(&grants(&r, &wuye).await.received, "blue_invoice", WUYE.0).clone();
    assert_eq!(pending.direct_name, "四川蜀乐科技集团有限公司");
    let made = find(&grants(&r, &shule).await.made, "blue_invoice", WUYE.0).clone();
    assert_eq!(made.actions, [G::Revoke]);
    assert_eq!(grant_act(&r, &shule, &made, G::Confirm, "").await.unwrap_err(), AppError::Forbidden);
    let caoyuan = login(&r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let theirs = grants(&r, &caoyuan).await;
    assert!(theirs.made.is_empty() && theirs.received.is_empty());
    assert_eq!(grant_act(&r, &caoyuan, &pending, G::Confirm, "").await.unwrap_err(), AppError::NotFound);
    assert_eq!(grant(&r, &caoyuan, "invoice_query", &[wuye_inv]).await.unwrap_err(), AppError::NotFound);

    // 物业 【确认授权】: 已授权, and 蜀乐's system may now call for it.
    let granted = grant_act(&r, &wuye, &pending, G::Confirm, "").await.unwrap();
    assert_eq!((granted.status.clone(), granted.usable, granted.actions.clone()), (GS::Granted, true, vec![G::Revoke]));
    assert_eq!(grant_act(&r, &wuye, &pending, G::Confirm, "").await.unwrap_err(), AppError::Conflict, "a stale version");
    assert_eq!(told(store, SHULE, "能力授权（蓝字发票开具）：已授权").await, 1, "the direct unit is told of the answer");
    let (status, ok) = sys.use_capability(&r, "blue_invoice", Some(WUYE.0), blue_one()).await;
    assert_eq!((status, ok["use_unit"].as_str()), (200, Some(WUYE.0)), "{ok}");
    let mut bad = blue_one();
    bad["total_amount"] = json!("1.00");
    let (status, e) = sys.use_capability(&r, "blue_invoice", Some(WUYE.0), bad).await;
    assert_eq!((status, e["code"].as_str(), e["fields"][0]["field"].as_str()), (422, Some("invalid_request"), Some("total_amount")), "{e}");
    // Granted for blue_invoice only: invoice_query for 物业 is not granted.
    let (status, e) = sys.use_capability(&r, "invoice_query", Some(WUYE.0), json!({ "start_date": "2026-11-01", "end_date": "2026-11-30" })).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("CAPABILITY_NOT_GRANTED")));

    // 软件 【拒绝】 one and confirms another.
    let received = grants(&r, &soft).await.received;
    let refused = grant_act(&r, &soft, find(&received, "blue_invoice", SOFT.0), G::Refuse, "暂不需要").await.unwrap();
    assert_eq!(refused.status, GS::Refused { reason: "暂不需要".into() });
    assert!(refused.actions.is_empty());
    grant_act(&r, &soft, find(&received, "invoice_query", SOFT.0), G::Confirm, "").await.unwrap();
    let (status, _) = sys.use_capability(&r, "invoice_query", Some(SOFT.0), json!({ "start_date": "2026-11-01", "end_date": "2026-11-30" })).await;
    assert_eq!(status, 200);

    // 【撤销授权】 by the use unit: no more calls for it; 蜀乐 grants again, 物业 confirms again.
    let revoked = grant_act(&r, &wuye, &granted, G::Revoke, "").await.unwrap();
    assert_eq!(revoked.status, GS::Revoked { by: "使用单位".into() });
    assert_eq!(sys.use_capability(&r, "blue_invoice", Some(WUYE.0), blue_one()).await.1["code"], "CAPABILITY_NOT_GRANTED");
    assert_eq!(grant(&r, &shule, "blue_invoice", &[wuye_inv]).await.unwrap()[0].refusal, None);
    let again = grants(&r, &wuye).await.received.into_iter().find(|g| g.capability_code == "blue_invoice" && g.status == GS::Pending).unwrap();
    let again = grant_act(&r, &wuye, &again, G::Confirm, "").await.unwrap();
    assert_eq!(sys.use_capability(&r, "blue_invoice", Some(WUYE.0), blue_one()).await.0, 200);
    // Every step has its timeline entry and audit record.
    assert_eq!(again.timeline.iter().map(|t| t.action.as_str()).collect::<Vec<_>>(), ["能力授权", "确认能力授权"]);
    assert_eq!((audit_count(store, "确认能力授权").await, audit_count(store, "拒绝能力授权").await, audit_count(store, "撤销能力授权").await), (3, 1, 1));

    // 解除绑定 of 软件: its active grants end (已终止) in the binding's transaction.
    let failed: Vec<FailedRowView> = call_json(&r, UnbindUseUnits::PATH, json!({ "ids": [soft_inv], "reason": "业务调整" }), &shule).await.unwrap();
    assert!(failed.is_empty(), "{failed:?}");
    let after = grants(&r, &soft).await.received;
    assert_eq!(find(&after, "invoice_query", SOFT.0).status, GS::Ended { reason: "绑定关系已解除".into() });
    assert_eq!(find(&after, "use_unit_management", SOFT.0).status, GS::Ended { reason: "绑定关系已解除".into() });
    assert_eq!(find(&after, "blue_invoice", SOFT.0).status, GS::Refused { reason: "暂不需要".into() }, "a final status stays");
    let ended: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM capability_grants WHERE status_code = 'ended'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(ended, 2);
    assert_eq!(sys.use_capability(&r, "invoice_query", Some(SOFT.0), json!({ "start_date": "2026-11-01", "end_date": "2026-11-30" })).await.1["code"], "USE_UNIT_NOT_BOUND");

    // Expiry: 蓝字发票开具 is 已到期 for 蜀乐; 物业's grant ends (stored by the hourly job, with
    // its timeline entry); neither may call it.
    let to = Timestamp::parse_beijing_date("2027-01-01").unwrap().0 - clock.now().0;
    clock.advance_secs(to / 1000 + 60);
    let job = ctx(store, clock.clone(), Mode::Demo);
    assert_eq!(server::jobs::run_once(&job, 365).await, None);
    let wuye = login(&r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    let g = find(&grants(&r, &wuye).await.received, "blue_invoice", WUYE.0).clone();
    let g = grants(&r, &wuye).await.received.into_iter().find(|x| x.id == again.id).unwrap_or(g);
    assert_eq!((g.status.clone(), g.usable), (GS::Ended { reason: "直连单位的能力已到期".into() }, false));
    assert_eq!(g.timeline.last().map(|t| t.action.as_str()), Some("能力授权终止"));
    sys.clock = clock.clone();
    let (status, e) = sys.use_capability(&r, "blue_invoice", Some(WUYE.0), blue_one()).await;
    assert_eq!((status, e["code"].as_str()), (403, Some("CAPABILITY_NOT_OPENED")), "{e}");
    assert_eq!(sys.use_capability(&r, "blue_invoice", None, blue_one()).await.0, 403);
}

on_both_backends!(grant_confirm_call_revoke_expire);

/// 能力预授权 skips a capability the use unit does not fit (its qualification), with the
/// reason in the invitation's timeline; a direct grant of it is refused the same way.
async fn pre_authorization_skips_what_does_not_fit(store: &SqlStore) {
    let (r, clock, _dir) = setup(store).await;
    let cy = login(&r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let mut sys = system(&r, &cy, &clock).await;
    let oil = json!({ "buyer_credit_code": "91150203MA0NCY021B", "buyer_name": "包头草原云链储运有限公司",
                      "items": [{ "name": "柴油", "amount": "1000.00", "tax_rate": "0.13", "tax": "130.00" }],
                      "total_amount": "1000.00", "total_tax": "130.00" });
    // 有效期: at most the unit's 乐企资格有效期 (the demo's 草原云链 is within 3 months of its end).
    let center: CapabilityCenter = call_typed(&r, CapabilityList::PATH, &[], &cy).await.unwrap();
    let until = center.qualification_end.clone().unwrap();
    open(&r, &cy, &mut sys, "refined_oil_invoice", &[("refined_oil_blue", oil)], "nm_sh_shouli", &until).await;
    let id = invite(&r, &cy, BT_FGS, "国家税务总局内蒙古自治区税务局", "总分公司关系", true).await;
    let user = login(&r, BT_FGS.0, "额尔敦", "LegalRepresentative").await.unwrap();
    let bound = bind(&r, id, &user, ("nm_bt_shouli", "nm_bt_fuhe")).await;
    let received = grants(&r, &user).await.received;
    assert!(received.iter().all(|g| g.capability_code != "refined_oil_invoice"), "{received:?}");
    assert!(received.iter().any(|g| g.capability_code == "invoice_query"));
    let skipped = bound.timeline.iter().find(|t| t.action == "能力预授权" && t.reason.as_deref().is_some_and(|r| r.starts_with("成品油发票开具"))).unwrap();
    assert_eq!(skipped.reason.as_deref(), Some("成品油发票开具：使用单位不具备成品油经营许可，不能授权成品油发票开具（须按使用单位的所属行业、资质资格授权）"));
    let noted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE description LIKE '%成品油发票开具未授权%'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(noted, 1);
    let out = grant(&r, &cy, "refined_oil_invoice", &[id]).await.unwrap();
    assert!(out[0].refusal.as_deref().unwrap().contains("不具备成品油经营许可"), "{out:?}");
    // With the qualification, it is granted.
    sqlx::query("INSERT INTO enterprise_qualifications (enterprise_id, qualification) SELECT id, '成品油经营许可' FROM enterprises WHERE credit_code = $1")
        .bind(BT_FGS.0)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(grant(&r, &cy, "refined_oil_invoice", &[id]).await.unwrap()[0].refusal, None);
}

on_both_backends!(pre_authorization_skips_what_does_not_fit);
