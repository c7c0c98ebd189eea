//! The use unit's side of invitations (manual ch. 4) through the real server
//! fns, on SQLite and PostgreSQL: 自用类 响应 → 受理 → 确认, 联用类 授权 with
//! 开票人员配置 and 开票安全验证时间配置, 拒绝, 解除绑定, and 开票人员登记及管理
//! (§4.5); other units and identities kept out.

mod common;

use common::http::officer;
use std::sync::Arc;

use app::invitation::api::*;
use app::invoicers::api::*;
use app::kernel::Acted;
use app::invitation::rules::{InvitationAction, InvitationStatus};
use app::invoicers::rules::InvoicerAccess;
use app::error::AppError;
use app::accounts::store::AuditStore;
use app::context::Mode;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const SHULE_MY: &str = "91510703MA6CLQ011C";
const QINGHE: &str = "91510104MA6CLQ0158";

/// A router over `store`, seeded with the demo data and the province rules.
async fn router_on(store: &SqlStore) -> axum::Router {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    // The site folder is read per request; keep it alive for the test.
    let path = dir.keep();
    server::http::router(ctx(store, Arc::new(TestClock(std::sync::atomic::AtomicI64::new(T0))), Mode::Demo), &path)
}


/// 王建国 invites one unit; returns the invitation id.
async fn invite(r: &axum::Router, direct: &str, code: &str, name: &str, relationship: &str) -> i64 {
    let rows = json!([{ "credit_code": code, "name": name, "province": "国家税务总局四川省税务局", "relationship": relationship, "pre_authorize": "否" }]);
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), direct).await.unwrap();
    assert_eq!(out.invited, 1, "{:?}", out.failed);
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "batch_id": out.batch_id } }), direct).await.unwrap();
    page.rows[0].id
}

async fn detail(r: &axum::Router, who: &str, id: i64) -> Result<InvitationView, AppError> {
    call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], who).await
}

async fn direct_status(r: &axum::Router, direct: &str, code: &str) -> (String, Option<String>) {
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "search": code } }), direct).await.unwrap();
    (page.rows[0].status.clone(), page.rows[0].reason.clone())
}

/// `invitation_act` at `v`'s version; the invitation as `who` then sees it.
async fn act(r: &axum::Router, who: &str, v: &InvitationView, action: InvitationAction, reason: &str, links: &[i64], period: &str) -> Result<InvitationView, AppError> {
    let done: Acted = call_json(r, InvitationAct::PATH, json!({ "id": v.id, "version": v.version, "action": action, "reason": reason, "invoicer_link_ids": links, "period_code": period }), who).await?;
    detail(r, who, done.id).await
}

async fn respond(r: &axum::Router, who: &str, v: &InvitationView, confirm: bool, reason: &str) -> Result<InvitationView, AppError> {
    act(r, who, v, if confirm { InvitationAction::Confirm } else { InvitationAction::Decline }, reason, &[], "").await
}

async fn decide(r: &axum::Router, who: &str, id: i64, approve: bool, reason: &str) -> Result<InvitationView, AppError> {
    let v = detail(r, who, id).await?;
    let action = match (&v.status, approve) {
        (InvitationStatus::PendingConfirmation, true) => InvitationAction::ConfirmPass,
        (InvitationStatus::PendingConfirmation, false) => InvitationAction::ConfirmReject,
        (_, true) => InvitationAction::Accept,
        (_, false) => InvitationAction::NotAccept,
    };
    act(r, who, &v, action, reason, &[], "").await
}

async fn unbind(r: &axum::Router, who: &str, v: &InvitationView, reason: &str) -> Result<InvitationView, AppError> {
    act(r, who, v, InvitationAction::UnbindDirectUnit, reason, &[], "").await
}

async fn authorize(r: &axum::Router, who: &str, v: &InvitationView, links: &[i64], period: &str) -> Result<InvitationView, AppError> {
    act(r, who, v, InvitationAction::Authorize, "", links, period).await
}

async fn invoicers(r: &axum::Router, who: &str) -> Result<InvoicersView, AppError> {
    call_typed(r, InvoicerRegistrations::PATH, &[], who).await
}

fn refused_with(e: AppError, text: &str) {
    match e {
        AppError::Refused(m) => assert!(m.contains(text), "{m}"),
        other => panic!("expected Refused({text}), got {other:?}"),
    }
}

async fn self_use_respond_confirm_and_unbind(store: &SqlStore) {
    let r = router_on(store).await;
    let wang = login(&r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let zhou = login(&r, SHULE_MY, "周敏", "LegalRepresentative").await.unwrap();
    let he = login(&r, QINGHE, "何青", "LegalRepresentative").await.unwrap();
    let id = invite(&r, &wang, SHULE_MY, "四川蜀乐科技集团有限公司绵阳分公司", "总分公司关系").await;

    // 【响应邀请】 lists it with its status.
    let list: Vec<InvitationRow> = call_typed(&r, ReceivedInvitations::PATH, &[], &zhou).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].status.as_str(), list[0].name.as_str(), list[0].category.as_str()), ("待使用单位响应", "四川蜀乐科技集团有限公司", "自用类"));
    let v = detail(&r, &zhou, id).await.unwrap();
    assert_eq!(v.actions, [InvitationAction::Confirm, InvitationAction::Decline]);
    assert_eq!(v.use_tax_office, "国家税务总局绵阳市涪城区税务局");
    assert_eq!(v.relationship, "总分公司关系");

    // Another unit neither sees nor answers it.
    assert_eq!(detail(&r, &he, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(respond(&r, &he, &v, true, "").await.unwrap_err(), AppError::NotFound);
    assert_eq!(unbind(&r, &he, &v, "x").await.unwrap_err(), AppError::NotFound);
    let theirs: Vec<InvitationRow> = call_typed(&r, ReceivedInvitations::PATH, &[], &he).await.unwrap();
    assert!(theirs.iter().all(|i| i.id != id));

    // 【确认】 → 待受理; a stale version is a conflict.
    let v = respond(&r, &zhou, &v, true, "").await.unwrap();
    assert_eq!(v.status, InvitationStatus::PendingAcceptance);
    assert!(v.actions.is_empty());
    let stale = InvitationView { version: v.version - 1, ..v.clone() };
    assert_eq!(respond(&r, &zhou, &stale, true, "").await.unwrap_err(), AppError::Conflict);
    assert_eq!(direct_status(&r, &wang, SHULE_MY).await.0, "待受理");

    // The use unit's tax office: 受理 then 确认 (a second officer).
    let shouli = officer(&r, "sc_my_shouli").await;
    let fuhe = officer(&r, "sc_my_fuhe").await;
    let other_office = officer(&r, "sc_jj_shouli").await;
    assert_eq!(decide(&r, &other_office, id, true, "").await.unwrap_err(), AppError::NotFound);
    assert_eq!(decide(&r, &shouli, id, true, "").await.unwrap().status, InvitationStatus::PendingConfirmation);
    assert_eq!(detail(&r, &zhou, id).await.unwrap().status.label(), "待确认");
    assert_eq!(decide(&r, &fuhe, id, true, "").await.unwrap().status, InvitationStatus::Confirmed);
    assert_eq!(direct_status(&r, &wang, SHULE_MY).await.0, "确认通过");

    // 自用类 units have no 开票人员登记.
    refused_with(invoicers(&r, &zhou).await.unwrap_err(), "仅适用于已与直连单位建立绑定关系的联用类使用单位");

    // 解除绑定: a reason is required; the direct unit's list shows it at once.
    let v = detail(&r, &zhou, id).await.unwrap();
    assert_eq!(v.actions, [InvitationAction::UnbindDirectUnit]);
    assert_eq!(unbind(&r, &zhou, &v, "  ").await.unwrap_err().message_for("reason").as_deref(), Some("请填写原因"));
    let v = unbind(&r, &zhou, &v, "业务调整").await.unwrap();
    assert_eq!(v.status.label(), "已解除绑定");
    assert_eq!(direct_status(&r, &wang, SHULE_MY).await, ("已解除绑定".to_string(), Some("业务调整".to_string())));
    assert_eq!(v.timeline.last().unwrap().action, "使用单位解除绑定");

    // Invited again, then 【拒绝】 → 已拒绝 with its reason on both sides.
    let id2 = invite(&r, &wang, SHULE_MY, "四川蜀乐科技集团有限公司绵阳分公司", "总分公司关系").await;
    let v2 = detail(&r, &zhou, id2).await.unwrap();
    let v2 = respond(&r, &zhou, &v2, false, "暂不需要").await.unwrap();
    assert_eq!(v2.status, InvitationStatus::Declined { reason: "暂不需要".into() });
    assert_eq!(direct_status(&r, &wang, SHULE_MY).await, ("已拒绝".to_string(), Some("暂不需要".to_string())));
    assert!(respond(&r, &zhou, &v2, true, "").await.is_err());

    let audit = store.recent_audit(50).await.unwrap();
    for kind in ["确认邀请", "拒绝邀请", "使用单位解除绑定", "受理", "确认通过"] {
        assert!(audit.iter().any(|a| a.kind == kind), "audited: {kind}");
    }
}

async fn joint_authorize_registers_invoicers(store: &SqlStore) {
    let r = router_on(store).await;
    let wang = login(&r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let he = login(&r, QINGHE, "何青", "LegalRepresentative").await.unwrap();
    let luo = login(&r, QINGHE, "罗琳", "FinanceManager").await.unwrap();
    let ma_tax = login(&r, QINGHE, "马超", "TaxClerk").await.unwrap();
    let ma_inv = login(&r, QINGHE, "马超", "InvoiceClerk").await.unwrap();
    let zhou = login(&r, SHULE_MY, "周敏", "LegalRepresentative").await.unwrap();

    // Before any binding the page is refused to everyone.
    refused_with(invoicers(&r, &he).await.unwrap_err(), "仅适用于已与直连单位建立绑定关系的联用类使用单位");

    // 青禾 passes 接入备案: 待使用单位授权 at once.
    let id = invite(&r, &wang, QINGHE, "成都青禾餐饮管理有限公司", "不具有控制关系").await;
    let v = detail(&r, &he, id).await.unwrap();
    assert_eq!(v.status, InvitationStatus::AwaitingAuthorization);
    assert_eq!(v.actions, [InvitationAction::Authorize, InvitationAction::RefuseAuthorization]);
    // Neither a 办税员 nor an 开票员 is offered 授权, and the server refuses them.
    assert!(detail(&r, &ma_tax, id).await.unwrap().actions.is_empty());
    assert!(detail(&r, &ma_inv, id).await.unwrap().actions.is_empty());
    let opts: AuthorizeChoices = call_typed(&r, AuthorizeOptions::PATH, &[("id", &id.to_string())], &he).await.unwrap();
    let ma = opts.invoicers.iter().find(|i| i.name == "马超").expect("马超 is an 开票员").link_id;
    assert_eq!(opts.periods.iter().map(|p| p.label.as_str()).collect::<Vec<_>>(), ["1天", "7天", "30天"]);
    refused_with(authorize(&r, &ma_tax, &v, &[ma], "7d").await.unwrap_err(), "仅法定代表人或财务负责人可以授权");
    refused_with(authorize(&r, &ma_inv, &v, &[ma], "7d").await.unwrap_err(), "仅法定代表人或财务负责人可以授权");
    refused_with(authorize(&r, &ma_inv, &v, &[1], "7d").await.unwrap_err(), "仅法定代表人或财务负责人可以授权");
    let refuse = |who: String| {
        let r = r.clone();
        let v = v.clone();
        async move { act(&r, &who, &v, InvitationAction::RefuseAuthorization, "x", &[], "").await }
    };
    refused_with(refuse(ma_tax.clone()).await.unwrap_err(), "仅法定代表人或财务负责人可以授权");
    // Another unit: not found.
    assert_eq!(detail(&r, &zhou, id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(authorize(&r, &zhou, &v, &[ma], "7d").await.unwrap_err(), AppError::NotFound);
    assert_eq!(refuse(zhou.clone()).await.unwrap_err(), AppError::NotFound);

    // 开票人员配置 and 开票安全验证时间配置, each checked next to its field.
    assert_eq!(authorize(&r, &he, &v, &[], "7d").await.unwrap_err().message_for("invoicers").as_deref(), Some("请至少选择一名开票人员"));
    assert_eq!(authorize(&r, &he, &v, &[ma], "").await.unwrap_err().message_for("period").as_deref(), Some("请选择开票安全验证时间"));
    let he_link = 0; // not an 开票员
    assert!(authorize(&r, &he, &v, &[he_link], "7d").await.unwrap_err().message_for("invoicers").is_some());
    let v = authorize(&r, &he, &v, &[ma], "7d").await.unwrap();
    assert_eq!(v.status, InvitationStatus::Confirmed);
    let a = v.authorization.clone().unwrap();
    assert_eq!((a.invoicers[0].name.as_str(), a.period.label.as_str()), ("马超", "7天"));
    assert_eq!(direct_status(&r, &wang, QINGHE).await.0, "确认通过");

    // The chosen 开票员 is registered by the authorization.
    let page = invoicers(&r, &he).await.unwrap();
    assert_eq!(page.access, InvoicerAccess::Manage);
    assert_eq!(page.platforms.len(), 1);
    assert_eq!(page.rows.len(), 1);
    assert_eq!((page.rows[0].person_name.as_str(), page.rows[0].state.as_str()), ("马超", "已登记"));
    // A 办税员 sees nothing to manage; the 开票员 sees their own.
    refused_with(invoicers(&r, &ma_tax).await.unwrap_err(), "办税员不能办理开票人员登记");
    let own = invoicers(&r, &ma_inv).await.unwrap();
    assert_eq!(own.access, InvoicerAccess::Own);
    assert!(own.staff.is_empty());
    assert_eq!(own.rows.len(), 1);
    assert!(own.rows[0].reason_required);
    // Registered twice: refused next to the person.
    let twice = call_typed::<InvoicersView>(&r, RegisterInvoicer::PATH, &[("invitation_id", &id.to_string()), ("link_id", &ma.to_string())], &luo).await.unwrap_err();
    assert!(twice.message_for("link_id").unwrap().contains("已登记"));
    // Only principals register.
    refused_with(
        call_typed::<InvoicersView>(&r, RegisterInvoicer::PATH, &[("invitation_id", &id.to_string()), ("link_id", &ma.to_string())], &ma_inv).await.unwrap_err(),
        "仅法定代表人或财务负责人可以登记开票人员",
    );

    // The 开票员 unregisters their own registration, with a reason.
    let reg = &own.rows[0];
    let unreg = |who: String, id: i64, version: i64, reason: &'static str| {
        let r = r.clone();
        async move { call_json::<InvoicersView>(&r, RegistrationAct::PATH, json!({ "id": id, "version": version, "action": "Unregister", "reason": reason }), &who).await }
    };
    assert_eq!(unreg(ma_inv.clone(), reg.id, reg.version, " ").await.unwrap_err().message_for("reason").as_deref(), Some("请填写解除原因"));
    refused_with(unreg(ma_tax.clone(), reg.id, reg.version, "x").await.unwrap_err(), "办税员不能办理开票人员登记");
    assert_eq!(unreg(zhou.clone(), reg.id, reg.version, "x").await.unwrap_err(), AppError::Refused("【开票人员登记及管理】仅适用于已与直连单位建立绑定关系的联用类使用单位".into()));
    let after = unreg(ma_inv.clone(), reg.id, reg.version, "岗位调整").await.unwrap();
    assert_eq!(after.rows[0].state, "已解除登记");
    assert_eq!(after.rows[0].ended_reason.as_deref(), Some("岗位调整"));
    assert!(after.rows[0].ended_by.as_deref().unwrap().contains("马超（开票员）"));
    assert_eq!(unreg(ma_inv.clone(), reg.id, reg.version, "再次").await.unwrap_err(), AppError::Conflict);

    // The 财务负责人 registers him again, and unregisters him (no reason needed).
    let page = call_typed::<InvoicersView>(&r, RegisterInvoicer::PATH, &[("invitation_id", &id.to_string()), ("link_id", &ma.to_string())], &luo).await.unwrap();
    let active = page.rows.iter().find(|x| x.active).unwrap().clone();
    assert_eq!(active.registered_by, "罗琳（财务负责人）");
    // Registering to a platform the unit is not bound to is refused next to the field.
    let bad = call_typed::<InvoicersView>(&r, RegisterInvoicer::PATH, &[("invitation_id", "999999"), ("link_id", &ma.to_string())], &luo).await.unwrap_err();
    assert!(bad.message_for("invitation_id").is_some());
    let page = unreg(he.clone(), active.id, active.version, "").await.unwrap();
    assert!(page.rows.iter().all(|x| !x.active));

    // 解除与直连单位绑定关系: the page closes with the binding.
    let v = unbind(&r, &he, &detail(&r, &he, id).await.unwrap(), "合作结束").await.unwrap();
    assert_eq!(v.status.label(), "已解除绑定");
    assert_eq!(direct_status(&r, &wang, QINGHE).await, ("已解除绑定".to_string(), Some("合作结束".to_string())));
    refused_with(invoicers(&r, &he).await.unwrap_err(), "仅适用于");

    // Invited again: 【拒绝】 → 已拒绝 with the reason shown to the direct unit.
    let id2 = invite(&r, &wang, QINGHE, "成都青禾餐饮管理有限公司", "不具有控制关系").await;
    let v2 = detail(&r, &luo, id2).await.unwrap();
    let v2: InvitationView = act(&r, &luo, &v2, InvitationAction::RefuseAuthorization, "暂不合作", &[], "").await.unwrap();
    assert_eq!(v2.status, InvitationStatus::Declined { reason: "暂不合作".into() });
    assert_eq!(direct_status(&r, &wang, QINGHE).await, ("已拒绝".to_string(), Some("暂不合作".to_string())));

    let audit = store.recent_audit(80).await.unwrap();
    for kind in ["授权", "拒绝授权", "开票人员登记", "解除开票人员登记", "使用单位解除绑定"] {
        assert!(audit.iter().any(|a| a.kind == kind), "audited: {kind}");
    }
    assert!(audit.iter().any(|a| a.kind == "授权" && a.description.contains("开票人员：马超") && a.description.contains("7天")));
}

on_both_backends!(self_use_respond_confirm_and_unbind, joint_authorize_registers_invoicers);
