//! 税务管理措施 (issue #13) through the server fns and the signed API, on SQLite and PostgreSQL:
//! the office reminds and orders rectification (1 to 3 months), the province suspends; 整改反馈 →
//! 整改不通过 → again → 整改通过; two officers deciding one 整改反馈 at once: one wins; 延期 at most
//! 3 months from issue; 暂停新增使用单位 refuses new invitations until 恢复; 暂停接入服务 refuses the
//! signed API (403 service_suspended); the unit is told of each tax-side step; another office,
//! another province and another unit see none of it.

mod common;

use std::net::SocketAddr;

use app::api::api_credentials::{IssueApiCredential, IssuedSecret};
use app::api::invitation::{BatchOutcome, SubmitInvitations};
use app::api::measure::*;
use app::api::message::{MessageList, MessagePage};
use app::domain::api_signing::canonical_string;
use app::domain::invitation::InviteRowInput;
use app::domain::measure::{MeasureAction as A, MeasureKind as K, MeasureStatus as S};
use app::domain::message::MessageKind;
use app::error::AppError;
use app::ports::{Clock, Mode};
use app::services::api_credentials::{sha256_hex, sign};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use common::http::{call, call_json, call_typed, login};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{json, Value};
use server::store::SqlStore;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");

async fn officer(r: &Router, username: &str) -> String {
    let (_, _, body) = call(r, app::api::auth::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (status, headers, body) = call(r, app::api::auth::OfficerLogin::PATH, &[("username", username), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    assert!(status.is_success(), "{body}");
    headers[axum::http::header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string()
}

async fn take(r: &Router, who: &str, kind: K, months: u32, note: &str) -> Result<MeasureView, AppError> {
    call_json(r, MeasureTake::PATH, json!({ "credit_code": SHULE, "kind": kind, "months": months, "note": note }), who).await
}

async fn act(r: &Router, who: &str, m: &MeasureView, action: A, text: &str, deadline: &str) -> Result<MeasureView, AppError> {
    call_json(r, MeasureAct::PATH, json!({ "id": m.id, "version": m.version, "action": action, "text": text, "deadline": deadline }), who).await
}

async fn unit_file(r: &Router, who: &str) -> Result<UnitMeasures, AppError> {
    call_typed(r, MeasureUnit::PATH, &[("credit_code", SHULE)], who).await
}

async fn invite(r: &Router, who: &str) -> Result<BatchOutcome, AppError> {
    let rows = vec![InviteRowInput { credit_code: WUYE.0.into(), name: WUYE.1.into(), province: "国家税务总局四川省税务局".into(), relationship: "其他控制关系".into(), pre_authorize: "否".into() }];
    call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), who).await
}

/// A signed GET of the unit's invitations; the status and the answer's code.
async fn api_get(r: &Router, clock: &TestClock, issued: &IssuedSecret, n: u32) -> (u16, Value) {
    let now = clock.now().0;
    let nonce = format!("measures-{n:010}");
    let path = "/openapi/v1/invitations";
    let canonical = canonical_string("GET", path, "", now, &nonce, &sha256_hex(b""));
    let mut req = Request::get(path)
        .header("X-Leqi-AppId", &issued.app_id)
        .header("X-Leqi-Timestamp", now.to_string())
        .header("X-Leqi-Nonce", nonce)
        .header("X-Leqi-Signature", sign(&issued.secret, &canonical))
        .body(Body::empty())
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn measures_bite_and_are_lifted(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    let r = &server::web::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    let office = officer(r, "sc_jj_shouli").await;
    let office2 = officer(r, "sc_jj_fuhe").await;
    let province = officer(r, "sc_queren").await;
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();

    // Who takes what.
    let file = unit_file(r, &office).await.unwrap();
    assert_eq!(file.may_take, [K::Reminder, K::Rectify]);
    assert_eq!(unit_file(r, &province).await.unwrap().may_take, [K::SuspendNewUseUnits, K::SuspendCapabilities, K::SuspendService, K::OrderExit]);
    assert!(matches!(take(r, &office, K::SuspendService, 1, "x").await, Err(AppError::Refused(m)) if m.contains("省级税务机关")));
    assert!(matches!(take(r, &province, K::Rectify, 1, "x").await, Err(AppError::Refused(m)) if m.contains("主管税务机关")));
    assert!(take(r, &office, K::Rectify, 4, "x").await.unwrap_err().message_for("months").is_some());
    assert!(take(r, &office, K::Reminder, 1, " ").await.unwrap_err().message_for("note").is_some());
    assert_eq!(take(r, &wang, K::Reminder, 1, "x").await.unwrap_err(), AppError::Forbidden);
    for stranger in ["sc_gx_shouli", "nm_queren"] {
        let o = officer(r, stranger).await;
        assert_eq!(unit_file(r, &o).await.unwrap_err(), AppError::NotFound, "{stranger}");
        assert_eq!(take(r, &o, K::Reminder, 1, "x").await.unwrap_err(), AppError::NotFound, "{stranger}");
    }

    // 提示提醒, 责令限期改正 (1 month by default): the unit is told of each.
    let reminder = take(r, &office, K::Reminder, 1, "使用单位反映发票交付不及时").await.unwrap();
    assert_eq!(reminder.status, S::Issued);
    let rectify = take(r, &office, K::Rectify, 1, "请整改发票交付流程").await.unwrap();
    let deadline = app::domain::measure::rectify_deadline(clock.now(), 1).unwrap();
    assert_eq!(rectify.status, S::Rectifying { deadline: deadline.clone(), returned: None });
    assert!(matches!(take(r, &office, K::Rectify, 1, "again").await, Err(AppError::Refused(m)) if m.contains("生效中")));
    let told: MessagePage = call_json(r, MessageList::PATH, json!({ "kind": MessageKind::Measure, "unread_only": false, "before": null }), &wang).await.unwrap();
    assert_eq!(told.rows.len(), 2);
    assert!(told.rows[0].title.contains("责令限期改正") && told.rows[0].body.contains(&deadline), "{:?}", told.rows[0]);

    // 整改反馈 → 整改不通过 (a reason) → again → two officers at once: exactly one decides.
    let mine: UnitMeasures = call_typed(r, MyMeasures::PATH, &[], &wang).await.unwrap();
    let m = mine.measures.iter().find(|m| m.id == rectify.id).unwrap().clone();
    assert_eq!(m.actions, [A::SubmitFeedback]);
    assert!(act(r, &wang, &m, A::SubmitFeedback, " ", "").await.unwrap_err().message_for("text").is_some());
    let sent = act(r, &wang, &m, A::SubmitFeedback, "已建立发票交付复核机制", "").await.unwrap();
    assert_eq!(sent.status.label(), "待审核");
    let queue: Vec<MeasureView> = call_typed(r, MeasureQueue::PATH, &[], &office).await.unwrap();
    let q = queue.iter().find(|q| q.id == m.id).unwrap().clone();
    assert_eq!(q.actions, [A::AcceptFeedback, A::ReturnFeedback]);
    assert!(act(r, &office, &q, A::ReturnFeedback, "", "").await.unwrap_err().message_for("text").is_some());
    let back = act(r, &office, &q, A::ReturnFeedback, "缺少整改材料", "").await.unwrap();
    assert_eq!(back.status, S::Rectifying { deadline: deadline.clone(), returned: Some("缺少整改材料".into()) });
    let m = unit_file(r, &office).await.unwrap().measures.into_iter().find(|x| x.id == m.id).unwrap();
    let wang_m = call_typed::<UnitMeasures>(r, MyMeasures::PATH, &[], &wang).await.unwrap().measures.into_iter().find(|x| x.id == m.id).unwrap();
    let sent = act(r, &wang, &wang_m, A::SubmitFeedback, "补充了整改材料", "").await.unwrap();
    let (a, b) = tokio::join!(act(r, &office, &sent, A::AcceptFeedback, "", ""), act(r, &office2, &sent, A::ReturnFeedback, "不通过", ""));
    assert!(a.is_ok() != b.is_ok(), "one decides: {a:?} / {b:?}");
    assert!([a.as_ref().err(), b.as_ref().err()].into_iter().flatten().all(|e| *e == AppError::Conflict));
    let caoyuan = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    assert_eq!(act(r, &caoyuan, &m, A::SubmitFeedback, "x", "").await.unwrap_err(), AppError::NotFound, "another unit");
    let theirs: UnitMeasures = call_typed(r, MyMeasures::PATH, &[], &caoyuan).await.unwrap();
    assert!(theirs.measures.is_empty());

    // 延期: later than now, at most 3 months from issue.
    let second = match a.is_ok() {
        true => take(r, &office, K::Rectify, 2, "再次整改").await.unwrap(),
        false => unit_file(r, &office).await.unwrap().measures.into_iter().find(|x| x.id == m.id).unwrap(),
    };
    let latest = app::domain::measure::rectify_deadline(clock.now(), 3).unwrap();
    let too_far = app::domain::measure::add_months(&latest, 1).unwrap();
    assert!(act(r, &office, &second, A::Extend, "", &too_far).await.unwrap_err().message_for("deadline").is_some());
    let extended = act(r, &office, &second, A::Extend, "", &latest).await.unwrap();
    assert_eq!(extended.status.deadline(), Some(latest.as_str()));
    assert_eq!(act(r, &wang, &extended, A::Extend, "", &latest).await.unwrap_err(), AppError::Conflict, "not the unit's step");

    // 暂停新增使用单位: every new invitation is refused until 恢复.
    let suspend = take(r, &province, K::SuspendNewUseUnits, 1, "投诉未处理").await.unwrap();
    assert!(matches!(invite(r, &wang).await, Err(AppError::Refused(m)) if m.contains("暂停新增使用单位")));
    assert_eq!(act(r, &office, &suspend, A::Restore, "", "").await.unwrap_err(), AppError::Conflict, "the office does not restore");
    let lifted = act(r, &province, &suspend, A::Restore, "", "").await.unwrap();
    assert_eq!(lifted.status, S::Lifted);
    assert_eq!(invite(r, &wang).await.unwrap().invited, 1);

    // 暂停接入服务: the signed API refuses every call (403 with a code) until 恢复.
    let issued: IssuedSecret = call_typed(r, IssueApiCredential::PATH, &[], &wang).await.unwrap();
    assert_eq!(api_get(r, &clock, &issued, 1).await.0, 200);
    let stop = take(r, &province, K::SuspendService, 1, "严重违规").await.unwrap();
    let (status, body) = api_get(r, &clock, &issued, 2).await;
    assert_eq!((status, body["code"].as_str()), (403, Some("service_suspended")), "{body}");
    assert!(matches!(invite(r, &wang).await, Err(AppError::Refused(m)) if m.contains("暂停接入服务")));
    let file = unit_file(r, &province).await.unwrap();
    assert!(file.restrictions.no_service && file.restrictions.no_new_use_units);
    act(r, &province, &stop, A::Restore, "", "").await.unwrap();
    assert_eq!(api_get(r, &clock, &issued, 3).await.0, 200);

    // Every step is on the measure's timeline and in the audit log.
    let file = unit_file(r, &office).await.unwrap();
    let m = file.measures.iter().find(|x| x.id == rectify.id).unwrap();
    assert!(m.timeline.len() >= 5, "{:?}", m.timeline);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind IN ('提示提醒', '责令限期改正', '提交整改反馈', '整改通过', '整改不通过', '延期', '暂停新增使用单位', '暂停接入服务', '恢复')").fetch_one(store.pool()).await.unwrap();
    assert!(audited >= 11, "{audited}");
}

on_both_backends!(measures_bite_and_are_lifted);
