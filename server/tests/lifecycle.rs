//! The qualification lifecycle after 确认通过 (issue #13) through the server fns,
//! the signed API and the scheduler, on SQLite and PostgreSQL: 资格延续 → a new
//! 资格有效期至; a 事项变更 of the addresses changes what the API accepts only once
//! confirmed; a 终止服务备案 stops new use units and ends the bindings on its end
//! date; the scheduler reminds once each, throttles, terminates, and two instances
//! do the work once; another unit and another office get 未找到. A binding that ends owes the
//! direct unit's 关系变化报告 within 3 days: shown with its last day, flagged 已逾期 (to the unit and
//! its tax office's console) the day after, still taken late.

mod common;

use common::http::officer;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use app::access::api::{AccessOverview, AccessSummary};
use app::api_credentials::api::{IssueApiCredential, IssuedSecret};
use app::invitation::api::{BatchOutcome, ListInvitations, SubmitInvitations};
use app::invitation::model::InvitationPage;
use app::invitation::rules::InviteRowInput;
use app::lifecycle::api::*;
use app::kernel::Acted;
use app::api_credentials::rules::canonical_string;
use app::lifecycle::rules::{ChangeItem, RequestAction, RequestKind, RequestStatus, UnitAction, UnitStatus, THROTTLED_PER_MINUTE};
use app::kernel::Day;
use app::error::AppError;
use app::context::outside::Clock;
use app::context::{Ctx, Mode};
use app::api_credentials::service::{sha256_hex, sign};
use app::lifecycle::service::scheduler_pass;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::TestClock;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use server::store::SqlStore;
use sqlx::Row;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
static NONCES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

struct Env {
    router: Router,
    clock: Arc<TestClock>,
    ctx: Ctx,
    _dir: tempfile::TempDir,
}

async fn setup(store: &SqlStore) -> Env {
    common::seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = common::clock();
    let ctx = common::ctx(store, clock.clone(), Mode::Demo);
    let router = server::http::router(ctx.clone(), dir.path());
    Env { router, clock, ctx, _dir: dir }
}

/// Moves the clock to 10:00 (Beijing) of a day.
fn set_day(clock: &TestClock, day: &str) {
    clock.0.store(Day::parse(day).unwrap().start().0 + 10 * 3600 * 1000, Ordering::SeqCst);
}


async fn overview(r: &Router, who: &str) -> UnitLifecycle {
    call_typed(r, LifecycleOverview::PATH, &[], who).await.unwrap()
}

async fn act(r: &Router, who: &str, id: i64, action: RequestAction, reason: &str, granted_end: &str) -> Result<Acted, AppError> {
    let case: RequestCase = call_typed(r, OfficerRequest::PATH, &[("id", &id.to_string())], who).await?;
    call_json(r, RequestAct::PATH, json!({ "id": id, "version": case.request.version, "action": action, "reason": reason, "granted_end": granted_end }), who).await
}

/// A signed API call from `ip`.
async fn api(r: &Router, issued: &IssuedSecret, now: i64, ip: [u8; 4], method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let nonce = format!("life-nonce-{:010}", NONCES.fetch_add(1, Ordering::SeqCst));
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let canonical = canonical_string(method, path, "", now, &nonce, &sha256_hex(body.as_bytes()));
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .header("X-Leqi-AppId", &issued.app_id)
        .header("X-Leqi-Timestamp", now.to_string())
        .header("X-Leqi-Nonce", nonce)
        .header("X-Leqi-Signature", sign(&issued.secret, &canonical))
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40_000))));
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn wuye() -> InviteRowInput {
    InviteRowInput { credit_code: "91510104MA6CLQ0132".into(), name: "四川蜀乐物业服务有限公司".into(), province: "国家税务总局四川省税务局".into(), relationship: "其他控制关系".into(), pre_authorize: "否".into() }
}

/// The titles of the person's messages (【消息中心】), newest first.
async fn message_titles(r: &Router, who: &str) -> Vec<String> {
    let page: app::message::api::MessagePage = call_json(r, app::message::api::MessageList::PATH, json!({ "kind": null, "unread_only": false, "before": null }), who).await.unwrap();
    page.rows.into_iter().map(|m| m.title).collect()
}

async fn open_invitations(store: &SqlStore, code: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM invitations i JOIN enterprises e ON e.id = i.direct_enterprise_id WHERE e.credit_code = $1 AND i.active = 1")
        .bind(code)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get::<i64, _>("n")
}

async fn reminders(store: &SqlStore, code: &str) -> Vec<String> {
    sqlx::query("SELECT r.kind FROM lifecycle_reminders r JOIN enterprises e ON e.id = r.enterprise_id WHERE e.credit_code = $1 ORDER BY r.sent_at, r.kind")
        .bind(code)
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("kind"))
        .collect()
}

async fn extension_path_gives_a_new_term(store: &SqlStore) {
    let env = setup(store).await;
    let r = &env.router;
    // 3 months − 1 day before 资格有效期至 2027-12-31: not yet.
    set_day(&env.clock, "2027-09-30");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let before = overview(r, &me).await;
    assert_eq!((before.status, before.qualification_end.as_deref()), (UnitStatus::Normal, Some("2027-12-31")));
    assert_eq!(before.deadline.as_ref().map(|d| (d.what.as_str(), d.day.as_str())), Some(("可申请资格延续", "2027-10-01")));
    assert_eq!(before.actions, [UnitAction::RequestChange, UnitAction::FileTermination]);
    let e = call_json::<RequestView>(r, RequestExtension::PATH, json!({ "term": "Long", "reason": "继续使用" }), &me).await.unwrap_err();
    assert_eq!(e, AppError::Refused("资格延续请求自2027-10-01起可以提交（资格有效期至2027-12-31前3个月）".into()));

    // Exactly 3 months before: 即将到期, and 【申请延续】 is offered.
    set_day(&env.clock, "2027-10-01");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let now = overview(r, &me).await;
    assert_eq!(now.status, UnitStatus::ExpiringSoon);
    assert!(now.actions.contains(&UnitAction::RequestExtension));
    let filed: RequestView = call_json(r, RequestExtension::PATH, json!({ "term": "Long", "reason": "继续使用" }), &me).await.unwrap();
    assert_eq!((filed.kind, &filed.status), (RequestKind::Extension, &RequestStatus::PendingAcceptance));
    let again = call_json::<RequestView>(r, RequestExtension::PATH, json!({ "term": "Short", "reason": "" }), &me).await.unwrap_err();
    assert_eq!(again, AppError::Refused("本单位已有待处理的资格延续请求".into()));
    assert!(!overview(r, &me).await.actions.contains(&UnitAction::RequestExtension));

    // The unit's 主管税务机关 (锦江) decides; another office and another province do not see it.
    let jj = officer(r, "sc_jj_shouli").await;
    let queue: Vec<RequestQueueItem> = call_typed(r, OfficerRequests::PATH, &[], &jj).await.unwrap();
    assert_eq!(queue.iter().map(|q| (q.id, q.kind, q.enterprise_name.as_str())).collect::<Vec<_>>(), [(filed.id, RequestKind::Extension, "四川蜀乐科技集团有限公司")]);
    let gx = officer(r, "sc_gx_shouli").await;
    assert!(call_typed::<Vec<RequestQueueItem>>(r, OfficerRequests::PATH, &[], &gx).await.unwrap().is_empty());
    assert_eq!(act(r, &gx, filed.id, RequestAction::Accept, "", "").await.unwrap_err(), AppError::NotFound);
    let nm = officer(r, "nm_sh_shouli").await;
    assert_eq!(call_typed::<RequestCase>(r, OfficerRequest::PATH, &[("id", &filed.id.to_string())], &nm).await.unwrap_err(), AppError::NotFound);
    // A taxpayer is not an officer; another unit sees none of it.
    assert_eq!(call_typed::<Vec<RequestQueueItem>>(r, OfficerRequests::PATH, &[], &me).await.unwrap_err(), AppError::Forbidden);
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    assert!(overview(r, &cy).await.requests.is_empty());

    let case: RequestCase = call_typed(r, OfficerRequest::PATH, &[("id", &filed.id.to_string())], &jj).await.unwrap();
    assert_eq!(case.request.actions, [RequestAction::Accept, RequestAction::Return]);
    assert_eq!(case.unit.status, UnitStatus::ExpiringSoon, "the console shows the unit's status");
    // A stale version is a conflict.
    let stale = call_json::<Acted>(r, RequestAct::PATH, json!({ "id": filed.id, "version": 99, "action": "Accept", "reason": "", "granted_end": "" }), &jj).await.unwrap_err();
    assert_eq!(stale, AppError::Conflict);
    assert_eq!(act(r, &jj, filed.id, RequestAction::Accept, "", "").await.unwrap().status, "待确认");
    let fuhe = officer(r, "sc_jj_fuhe").await;
    assert_eq!(act(r, &fuhe, filed.id, RequestAction::Confirm, "", "2027-06-30").await.unwrap_err().message_for("granted_end").as_deref(), Some("延续后的资格有效期至应晚于2027-12-31"));
    assert_eq!(act(r, &fuhe, filed.id, RequestAction::Return, " ", "").await.unwrap_err().message_for("reason").as_deref(), Some("请填写原因"));
    assert_eq!(act(r, &fuhe, filed.id, RequestAction::Confirm, "", "2029-12-31").await.unwrap().status, "确认通过");

    let after = overview(r, &me).await;
    assert_eq!((after.status, after.qualification_end.as_deref()), (UnitStatus::Normal, Some("2029-12-31")));
    let done = after.requests.iter().find(|q| q.id == filed.id).unwrap();
    assert_eq!(done.granted_end.as_deref(), Some("2029-12-31"));
    assert_eq!(done.timeline.iter().map(|t| t.action.as_str()).collect::<Vec<_>>(), ["提交资格延续请求", "受理", "确认通过"]);
    assert_eq!(done.timeline[2].reason.as_deref(), Some("资格有效期至2029-12-31"));
    let access: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert_eq!(access.unit.qualification_end.as_deref(), Some("2029-12-31"));
    // Each decision became a message for the unit (【消息中心】), written with the change.
    assert_eq!(message_titles(r, &me).await, ["资格延续请求：确认通过", "资格延续请求：待确认"]);
    assert!(message_titles(r, &cy).await.iter().all(|t| !t.starts_with("资格延续请求")));
}

async fn ip_change_counts_only_once_confirmed(store: &SqlStore) {
    let env = setup(store).await;
    let r = &env.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let issued: IssuedSecret = call_typed(r, IssueApiCredential::PATH, &[], &me).await.unwrap();
    let new_ip = [198, 51, 100, 7];
    let now = || env.clock.now().0;
    assert_eq!(api(r, &issued, now(), new_ip, "GET", "/openapi/v1/invitations", None).await.0, StatusCode::FORBIDDEN);
    // A legal-representative change needs the newly signed 服务协议书.
    let e = call_json::<RequestView>(r, RequestChange::PATH, json!({ "input": { "items": ["LegalRepresentative"], "details": "法定代表人变更", "production_ips": "", "test_ips": "", "agreement_material_id": null } }), &me).await.unwrap_err();
    assert_eq!(e.message_for("agreement").as_deref(), Some("法定代表人变更需重新签订并上传《服务协议书》"));
    let e = call_json::<RequestView>(r, RequestChange::PATH, json!({ "input": { "items": ["Ips"], "details": "机房迁移", "production_ips": "198.51.100.999", "test_ips": "10.1.2.3", "agreement_material_id": null } }), &me).await.unwrap_err();
    assert!(e.message_for("ips").is_some_and(|m| m.contains("198.51.100.999")), "{e:?}");
    let filed: RequestView = call_json(r, RequestChange::PATH, json!({ "input": { "items": ["Ips"], "details": "机房迁移", "production_ips": "198.51.100.7", "test_ips": "10.1.2.3", "agreement_material_id": null } }), &me).await.unwrap();
    assert!(matches!(&filed.body, app::lifecycle::rules::RequestBody::Change(c) if c.items == [ChangeItem::Ips]));
    // Filed, not confirmed: the old addresses hold.
    assert_eq!(api(r, &issued, now(), new_ip, "GET", "/openapi/v1/invitations", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(api(r, &issued, now(), [127, 0, 0, 1], "GET", "/openapi/v1/invitations", None).await.0, StatusCode::OK);
    let jj = officer(r, "sc_jj_shouli").await;
    act(r, &jj, filed.id, RequestAction::Accept, "", "").await.unwrap();
    assert_eq!(api(r, &issued, now(), new_ip, "GET", "/openapi/v1/invitations", None).await.0, StatusCode::FORBIDDEN, "受理 is not 确认");
    let fuhe = officer(r, "sc_jj_fuhe").await;
    act(r, &fuhe, filed.id, RequestAction::Confirm, "", "").await.unwrap();
    // Confirmed: the new addresses are the allow-list.
    assert_eq!(api(r, &issued, now(), new_ip, "GET", "/openapi/v1/invitations", None).await.0, StatusCode::OK);
    let (status, body) = api(r, &issued, now(), [127, 0, 0, 1], "GET", "/openapi/v1/invitations", None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("ip_not_filed")), "{body}");
}

async fn termination_stops_invitations_and_ends_bindings(store: &SqlStore) {
    let env = setup(store).await;
    let r = &env.router;
    set_day(&env.clock, "2026-03-01");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [wuye()], "proof_material_id": null }), &me).await.unwrap();
    assert_eq!(out.invited, 1, "{out:?}");
    assert_eq!(open_invitations(store, SHULE).await, 1);
    let issued: IssuedSecret = call_typed(r, IssueApiCredential::PATH, &[], &me).await.unwrap();
    // At least 30 days ahead.
    let e = call_json::<RequestView>(r, FileTermination::PATH, json!({ "end_date": "2026-03-30", "reason": "业务调整" }), &me).await.unwrap_err();
    assert_eq!(e.message_for("end_date").as_deref(), Some("终止日期应至少在2026-03-30之后（至少提前30日备案）"));
    let e = call_json::<RequestView>(r, FileTermination::PATH, json!({ "end_date": "2026-03-31", "reason": " " }), &me).await.unwrap_err();
    assert!(e.message_for("reason").is_some(), "{e:?}");
    let filed: RequestView = call_json(r, FileTermination::PATH, json!({ "end_date": "2026-03-31", "reason": "业务调整" }), &me).await.unwrap();
    assert_eq!(filed.kind, RequestKind::Termination);
    let now = overview(r, &me).await;
    assert_eq!(now.status, UnitStatus::Terminating);
    assert_eq!(now.deadline.as_ref().map(|d| d.day.as_str()), Some("2026-03-31"));
    assert!(now.actions.is_empty(), "nothing new once filed");
    // From filing on: no new use units by the form or the API.
    let e = call_json::<BatchOutcome>(r, SubmitInvitations::PATH, json!({ "rows": [wuye()], "proof_material_id": null }), &me).await.unwrap_err();
    assert_eq!(e, AppError::Refused("本单位已进行终止服务备案（2026-03-31终止服务），不能新增使用单位".into()));
    let (status, body) = api(r, &issued, env.clock.now().0, [127, 0, 0, 1], "POST", "/openapi/v1/invitations", Some(json!({ "rows": [] }))).await;
    assert!(status.is_client_error() && body["message"].as_str().is_some_and(|m| m.contains("终止服务备案")), "{status} {body}");
    // Its invitations stay listed: only 新增 is refused.
    let listed: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "status": "", "search": "", "before_id": null } }), &me).await.unwrap();
    assert_eq!((listed.total, listed.rows.len()), (1, 1));
    // The day before the end date nothing ends; on it every binding ends and the unit has left.
    set_day(&env.clock, "2026-03-30");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().ended, 0);
    assert_eq!(open_invitations(store, SHULE).await, 1);
    set_day(&env.clock, "2026-03-31");
    let pass = scheduler_pass(&env.ctx, "a").await.unwrap();
    assert_eq!(pass.ended, 1);
    assert_eq!(open_invitations(store, SHULE).await, 0);
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().ended, 0, "done once");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let left = overview(r, &me).await;
    assert_eq!(left.status, UnitStatus::Left);
    assert_eq!(left.deadline.as_ref().map(|d| (d.what.as_str(), d.day.as_str())), Some(("可重新申请接入", "2027-03-31")));
    let access: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert_eq!((access.can_apply, access.ban_until.as_deref(), access.unit.direct_unit.as_deref()), (false, Some("2027-03-31"), None));
    assert_eq!(message_titles(r, &me).await.first().map(String::as_str), Some("已终止服务"));
    let listed: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "status": "", "search": "", "before_id": null } }), &me).await.unwrap();
    assert_eq!(listed.rows.len(), 1, "a unit that has left still sees the invitations it sent");
    // The use unit is told its binding ended.
    let wuye = login(r, "91510104MA6CLQ0132", "陈静", "LegalRepresentative").await.unwrap();
    assert!(message_titles(r, &wuye).await.iter().any(|t| t == "绑定关系已解除"), "{:?}", message_titles(r, &wuye).await);
}

async fn the_scheduler_reminds_once_throttles_and_terminates(store: &SqlStore) {
    let env = setup(store).await;
    let r = &env.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let issued: IssuedSecret = call_typed(r, IssueApiCredential::PATH, &[], &me).await.unwrap();
    set_day(&env.clock, "2027-09-30");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().reminders, 0);
    // Two instances at once (a lease in the database): the work is done once.
    set_day(&env.clock, "2027-10-01");
    let other = Ctx { clock: env.clock.clone(), ..env.ctx.clone() };
    let (a, b) = tokio::join!(scheduler_pass(&env.ctx, "a"), scheduler_pass(&other, "b"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!([a.ran, b.ran].iter().filter(|x| **x).count(), 1, "{a:?} {b:?}");
    assert_eq!(a.reminders + b.reminders, 1, "蜀乐科技 (草原云链's demo term ended long before)");
    assert_eq!(reminders(store, SHULE).await, ["3m"]);
    // Later passes (the lease expired, another holder) do not send it again.
    env.clock.advance_secs(3600);
    assert_eq!(scheduler_pass(&env.ctx, "b").await.unwrap().reminders, 0);
    set_day(&env.clock, "2027-12-01");
    scheduler_pass(&env.ctx, "a").await.unwrap();
    set_day(&env.clock, "2027-12-25");
    scheduler_pass(&env.ctx, "a").await.unwrap();
    scheduler_pass(&env.ctx, "a").await.unwrap();
    assert_eq!(reminders(store, SHULE).await, ["3m", "1m", "7d"]);
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    assert_eq!(message_titles(r, &me).await, ["资格到期前7日提醒", "资格到期前1个月提醒", "资格到期前3个月提醒"], "each reminder once");

    // After 资格有效期至 without a request: 限制并发, enforced by the signed API.
    set_day(&env.clock, "2028-01-01");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().throttled, 1);
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().throttled, 0, "once");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let now = overview(r, &me).await;
    assert_eq!((now.status, now.rate_limit), (UnitStatus::Throttled, Some(THROTTLED_PER_MINUTE)));
    assert_eq!(message_titles(r, &me).await.first().map(String::as_str), Some("接口已限制并发"));
    assert_eq!(now.deadline.as_ref().map(|d| (d.what.as_str(), d.day.as_str())), Some(("终止接入资格", "2028-01-31")));
    let t = env.clock.now().0;
    for i in 0..THROTTLED_PER_MINUTE {
        assert_eq!(api(r, &issued, t, [127, 0, 0, 1], "GET", "/openapi/v1/invitations", None).await.0, StatusCode::OK, "call {i}");
    }
    let (status, body) = api(r, &issued, t, [127, 0, 0, 1], "GET", "/openapi/v1/invitations", None).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("too_frequent")), "{body}");
    env.clock.advance_secs(60);
    assert_eq!(api(r, &issued, env.clock.now().0, [127, 0, 0, 1], "GET", "/openapi/v1/invitations", None).await.0, StatusCode::OK, "the next minute");

    // After the grace: 到期终止.
    set_day(&env.clock, "2028-01-31");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().terminated, 1);
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().terminated, 0);
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let end = overview(r, &me).await;
    assert_eq!((end.status, end.deadline), (UnitStatus::Terminated, None));
    let access: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert!(access.unit.direct_unit.is_none() && access.ban_until.is_none(), "到期终止 carries no ban");
    assert!(access.can_apply, "the old 确认通过 application no longer counts as active");
    let e = call_json::<BatchOutcome>(r, SubmitInvitations::PATH, json!({ "rows": [wuye()], "proof_material_id": null }), &me).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("还不是乐企直连单位")), "{e:?}");
}

fn qinghe() -> InviteRowInput {
    InviteRowInput { credit_code: "91510104MA6CLQ0158".into(), name: "成都青禾餐饮管理有限公司".into(), province: "国家税务总局四川省税务局".into(), relationship: "不具有控制关系".into(), pre_authorize: "否".into() }
}

async fn invitation_act(r: &Router, who: &str, id: i64, action: &str, reason: &str, invoicers: &[i64], period: &str) {
    use app::invitation::api::{InvitationAct, InvitationDetail, InvitationView};
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], who).await.unwrap();
    let _: Acted = call_json(r, InvitationAct::PATH, json!({ "id": id, "version": v.version, "action": action, "reason": reason, "invoicer_link_ids": invoicers, "period_code": period }), who).await.unwrap();
}

async fn reports(r: &Router, who: &str) -> Vec<app::relationship_report::api::RelationshipReportView> {
    call_typed(r, app::relationship_report::api::RelationshipReports::PATH, &[], who).await.unwrap()
}

async fn flagged(r: &Router, who: &str) -> Result<Vec<app::relationship_report::api::RelationshipReportView>, AppError> {
    call_typed(r, app::relationship_report::api::FlaggedRelationshipReports::PATH, &[], who).await
}

async fn report(r: &Router, who: &str, id: i64, version: i64, reason: &str) -> Result<app::relationship_report::api::RelationshipReportView, AppError> {
    call_json(r, app::relationship_report::api::ReportRelationship::PATH, json!({ "id": id, "version": version, "reason": reason }), who).await
}

/// 青禾 (bound to 蜀乐科技 by 授权) unbinds: 蜀乐科技 owes its 关系变化报告 within 3 days — on the
/// last day nothing is flagged; the day after the scheduler flags it once (the unit is told, its
/// 主管税务机关 锦江 lists it, no other office does); the late report is taken and stays marked.
async fn a_relationship_change_is_reported_within_three_days(store: &SqlStore) {
    use app::lifecycle::rules::ReportStatus;
    let env = setup(store).await;
    let r = &env.router;
    set_day(&env.clock, "2026-03-01");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [qinghe()], "proof_material_id": null }), &me).await.unwrap();
    assert_eq!(out.invited, 1, "{out:?}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM invitations WHERE use_code = $1").bind("91510104MA6CLQ0158").fetch_one(store.pool()).await.unwrap();
    let he = login(r, "91510104MA6CLQ0158", "何青", "LegalRepresentative").await.unwrap();
    let opts: app::invitation::api::AuthorizeChoices = call_typed(r, app::invitation::api::AuthorizeOptions::PATH, &[("id", &id.to_string())], &he).await.unwrap();
    invitation_act(r, &he, id, "Authorize", "", &[opts.invoicers[0].link_id], "7d").await;
    assert!(reports(r, &me).await.is_empty(), "a new binding owes no report");

    // The use unit unbinds on 2026-03-02: the report is owed by 2026-03-05.
    set_day(&env.clock, "2026-03-02");
    let he = login(r, "91510104MA6CLQ0158", "何青", "LegalRepresentative").await.unwrap();
    invitation_act(r, &he, id, "UnbindDirectUnit", "业务终止", &[], "").await;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let owed = reports(r, &me).await;
    assert_eq!(owed.len(), 1);
    let o = &owed[0];
    assert_eq!((o.use_unit_name.as_str(), o.what_changed.as_str(), o.changed_on.as_str(), o.due.as_str()), ("成都青禾餐饮管理有限公司", "使用单位解除绑定：业务终止", "2026-03-02", "2026-03-05"));
    assert_eq!((&o.status, o.may_report), (&ReportStatus::Pending, true));
    assert!(message_titles(r, &me).await.iter().any(|t| t == "关系变化待报告"));
    // Nobody else's: another unit sees none and gets 未找到; no office is told yet.
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    assert!(reports(r, &cy).await.is_empty());
    assert_eq!(report(r, &cy, o.id, o.version, "x").await.unwrap_err(), AppError::NotFound);
    let jj = officer(r, "sc_jj_shouli").await;
    assert!(flagged(r, &jj).await.unwrap().is_empty());
    assert_eq!(flagged(r, &me).await.unwrap_err(), AppError::Forbidden);

    // The last day: not overdue. The day after: flagged once, the unit told, 锦江 lists it.
    set_day(&env.clock, "2026-03-05");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().overdue_reports, 0);
    set_day(&env.clock, "2026-03-06");
    assert_eq!(scheduler_pass(&env.ctx, "a").await.unwrap().overdue_reports, 1);
    env.clock.advance_secs(3600);
    assert_eq!(scheduler_pass(&env.ctx, "b").await.unwrap().overdue_reports, 0, "once");
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let late = reports(r, &me).await.remove(0);
    assert_eq!((&late.status, late.may_report), (&ReportStatus::Overdue, true));
    assert_eq!(message_titles(r, &me).await.first().map(String::as_str), Some("关系变化报告已逾期"));
    let jj = officer(r, "sc_jj_shouli").await;
    let listed = flagged(r, &jj).await.unwrap();
    assert_eq!(listed.iter().map(|x| (x.id, x.enterprise_name.as_str(), x.may_report)).collect::<Vec<_>>(), [(late.id, "四川蜀乐科技集团有限公司", false)]);
    let gx = officer(r, "sc_gx_shouli").await;
    assert!(flagged(r, &gx).await.unwrap().is_empty(), "another office");

    // 【报告】: a reason is required; a stale version is a conflict; then taken, marked late, once.
    assert_eq!(report(r, &me, late.id, late.version, " ").await.unwrap_err().message_for("reason").as_deref(), Some("请填写关系变化情况及原因（不超过500字）"));
    assert_eq!(report(r, &me, late.id, late.version - 1, "x").await.unwrap_err(), AppError::Conflict);
    let done = report(r, &me, late.id, late.version, "青禾餐饮停止使用本单位开票平台").await.unwrap();
    assert_eq!(done.status, ReportStatus::Reported { reason: "青禾餐饮停止使用本单位开票平台".into(), late: true });
    assert!(!done.may_report);
    assert_eq!(report(r, &me, done.id, done.version, "again").await.unwrap_err(), AppError::Conflict);
    assert_eq!(flagged(r, &jj).await.unwrap()[0].status.code(), "reported_late");
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind IN ('报告关系变化', '关系变化报告逾期')").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audited, 2);
}

on_both_backends!(
    a_relationship_change_is_reported_within_three_days,
    extension_path_gives_a_new_term,
    ip_change_counts_only_once_confirmed,
    termination_stops_invitations_and_ends_bindings,
    the_scheduler_reminds_once_throttles_and_terminates,
);
