//! 【消息中心】 (issue #13) through the server fns, on SQLite and PostgreSQL: an invitation
//! becomes a 邀请通知 for the invited unit; each step tells the other party (an officer's step
//! both); a step that fails writes no message; 未读 counts per person and per module, 标为已读
//! and 全部标为已读 bring it down; another unit can neither read nor mark a message; a
//! reminder posted twice with one key is stored once.

mod common;

use common::http::officer;
use app::invitation::api::*;
use app::message::api::*;
use app::kernel::Acted;
use app::kernel::Module;
use app::invitation::rules::{InvitationAction, InviteRowInput};
use app::message::rules::{MessageKind, NewMessage, SiteLink};
use app::kernel::Timestamp;
use app::error::AppError;
use app::message::store::MessageStore;
use app::context::Mode;
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const WUYE: (&str, &str) = ("91510104MA6CLQ0132", "四川蜀乐物业服务有限公司");
const CAOYUAN: &str = "91150105MA0NCY0024";


async fn messages(r: &Router, who: &str, kind: Option<MessageKind>, unread_only: bool) -> Result<MessagePage, AppError> {
    call_json(r, MessageList::PATH, json!({ "kind": kind, "unread_only": unread_only, "before": null }), who).await
}

async fn unread(r: &Router, who: &str) -> u32 {
    call_typed(r, MessageUnread::PATH, &[], who).await.unwrap()
}

async fn invite(r: &Router, who: &str) -> InvitationView {
    let rows = vec![InviteRowInput { credit_code: WUYE.0.into(), name: WUYE.1.into(), province: "国家税务总局四川省税务局".into(), relationship: "其他控制关系".into(), pre_authorize: "否".into() }];
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), who).await.unwrap();
    assert_eq!(out.invited, 1, "{:?}", out.failed);
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": { "status": "", "search": WUYE.0, "before_id": null } }), who).await.unwrap();
    detail(r, who, page.rows[0].id).await
}

async fn detail(r: &Router, who: &str, id: i64) -> InvitationView {
    call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], who).await.unwrap()
}

async fn act(r: &Router, who: &str, id: i64, version: i64, action: InvitationAction, reason: &str) -> Result<Acted, AppError> {
    call_json(r, InvitationAct::PATH, json!({ "id": id, "version": version, "action": action, "reason": reason, "invoicer_link_ids": [], "period_code": "" }), who).await
}

async fn count_messages(store: &SqlStore) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages").fetch_one(store.pool()).await.unwrap()
}

async fn tell_parties_read_and_keep_to_their_unit(store: &SqlStore) {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let r = &server::http::router(ctx(store, clock(), Mode::Demo), dir.path());
    let wang = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let li = login(r, SHULE, "李秀英", "FinanceManager").await.unwrap();
    let chen = login(r, WUYE.0, "陈静", "LegalRepresentative").await.unwrap();
    let (wang0, li0, chen0) = (unread(r, &wang).await, unread(r, &li).await, unread(r, &chen).await);

    // 发起接入邀请 → a 邀请通知 for the invited unit, linking to the invitation under 【响应邀请】.
    let inv = invite(r, &wang).await;
    assert_eq!(unread(r, &chen).await, chen0 + 1);
    assert_eq!(unread(r, &wang).await, wang0, "the inviting unit is not told of its own step");
    let page = messages(r, &chen, None, false).await.unwrap();
    let m = &page.rows[0];
    assert_eq!((m.kind, m.read, m.link.clone()), (MessageKind::Invitation, false, Some(format!("/jrgl/respond/{}", inv.id))));
    assert!(m.title.contains("四川蜀乐科技集团有限公司") && m.title.contains("邀请贵单位"), "{}", m.title);
    assert_eq!(page.unread, chen0 + 1);

    // A step that fails (a stale version) writes no message.
    let before = count_messages(store).await;
    assert_eq!(act(r, &chen, inv.id, inv.version + 7, InvitationAction::Decline, "x").await.unwrap_err(), AppError::Conflict);
    assert_eq!(count_messages(store).await, before);

    // The use unit 拒绝 → the direct unit's people are told (each person has their own 未读).
    act(r, &chen, inv.id, inv.version, InvitationAction::Decline, "暂不接入").await.unwrap();
    assert_eq!(unread(r, &wang).await, wang0 + 1);
    assert_eq!(unread(r, &li).await, li0 + 1);
    assert_eq!(unread(r, &chen).await, chen0 + 1, "the use unit is not told of its own step");
    let told = &messages(r, &wang, None, true).await.unwrap().rows[0];
    assert_eq!((told.kind, told.link.clone()), (MessageKind::StatusChange, Some(format!("/jrgl/invite/{}", inv.id))));
    assert!(told.title.ends_with("已拒绝") && told.body.contains("暂不接入") && told.body.contains(WUYE.1), "{told:?}");

    // 重新发起邀请 → 确认 → an officer's 受理: both units hear of the tax office's step.
    let again: Acted = act(r, &wang, inv.id, detail(r, &wang, inv.id).await.version, InvitationAction::Reinvite, "").await.unwrap();
    let v = detail(r, &chen, again.id).await;
    act(r, &chen, v.id, v.version, InvitationAction::Confirm, "").await.unwrap();
    let (w1, c1) = (unread(r, &wang).await, unread(r, &chen).await);
    let shouli = officer(r, "sc_jj_shouli").await;
    let v = detail(r, &shouli, again.id).await;
    act(r, &shouli, v.id, v.version, InvitationAction::Accept, "").await.unwrap();
    assert_eq!((unread(r, &wang).await, unread(r, &chen).await), (w1 + 1, c1 + 1));
    let decisions = messages(r, &chen, Some(MessageKind::Decision), false).await.unwrap();
    assert_eq!(decisions.rows.len(), 1, "the filter by 消息类型");
    assert!(decisions.rows.iter().all(|m| m.kind == MessageKind::Decision) && decisions.rows[0].title.ends_with("待确认"));
    // Officers have no 消息中心 of a unit.
    assert_eq!(call_typed::<u32>(r, MessageUnread::PATH, &[], &shouli).await.unwrap_err(), AppError::Forbidden);

    // 标为已读: the count goes down by one, once; another unit can neither read nor mark it.
    let mine = messages(r, &chen, None, true).await.unwrap();
    let first = mine.rows[0].id;
    let caoyuan = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let theirs = messages(r, &caoyuan, None, false).await.unwrap();
    assert!(theirs.rows.iter().all(|m| m.id != first), "another unit does not see it");
    let _: u32 = call_json(r, MessageRead::PATH, json!({ "ids": [first] }), &caoyuan).await.unwrap();
    assert_eq!(unread(r, &chen).await, mine.unread, "another unit's 标为已读 changes nothing of ours");
    let n: u32 = call_json(r, MessageRead::PATH, json!({ "ids": [first] }), &chen).await.unwrap();
    assert_eq!(n, mine.unread - 1);
    let n: u32 = call_json(r, MessageRead::PATH, json!({ "ids": [first] }), &chen).await.unwrap();
    assert_eq!(n, mine.unread - 1, "reading twice counts once");
    assert!(messages(r, &chen, None, false).await.unwrap().rows.iter().any(|m| m.id == first && m.read));
    assert!(messages(r, &chen, None, true).await.unwrap().rows.iter().all(|m| m.id != first), "未读 only");

    // 全部标为已读 up to the newest shown: 0 for this person, the other people keep theirs.
    let newest = messages(r, &wang, None, false).await.unwrap().rows[0].id;
    let n: u32 = call_typed(r, MessageReadAll::PATH, &[("up_to", &newest.to_string())], &wang).await.unwrap();
    assert_eq!((n, unread(r, &wang).await), (0, 0));
    assert_eq!(unread(r, &li).await, li0 + 3, "拒绝, 确认 and 受理");

    // Who of a unit reads what: 消息中心 and the module the message is about.
    let users: Vec<app::accounts::api::UserRow> = call_typed(r, app::accounts::api::ListUsers::PATH, &[], &wang).await.unwrap();
    let zhang = users.iter().find(|u| u.name == "张伟").unwrap().link_id.to_string();
    let set = |modules: &'static str| {
        let (zhang, wang) = (zhang.clone(), wang.clone());
        async move {
            let _: bool = call_typed(r, app::accounts::api::SetUserGrants::PATH, &[("link_id", &zhang), ("modules", modules)], &wang).await.unwrap();
        }
    };
    set("leqi_capability,leqi_messages").await;
    let clerk = login(r, SHULE, "张伟", "TaxClerk").await.unwrap();
    assert_eq!(unread(r, &clerk).await, 0, "接入管理's messages are not for a person without 接入管理");
    assert!(messages(r, &clerk, None, false).await.unwrap().rows.iter().all(|m| m.link.as_deref().is_some_and(|l| l.starts_with("/nlzx"))));
    set("leqi_access").await;
    let clerk = login(r, SHULE, "张伟", "TaxClerk").await.unwrap();
    assert!(matches!(messages(r, &clerk, None, false).await.unwrap_err(), AppError::Refused(m) if m.contains("消息中心")));
    assert_eq!(unread(r, &clerk).await, 0);
    assert!(matches!(call_json::<u32>(r, MessageRead::PATH, json!({ "ids": [] }), &chen).await.unwrap_err(), AppError::Refused(_)));

    // A reminder posted by two passes with one key is stored once; without a key, each time.
    let ent: i64 = sqlx::query_scalar("SELECT id FROM enterprises WHERE credit_code = $1").bind(SHULE).fetch_one(store.pool()).await.unwrap();
    let reminder = NewMessage {
        enterprise_id: ent,
        module: Module::LeqiAccess,
        kind: MessageKind::Reminder,
        title: "乐企资格即将到期".into(),
        body: "请在资格有效期届满3个月前申请延续".into(),
        link: SiteLink::parse("/leqi/access/apply").ok(),
        at: Timestamp(1),
        once_key: Some("expiry-3m-2027-12-31".into()),
    };
    assert_eq!(store.post_messages(std::slice::from_ref(&reminder)).await.unwrap(), 1);
    assert_eq!(store.post_messages(std::slice::from_ref(&reminder)).await.unwrap(), 0);
    let plain = NewMessage { once_key: None, ..reminder.clone() };
    assert_eq!(store.post_messages(&[plain.clone(), plain]).await.unwrap(), 2);
    assert_eq!(unread(r, &wang).await, 3);
    let reminders = messages(r, &wang, Some(MessageKind::Reminder), true).await.unwrap();
    assert_eq!(reminders.rows.len(), 3);
}

on_both_backends!(tell_parties_read_and_keep_to_their_unit);
