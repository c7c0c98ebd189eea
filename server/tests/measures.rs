//! 税务管理措施 (issue #13) through the server fns and the signed API, on SQLite and PostgreSQL:
//! the office reminds and orders rectification (1 to 3 months), the province suspends; 整改反馈 →
//! 整改不通过 → again → 整改通过; two officers deciding one 整改反馈 at once: one wins; 延期 at most
//! 3 months from issue; 暂停新增使用单位 refuses new invitations until 恢复; 暂停接入服务 refuses the
//! signed API (403 service_suspended); the unit is told of each tax-side step; another office,
//! another province and another unit see none of it. 责令退出 takes effect at once: the bindings
//! end (the use units are told), no new invitations, the 3-year ban on re-application (refused
//! with the date it ends), and the next application carries the 整改情况报告.

mod common;

use common::http::officer;
use std::net::SocketAddr;

use app::api_credentials::api::{IssueApiCredential, IssuedSecret};
use app::invitation::api::{BatchOutcome, SubmitInvitations};
use app::measure::api::*;
use app::message::api::{MessageList, MessagePage};
use app::api_credentials::rules::canonical_string;
use app::invitation::rules::InviteRowInput;
use app::measure::rules::{MeasureAction as A, MeasureKind as K, MeasureStatus as S};
use app::message::rules::MessageKind;
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
const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");
const CAOYUAN_FGS: (&str, &str) = ("91150203MA0NCY041D", "内蒙古草原云链能源股份有限公司包头分公司");
const NEIMENGGU: &str = "国家税务总局内蒙古自治区税务局";


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
    let r = &server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
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
    let deadline = app::measure::rules::rectify_deadline(clock.now(), 1).unwrap();
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
    let latest = app::measure::rules::rectify_deadline(clock.now(), 3).unwrap();
    let too_far = app::measure::rules::add_months(&latest, 1).unwrap();
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

/// Moves the clock to 10:00 (Beijing) of a day.
fn set_day(clock: &TestClock, day: &str) {
    clock.0.store(app::kernel::Day::parse(day).unwrap().start().0 + 10 * 3600 * 1000, std::sync::atomic::Ordering::SeqCst);
}

async fn open_invitations(store: &SqlStore, code: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM invitations i JOIN enterprises e ON e.id = i.direct_enterprise_id WHERE e.credit_code = $1 AND i.active = 1").bind(code).fetch_one(store.pool()).await.unwrap()
}

async fn titles(r: &Router, who: &str) -> Vec<(String, String)> {
    let page: MessagePage = call_json(r, MessageList::PATH, json!({ "kind": null, "unread_only": false, "before": null }), who).await.unwrap();
    page.rows.into_iter().map(|m| (m.title, m.body)).collect()
}

fn application_form() -> Value {
    json!({
        "access_type": "SelfUse", "gov_or_association": false,
        "contact": "巴特尔", "phone": "13904710005", "email": "it@caoyuan.example", "address": "呼和浩特市赛罕区敕勒川大街1号",
        "qualifications": { "1": "1", "2": "B", "3": "开票15000张", "4": "12000", "5": "是", "6": "否",
                             "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [],
        "system_name": "草原云链发票管理系统", "built_by_authorized": false, "builder_code": "", "builder_name": "",
        "deployment": "呼和浩特数据中心", "test_ips": "10.5.6.7", "production_ips": "198.51.100.20",
        "protocol": "HTTPS", "port": "443", "period": "long"
    })
}

/// 责令退出 (内蒙古区局 on 草原云链): in the same transaction the unit exits (an exit record of kind
/// 责令退出), its binding ends and the use unit is told, new invitations are refused; its next
/// 接入申请 is refused for 3 years with the date the ban ends, then must carry the 整改情况报告.
async fn ordered_exit_ends_bindings_and_bans(store: &SqlStore) {
    use app::access::api::{AccessOverview, AccessSummary, ApplicationView, ConfirmUnit, SubmitAccessApplication, UnitCheck};
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    set_day(&clock, "2026-03-01");
    let r = &server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let row = |relationship: &str| vec![InviteRowInput { credit_code: CAOYUAN_FGS.0.into(), name: CAOYUAN_FGS.1.into(), province: NEIMENGGU.into(), relationship: relationship.into(), pre_authorize: "否".into() }];
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": row("总分公司关系"), "proof_material_id": null }), &cy).await.unwrap();
    assert_eq!(out.invited, 1, "{out:?}");
    assert_eq!(open_invitations(store, CAOYUAN).await, 1);

    // Only the provincial bureau orders the exit; the unit's own office cannot.
    let sh = officer(r, "nm_sh_shouli").await;
    let province = officer(r, "nm_queren").await;
    let order = |who: String| async move { call_json::<MeasureView>(r, MeasureTake::PATH, json!({ "credit_code": CAOYUAN, "kind": K::OrderExit, "months": 1, "note": "虚开发票，情节严重" }), &who).await };
    assert!(matches!(order(sh.clone()).await, Err(AppError::Refused(m)) if m.contains("省级税务机关")));
    assert_eq!(open_invitations(store, CAOYUAN).await, 1, "nothing happened");
    let exit = order(province.clone()).await.unwrap();
    assert_eq!(exit.status, S::Final);

    // The same step: the binding ended (on its timeline), the exit record, no longer a direct unit.
    assert_eq!(open_invitations(store, CAOYUAN).await, 0);
    let status: String = sqlx::query_scalar("SELECT i.status_code FROM invitations i JOIN enterprises e ON e.id = i.direct_enterprise_id WHERE e.credit_code = $1").bind(CAOYUAN).fetch_one(store.pool()).await.unwrap();
    assert_eq!(status, app::invitation::rules::InvitationStatus::Unbound { by: String::new(), reason: String::new() }.code());
    let kinds: Vec<String> = sqlx::query_scalar("SELECT x.kind FROM unit_exits x JOIN enterprises e ON e.id = x.enterprise_id WHERE e.credit_code = $1").bind(CAOYUAN).fetch_all(store.pool()).await.unwrap();
    assert_eq!(kinds, ["ordered"]);
    let audited: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = '责令退出'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audited, 1);
    // The unit is told (with the date its ban ends), the use unit that lost its binding too.
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let told = titles(r, &cy).await;
    assert!(told.iter().any(|(t, b)| t == "税务管理措施：责令退出" && b.contains("2029-03-01前不得重新申请接入") && b.contains("整改情况报告")), "{told:?}");
    let fgs = login(r, CAOYUAN_FGS.0, "额尔敦", "LegalRepresentative").await.unwrap();
    let theirs = titles(r, &fgs).await;
    assert!(theirs.iter().any(|(t, b)| t == "绑定关系已解除" && b.contains("责令退出")), "{theirs:?}");
    // A second 责令退出 finds nobody to order out.
    assert!(order(province.clone()).await.is_err());

    // No new invitations, by the form (and the API: its inviter is the same check).
    let e = call_json::<BatchOutcome>(r, SubmitInvitations::PATH, json!({ "rows": row("总分公司关系"), "proof_material_id": null }), &cy).await.unwrap_err();
    assert_eq!(e, AppError::Refused("本单位已被税务机关责令退出乐企，不能新增使用单位".into()));

    // Re-application: refused for 3 years, with the date the ban ends.
    let access: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &cy).await.unwrap();
    assert_eq!((access.can_apply, access.ban_until.as_deref()), (false, Some("2029-03-01")));
    let check = |who: String| async move { call_typed::<UnitCheck>(r, ConfirmUnit::PATH, &[("access_type", "SelfUse"), ("gov_or_association", "false"), ("confirmed", "true")], &who).await };
    assert_eq!(check(cy.clone()).await.unwrap_err(), AppError::Refused("本单位退出乐企后重新申请的限制期未满，2029-03-01后可重新申请".into()));
    set_day(&clock, "2029-02-28");
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    assert!(matches!(check(cy.clone()).await, Err(AppError::Refused(m)) if m.contains("2029-03-01")), "3 years − 1 day");

    // From the day the ban ends: the application must carry the 整改情况报告.
    set_day(&clock, "2029-03-01");
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let access: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &cy).await.unwrap();
    assert_eq!((access.can_apply, access.ban_until), (true, None));
    let checked = check(cy.clone()).await.unwrap();
    let draft = checked.draft.unwrap_or_else(|| panic!("{:?}", checked.lines));
    assert!(draft.material_rules.required.iter().any(|k| k.code() == "rectification_report"), "{:?}", draft.material_rules.required);
    for kind in draft.material_rules.required.iter().filter(|k| !matches!(k.code(), "rectification_report")) {
        let (status, body) = common::http::upload(r, Some(&cy), draft.id, kind.code(), "材料.pdf", common::http::PDF.to_vec()).await;
        assert_eq!(status.as_u16(), 201, "{body}");
    }
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": application_form() }), &cy).await.unwrap_err();
    assert_eq!(e.message_for("material.rectification_report").as_deref(), Some("请上传《整改情况报告》"), "{e:?}");
    let (status, body) = common::http::upload(r, Some(&cy), draft.id, "rectification_report", "整改情况报告.pdf", common::http::PDF.to_vec()).await;
    assert_eq!(status.as_u16(), 201, "{body}");
    let current: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &cy).await.unwrap();
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": current.current.unwrap().version, "form": application_form() }), &cy).await.unwrap();
    assert_eq!(sent.status.label(), "待受理");
}

/// `POST /api/materials` (unattached): the new material's id, or the refusal.
async fn upload(r: &Router, who: &str, kind: &str, name: &str) -> Result<i64, (u16, String)> {
    let uri = format!("/api/materials?kind={kind}&name={}", common::http::urlencode(name));
    let req = Request::post(uri).header("content-type", "application/octet-stream").header("cookie", who).body(Body::from(common::http::PDF.to_vec())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let body = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes()).into_owned();
    if status == 201 { Ok(serde_json::from_str::<Value>(&body).unwrap()["id"].as_i64().unwrap()) } else { Err((status, body)) }
}

async fn feedback(r: &Router, who: &str, m: &MeasureView, text: &str, materials: &[i64]) -> Result<MeasureView, AppError> {
    call_json(r, MeasureAct::PATH, json!({ "id": m.id, "version": m.version, "action": A::SubmitFeedback, "text": text, "deadline": "", "material_ids": materials }), who).await
}

/// 整改反馈 with materials: the unit uploads its 整改情况报告 and sends it with the text; the
/// office (and the province) open it on the measure before deciding; another unit, another
/// office and another province get 未找到; a material goes with one feedback only, only the
/// unit's own, of a feedback kind.
async fn feedback_carries_materials_the_officer_opens(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let r = &server::http::router(ctx(store, clock(), Mode::Demo), dir.path());
    let office = officer(r, "sc_jj_shouli").await;
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let caoyuan = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let rectify = take(r, &office, K::Rectify, 1, "请整改发票交付流程").await.unwrap();
    let m = call_typed::<UnitMeasures>(r, MyMeasures::PATH, &[], &wang).await.unwrap().measures.into_iter().find(|x| x.id == rectify.id).unwrap();
    assert!(m.materials.is_empty());

    let report = upload(r, &wang, "rectification_report", "整改情况报告.pdf").await.unwrap();
    let other = upload(r, &wang, "other", "整改照片.pdf").await.unwrap();
    let theirs = upload(r, &caoyuan, "rectification_report", "别家的报告.pdf").await.unwrap();
    let wrong_kind = upload(r, &wang, "relationship_proof", "关系证明.pdf").await.unwrap();
    // Another unit's upload, or a kind a feedback does not carry: refused next to the field, nothing sent.
    for bad in [theirs, wrong_kind] {
        let e = feedback(r, &wang, &m, "已整改", &[report, bad]).await.unwrap_err();
        assert_eq!(e.message_for("materials").as_deref(), Some("材料不存在或已提交，请重新上传"), "{bad}");
    }
    let e = feedback(r, &wang, &m, "已整改", &[1, 2, 3, 4, 5, 6]).await.unwrap_err();
    assert_eq!(e.message_for("materials").as_deref(), Some("整改反馈最多附5份材料"));
    let sent = feedback(r, &wang, &m, "已建立发票交付复核机制，见整改情况报告", &[report, other]).await.unwrap();
    assert_eq!(sent.status.label(), "待审核");
    assert_eq!(sent.materials.iter().map(|x| (x.id, x.file_name.as_str())).collect::<Vec<_>>(), [(report, "整改情况报告.pdf"), (other, "整改照片.pdf")]);

    // The officer sees them on the measure in the queue and opens each; so does the province.
    let queue: Vec<MeasureView> = call_typed(r, MeasureQueue::PATH, &[], &office).await.unwrap();
    let q = queue.iter().find(|q| q.id == m.id).unwrap().clone();
    assert_eq!(q.materials.len(), 2);
    let url = q.materials[0].url();
    let (status, _, bytes) = common::http::get(r, &url, Some(&office)).await;
    assert_eq!((status.as_u16(), bytes.as_slice()), (200, common::http::PDF));
    let province = officer(r, "sc_queren").await;
    assert_eq!(common::http::get(r, &url, Some(&province)).await.0.as_u16(), 200);
    // Nobody else: another unit, another office, another province.
    assert_eq!(common::http::get(r, &url, Some(&caoyuan)).await.0.as_u16(), 404);
    for stranger in ["sc_gx_shouli", "nm_queren"] {
        let o = officer(r, stranger).await;
        assert_eq!(common::http::get(r, &url, Some(&o)).await.0.as_u16(), 404, "{stranger}");
    }
    assert_eq!(common::http::get(r, &url, Some(&wang)).await.0.as_u16(), 200, "the unit's own");

    // 退回, then again: the first materials stay on the measure, they cannot go twice.
    let back = act(r, &office, &q, A::ReturnFeedback, "请补充整改后的交付记录", "").await.unwrap();
    let m = call_typed::<UnitMeasures>(r, MyMeasures::PATH, &[], &wang).await.unwrap().measures.into_iter().find(|x| x.id == back.id).unwrap();
    assert_eq!(m.materials.len(), 2);
    let e = feedback(r, &wang, &m, "再次提交", &[report]).await.unwrap_err();
    assert!(e.message_for("materials").is_some(), "{e:?}");
    let more = upload(r, &wang, "other", "交付记录.pdf").await.unwrap();
    let again = feedback(r, &wang, &m, "补充了交付记录", &[more]).await.unwrap();
    assert_eq!(again.materials.len(), 3);
    let done = act(r, &office, &again, A::AcceptFeedback, "", "").await.unwrap();
    assert_eq!(done.status, S::Lifted);
    let audited: Vec<String> = sqlx::query_scalar("SELECT description FROM audit_log WHERE kind = '提交整改反馈' ORDER BY id").fetch_all(store.pool()).await.unwrap();
    assert!(audited[0].contains("附材料《整改情况报告》整改情况报告.pdf"), "{audited:?}");
}

on_both_backends!(measures_bite_and_are_lifted, ordered_exit_ends_bindings_and_bans, feedback_carries_materials_the_officer_opens);
