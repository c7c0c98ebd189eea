//! The access application end to end through the server fns: 我要申请 →
//! 基础信息核验 → 保存草稿 → 提交 → 受理 → 复核 → 确认, refusals and 重新发起,
//! conflicts between officers, and other units kept out.

mod common;

use common::http::officer;
use app::access::api::*;
use app::access::rules::{desk_actions, AccessAction, ApplicationStatus, CheckOutcome};
use app::kernel::AccessType;
use app::kernel::OfficerRole;
use app::error::AppError;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;

const TIANFU_SM: &str = "91510100MA6CLQ0301";


fn complete_form() -> serde_json::Value {
    json!({
        "access_type": "Joint", "gov_or_association": false,
        "contact": "高远", "phone": "13908000020", "email": "it@tianfu-sm.example", "address": "成都市高新区天府大道100号",
        "qualifications": { "1": "1", "2": "AAA", "3": "开票30000张，受票0张，开票金额4000万元", "4": "5500", "5": "是", "6": "否",
                             "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [ { "credit_code": "91510100MA6CLQ014B", "name": "四川天府数字交通投资有限公司", "relationship": "同一监管部门" } ],
        "system_name": "天府数智发票管理系统", "built_by_authorized": false, "builder_code": "", "builder_name": "",
        "deployment": "成都高新区数据中心", "test_ips": "10.1.2.3", "production_ips": "203.0.113.10, 203.0.113.11",
        "protocol": "HTTPS", "port": "443", "period": "long"
    })
}

async fn apply(r: &axum::Router, applicant: &str) -> ApplicationView {
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], applicant).await.unwrap();
    let draft = check.draft.expect("the check passes (aggregate thresholds wait for the use units)");
    common::http::upload_required(r, applicant, &draft).await;
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": complete_form() }), applicant).await.unwrap();
    assert_eq!(sent.status, ApplicationStatus::PendingAcceptance);
    sent
}

/// `access_act` at `version`.
async fn act(r: &axum::Router, who: &str, id: i64, version: i64, action: AccessAction, reason: &str) -> Result<app::kernel::Acted, AppError> {
    call_json(r, AccessAct::PATH, json!({ "id": id, "version": version, "action": action, "reason": reason }), who).await
}

/// The decision of the desk the application waits for; the application as `who` then sees it.
async fn decide(r: &axum::Router, who: &str, id: i64, approve: bool, reason: &str) -> Result<ApplicationView, AppError> {
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &id.to_string())], who).await?;
    let desk = desk_actions(case.application.status.deciding_role().unwrap_or(OfficerRole::Acceptance));
    act(r, who, id, case.application.version, if approve { desk[0] } else { desk[1] }, reason).await?;
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &id.to_string())], who).await?;
    Ok(case.application)
}

#[tokio::test]
async fn from_apply_through_three_desks_to_confirmed() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let overview: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert!(overview.can_apply && overview.current.is_none());
    assert_eq!(overview.unit.tax_office_name, "国家税务总局成都高新技术产业开发区税务局");
    assert_eq!(overview.unit.legal_representative, "高远");

    let e = call_typed::<UnitCheck>(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "false")], &me).await.unwrap_err();
    assert_eq!(e.message_for("confirmed").as_deref(), Some("请勾选我已确认单位信息"));
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    assert!(check.lines.iter().any(|l| l.rule_id == "revenue" && l.outcome == CheckOutcome::NeedsUseUnits));
    let draft = check.draft.unwrap();
    assert_eq!(draft.items.len(), 12, "联用 fills all 12 items");

    // 保存草稿 keeps everything, even a half-filled form; a stale version is refused.
    let v: i64 = call_json(r, SaveAccessDraft::PATH, json!({ "id": draft.id, "version": draft.version, "form": { "contact": "高远", "test_ips": "10.1.2.999", "period": "long" } }), &me).await.unwrap();
    assert_eq!(call_json::<i64>(r, SaveAccessDraft::PATH, json!({ "id": draft.id, "version": draft.version, "form": {} }), &me).await.unwrap_err(), AppError::Conflict);
    let again: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let current = again.current.unwrap();
    assert_eq!((current.form.contact.as_str(), current.form.test_ips.as_str()), ("高远", "10.1.2.999"));
    assert_eq!(current.form.access_type, Some(AccessType::Joint), "the type chosen at 确认单位信息 stays");

    // 提交 checks every field, each message for its own field.
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": v, "form": current.form }), &me).await.unwrap_err();
    for f in ["phone", "email", "address", "q1", "q12", "system_name", "deployment", "test_ips", "production_ips", "protocol", "port"] {
        assert!(e.message_for(f).is_some(), "{f}: {e:?}");
    }
    // …and each missing required material next to its own line.
    assert_eq!(e.message_for("material.access_info_form").as_deref(), Some("请上传《接入信息表》"));
    assert_eq!(e.message_for("material.network_filing").as_deref(), Some("请上传《网络地址备案表》"));
    assert_eq!(e.message_for("material.power_of_attorney"), None, "self-built: no 授权委托书");
    common::http::upload_required(r, &me, &draft).await;
    assert!(e.message_for("test_ips").unwrap().contains("10.1.2.999"));
    // Without the pre-invited use unit the aggregate thresholds are not met.
    let mut alone = complete_form();
    alone["use_units"] = json!([]);
    let now: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": now.current.unwrap().version, "form": alone }), &me).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("基础信息核验不通过") && m.contains("5000万元")), "{e:?}");
    let now: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": now.current.unwrap().version, "form": complete_form() }), &me).await.unwrap();
    assert_eq!(sent.status.label(), "待受理");
    assert_eq!(sent.next_actor.as_deref(), Some("主管税务机关（受理）"));
    let after: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert!(!after.can_apply, "no second application while one is active");

    // The 受理 desk of the applicant's office sees it; another office does not.
    let gx = officer(r, "sc_gx_shouli").await;
    let jj = officer(r, "sc_jj_shouli").await;
    let queue: Vec<QueueItem> = call_typed(r, OfficerQueue::PATH, &[], &gx).await.unwrap();
    assert_eq!(queue.iter().map(|q| q.enterprise_name.as_str()).collect::<Vec<_>>(), ["四川天府数智商贸有限公司"]);
    assert!(call_typed::<Vec<QueueItem>>(r, OfficerQueue::PATH, &[], &jj).await.unwrap().is_empty());
    assert_eq!(decide(r, &jj, sent.id, true, "").await.unwrap_err(), AppError::NotFound);
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &sent.id.to_string())], &gx).await.unwrap();
    assert!(case.can_decide && case.checks.iter().all(|c| c.outcome == CheckOutcome::Pass));
    // A refusal needs a reason.
    assert_eq!(decide(r, &gx, sent.id, false, " ").await.unwrap_err().message_for("reason").as_deref(), Some("请填写原因"));
    // The wrong desk cannot act.
    let fuhe = officer(r, "sc_gx_fuhe").await;
    assert!(matches!(decide(r, &fuhe, sent.id, true, "").await.unwrap_err(), AppError::Refused(_)));

    assert_eq!(decide(r, &gx, sent.id, true, "").await.unwrap().status.label(), "待复核");
    assert_eq!(decide(r, &fuhe, sent.id, true, "").await.unwrap().status.label(), "待确认");
    let nm = officer(r, "nm_queren").await;
    assert_eq!(decide(r, &nm, sent.id, true, "").await.unwrap_err(), AppError::NotFound, "another province");
    let sc = officer(r, "sc_queren").await;
    let done = decide(r, &sc, sent.id, true, "").await.unwrap();
    assert_eq!(done.status, ApplicationStatus::Confirmed);
    let actions: Vec<_> = done.timeline.iter().map(|t| t.action.as_str()).collect();
    assert_eq!(actions, ["提交接入申请", "受理", "复核通过", "确认通过"]);
    assert_eq!(done.timeline[3].actor, "曾伟（四川省局确认）");
    let unit: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    assert_eq!(unit.unit.direct_unit.as_deref(), Some("乐企联用"));
    // The qualification term: two whole natural years after the confirmation year (四川's
    // `qualification_term`, the default reading; T0 is in November 2025).
    assert_eq!(unit.unit.qualification_end.as_deref(), Some("2027-12-31"));
    assert_eq!(overview.unit.qualification_end, None, "no term before 确认通过");
    // The console shows the unit's 资格 status from now on (issue #13).
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &sent.id.to_string())], &sc).await.unwrap();
    let l = case.lifecycle.expect("a direct unit has a status");
    assert_eq!((l.status, l.qualification_end.as_deref()), (app::lifecycle::rules::UnitStatus::Normal, Some("2027-12-31")));
    assert_eq!(l.deadline.map(|d| d.day), Some("2027-10-01".to_string()), "next: the extension window opens");
}

#[tokio::test]
async fn each_refusal_can_be_followed_by_reapplying() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, TIANFU_SM, "林小雨", "FinanceManager").await.unwrap();
    let (gx, fuhe, sc) = (officer(r, "sc_gx_shouli").await, officer(r, "sc_gx_fuhe").await, officer(r, "sc_queren").await);
    let mut app = apply(r, &me).await;
    for (steps, label) in [(vec![(&gx, false)], "不予受理"), (vec![(&gx, true), (&fuhe, false)], "复核不通过"), (vec![(&gx, true), (&fuhe, true), (&sc, false)], "确认不通过")] {
        let mut last = None;
        for (who, approve) in steps {
            last = Some(decide(r, who, app.id, approve, &format!("{label}：材料不全")).await.unwrap());
        }
        let refused = last.unwrap();
        assert_eq!(refused.status.label(), label);
        assert_eq!(refused.status.reason(), Some(format!("{label}：材料不全").as_str()));
        assert_eq!(refused.next_actor.as_deref(), Some("直连单位经办人（可重新发起接入申请）"));
        let overview: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
        assert!(overview.can_apply);
        // 重新发起: a new draft prefilled from the refused one.
        let draft: ApplicationView = call_typed(r, ReapplyAccess::PATH, &[("previous_id", &app.id.to_string())], &me).await.unwrap();
        assert_eq!(draft.status, ApplicationStatus::Draft);
        assert_eq!(draft.form.system_name, "天府数智发票管理系统");
        assert_eq!(draft.materials.len(), 5, "the materials come along: {:?}", draft.materials);
        assert!(draft.materials.iter().all(|m| !app.materials.iter().any(|o| o.id == m.id)), "as copies");
        app = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": draft.form }), &me).await.unwrap();
        assert_eq!(app.status, ApplicationStatus::PendingAcceptance);
    }
}

#[tokio::test]
async fn two_officers_at_once_get_one_decision_and_a_conflict() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let app = apply(r, &me).await;
    let a = officer(r, "sc_gx_shouli").await;
    let b = officer(r, "sc_gx_shouli").await;
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &app.id.to_string())], &a).await.unwrap();
    assert_eq!(case.application.actions, [AccessAction::Accept, AccessAction::NotAccept]);
    let v = case.application.version;
    let (ra, rb) = tokio::join!(act(r, &a, app.id, v, AccessAction::Accept, ""), act(r, &b, app.id, v, AccessAction::NotAccept, "重复"));
    assert_eq!([&ra, &rb].iter().filter(|x| x.is_ok()).count(), 1, "{ra:?} {rb:?}");
    let loser = if ra.is_ok() { rb } else { ra };
    assert_eq!(loser.unwrap_err(), AppError::Conflict);
    assert_eq!(AppError::Conflict.to_string(), "该记录已被他人处理，请刷新后查看最新状态");
}

#[tokio::test]
async fn another_unit_cannot_see_or_touch_the_application() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "SelfUse"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    let draft = check.draft.unwrap();
    assert_eq!(draft.items.iter().map(|i| i.no).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 12], "自用 skips items 7–11");
    let other = login(r, "91510100MA6CLQ014B", "杨帆", "LegalRepresentative").await.unwrap();
    let e = call_json::<i64>(r, SaveAccessDraft::PATH, json!({ "id": draft.id, "version": draft.version, "form": {} }), &other).await.unwrap_err();
    assert_eq!(e, AppError::NotFound);
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": complete_form() }), &other).await.unwrap_err();
    assert_eq!(e, AppError::NotFound);
    let theirs: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &other).await.unwrap();
    assert!(theirs.current.is_none());
    // A taxpayer is not an officer.
    assert_eq!(call_typed::<Vec<QueueItem>>(r, OfficerQueue::PATH, &[], &me).await.unwrap_err(), AppError::Forbidden);
    // A unit that fails the conditions gets every failed condition listed.
    let bt = login(r, "91150203MA0NCY021B", "乌云", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "SelfUse"), ("gov_or_association", "false"), ("confirmed", "true")], &bt).await.unwrap();
    assert!(check.draft.is_none());
    let failed: Vec<_> = check.lines.iter().filter(|l| l.outcome == CheckOutcome::Fail).map(|l| (l.rule_id.as_str(), l.unit_value.as_str())).collect();
    assert_eq!(failed, [("credit", "C级"), ("violation", "存在")]);
}
