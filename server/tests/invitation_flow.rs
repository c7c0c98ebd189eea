//! Use-unit invitations end to end through the server fns (manual §3.4–3.5,
//! ch. 4): 新增邀请 with good and bad rows, every status path of 自用类 and
//! 联用类 (接入备案 passing and failing), the use unit's 主管税务机关 deciding
//! 受理 / 确认 (wrong office, wrong desk, two officers at once), 重新发起邀请,
//! batch 解除绑定, other units kept out, and the list's filter, search and
//! keyset paging. Every scenario runs on SQLite and on PostgreSQL.

mod common;

use common::http::officer;
use std::collections::HashSet;

use app::invitation::api::*;
use app::access::rules::CheckOutcome;
use app::kernel::Acted;
use app::invitation::rules::{InvitationAction, InvitationStatus, InviteRowInput, Relationship};
use app::kernel::{CreditCode, Timestamp};
use app::error::AppError;
use app::invitation::store::{BatchSource, InvitationStore, NewBatch, NewInvitation};
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;

const SHULE: &str = "91510104MA6CLQ001T";
const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");
const QINGHE: (&str, &str) = ("91510104MA6CLQ0158", "成都青禾餐饮管理有限公司");
const TIANFU_JT: (&str, &str) = ("91510100MA6CLQ014B", "四川天府数字交通投资有限公司");
const SOFT: (&str, &str) = ("91510100MA6CLQ0125", "成都蜀乐软件有限公司");
const MIANYANG: (&str, &str) = ("91510703MA6CLQ011C", "四川蜀乐科技集团有限公司绵阳分公司");
const CAOYUAN: &str = "91150105MA0NCY0024";
const SICHUAN: &str = "国家税务总局四川省税务局";
const NEIMENGGU: &str = "国家税务总局内蒙古自治区税务局";

/// A router over a fresh seeded database (with the province rules).
async fn site_on(db: TestDb) -> Site {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    seeded(&db.store).await;
    server::load_province_rules(&db.store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let router = server::http::router(ctx(&db.store, clock(), app::context::Mode::Demo), dir.path());
    Site { router, dir, db }
}

/// Each scenario on SQLite and on PostgreSQL (skipped without LEQI_TEST_PG_URL).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(super::site_on(crate::common::sqlite().await).await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = crate::common::postgres().await {
                    super::$name(super::site_on(db).await).await;
                }
            }
        }
    )*};
}

on_both!(rows_are_checked_one_by_one, self_use_every_status_then_batch_unbind, joint_filing_passed_then_authorized, joint_filing_failed_goes_through_the_tax_office, two_officers_at_once, other_units_are_kept_out, filter_search_and_keyset_paging);


fn row(code: &str, name: &str, province: &str, relationship: &str) -> InviteRowInput {
    InviteRowInput { credit_code: code.into(), name: name.into(), province: province.into(), relationship: relationship.into(), pre_authorize: "否".into() }
}

async fn submit(r: &Router, who: &str, rows: Vec<InviteRowInput>) -> Result<BatchOutcome, AppError> {
    call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), who).await
}

async fn list(r: &Router, who: &str, status: &str, search: &str, before_id: Option<i64>) -> Result<InvitationPage, AppError> {
    call_json(r, ListInvitations::PATH, json!({ "query": { "status": status, "search": search, "before_id": before_id } }), who).await
}

async fn detail(r: &Router, who: &str, id: i64) -> Result<InvitationView, AppError> {
    call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], who).await
}

/// The newest invitation of the direct unit to `code`.
async fn newest(r: &Router, direct: &str, code: &str) -> InvitationView {
    let page = list(r, direct, "", code, None).await.unwrap();
    detail(r, direct, page.rows.first().unwrap_or_else(|| panic!("an invitation to {code}")).id).await.unwrap()
}

async fn invite_one(r: &Router, direct: &str, unit: (&str, &str), relationship: &str) -> InvitationView {
    let out = submit(r, direct, vec![row(unit.0, unit.1, SICHUAN, relationship)]).await.unwrap();
    assert_eq!((out.invited, out.failed.len()), (1, 0), "{:?}", out.failed);
    newest(r, direct, unit.0).await
}

/// `invitation_act`: one action at `version`.
async fn act(r: &Router, who: &str, id: i64, version: i64, action: InvitationAction, reason: &str) -> Result<Acted, AppError> {
    call_json(r, InvitationAct::PATH, json!({ "id": id, "version": version, "action": action, "reason": reason, "invoicer_link_ids": [], "period_code": "" }), who).await
}

/// 确认 / 拒绝 at the current version; the invitation as `who` then sees it.
async fn respond(r: &Router, who: &str, id: i64, confirm: bool, reason: &str) -> Result<InvitationView, AppError> {
    let v = detail(r, who, id).await?;
    act(r, who, id, v.version, if confirm { InvitationAction::Confirm } else { InvitationAction::Decline }, reason).await?;
    detail(r, who, id).await
}

/// The decision of the desk the status waits for (whoever sends it).
fn desk_action(status: &InvitationStatus, approve: bool) -> InvitationAction {
    match (status, approve) {
        (InvitationStatus::PendingConfirmation, true) => InvitationAction::ConfirmPass,
        (InvitationStatus::PendingConfirmation, false) => InvitationAction::ConfirmReject,
        (_, true) => InvitationAction::Accept,
        (_, false) => InvitationAction::NotAccept,
    }
}

/// An officer's decision at the current version.
async fn decide(r: &Router, who: &str, id: i64, approve: bool, reason: &str) -> Result<InvitationView, AppError> {
    let v = detail(r, who, id).await?;
    act(r, who, id, v.version, desk_action(&v.status, approve), reason).await?;
    detail(r, who, id).await
}

async fn queue(r: &Router, who: &str) -> Vec<InvitationQueueItem> {
    call_typed(r, OfficerInvitationQueue::PATH, &[], who).await.unwrap()
}

async fn reinvite(r: &Router, who: &str, id: i64) -> Result<InvitationView, AppError> {
    let v = detail(r, who, id).await?;
    let created = act(r, who, id, v.version, InvitationAction::Reinvite, "").await?;
    detail(r, who, created.id).await
}

async fn unbind(r: &Router, who: &str, ids: &[i64], reason: &str) -> Result<Vec<FailedRowView>, AppError> {
    call_json(r, UnbindUseUnits::PATH, json!({ "ids": ids, "reason": reason }), who).await
}

fn actions(v: &InvitationView) -> Vec<&str> {
    v.timeline.iter().map(|t| t.action.as_str()).collect()
}

async fn rows_are_checked_one_by_one(s: Site) {
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let opts: InviteChoices = call_typed(r, InviteOptions::PATH, &[], &me).await.unwrap();
    assert_eq!(opts.direct_type, "乐企联用");
    assert_eq!(opts.relationships, Relationship::labels());
    assert_eq!(opts.provinces, [SICHUAN, NEIMENGGU]);
    let unknown = CreditCode::from_first17("91510104MA6CLQ099").unwrap().to_string();
    let rows = vec![
        row(WUYE.0, WUYE.1, SICHUAN, "其他控制关系"),
        row("91510104MA6CLQ0133", WUYE.1, SICHUAN, "其他控制关系"),
        row(TIANFU_JT.0, "四川天府交通有限公司", SICHUAN, "同一监管部门"),
        row(SOFT.0, SOFT.1, NEIMENGGU, "母子公司关系"),
        row(WUYE.0, WUYE.1, SICHUAN, "其他控制关系"),
        row(SHULE, "四川蜀乐科技集团有限公司", SICHUAN, "总分公司关系"),
        row(QINGHE.0, QINGHE.1, SICHUAN, "不具有控制关系"),
        row(&unknown, "不存在的单位", SICHUAN, "母子公司关系"),
        row(MIANYANG.0, MIANYANG.1, SICHUAN, "朋友关系"),
    ];
    let out = submit(r, &me, rows).await.unwrap();
    assert_eq!(out.invited, 2);
    let failed: Vec<(u32, &str)> = out.failed.iter().map(|f| (f.row_no, f.reason.as_str())).collect();
    assert_eq!(failed.iter().map(|f| f.0).collect::<Vec<_>>(), [2, 3, 4, 5, 6, 8, 9], "{failed:?}");
    assert!(failed[0].1.starts_with("统一社会信用代码"), "{}", failed[0].1);
    assert_eq!(failed[1].1, "单位名称与统一社会信用代码登记信息不一致");
    assert_eq!(failed[2].1, format!("省级税务机关与该单位登记信息不一致，应为{SICHUAN}"));
    assert_eq!(failed[3].1, "与第1行的使用单位重复");
    assert_eq!(failed[4].1, "不能邀请本单位");
    assert_eq!(failed[5].1, "未查询到该统一社会信用代码的税务登记信息");
    assert!(failed[6].1.contains("单位关系“朋友关系”无效"), "{}", failed[6].1);
    // The batch keeps its failed rows (邀请失败记录).
    let kept: Vec<FailedRowView> = call_typed(r, BatchFailures::PATH, &[("batch_id", &out.batch_id.to_string())], &me).await.unwrap();
    assert_eq!(kept, out.failed);
    let batches: Vec<BatchRow> = call_typed(r, InvitationBatches::PATH, &[], &me).await.unwrap();
    assert_eq!((batches[0].rows_total, batches[0].rows_ok, batches[0].rows_failed, batches[0].status.as_str()), (9, 2, 7, "部分成功"));

    // Already invited (pending) units fail; the others of the batch still go.
    let out = submit(r, &me, vec![row(QINGHE.0, QINGHE.1, SICHUAN, "不具有控制关系"), row(TIANFU_JT.0, TIANFU_JT.1, SICHUAN, "同一监管部门")]).await.unwrap();
    assert_eq!(out.invited, 1);
    assert_eq!(out.failed.iter().map(|f| (f.row_no, f.reason.as_str())).collect::<Vec<_>>(), [(1, "该单位已与本单位绑定或有待处理的邀请")]);

    // 51 rows are refused as a whole, with the message on the rows; so is an empty form.
    let many = vec![row(MIANYANG.0, MIANYANG.1, SICHUAN, "总分公司关系"); 51];
    let e = submit(r, &me, many).await.unwrap_err();
    assert_eq!(e.message_for("rows").as_deref(), Some("每次提交最多添加50家使用单位，当前51家"));
    assert_eq!(submit(r, &me, vec![]).await.unwrap_err().message_for("rows").as_deref(), Some("请至少填写一家使用单位"));
    assert_eq!(list(r, &me, "", "", None).await.unwrap().total, 3, "nothing of the refused submissions was stored");

    // Only a direct unit invites.
    let wuye = login(r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    assert!(matches!(submit(r, &wuye, vec![row(QINGHE.0, QINGHE.1, SICHUAN, "不具有控制关系")]).await.unwrap_err(), AppError::Refused(m) if m.contains("还不是乐企直连单位")));
    // A 乐企自用 direct unit cannot invite 联用类.
    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let out = submit(r, &cy, vec![row("91150203MA0NCY021B", "包头草原云链储运有限公司", NEIMENGGU, "不具有控制关系")]).await.unwrap();
    assert_eq!(out.invited, 0);
    assert!(out.failed[0].reason.contains("不能邀请联用类"), "{}", out.failed[0].reason);
}

/// 自用类: 响应 → 受理 (受理岗) → 确认 (复核岗) by the use unit's 主管税务机关.
async fn bind_self_use(r: &Router, me: &str, unit: (&str, &str), relationship: &str, person: &str, desks: (&str, &str)) -> i64 {
    let v = invite_one(r, me, unit, relationship).await;
    let user = login(r, unit.0, person, "LegalRepresentative").await.unwrap();
    respond(r, &user, v.id, true, "").await.unwrap();
    let (shouli, fuhe) = (officer(r, desks.0).await, officer(r, desks.1).await);
    assert_eq!(decide(r, &shouli, v.id, true, "").await.unwrap().status, InvitationStatus::PendingConfirmation);
    let done = decide(r, &fuhe, v.id, true, "").await.unwrap();
    assert_eq!(done.status, InvitationStatus::Confirmed);
    v.id
}

async fn self_use_every_status_then_batch_unbind(s: Site) {
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let chen = login(r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    let (shouli, fuhe) = (officer(r, "sc_jj_shouli").await, officer(r, "sc_jj_fuhe").await);

    // 待使用单位响应 → 已拒绝 (by the use unit).
    let first = invite_one(r, &me, WUYE, "其他控制关系").await;
    assert_eq!(first.status, InvitationStatus::AwaitingResponse);
    assert_eq!((first.category.as_str(), first.use_tax_office.as_str(), first.use_bureau.as_str()), ("自用类", "国家税务总局成都市锦江区税务局", SICHUAN));
    assert_eq!(first.next_actor.as_deref(), Some("使用单位经办人（响应邀请）"));
    assert!(first.actions.is_empty());
    let received: Vec<InvitationRow> = call_typed(r, ReceivedInvitations::PATH, &[], &chen).await.unwrap();
    assert_eq!(received.iter().map(|x| (x.id, x.credit_code.as_str(), x.status.as_str())).collect::<Vec<_>>(), [(first.id, SHULE, "待使用单位响应")]);
    assert_eq!(detail(r, &chen, first.id).await.unwrap().actions, [InvitationAction::Confirm, InvitationAction::Decline]);
    // Not yet the tax office's turn: in no queue, no decision.
    assert!(queue(r, &shouli).await.is_empty());
    assert_eq!(decide(r, &shouli, first.id, true, "").await.unwrap_err(), AppError::Conflict);
    // A stale version is a conflict.
    let stale = act(r, &chen, first.id, 0, InvitationAction::Confirm, "").await;
    assert_eq!(stale.unwrap_err(), AppError::Conflict);
    let declined = respond(r, &chen, first.id, false, "暂不接入").await.unwrap();
    assert_eq!(declined.status, InvitationStatus::Declined { reason: "暂不接入".into() });
    let seen = detail(r, &me, first.id).await.unwrap();
    assert_eq!(seen.status.label(), "已拒绝");
    assert_eq!(seen.actions, [InvitationAction::Reinvite]);
    assert_eq!(actions(&seen), ["发起邀请", "拒绝邀请"]);
    assert_eq!(seen.timeline[1].reason.as_deref(), Some("暂不接入"));
    assert_eq!(respond(r, &chen, first.id, true, "").await.unwrap_err(), AppError::Conflict, "already answered");

    // 重新发起邀请 → 确认 → 待受理 → 不予受理.
    let second = reinvite(r, &me, first.id).await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(second.status, InvitationStatus::AwaitingResponse);
    assert_eq!(actions(&second), ["重新发起邀请"]);
    assert_eq!(detail(r, &me, first.id).await.unwrap().status.label(), "已拒绝", "the refused one stays as it was");
    // The pair is open again: the old one cannot be re-sent twice.
    assert!(matches!(reinvite(r, &me, first.id).await.unwrap_err(), AppError::Refused(m) if m.contains("待处理的邀请")));
    let pending = respond(r, &chen, second.id, true, "").await.unwrap();
    assert_eq!(pending.status, InvitationStatus::PendingAcceptance);
    assert_eq!(pending.next_actor.as_deref(), Some("使用单位主管税务机关（受理）"));
    let q = queue(r, &shouli).await;
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].id, q[0].use_code.as_str(), q[0].use_name.as_str(), q[0].direct_name.as_str(), q[0].category.as_str(), q[0].status.as_str()), (second.id, WUYE.0, WUYE.1, "四川蜀乐科技集团有限公司", "自用类", "待受理"));
    assert!(queue(r, &fuhe).await.is_empty(), "待受理 is the 受理 post's");
    assert_eq!(detail(r, &shouli, second.id).await.unwrap().actions, [InvitationAction::Accept, InvitationAction::NotAccept]);
    assert!(detail(r, &fuhe, second.id).await.unwrap().actions.is_empty());
    // Another office does not see it; the province's 确认 post neither; the wrong desk is refused.
    let gx = officer(r, "sc_gx_shouli").await;
    assert!(queue(r, &gx).await.is_empty());
    assert_eq!(detail(r, &gx, second.id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(act(r, &gx, second.id, pending.version, InvitationAction::Accept, "").await.unwrap_err(), AppError::NotFound);
    let queren = officer(r, "sc_queren").await;
    assert_eq!(detail(r, &queren, second.id).await.unwrap_err(), AppError::NotFound);
    assert!(queue(r, &queren).await.is_empty());
    assert_eq!(decide(r, &fuhe, second.id, true, "").await.unwrap_err(), AppError::Refused("您的岗位不能办理此环节".into()));
    // A taxpayer is no officer.
    assert_eq!(call_typed::<Vec<InvitationQueueItem>>(r, OfficerInvitationQueue::PATH, &[], &me).await.unwrap_err(), AppError::Forbidden);
    assert_eq!(decide(r, &chen, second.id, true, "").await.unwrap_err(), AppError::Forbidden);
    // 不予受理 needs a reason, said on the field.
    assert_eq!(decide(r, &shouli, second.id, false, "  ").await.unwrap_err().message_for("reason").as_deref(), Some("请填写原因"));
    let refused = decide(r, &shouli, second.id, false, "关系证明材料不全").await.unwrap();
    assert_eq!(refused.status, InvitationStatus::NotAccepted { reason: "关系证明材料不全".into() });
    assert!(refused.actions.is_empty());
    assert!(queue(r, &shouli).await.is_empty());
    let seen = detail(r, &me, second.id).await.unwrap();
    assert_eq!((seen.status.label(), seen.status.reason()), ("不予受理", Some("关系证明材料不全")));
    assert_eq!(seen.actions, [InvitationAction::Reinvite]);
    assert_eq!(actions(&seen), ["重新发起邀请", "确认邀请", "不予受理"]);
    assert_eq!(seen.timeline[2].actor, "陈晓（锦江受理）");

    // 重新发起 → 确认 → 受理 → 待确认 → 确认不通过.
    let third = reinvite(r, &me, second.id).await.unwrap();
    respond(r, &chen, third.id, true, "").await.unwrap();
    let accepted = decide(r, &shouli, third.id, true, "").await.unwrap();
    assert_eq!(accepted.status, InvitationStatus::PendingConfirmation);
    assert_eq!(accepted.next_actor.as_deref(), Some("使用单位主管税务机关（确认）"));
    assert_eq!(queue(r, &fuhe).await.iter().map(|q| (q.id, q.status.as_str())).collect::<Vec<_>>(), [(third.id, "待确认")]);
    assert_eq!(detail(r, &fuhe, third.id).await.unwrap().actions, [InvitationAction::ConfirmPass, InvitationAction::ConfirmReject]);
    assert_eq!(decide(r, &shouli, third.id, true, "").await.unwrap_err(), AppError::Refused("您的岗位不能办理此环节".into()), "受理 cannot also confirm");
    assert_eq!(decide(r, &fuhe, third.id, false, "").await.unwrap_err().message_for("reason").as_deref(), Some("请填写原因"));
    let rejected = decide(r, &fuhe, third.id, false, "控制关系不成立").await.unwrap();
    assert_eq!(rejected.status, InvitationStatus::ConfirmationRejected { reason: "控制关系不成立".into() });
    assert_eq!(detail(r, &me, third.id).await.unwrap().actions, [InvitationAction::Reinvite]);

    // 重新发起 → … → 确认通过: bound.
    let fourth = reinvite(r, &me, third.id).await.unwrap();
    respond(r, &chen, fourth.id, true, "").await.unwrap();
    decide(r, &shouli, fourth.id, true, "").await.unwrap();
    let bound = decide(r, &fuhe, fourth.id, true, "").await.unwrap();
    assert_eq!(bound.status, InvitationStatus::Confirmed);
    assert_eq!(actions(&bound), ["重新发起邀请", "确认邀请", "受理", "确认通过"]);
    assert_eq!(bound.timeline[3].actor, "邓琪（锦江复核）");
    assert_eq!(detail(r, &me, fourth.id).await.unwrap().actions, [InvitationAction::UnbindUseUnit]);
    assert_eq!(detail(r, &chen, fourth.id).await.unwrap().actions, [InvitationAction::UnbindDirectUnit]);
    let out = submit(r, &me, vec![row(WUYE.0, WUYE.1, SICHUAN, "其他控制关系")]).await.unwrap();
    assert_eq!(out.failed[0].reason, "该单位已与本单位绑定或有待处理的邀请", "bound: not invited twice");

    // Two more bound units at other offices, one pending; then 解除绑定 of several at once.
    let my = bind_self_use(r, &me, MIANYANG, "总分公司关系", "周敏", ("sc_my_shouli", "sc_my_fuhe")).await;
    let soft = bind_self_use(r, &me, SOFT, "母子公司关系", "郑浩", ("sc_gx_shouli", "sc_gx_fuhe")).await;
    let open = invite_one(r, &me, TIANFU_JT, "同一监管部门").await;
    assert_eq!(list(r, &me, "confirmed", "", None).await.unwrap().total, 3);
    let failed = unbind(r, &me, &[fourth.id, my, soft, open.id, first.id], "业务调整").await.unwrap();
    assert_eq!(
        failed.iter().map(|f| (f.credit_code.as_str(), f.reason.as_str())).collect::<Vec<_>>(),
        [(TIANFU_JT.0, "当前状态为待使用单位响应，不能解除绑定"), (WUYE.0, "当前状态为已拒绝，不能解除绑定")]
    );
    let gone = list(r, &me, "unbound", "", None).await.unwrap();
    assert_eq!(gone.rows.iter().map(|x| x.id).collect::<HashSet<_>>(), HashSet::from([fourth.id, my, soft]));
    assert!(list(r, &me, "confirmed", "", None).await.unwrap().rows.is_empty());
    let v = detail(r, &chen, fourth.id).await.unwrap();
    assert_eq!(v.status, InvitationStatus::Unbound { by: "直连单位".into(), reason: "业务调整".into() });
    assert_eq!(actions(&v).last(), Some(&"直连单位解除绑定"));
    assert!(v.actions.is_empty());
    assert_eq!(unbind(r, &me, &[], "").await.unwrap_err().message_for("ids").as_deref(), Some("请选择要解除绑定的使用单位"));
    // Unbound: may be invited again.
    assert_eq!(submit(r, &me, vec![row(WUYE.0, WUYE.1, SICHUAN, "其他控制关系")]).await.unwrap().invited, 1);
}

async fn authorize(r: &Router, who: &str, id: i64, invoicers: &[i64], period: &str) -> Result<InvitationView, AppError> {
    let v = detail(r, who, id).await?;
    let _: Acted = call_json(r, InvitationAct::PATH, json!({ "id": id, "version": v.version, "action": "Authorize", "reason": "", "invoicer_link_ids": invoicers, "period_code": period }), who).await?;
    detail(r, who, id).await
}

async fn authorize_with_ma_chao(r: &Router, id: i64) -> InvitationView {
    let he = login(r, QINGHE.0, "何青", "LegalRepresentative").await.unwrap();
    let v = detail(r, &he, id).await.unwrap();
    assert_eq!(v.actions, [InvitationAction::Authorize, InvitationAction::RefuseAuthorization]);
    let opts: AuthorizeChoices = call_typed(r, AuthorizeOptions::PATH, &[("id", &id.to_string())], &he).await.unwrap();
    assert_eq!(opts.invoicers.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["马超"]);
    assert_eq!(opts.periods.iter().map(|p| p.code.as_str()).collect::<Vec<_>>(), ["1d", "7d", "30d"]);
    let ma = opts.invoicers[0].link_id;
    assert_eq!(authorize(r, &he, id, &[], "7d").await.unwrap_err().message_for("invoicers").as_deref(), Some("请至少选择一名开票人员"));
    assert_eq!(authorize(r, &he, id, &[ma], "").await.unwrap_err().message_for("period").as_deref(), Some("请选择开票安全验证时间"));
    assert_eq!(authorize(r, &he, id, &[ma + 1000], "7d").await.unwrap_err().message_for("invoicers").as_deref(), Some("所选开票人员不是本单位的开票员"));
    let done = authorize(r, &he, id, &[ma], "7d").await.unwrap();
    assert_eq!(done.status, InvitationStatus::Confirmed);
    let a = done.authorization.clone().unwrap();
    assert_eq!((a.invoicers[0].name.as_str(), a.period.label.as_str(), a.authorized_by.as_str()), ("马超", "7天", "何青（法定代表人）"));
    done
}

async fn joint_filing_passed_then_authorized(s: Site) {
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let v = invite_one(r, &me, QINGHE, "不具有控制关系").await;
    assert_eq!(v.category, "联用类");
    assert_eq!(v.status, InvitationStatus::AwaitingAuthorization, "接入备案 passes (M级, 试点, no violation)");
    assert!(!v.filing.is_empty() && v.filing.iter().all(|l| l.outcome == CheckOutcome::Pass), "{:?}", v.filing);
    assert_eq!(actions(&v), ["发起邀请"]);
    assert_eq!(v.timeline[0].to, "待使用单位授权");
    // No desk is involved.
    let shouli = officer(r, "sc_jj_shouli").await;
    assert!(queue(r, &shouli).await.is_empty());
    assert_eq!(decide(r, &shouli, v.id, true, "").await.unwrap_err(), AppError::Conflict);
    let done = authorize_with_ma_chao(r, v.id).await;
    assert_eq!(actions(&done), ["发起邀请", "授权"]);
    let seen = detail(r, &me, v.id).await.unwrap();
    assert!(seen.status.is_bound() && seen.authorization.is_some());
}

async fn joint_filing_failed_goes_through_the_tax_office(s: Site) {
    let r = &s.router;
    // 青禾 with a C credit grade fails 四川's 接入备案 (A、B、M级).
    sqlx::query("UPDATE enterprises SET credit_grade = 'C' WHERE credit_code = $1").bind(QINGHE.0).execute(s.db.store.pool()).await.unwrap();
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let v = invite_one(r, &me, QINGHE, "不具有控制关系").await;
    assert_eq!(v.status, InvitationStatus::PendingAcceptance);
    assert_eq!(v.timeline[0].to, "待受理");
    let failed: Vec<_> = v.filing.iter().filter(|l| l.outcome == CheckOutcome::Fail).map(|l| (l.rule_id.as_str(), l.unit_value.as_str())).collect();
    assert_eq!(failed, [("credit", "C级")]);
    let he = login(r, QINGHE.0, "何青", "LegalRepresentative").await.unwrap();
    assert!(detail(r, &he, v.id).await.unwrap().actions.is_empty(), "nothing for the use unit yet");
    let (shouli, fuhe) = (officer(r, "sc_jj_shouli").await, officer(r, "sc_jj_fuhe").await);
    let q = queue(r, &shouli).await;
    assert_eq!(q.iter().map(|q| (q.id, q.category.as_str())).collect::<Vec<_>>(), [(v.id, "联用类")]);
    assert_eq!(detail(r, &shouli, v.id).await.unwrap().filing, v.filing, "the officer sees the 接入备案 lines");
    assert_eq!(decide(r, &shouli, v.id, true, "").await.unwrap().status, InvitationStatus::PendingConfirmation);
    let confirmed = decide(r, &fuhe, v.id, true, "").await.unwrap();
    assert_eq!(confirmed.status, InvitationStatus::AwaitingAuthorization);
    assert_eq!(confirmed.status.label(), "待使用单位授权");
    assert!(queue(r, &fuhe).await.is_empty());
    let done = authorize_with_ma_chao(r, v.id).await;
    assert_eq!(actions(&done), ["发起邀请", "受理", "确认通过", "授权"]);

    // 联用类 确认不通过 can be re-sent too.
    sqlx::query("UPDATE enterprises SET credit_grade = 'D' WHERE credit_code = $1").bind(TIANFU_JT.0).execute(s.db.store.pool()).await.unwrap();
    let t = invite_one(r, &me, TIANFU_JT, "不具有控制关系").await;
    let gx = (officer(r, "sc_gx_shouli").await, officer(r, "sc_gx_fuhe").await);
    decide(r, &gx.0, t.id, true, "").await.unwrap();
    assert_eq!(decide(r, &gx.1, t.id, false, "备案条件不满足").await.unwrap().status.label(), "确认不通过");
    let again = reinvite(r, &me, t.id).await.unwrap();
    assert_eq!(again.status, InvitationStatus::PendingAcceptance, "接入备案 is checked again");
}

async fn two_officers_at_once(s: Site) {
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let chen = login(r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    let v = invite_one(r, &me, WUYE, "其他控制关系").await;
    let pending = respond(r, &chen, v.id, true, "").await.unwrap();
    let (a, b) = (officer(r, "sc_jj_shouli").await, officer(r, "sc_jj_shouli").await);
    let (id, ver) = (v.id, pending.version);
    let (ra, rb) = tokio::join!(act(r, &a, id, ver, InvitationAction::Accept, ""), act(r, &b, id, ver, InvitationAction::NotAccept, "重复"));
    assert_eq!([&ra, &rb].iter().filter(|x| x.is_ok()).count(), 1, "{ra:?} {rb:?}");
    let (winner, loser) = if ra.is_ok() { (ra, rb) } else { (rb, ra) };
    assert_eq!(loser.unwrap_err(), AppError::Conflict);
    let now = detail(r, &me, v.id).await.unwrap();
    assert_eq!(now.status.label(), winner.unwrap().status);
    assert_eq!(now.timeline.len(), 3, "one decision recorded: {:?}", actions(&now));
    // The loser's stale version stays a conflict after a refresh shows the new state.
    assert_eq!(act(r, &a, id, ver, InvitationAction::Accept, "").await.unwrap_err(), AppError::Conflict);
}

async fn other_units_are_kept_out(s: Site) {
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let bound = bind_self_use(r, &me, WUYE, "其他控制关系", "陈静", ("sc_jj_shouli", "sc_jj_fuhe")).await;
    let joint = invite_one(r, &me, QINGHE, "不具有控制关系").await;
    let chen = login(r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    assert_eq!(respond(r, &chen, bound, true, "").await.unwrap_err(), AppError::Conflict, "bound: nothing to answer");
    let declined = {
        let v = invite_one(r, &me, TIANFU_JT, "同一监管部门").await;
        let yang = login(r, TIANFU_JT.0, "杨帆", "LegalRepresentative").await.unwrap();
        respond(r, &yang, v.id, false, "").await.unwrap();
        v.id
    };

    let cy = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let theirs = list(r, &cy, "", "", None).await.unwrap();
    assert!(theirs.rows.is_empty() && theirs.total == 0);
    assert!(list(r, &cy, "", WUYE.0, None).await.unwrap().rows.is_empty());
    for id in [bound, joint.id, declined] {
        assert_eq!(detail(r, &cy, id).await.unwrap_err(), AppError::NotFound);
    }
    assert_eq!(reinvite(r, &cy, declined).await.unwrap_err(), AppError::NotFound);
    let failed = unbind(r, &cy, &[bound], "").await.unwrap();
    assert_eq!(failed.iter().map(|f| (f.credit_code.as_str(), f.name.as_str(), f.reason.as_str())).collect::<Vec<_>>(), [("", "", "未找到相关记录")]);
    assert!(detail(r, &me, bound).await.unwrap().status.is_bound());
    // One use unit does not see another's invitation; the direct unit cannot answer for it.
    assert_eq!(detail(r, &chen, joint.id).await.unwrap_err(), AppError::NotFound);
    assert_eq!(respond(r, &me, declined, true, "").await.unwrap_err(), AppError::NotFound);
    // Another province's officers see nothing.
    let nm = officer(r, "nm_sh_shouli").await;
    assert_eq!(detail(r, &nm, bound).await.unwrap_err(), AppError::NotFound);
    // A batch of another unit is not found.
    let batch = list(r, &me, "", "", None).await.unwrap().rows[0].batch_id;
    assert_eq!(call_typed::<Vec<FailedRowView>>(r, BatchFailures::PATH, &[("batch_id", &batch.to_string())], &cy).await.unwrap_err(), AppError::NotFound);
}

async fn filter_search_and_keyset_paging(s: Site) {
    let r = &s.router;
    let store = &s.db.store;
    let unit = store.registry_by_codes(&[SHULE.to_string(), QINGHE.0.to_string()]).await.unwrap();
    let shule = unit.iter().find(|u| u.credit_code == SHULE).unwrap();
    let qinghe = unit.iter().find(|u| u.credit_code == QINGHE.0).unwrap();
    // 300 invitations straight into the store: every third 已拒绝, the rest 待使用单位响应.
    let invs: Vec<NewInvitation> = (0..300)
        .map(|n| NewInvitation {
            use_enterprise_id: qinghe.enterprise_id,
            use_code: format!("PAGE{n:014}"),
            use_name: format!("分页测试单位{n:03}"),
            use_tax_office_id: qinghe.tax_office_id,
            province_code: "51".into(),
            relationship: Relationship::OtherControl,
            pre_authorize: false,
            filing: None,
            status: if n % 3 == 0 { InvitationStatus::Declined { reason: "不需要".into() } } else { InvitationStatus::AwaitingResponse },
            previous_id: None,
        })
        .collect();
    let batch = NewBatch { direct_enterprise_id: shule.enterprise_id, source: BatchSource::Import, file_name: "分页.xlsx".into(), proof_material_id: None, created_by: "测试".into(), rows_total: 300, failures: vec![] };
    let audit = app::audit::rules::AuditRecord::new(Timestamp(T0), "测试", SHULE, "发起接入邀请", "分页测试", app::audit::rules::AuditOutcome::Success);
    store.create_batch(&batch, &invs, Timestamp(T0), &audit, None).await.unwrap();
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    invite_one(r, &me, WUYE, "其他控制关系").await;

    let all = list(r, &me, "", "", None).await.unwrap();
    assert_eq!((all.total, all.rows.len()), (301, 20));
    assert_eq!(all.rows[0].credit_code, WUYE.0, "newest first");

    // Page through 待使用单位响应: 201 rows, 20 a page, no row twice, newest first.
    let mut seen = Vec::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        let p = list(r, &me, "awaiting_response", "", before).await.unwrap();
        assert_eq!(p.total, 201);
        assert!(p.rows.iter().all(|x| x.status == "待使用单位响应"));
        seen.extend(p.rows.iter().map(|x| x.id));
        pages += 1;
        match p.next_before {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    assert_eq!((pages, seen.len()), (11, 201));
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 201);
    let declined = list(r, &me, "declined", "", None).await.unwrap();
    assert_eq!(declined.total, 100);
    assert!(declined.rows.iter().all(|x| x.may_reinvite && x.reason.as_deref() == Some("不需要")));
    assert!(list(r, &me, "confirmed", "", None).await.unwrap().rows.is_empty());
    assert_eq!(list(r, &me, "nonsense", "", None).await.unwrap_err().message_for("status").as_deref(), Some("邀请状态无效"));

    // Search: a whole code matches exactly, anything else part of the name or code.
    let exact = list(r, &me, "", "page00000000000150", None).await.unwrap();
    assert_eq!(exact.rows.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["分页测试单位150"]);
    let by_name = list(r, &me, "", "测试单位15", None).await.unwrap();
    assert_eq!(by_name.total, 10);
    let combined = list(r, &me, "declined", "测试单位15", None).await.unwrap();
    assert_eq!(combined.rows.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["分页测试单位159", "分页测试单位156", "分页测试单位153", "分页测试单位150"]);
    assert_eq!(list(r, &me, "", "物业", None).await.unwrap().rows.iter().map(|x| x.credit_code.as_str()).collect::<Vec<_>>(), [WUYE.0]);
    assert_eq!(list(r, &me, "", "%", None).await.unwrap().total, 301, "LIKE wildcards are not special");
    // Through the trigram index (3 or more characters): keyset pages, newest first, every match
    // once; the index's query syntax is not special either.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let p = list(r, &me, "", "测试单位", before).await.unwrap();
        assert_eq!(p.total, 300);
        assert!(p.rows.iter().all(|x| x.name.starts_with("分页测试单位")));
        seen.extend(p.rows.iter().map(|x| x.id));
        match p.next_before {
            Some(b) => before = Some(b),
            None => break,
        }
    }
    assert_eq!(seen.len(), 300);
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(list(r, &me, "", "GE0000000000001", None).await.unwrap().total, 10, "part of a code");
    for odd in ["\"测试单位", "单位15\" OR \"物业", "测试 单位", "NEAR(测试单位)", "单位*", "()-:^"] {
        assert_eq!(list(r, &me, "", odd, None).await.unwrap().total, 0, "{odd}");
    }
    assert_eq!(list(r, &me, "", "位159", None).await.unwrap().rows.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), ["分页测试单位159"]);
}
