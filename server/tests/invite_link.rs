//! 邀请链接 end to end through the real router, on SQLite and PostgreSQL: the
//! notifier issues the link and queues the SMS (never inline), sends it once per
//! person per invitation per day, the link leads to the H5 login pre-filled and
//! on to the invitation, another unit cannot use it, 【重新生成】 kills the old
//! one, and it stops working at expiry and once the invitation moved on.

mod common;

use std::sync::Arc;

use app::invitation::api::*;
use app::invite_link::api::*;
use app::error::AppError;
use app::context::Mode;
use app::accounts::store::OutboxStore;
use app::invite_link::service::notifier_pass;
use axum::http::{header, StatusCode};
use common::http::{call_json, call_typed, get, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const SHULE_MY: &str = "91510703MA6CLQ011C";
const QINGHE: &str = "91510104MA6CLQ0158";
/// 周敏 is both 法定代表人 and 财务负责人 of 绵阳分公司: one phone, one SMS.
const ZHOU_PHONE: &str = "13908160009";

struct World {
    router: axum::Router,
    ctx: app::context::Ctx,
    clock: Arc<TestClock>,
    store: SqlStore,
}

async fn world(store: &SqlStore) -> World {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap().keep();
    std::fs::write(dir.join("index.html"), "x").unwrap();
    let clock = clock();
    let ctx = ctx(store, clock.clone(), Mode::Demo);
    World { router: server::http::router(ctx.clone(), &dir), ctx, clock, store: store.clone() }
}

async fn sms_to(store: &SqlStore, phone: &str) -> Vec<String> {
    store.outbox(500).await.unwrap().into_iter().filter(|s| s.phone == phone && s.text.contains("/kkjrh5/i/")).map(|s| s.text).collect()
}

fn token_in(text: &str) -> String {
    let start = text.find("/kkjrh5/i/").unwrap() + "/kkjrh5/i/".len();
    text[start..].split_whitespace().next().unwrap().to_string()
}

/// Where `GET /kkjrh5/i/TOKEN` sends the browser.
async fn open(r: &axum::Router, token: &str) -> String {
    let (status, headers, _) = get(r, &format!("/kkjrh5/i/{token}"), None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    headers[header::LOCATION].to_str().unwrap().to_string()
}

async fn link_of(r: &axum::Router, who: &str, id: i64) -> Result<Option<InviteLinkView>, AppError> {
    call_typed(r, InvitationLink::PATH, &[("id", &id.to_string())], who).await
}

async fn regenerate(r: &axum::Router, who: &str, id: i64) -> Result<InviteLinkView, AppError> {
    call_typed(r, RegenerateInvitationLink::PATH, &[("id", &id.to_string())], who).await
}

async fn link_lifecycle(store: &SqlStore) {
    let w = world(store).await;
    let r = &w.router;
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let zhou = login(r, SHULE_MY, "周敏", "LegalRepresentative").await.unwrap();
    let he = login(r, QINGHE, "何青", "LegalRepresentative").await.unwrap();
    let rows = json!([{ "credit_code": SHULE_MY, "name": "四川蜀乐科技集团有限公司绵阳分公司", "province": "国家税务总局四川省税务局", "relationship": "总分公司关系", "pre_authorize": "否" }]);
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), &wang).await.unwrap();
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "batch_id": out.batch_id } }), &wang).await.unwrap();
    let id = page.rows[0].id;

    // Creating the invitation sends nothing inline: the notifier does.
    assert!(sms_to(&w.store, ZHOU_PHONE).await.is_empty());
    let pass = notifier_pass(&w.ctx, "a").await.unwrap();
    assert!(pass.ran);
    assert_eq!((pass.links_issued, pass.sms_queued, pass.sms_sent), (1, 1, 1), "{pass:?}");
    let sms = sms_to(&w.store, ZHOU_PHONE).await;
    assert_eq!(sms.len(), 1, "one phone, one SMS: {sms:?}");
    assert!(sms[0].contains("四川蜀乐科技集团有限公司邀请贵单位"), "{}", sms[0]);
    let token = token_in(&sms[0]);
    // Idempotent, and one process at a time: another holder does not run while "a" holds the lease.
    assert_eq!(notifier_pass(&w.ctx, "a").await.unwrap().links_issued, 0);
    assert!(!notifier_pass(&w.ctx, "b").await.unwrap().ran);

    // The link: pre-login it discloses only the invitation page and the unit's code.
    assert_eq!(open(r, &token).await, format!("/kkjrh5/invitation/{id}?code={SHULE_MY}"));
    // Both parties see the same link and QR code; another unit, nothing.
    let mine = link_of(r, &zhou, id).await.unwrap().unwrap();
    assert!(mine.url.ends_with(&format!("/kkjrh5/i/{token}")), "{}", mine.url);
    assert!(mine.qr_svg.starts_with("<?xml") || mine.qr_svg.contains("<svg"), "an SVG QR code");
    assert_eq!(link_of(r, &wang, id).await.unwrap().unwrap().url, mine.url);
    assert_eq!(link_of(r, &he, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(regenerate(r, &he, id).await.unwrap_err(), AppError::NotFound);
    // After login as another unit the invitation stays hidden.
    let leaked: Result<InvitationView, AppError> = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], &he).await;
    assert_eq!(leaked.unwrap_err(), AppError::NotFound);
    // The use unit shows the QR code but does not regenerate it.
    assert_eq!(regenerate(r, &zhou, id).await.unwrap_err(), AppError::NotFound);

    // 【重新生成】: the old link is dead at once; today's SMS was sent, so no second one today.
    let fresh = regenerate(r, &wang, id).await.unwrap();
    assert_ne!(fresh.url, mine.url);
    assert_eq!(open(r, &token).await, "/kkjrh5/?link=invalid");
    let new_token = fresh.url.rsplit('/').next().unwrap().to_string();
    assert_eq!(open(r, &new_token).await, format!("/kkjrh5/invitation/{id}?code={SHULE_MY}"));
    assert_eq!(notifier_pass(&w.ctx, "a").await.unwrap().sms_sent, 0);
    assert_eq!(sms_to(&w.store, ZHOU_PHONE).await.len(), 1);
    // The next day a regenerated link goes out by SMS again.
    w.clock.advance_secs(86_400);
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let next_day = regenerate(r, &wang, id).await.unwrap();
    assert_eq!(notifier_pass(&w.ctx, "a").await.unwrap().sms_sent, 1);
    let sms = sms_to(&w.store, ZHOU_PHONE).await;
    assert_eq!(sms.len(), 2);
    assert!(next_day.url.ends_with(&token_in(&sms[0])), "the newest SMS carries the newest link");

    // Expiry: 7 days to the second.
    let live = next_day.url.rsplit('/').next().unwrap().to_string();
    w.clock.advance_secs(7 * 86_400 - 1);
    assert!(open(r, &live).await.starts_with("/kkjrh5/invitation/"));
    w.clock.advance_secs(1);
    assert_eq!(open(r, &live).await, "/kkjrh5/?link=expired");
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    assert!(link_of(r, &wang, id).await.unwrap().unwrap().expired);

    // Once the use unit answered, the link is spent and the pages show none.
    let fresh = regenerate(r, &wang, id).await.unwrap();
    let live = fresh.url.rsplit('/').next().unwrap().to_string();
    let zhou = login(r, SHULE_MY, "周敏", "LegalRepresentative").await.unwrap();
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], &zhou).await.unwrap();
    let _: serde_json::Value = call_json(r, InvitationAct::PATH, json!({ "id": id, "version": v.version, "action": "Confirm", "reason": "", "invoicer_link_ids": [], "period_code": "" }), &zhou).await.unwrap();
    assert_eq!(open(r, &live).await, "/kkjrh5/?link=spent");
    assert_eq!(link_of(r, &wang, id).await.unwrap(), None);
    match regenerate(r, &wang, id).await.unwrap_err() {
        AppError::Refused(m) => assert!(m.contains("无需邀请链接"), "{m}"),
        e => panic!("{e:?}"),
    }
}

async fn guessing_is_counted_and_refused(store: &SqlStore) {
    let w = world(store).await;
    for n in 1..=app::invite_link::rules::MAX_UNKNOWN_PER_HOUR {
        let guess = format!("{n:0>43}");
        assert_eq!(open(&w.router, &guess).await, "/kkjrh5/?link=invalid");
    }
    assert_eq!(open(&w.router, "short").await, "/kkjrh5/?link=too_many");
    // The next hour starts a fresh count.
    w.clock.advance_secs(3600);
    assert_eq!(open(&w.router, "short").await, "/kkjrh5/?link=invalid");
}

on_both_backends!(link_lifecycle, guessing_is_counted_and_refused);
