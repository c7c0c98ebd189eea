//! Issue 15, regulatory fidelity, through the server fns on SQLite and PostgreSQL:
//! unrated use units (内蒙古), no 被授权单位 for 他用/联用, login by 纳税人识别号, the
//! 整改情况报告 after an ordered exit, use-unit conditions for 自用类 invitations, and the
//! use unit's own 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)).

mod common;

use common::http::officer;
use app::access::api::*;
use app::auth_request::api::*;
use app::invitation::api::*;
use app::auth_request::rules::{AuthRequestAction, AuthRequestStatus};
use app::invitation::rules::InvitationStatus;
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::http::{call, call_json, call_typed, get, login, urlencode, PDF};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::json;
use sqlx::Row;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
const CAOYUAN_FGS: (&str, &str) = ("91150203MA0NCY041D", "内蒙古草原云链能源股份有限公司包头分公司");
const CAOYUAN_BT: (&str, &str) = ("91150203MA0NCY021B", "包头草原云链储运有限公司");
const MIANYANG: &str = "91510703MA6CLQ011C";
const QINGHE: &str = "91510104MA6CLQ0158";
const TIANFU_SM: &str = "91510100MA6CLQ0301";
const NEIMENGGU: &str = "国家税务总局内蒙古自治区税务局";

async fn site_on_db(db: TestDb) -> Site {
    site_on(db, app::context::Mode::Demo, &[("index.html", "x")]).await
}

/// Each scenario on SQLite and on PostgreSQL (skipped without LEQI_TEST_PG_URL).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::site_on_db(crate::common::sqlite().await).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = crate::common::postgres().await {
                    super::$name(super::site_on_db(db).await).await;
                }
            }
        }
    )*};
}

on_both!(
    unrated_branch_passes_and_self_use_conditions_are_checked_at_invitation,
    other_use_and_joint_applications_refuse_an_authorized_unit,
    login_by_15_and_20_character_taxpayer_numbers,
    ordered_exit_requires_the_rectification_report,
    auth_request_self_use_goes_to_the_use_units_tax_office,
    auth_request_joint_goes_to_authorization_and_refusal_and_withdrawal,
);


fn row(code: &str, name: &str, province: &str, relationship: &str) -> serde_json::Value {
    json!({ "credit_code": code, "name": name, "province": province, "relationship": relationship, "pre_authorize": "否" })
}

async fn proof(r: &Router, cookie: &str) -> i64 {
    let uri = format!("/api/materials?kind=relationship_proof&name={}", urlencode("关系证明.pdf"));
    let req = Request::post(uri).header(header::CONTENT_TYPE, "application/octet-stream").header(header::COOKIE, cookie).body(Body::from(PDF.to_vec())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap()
}

/// Items 1 and 5: 草原云链 (乐企自用) invites its unrated branch (总分公司关系) and its C-grade
/// subsidiary; the branch passes 内蒙古's use-unit conditions with the reason shown, the
/// subsidiary is refused with each unmet condition, and the officer who 受理s sees the lines.
async fn unrated_branch_passes_and_self_use_conditions_are_checked_at_invitation(s: Site) {
    let r = &s.router;
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let rows = vec![row(CAOYUAN_FGS.0, CAOYUAN_FGS.1, NEIMENGGU, "总分公司关系"), row(CAOYUAN_BT.0, CAOYUAN_BT.1, NEIMENGGU, "母子公司关系")];
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), &cy).await.unwrap();
    assert_eq!(out.invited, 1);
    assert_eq!(out.failed.len(), 1);
    assert_eq!(out.failed[0].credit_code, CAOYUAN_BT.0);
    assert!(out.failed[0].reason.starts_with("不符合使用单位接入条件："), "{}", out.failed[0].reason);
    assert!(out.failed[0].reason.contains("该单位：C级"), "{}", out.failed[0].reason);

    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "status": "", "search": CAOYUAN_FGS.0, "batch_id": null, "before_id": null } }), &cy).await.unwrap();
    let id = page.rows[0].id;
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], &cy).await.unwrap();
    assert_eq!(v.status, InvitationStatus::AwaitingResponse);
    assert_eq!(v.filing_title, "使用单位接入条件核验");
    let credit = v.filing.iter().find(|l| l.rule_id == "credit").expect("the credit line");
    assert!(credit.unit_value.contains("不参与纳税信用级别评价"), "{credit:?}");

    // The use unit confirms; its office's 受理 desk sees the same lines.
    let fgs = login(r, CAOYUAN_FGS.0, "额尔敦", "LegalRepresentative").await.unwrap();
    let done: app::kernel::Acted = call_json(r, InvitationAct::PATH, json!({ "id": id, "version": v.version, "action": app::invitation::rules::InvitationAction::Confirm, "reason": "", "invoicer_link_ids": [], "period_code": "" }), &fgs).await.unwrap();
    assert_eq!(done.status, "待受理");
    let shouli = officer(r, "nm_bt_shouli").await;
    let seen: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], &shouli).await.unwrap();
    assert!(seen.filing.iter().any(|l| l.rule_id == "related" && l.unit_value == "总分公司关系"));
    assert!(seen.filing.iter().any(|l| l.rule_id == "credit" && l.unit_value.contains("不参与")));
}

fn form(access_type: &str) -> serde_json::Value {
    json!({
        "access_type": access_type, "gov_or_association": false,
        "contact": "高远", "phone": "13908000020", "email": "it@tianfu-sm.example", "address": "成都市高新区天府大道100号",
        "qualifications": { "1": "1", "2": "AAA", "3": "开票30000张", "4": "5500", "5": "是", "6": "否",
                             "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [ { "credit_code": "91510100MA6CLQ014B", "name": "四川天府数字交通投资有限公司", "relationship": "同一监管部门" } ],
        "system_name": "天府数智发票管理系统", "built_by_authorized": false, "builder_code": "91510100MA6CLQ0125", "builder_name": "成都蜀乐软件有限公司",
        "deployment": "成都高新区数据中心", "test_ips": "10.1.2.3", "production_ips": "203.0.113.10",
        "protocol": "HTTPS", "port": "443", "period": "long"
    })
}

/// Item 2: a 乐企联用 application that carries 被授权单位 data is refused by the server
/// (填表说明 1), next to the field; without it, it goes through.
async fn other_use_and_joint_applications_refuse_an_authorized_unit(s: Site) {
    let r = &s.router;
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    let draft = check.draft.unwrap();
    assert!(!draft.material_rules.required.iter().any(|k| k.code() == "power_of_attorney"));
    common::http::upload_required(r, &me, &draft).await;
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": form("Joint") }), &me).await.unwrap_err();
    assert_eq!(e.message_for("built_by_authorized").as_deref(), Some("乐企联用申请接入企业无需填写被授权单位相关信息，请清除被授权单位信息"));
    assert!(e.message_for("material.power_of_attorney").is_none(), "no 授权委托书 asked of 联用");
    let kept: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let current = kept.current.unwrap();
    assert_eq!(current.form.builder_name, "成都蜀乐软件有限公司", "nothing entered is lost");
    let mut clean = form("Joint");
    clean["builder_code"] = json!("");
    clean["builder_name"] = json!("");
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": current.version, "form": clean }), &me).await.unwrap();
    assert_eq!(sent.status.label(), "待受理");
}

/// Item 3: login by a 15-character and a 20-character 纳税人识别号; the session is the
/// unit's (its credit code); the pack's invalid codes are refused next to the field.
async fn login_by_15_and_20_character_taxpayer_numbers(s: Site) {
    let r = &s.router;
    let me = login(r, "510100MA6CLQ039", "高远", "LegalRepresentative").await.unwrap();
    let overview: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert_eq!(overview.unit.credit_code, TIANFU_SM);
    let shop = login(r, "15010519800808024101", "阿拉坦", "LegalRepresentative").await.unwrap();
    let overview: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &shop).await.unwrap();
    assert_eq!(overview.unit.enterprise_name, "呼和浩特市赛罕区草原味道烧麦馆");
    // Its credit code still works.
    let code = overview.unit.credit_code.clone();
    assert!(code.starts_with("92150105"));
    assert!(login(r, &code, "阿拉坦", "LegalRepresentative").await.is_ok());
    for bad in ["9161252LQ1136652JR", "916155ZL22511194LQ", "315268198025995201"] {
        let (_, _, body) = call(r, app::auth::api::NewCaptcha::PATH, &[], None).await;
        let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
        let (status, _, body) = call(r, app::auth::api::EnterpriseLogin::PATH, &[("code", bad), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
        assert!(!status.is_success());
        let e: AppError = serde_json::from_str(&body).unwrap();
        assert!(e.message_for("code").is_some(), "{bad}: {e:?}");
    }
    // A well-formed 识别号 nobody has gets the same answer as a wrong password.
    let (_, _, body) = call(r, app::auth::api::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (_, _, body) = call(r, app::auth::api::EnterpriseLogin::PATH, &[("code", "15010519800808024102"), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    let e: AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(e, AppError::LoginFailed(app::auth::rules::BAD_ENTERPRISE_CREDENTIALS.into()));
}

/// Item 4: a 内蒙古 unit ordered out 4 years ago (its 3-year ban over) applies again:
/// the 整改情况报告 and 防范机制说明 are required; a unit never ordered out is not asked.
async fn ordered_exit_requires_the_rectification_report(s: Site) {
    let r = &s.router;
    let four_years_ago = T0 - 4 * 366 * 24 * 3600 * 1000;
    sqlx::query("UPDATE enterprises SET credit_grade = 'A', revenue_last_year_fen = $1, invoices_12m = 20000 WHERE credit_code = $2")
        .bind(6000i64 * 1_000_000)
        .bind("92150105MA0NCY0513")
        .execute(s.db.store.pool())
        .await
        .unwrap();
    // The exit record (issue #13: the ban is derived from it).
    sqlx::query("INSERT INTO unit_exits (enterprise_id, kind, filed_at, effective_at) SELECT id, 'ordered', $1, $1 FROM enterprises WHERE credit_code = $2")
        .bind(four_years_ago)
        .bind("92150105MA0NCY0513")
        .execute(s.db.store.pool())
        .await
        .unwrap();
    let shop = login(r, "15010519800808024101", "阿拉坦", "LegalRepresentative").await.unwrap();
    let code: String = sqlx::query("SELECT credit_code FROM enterprises WHERE taxpayer_number = $1").bind("15010519800808024101").fetch_one(s.db.store.pool()).await.unwrap().get("credit_code");
    assert_eq!(code, "92150105MA0NCY0513", "the update above hit the shop");
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "SelfUse"), ("gov_or_association", "false"), ("confirmed", "true")], &shop).await.unwrap();
    let draft = check.draft.unwrap_or_else(|| panic!("{:?}", check.lines));
    let required: Vec<&str> = draft.material_rules.required.iter().map(|k| k.code()).collect();
    assert!(required.contains(&"rectification_report") && required.contains(&"prevention_mechanism"), "{required:?}");
    // Everything but those two: 提交 names each.
    for kind in draft.material_rules.required.iter().filter(|k| !matches!(k.code(), "rectification_report" | "prevention_mechanism")) {
        let (status, body) = common::http::upload(r, Some(&shop), draft.id, kind.code(), "材料.pdf", PDF.to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let mut f = form("SelfUse");
    f["builder_code"] = json!("");
    f["builder_name"] = json!("");
    f["use_units"] = json!([]);
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": f }), &shop).await.unwrap_err();
    assert_eq!(e.message_for("material.rectification_report").as_deref(), Some("请上传《整改情况报告》"));
    assert_eq!(e.message_for("material.prevention_mechanism").as_deref(), Some("请上传《防范机制说明》"));
    for kind in ["rectification_report", "prevention_mechanism"] {
        let (status, body) = common::http::upload(r, Some(&shop), draft.id, kind, "整改.pdf", PDF.to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let current: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &shop).await.unwrap();
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": current.current.unwrap().version, "form": f }), &shop).await.unwrap();
    assert_eq!(sent.status.label(), "待受理");

    // 四川, never ordered out: neither is required (offered only where the province lists them).
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    assert!(!check.draft.unwrap().material_rules.required.iter().any(|k| k.code() == "rectification_report"));
}

async fn send(r: &Router, who: &str, direct: &str, relationship: &str, proof: Option<i64>) -> Result<AuthRequestView, AppError> {
    let mut form = vec![("direct_code", direct.to_string()), ("relationship", relationship.to_string())];
    if let Some(p) = proof {
        form.push(("proof_material_id", p.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    call_typed(r, SendAuthRequest::PATH, &form, who).await
}

/// Item 6, 自用类: 绵阳分公司 finds 蜀乐科技 and asks with 总分公司关系 and proof; 蜀乐 sees the
/// request (and the proof) on its side, 同意s it, and the invitation waits at the use unit's
/// own tax office (涪城) for 受理 — no 响应 step. Others see nothing.
async fn auth_request_self_use_goes_to_the_use_units_tax_office(s: Site) {
    let r = &s.router;
    let my = login(r, MIANYANG, "周敏", "LegalRepresentative").await.unwrap();
    let card: DirectUnitCard = call_typed(r, FindDirectUnit::PATH, &[("credit_code", SHULE)], &my).await.unwrap();
    assert_eq!((card.name.as_str(), card.access_type.as_str()), ("四川蜀乐科技集团有限公司", "乐企联用"));
    assert_eq!(card.relationships.len(), 5);
    let e = call_typed::<DirectUnitCard>(r, FindDirectUnit::PATH, &[("credit_code", QINGHE)], &my).await.unwrap_err();
    assert_eq!(e.message_for("direct_code").as_deref(), Some("该单位不是乐企直连单位，不能向其申请授权"));
    let e = call_typed::<DirectUnitCard>(r, FindDirectUnit::PATH, &[("credit_code", "9161252LQ1136652JR")], &my).await.unwrap_err();
    assert_eq!(e.message_for("direct_code").as_deref(), Some("统一社会信用代码第3至8位（行政区划码）应为数字"));

    // Proof is required (not 同一监管部门).
    let e = send(r, &my, SHULE, "总分公司关系", None).await.unwrap_err();
    assert_eq!(e.message_for("proof").as_deref(), Some("请上传单位关系证明材料"));
    let p = proof(r, &my).await;
    let sent = send(r, &my, SHULE, "总分公司关系", Some(p)).await.unwrap();
    assert_eq!(sent.status, AuthRequestStatus::Pending);
    assert_eq!(sent.actions, [AuthRequestAction::Withdraw]);
    assert!(sent.checks.iter().all(|l| l.outcome == app::access::rules::CheckOutcome::Pass) && !sent.checks.is_empty());
    // One pending request per pair.
    let again = proof(r, &my).await;
    assert_eq!(send(r, &my, SHULE, "总分公司关系", Some(again)).await.unwrap_err(), AppError::Refused("已向该直连单位申请授权，请等待其处理".into()));

    // The direct unit: its pending list, the proof, 同意.
    let shule = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let pending: Vec<AuthRequestView> = call_typed(r, ReceivedAuthRequests::PATH, &[("status", "pending")], &shule).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].actions, [AuthRequestAction::Agree, AuthRequestAction::Refuse]);
    let (status, _, _) = get(r, &format!("/api/materials/{p}"), Some(&shule)).await;
    assert_eq!(status, StatusCode::OK, "the direct unit asked sees the proof");
    let qinghe = login(r, QINGHE, "何青", "LegalRepresentative").await.unwrap();
    let (status, _, _) = get(r, &format!("/api/materials/{p}"), Some(&qinghe)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nobody else does");
    assert_eq!(call_typed::<AuthRequestView>(r, AuthRequestDetail::PATH, &[("id", &sent.id.to_string())], &qinghe).await.unwrap_err(), AppError::NotFound);
    // The use unit cannot agree to its own request.
    assert!(call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Agree, "reason": "" }), &my).await.is_err());
    // A stale version is a conflict.
    assert_eq!(call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": (sent.version + 1), "action": AuthRequestAction::Agree, "reason": "" }), &shule).await.unwrap_err(), AppError::Conflict);
    let agreed: AuthRequestView = call_json(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Agree, "reason": "" }), &shule).await.unwrap();
    let invitation_id = agreed.invitation_id.expect("the invitation it became");
    assert!(agreed.actions.is_empty());
    // Agreeing twice: the second is a conflict.
    assert_eq!(call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Agree, "reason": "" }), &shule).await.unwrap_err(), AppError::Conflict);

    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &invitation_id.to_string())], &shule).await.unwrap();
    assert_eq!(v.status, InvitationStatus::PendingAcceptance, "自用类: straight to the use unit's tax office");
    assert_eq!(v.use_tax_office, "国家税务总局绵阳市涪城区税务局");
    assert_eq!(v.timeline[0].action, "同意授权申请");
    assert_eq!(v.proof_material_id, Some(p));
    let shouli = officer(r, "sc_my_shouli").await;
    let queue: Vec<InvitationQueueItem> = call_typed(r, OfficerInvitationQueue::PATH, &[], &shouli).await.unwrap();
    assert!(queue.iter().any(|q| q.id == invitation_id));
    let (status, _, _) = get(r, &format!("/api/materials/{p}"), Some(&shouli)).await;
    assert_eq!(status, StatusCode::OK, "the use unit's office sees the proof once it is an invitation");
    // The audit log has the request and the agreement.
    let kinds: Vec<String> = sqlx::query("SELECT kind FROM audit_log WHERE kind IN ('发起授权申请', '同意授权申请') ORDER BY id").fetch_all(s.db.store.pool()).await.unwrap().into_iter().map(|r| r.get("kind")).collect();
    assert_eq!(kinds, ["发起授权申请", "同意授权申请"]);
}

/// Item 6, 联用类: 青禾 asks 蜀乐 with 不具有控制关系; on 同意 接入备案 runs (四川: pilot,
/// M, no violation → passes) and it waits for 青禾's 授权. 拒绝 needs a reason; 撤回 only
/// by the requester while pending. A 乐企自用 direct unit cannot take a 联用类 request.
async fn auth_request_joint_goes_to_authorization_and_refusal_and_withdrawal(s: Site) {
    let r = &s.router;
    let qinghe = login(r, QINGHE, "何青", "LegalRepresentative").await.unwrap();
    let p = proof(r, &qinghe).await;
    let e = send(r, &qinghe, CAOYUAN, "不具有控制关系", Some(p)).await.unwrap_err();
    assert_eq!(e.message_for("relationship").as_deref(), Some("乐企自用直连单位不能接入联用类使用单位（不具有控制关系）"));
    let sent = send(r, &qinghe, SHULE, "不具有控制关系", Some(p)).await.unwrap();
    let shule = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let e = call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Refuse, "reason": " " }), &shule).await.unwrap_err();
    assert_eq!(e.message_for("reason").as_deref(), Some("请填写原因"));
    assert!(call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Withdraw, "reason": "" }), &shule).await.is_err(), "only the requester withdraws");
    let agreed: AuthRequestView = call_json(r, AuthRequestAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AuthRequestAction::Agree, "reason": "" }), &shule).await.unwrap();
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &agreed.invitation_id.unwrap().to_string())], &qinghe).await.unwrap();
    assert_eq!(v.status, InvitationStatus::AwaitingAuthorization, "联用类: 接入备案 passed, on to 授权");
    assert_eq!(v.filing_title, "接入备案校验");
    // A second request after the first became an invitation: refused while that invitation is open.
    let p2 = proof(r, &qinghe).await;
    assert_eq!(send(r, &qinghe, SHULE, "不具有控制关系", Some(p2)).await.unwrap_err(), AppError::Refused("本单位已与该直连单位绑定或有待处理的邀请".into()));

    // 拒绝 with a reason, and 撤回 — another use unit (物业, 其他控制关系).
    let wuye = login(r, "91510104MA6CLQ0132", "陈静", "LegalRepresentative").await.unwrap();
    let pw = proof(r, &wuye).await;
    let w = send(r, &wuye, SHULE, "其他控制关系", Some(pw)).await.unwrap();
    let refused: AuthRequestView = call_json(r, AuthRequestAct::PATH, json!({ "id": w.id, "version": w.version, "action": AuthRequestAction::Refuse, "reason": "无控制关系证明" }), &shule).await.unwrap();
    assert_eq!(refused.status, AuthRequestStatus::Refused { reason: "无控制关系证明".into() });
    let mine: Vec<AuthRequestView> = call_typed(r, MyAuthRequests::PATH, &[], &wuye).await.unwrap();
    assert_eq!(mine[0].status.reason(), Some("无控制关系证明"));
    let pw2 = proof(r, &wuye).await;
    let w2 = send(r, &wuye, SHULE, "其他控制关系", Some(pw2)).await.unwrap();
    let withdrawn: AuthRequestView = call_json(r, AuthRequestAct::PATH, json!({ "id": w2.id, "version": w2.version, "action": AuthRequestAction::Withdraw, "reason": "" }), &wuye).await.unwrap();
    assert_eq!(withdrawn.status, AuthRequestStatus::Withdrawn);
    assert!(call_json::<AuthRequestView>(r, AuthRequestAct::PATH, json!({ "id": w2.id, "version": withdrawn.version, "action": AuthRequestAction::Agree, "reason": "" }), &shule).await.is_err());
    let all: Vec<AuthRequestView> = call_typed(r, ReceivedAuthRequests::PATH, &[("status", "")], &shule).await.unwrap();
    assert_eq!(all.len(), 3);
    let lines: Vec<String> = call_typed(r, H5AuthRequests::PATH, &[], &wuye).await.unwrap();
    assert!(lines[0].contains("已撤回") && lines[1].contains("已拒绝（无控制关系证明）"), "{lines:?}");
}
