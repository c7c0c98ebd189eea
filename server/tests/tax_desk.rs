//! The tax console's 【已办】 and 【单位查询】 → 【单位档案】 (issue #13) through the server fns,
//! on SQLite and PostgreSQL: 已办 lists what this officer decided (measures taken, a lifecycle
//! request accepted), newest first, and pages by cursor without gaps or duplicates (many rows at
//! the same instant too); another officer of the same office, and the province, see their own;
//! the lookup finds by code and by part of the name within the jurisdiction only (another
//! office, another province: 未找到); the unit's file shows the status with the measures in
//! force (step 1) and lists each section, paging the same way; a taxpayer is refused.

mod common;

use common::http::officer;
use app::access::api::{AccessAct, ApplicationView, CaseFile, ConfirmUnit, OfficerCase, SubmitAccessApplication, UnitCheck};
use app::invitation::api::{BatchOutcome, InvitationAct, InvitationDetail, InvitationView, SubmitInvitations};
use app::invitation::rules::InvitationAction;
use app::access::rules::AccessAction;
use app::lifecycle::api::{FileTermination, LifecycleOverview, OfficerRequests, RequestAct, RequestQueueItem, RequestView, UnitLifecycle};
use app::measure::api::{MeasureAct, MeasureTake, MeasureView};
use app::tax_desk::api::*;
use app::invitation::rules::InviteRowInput;
use app::lifecycle::rules::{RequestAction, UnitStatus};
use app::kernel::Day;
use app::measure::rules::{MeasureAction as A, MeasureKind as K};
use app::error::AppError;
use app::context::outside::Clock;
use app::context::Mode;
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;

const SHULE: (&str, &str) = ("91510104MA6CLQ001T", "四川蜀乐科技集团有限公司");
const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");
/// 成都蜀乐软件: 高新 (another office of the same province).
const SOFT: &str = "91510100MA6CLQ0125";
/// 四川天府数智商贸: not joined yet, at 高新.
const TIANFU_SM: &str = "91510100MA6CLQ0301";


async fn take(r: &Router, who: &str, kind: K, note: &str) -> MeasureView {
    call_json(r, MeasureTake::PATH, json!({ "credit_code": SHULE.0, "kind": kind, "months": 1, "note": note }), who).await.unwrap()
}

async fn done_page(r: &Router, who: &str, before: Option<Cursor>, limit: u32) -> Result<DonePage, AppError> {
    call_json(r, TaxDone::PATH, json!({ "before": before, "limit": limit }), who).await
}

/// Every page of 已办 at `limit` rows a page.
async fn all_done(r: &Router, who: &str, limit: u32) -> Vec<DoneItem> {
    let (mut out, mut before) = (Vec::new(), None);
    loop {
        let p = done_page(r, who, before, limit).await.unwrap();
        assert!(p.items.len() <= limit as usize);
        out.extend(p.items);
        match p.next {
            Some(c) => before = Some(c),
            None => return out,
        }
    }
}

async fn search(r: &Router, who: &str, q: &str) -> Result<Vec<UnitHit>, AppError> {
    call_typed(r, TaxUnitSearch::PATH, &[("query", q)], who).await
}

async fn head(r: &Router, who: &str, code: &str) -> Result<UnitFileHead, AppError> {
    call_typed(r, TaxUnitFile::PATH, &[("credit_code", code)], who).await
}

async fn section(r: &Router, who: &str, code: &str, s: FileSection, before: Option<Cursor>, limit: u32) -> Result<FilePage, AppError> {
    call_json(r, TaxUnitSection::PATH, json!({ "credit_code": code, "section": s, "before": before, "limit": limit }), who).await
}

async fn whole_section(r: &Router, who: &str, code: &str, s: FileSection, limit: u32) -> Vec<FileRow> {
    let (mut out, mut before) = (Vec::new(), None);
    loop {
        let p = section(r, who, code, s, before, limit).await.unwrap();
        assert_eq!(p.section, s);
        out.extend(p.rows);
        match p.next {
            Some(c) => before = Some(c),
            None => return out,
        }
    }
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    rows.iter().map(id).collect()
}

async fn desk(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    let r = &server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    let jj = officer(r, "sc_jj_shouli").await;
    let jj2 = officer(r, "sc_jj_fuhe").await;
    let gx = officer(r, "sc_gx_shouli").await;
    let province = officer(r, "sc_queren").await;
    let nm = officer(r, "nm_queren").await;
    let wang = login(r, SHULE.0, "王建国", "LegalRepresentative").await.unwrap();

    // Nothing decided yet.
    assert!(done_page(r, &jj, None, 10).await.unwrap().items.is_empty());
    assert_eq!(done_page(r, &wang, None, 10).await.unwrap_err(), AppError::Forbidden, "a taxpayer has no 已办");

    // 锦江受理 decides: five 提示提醒 at one instant (ties on time), a 责令限期改正 later, and
    // accepts the unit's 终止服务备案.
    for i in 0..5 {
        take(r, &jj, K::Reminder, &format!("提醒{i}")).await;
    }
    clock.advance_secs(60);
    let rectify = take(r, &jj, K::Rectify, "请整改发票交付流程").await;
    clock.advance_secs(60);
    let end = Day::of(clock.now()).plus_days(40).to_string();
    let filed: RequestView = call_json(r, FileTermination::PATH, json!({ "end_date": end, "reason": "业务调整" }), &wang).await.unwrap();
    let queue: Vec<RequestQueueItem> = call_typed(r, OfficerRequests::PATH, &[], &jj).await.unwrap();
    assert!(queue.iter().any(|q| q.id == filed.id));
    let _: app::kernel::Acted = call_json(r, RequestAct::PATH, json!({ "id": filed.id, "version": filed.version, "action": RequestAction::Accept, "reason": "", "granted_end": "" }), &jj).await.unwrap();
    // The province suspends new use units (its own 已办), the unit invites nobody meanwhile.
    clock.advance_secs(60);
    let suspend = take(r, &province, K::SuspendNewUseUnits, "投诉未处理").await;

    // 已办: newest first, each with its kind, unit, decision, time and case page.
    let all = all_done(r, &jj, 50).await;
    assert_eq!(all.len(), 7, "{all:#?}");
    assert_eq!(all[0].kind, DoneKind::Request);
    assert_eq!((all[0].item_id, all[0].action.as_str(), all[0].enterprise_name.as_str()), (filed.id, "受理", SHULE.1));
    assert_eq!(all[0].link.as_deref(), Some(format!("/tax/request/{}", filed.id).as_str()));
    assert_eq!((all[1].kind, all[1].item_id, all[1].action.as_str()), (DoneKind::Measure, rectify.id, "责令限期改正"));
    assert_eq!(all[1].link.as_deref(), Some(format!("/tax/measures?code={}", SHULE.0).as_str()));
    assert!(all[2..].iter().all(|d| d.kind == DoneKind::Measure && d.action == "提示提醒" && d.credit_code == SHULE.0));
    assert!(all.iter().all(|d| !d.at.is_empty()));
    // Paged two at a time: the same rows, in the same order, none lost or repeated.
    for limit in [1, 2, 3] {
        let paged = all_done(r, &jj, limit).await;
        assert_eq!(ids(&paged, |d| d.id), ids(&all, |d| d.id), "pages of {limit}");
    }
    let first = done_page(r, &jj, None, 2).await.unwrap();
    assert_eq!(first.items.len(), 2);
    assert!(first.next.is_some());
    // Another officer of the office, the province: only their own decisions.
    assert!(all_done(r, &jj2, 10).await.is_empty());
    let theirs = all_done(r, &province, 10).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!((theirs[0].kind, theirs[0].item_id, theirs[0].action.as_str()), (DoneKind::Measure, suspend.id, "暂停新增使用单位"));
    assert!(all_done(r, &nm, 10).await.is_empty());

    // 单位查询: by code, by part of the name, within the jurisdiction.
    let by_code = search(r, &jj, SHULE.0).await.unwrap();
    assert_eq!(by_code.len(), 1);
    assert_eq!((by_code[0].enterprise_name.as_str(), by_code[0].direct_unit.as_deref()), (SHULE.1, Some("乐企联用")));
    let by_name: Vec<String> = search(r, &jj, "蜀乐").await.unwrap().into_iter().map(|h| h.credit_code).collect();
    assert!(by_name.contains(&SHULE.0.to_string()) && by_name.contains(&WUYE.0.to_string()), "{by_name:?}");
    assert!(!by_name.contains(&SOFT.to_string()), "成都蜀乐软件 is at 高新, not 锦江");
    let in_province: Vec<String> = search(r, &province, "蜀乐").await.unwrap().into_iter().map(|h| h.credit_code).collect();
    assert!(in_province.contains(&SOFT.to_string()) && in_province.contains(&SHULE.0.to_string()), "the province sees every office");
    assert!(search(r, &gx, SHULE.0).await.unwrap().is_empty(), "another office finds nothing");
    assert!(search(r, &nm, "蜀乐").await.unwrap().is_empty(), "another province finds nothing");
    assert!(search(r, &jj, "%").await.unwrap_err().message_for("query").is_some(), "one character is too short");
    assert!(search(r, &jj, "%_").await.unwrap().is_empty(), "LIKE wildcards are plain text");
    assert_eq!(search(r, &wang, "蜀乐").await.unwrap_err(), AppError::Forbidden);

    // 单位档案: the status with the measure in force and the next deadline.
    let h = head(r, &jj, SHULE.0).await.unwrap();
    assert_eq!((h.credit_code.as_str(), h.enterprise_name.as_str()), SHULE);
    assert_eq!(h.lifecycle.status, UnitStatus::SuspendedNewUseUnits, "the 暂停 is stronger than 终止备案中");
    let deadline = h.lifecycle.deadline.clone().expect("the next deadline");
    assert_eq!((deadline.what.as_str(), deadline.day.as_str()), ("终止服务", end.as_str()));
    assert_eq!(h.sections, FileSection::ALL);
    assert_eq!(head(r, &province, SHULE.0).await.unwrap().lifecycle.status, UnitStatus::SuspendedNewUseUnits);
    // The same status on the unit's 【接入申请】 and on the officer's case page (its unit card).
    let mine: UnitLifecycle = call_typed(r, LifecycleOverview::PATH, &[], &wang).await.unwrap();
    assert_eq!(mine.status, UnitStatus::SuspendedNewUseUnits);
    let demo_app = whole_section(r, &jj, SHULE.0, FileSection::Applications, 5).await[0].id;
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &demo_app.to_string())], &jj).await.unwrap();
    assert_eq!(case.lifecycle.map(|l| l.status), Some(UnitStatus::SuspendedNewUseUnits));
    // Outside the jurisdiction: 未找到.
    assert_eq!(head(r, &gx, SHULE.0).await.unwrap_err(), AppError::NotFound);
    assert_eq!(head(r, &nm, SHULE.0).await.unwrap_err(), AppError::NotFound);
    assert_eq!(section(r, &gx, SHULE.0, FileSection::Measures, None, 5).await.unwrap_err(), AppError::NotFound);
    assert!(head(r, &jj, "123").await.unwrap_err().message_for("credit_code").is_some());
    assert_eq!(head(r, &wang, SHULE.0).await.unwrap_err(), AppError::Forbidden);

    // 恢复 lifts the 暂停: 终止备案中 again; then the unit invites (its 终止服务备案 is 退回 first).
    let _: MeasureView = call_json(r, MeasureAct::PATH, json!({ "id": suspend.id, "version": suspend.version, "action": A::Restore, "text": "", "deadline": "" }), &province).await.unwrap();
    assert_eq!(head(r, &jj, SHULE.0).await.unwrap().lifecycle.status, UnitStatus::Terminating);
    let mine: UnitLifecycle = call_typed(r, LifecycleOverview::PATH, &[], &wang).await.unwrap();
    assert_eq!(mine.status, UnitStatus::Terminating);

    // Each section, newest first, paged.
    let measures = whole_section(r, &jj, SHULE.0, FileSection::Measures, 2).await;
    assert_eq!(measures.len(), 7);
    assert_eq!(measures[0].title, "暂停新增使用单位");
    assert_eq!(measures[0].status, "已解除");
    assert_eq!(measures[1].title, "责令限期改正");
    assert_eq!(ids(&measures, |m| m.id), ids(&whole_section(r, &jj, SHULE.0, FileSection::Measures, 50).await, |m| m.id));
    let mut distinct = ids(&measures, |m| m.id);
    distinct.dedup();
    assert_eq!(distinct.len(), 7);
    let requests = whole_section(r, &jj, SHULE.0, FileSection::Requests, 5).await;
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].title.as_str(), requests[0].link.clone()), ("终止服务备案请求", Some(format!("/tax/request/{}", filed.id))));
    let apps = whole_section(r, &jj, SHULE.0, FileSection::Applications, 5).await;
    assert_eq!(apps.len(), 1, "the demo's confirmed 接入申请");
    assert_eq!(apps[0].status, "确认通过");
    assert!(apps[0].link.as_deref().is_some_and(|l| l.starts_with("/tax/case/")));
    let messages = whole_section(r, &jj, SHULE.0, FileSection::Messages, 3).await;
    assert!(messages.len() >= 9, "each measure step and the request's decision told the unit: {messages:#?}");
    assert!(messages.iter().any(|m| m.title.contains("责令限期改正")));
    assert!(whole_section(r, &jj, SHULE.0, FileSection::InvitationsSent, 5).await.is_empty());

    // Invitations, as direct unit and as use unit (蜀乐 is 终止备案中, so 草原云链 invites).
    assert!(whole_section(r, &jj, WUYE.0, FileSection::InvitationsReceived, 5).await.is_empty());
    let caoyuan_nm = officer(r, "nm_sh_shouli").await;
    let yun = login(r, "91150105MA0NCY0024", "巴特尔", "LegalRepresentative").await.unwrap();
    let rows = vec![InviteRowInput { credit_code: "91150203MA0NCY041D".into(), name: "内蒙古草原云链能源股份有限公司包头分公司".into(), province: "国家税务总局内蒙古自治区税务局".into(), relationship: "总分公司关系".into(), pre_authorize: "否".into() }];
    let sent: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), &yun).await.unwrap();
    assert_eq!(sent.invited, 1, "{sent:?}");
    let as_direct = whole_section(r, &caoyuan_nm, "91150105MA0NCY0024", FileSection::InvitationsSent, 5).await;
    assert_eq!(as_direct.len(), 1);
    assert!(as_direct[0].title.contains("包头分公司"));
    let nm_province = officer(r, "nm_queren").await;
    let as_use = whole_section(r, &nm_province, "91150203MA0NCY041D", FileSection::InvitationsReceived, 5).await;
    assert_eq!(as_use.len(), 1);
    assert!(as_use[0].title.contains("内蒙古草原云链能源股份有限公司"));
    for s in FileSection::ALL {
        section(r, &jj, SHULE.0, s, None, 5).await.unwrap();
    }
    // The use unit confirms, its office (昆都仑) 受理s: an invitation in that officer's 已办.
    let iid = as_use[0].id;
    let erdun = login(r, "91150203MA0NCY041D", "额尔敦", "LegalRepresentative").await.unwrap();
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &iid.to_string())], &erdun).await.unwrap();
    let _: app::kernel::Acted = call_json(r, InvitationAct::PATH, json!({ "id": iid, "version": v.version, "action": InvitationAction::Confirm, "reason": "", "invoicer_link_ids": [], "period_code": "" }), &erdun).await.unwrap();
    let bt = officer(r, "nm_bt_shouli").await;
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &iid.to_string())], &bt).await.unwrap();
    let _: app::kernel::Acted = call_json(r, InvitationAct::PATH, json!({ "id": iid, "version": v.version, "action": InvitationAction::Accept, "reason": "", "invoicer_link_ids": [], "period_code": "" }), &bt).await.unwrap();
    let bt_done = all_done(r, &bt, 10).await;
    assert_eq!(bt_done.len(), 1, "{bt_done:#?}");
    assert_eq!((bt_done[0].kind, bt_done[0].item_id, bt_done[0].action.as_str()), (DoneKind::Invitation, iid, "受理"));
    assert_eq!(bt_done[0].credit_code, "91150203MA0NCY041D", "the use unit whose office decides");
    assert_eq!(bt_done[0].link.as_deref(), Some(format!("/tax/invitation/{iid}").as_str()));
    assert!(all_done(r, &caoyuan_nm, 10).await.is_empty(), "赛罕 decided nothing");
    let received = whole_section(r, &bt, "91150203MA0NCY041D", FileSection::InvitationsReceived, 5).await;
    assert_eq!(received[0].link.as_deref(), Some(format!("/tax/invitation/{iid}").as_str()), "its office may open the case");
    assert_eq!(whole_section(r, &caoyuan_nm, "91150105MA0NCY0024", FileSection::InvitationsSent, 5).await[0].link, None, "the direct unit's office may not");

    // An access application 受理 at 高新: in 高新受理's 已办, linking to its case page.
    let gao = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &gao).await.unwrap();
    let draft = check.draft.expect("the check passes");
    common::http::upload_required(r, &gao, &draft).await;
    let form = json!({
        "access_type": "Joint", "gov_or_association": false,
        "contact": "高远", "phone": "13908000020", "email": "it@tianfu-sm.example", "address": "成都市高新区天府大道100号",
        "qualifications": { "1": "1", "2": "AAA", "3": "开票30000张，受票0张，开票金额4000万元", "4": "5500", "5": "是", "6": "否",
                             "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [ { "credit_code": "91510100MA6CLQ014B", "name": "四川天府数字交通投资有限公司", "relationship": "同一监管部门" } ],
        "system_name": "天府数智发票管理系统", "built_by_authorized": false, "builder_code": "", "builder_name": "",
        "deployment": "成都高新区数据中心", "test_ips": "10.1.2.3", "production_ips": "203.0.113.10",
        "protocol": "HTTPS", "port": "443", "period": "long"
    });
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": form }), &gao).await.unwrap();
    let _: app::kernel::Acted = call_json(r, AccessAct::PATH, json!({ "id": sent.id, "version": sent.version, "action": AccessAction::Accept, "reason": "" }), &gx).await.unwrap();
    let gx_done = all_done(r, &gx, 10).await;
    assert_eq!(gx_done.len(), 1);
    assert_eq!((gx_done[0].kind, gx_done[0].item_id, gx_done[0].enterprise_name.as_str()), (DoneKind::Application, sent.id, "四川天府数智商贸有限公司"));
    assert_eq!(gx_done[0].link.as_deref(), Some(format!("/tax/case/{}", sent.id).as_str()));
    assert_eq!(all_done(r, &jj, 50).await.len(), 7, "锦江's 已办 is unchanged");
    let apps = whole_section(r, &gx, TIANFU_SM, FileSection::Applications, 5).await;
    assert_eq!((apps.len(), apps[0].status.as_str()), (1, "待复核"));
}

on_both_backends!(desk);
