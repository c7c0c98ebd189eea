//! 版本升级通知 (issue #13) through the server fns, on SQLite and PostgreSQL: the provincial
//! bureau publishes (an office's officer and a taxpayer cannot); every direct unit of the
//! province — and no other — gets the notice, 30 days and a 通知公告 message; after the
//! deadline the console lists the unit as 逾期未完成 (an office sees its own units only, another
//! province nothing); the unit marks 已完成改造 once, at its version, naming only a 测试报告 it has.

mod common;

use common::http::officer;
use app::message::api::{MessageList, MessagePage};
use app::upgrade_notice::api::*;
use app::message::rules::MessageKind;
use app::upgrade_notice::rules::{NoticeAction, NoticeProgress};
use app::error::AppError;
use app::context::outside::Clock;
use app::context::Mode;
use axum::Router;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";


async fn publish(r: &Router, who: &str, title: &str, content: &str) -> Result<NoticeSummary, AppError> {
    call_typed(r, NoticePublish::PATH, &[("title", title), ("content", content)], who).await
}

async fn mine(r: &Router, who: &str) -> Vec<MyNotice> {
    call_typed(r, MyNotices::PATH, &[], who).await.unwrap()
}

async fn complete(r: &Router, who: &str, id: i64, version: i64, report: &str) -> Result<MyNotice, AppError> {
    call_typed(r, NoticeComplete::PATH, &[("id", &id.to_string()), ("version", &version.to_string()), ("report", report)], who).await
}

async fn file(r: &Router, who: &str, id: i64) -> Result<NoticeFile, AppError> {
    call_typed(r, NoticeDetail::PATH, &[("id", &id.to_string())], who).await
}

async fn publish_deadline_overdue_complete(store: &SqlStore) {
    seeded(store).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let clock = clock();
    let r = &server::http::router(ctx(store, clock.clone(), Mode::Demo), dir.path());
    let queren = officer(r, "sc_queren").await;
    let jinjiang = officer(r, "sc_jj_shouli").await;
    let shule = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let caoyuan = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();

    // Only the provincial bureau publishes; a bad title is refused at its field.
    assert!(matches!(publish(r, &jinjiang, "升级", "内容").await, Err(AppError::Refused(m)) if m.contains("省级")));
    assert_eq!(publish(r, &shule, "升级", "内容").await.unwrap_err(), AppError::Forbidden);
    let e = publish(r, &queren, " ", "内容").await.unwrap_err();
    assert!(e.message_for("title").is_some(), "{e:?}");
    let n = publish(r, &queren, "乐企接口V2.1升级", "发票开具接口新增字段，请完成改造并测试。").await.unwrap();
    let today = clock.now().beijing_time()[..10].to_string();
    assert!(n.deadline > today && n.units >= 1 && (n.done, n.overdue) == (0, 0), "{n:?}");
    let expected = app::upgrade_notice::rules::deadline_for(clock.now());
    assert_eq!(n.deadline, expected);
    let audit: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = '发布版本升级通知'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(audit, 1);

    // Every direct unit of the province — not another province's — gets it and a 通知公告.
    let got = mine(r, &shule).await;
    assert_eq!(got.len(), 1);
    let g = &got[0];
    assert_eq!((g.id, g.progress.clone(), g.overdue, g.actions.clone()), (n.id, NoticeProgress::Pending, false, vec![NoticeAction::Complete]));
    let msgs: MessagePage = call_json(r, MessageList::PATH, json!({ "kind": MessageKind::Notice, "unread_only": true, "before": null }), &shule).await.unwrap();
    assert_eq!(msgs.rows.len(), 1);
    assert!(msgs.rows[0].title.contains("乐企接口V2.1升级") && msgs.rows[0].body.contains(&n.deadline), "{:?}", msgs.rows[0]);
    assert_eq!(msgs.rows[0].link.as_deref(), Some("/leqi/notices"));
    assert!(mine(r, &caoyuan).await.is_empty());
    let nm = officer(r, "nm_queren").await;
    assert_eq!(file(r, &nm, n.id).await.unwrap_err(), AppError::NotFound);
    assert!(call_typed::<Vec<NoticeSummary>>(r, NoticeList::PATH, &[], &nm).await.unwrap().is_empty());
    assert_eq!(complete(r, &caoyuan, n.id, 1, "").await.unwrap_err(), AppError::NotFound, "another unit's notice is not found");

    // After the deadline day: 逾期未完成 in the console (the office sees its own units only).
    clock.advance_secs(31 * 86_400);
    let queren = officer(r, "sc_queren").await;
    let f = file(r, &queren, n.id).await.unwrap();
    assert!(f.summary.overdue >= 1 && f.units[0].overdue, "overdue first: {f:?}");
    assert!(f.units.iter().any(|u| u.credit_code == SHULE && u.overdue));
    let jinjiang = officer(r, "sc_jj_shouli").await;
    let mine_office = file(r, &jinjiang, n.id).await.unwrap();
    assert!(mine_office.units.iter().any(|u| u.credit_code == SHULE));
    let gaoxin = officer(r, "sc_gx_shouli").await;
    assert!(file(r, &gaoxin, n.id).await.unwrap().units.iter().all(|u| u.credit_code != SHULE), "another office does not see 锦江's unit");

    // 已完成改造: late is allowed and said; a 测试报告 the unit does not have is refused; once.
    let shule = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let g = mine(r, &shule).await.remove(0);
    assert!(g.overdue);
    let e = complete(r, &shule, n.id, g.version, "不存在的能力").await.unwrap_err();
    assert!(e.message_for("report").is_some(), "{e:?}");
    assert_eq!(complete(r, &shule, n.id, g.version + 1, "").await.unwrap_err(), AppError::Conflict);
    let done = complete(r, &shule, n.id, g.version, "").await.unwrap();
    assert!(matches!(&done.progress, NoticeProgress::Done { report: None, .. }) && !done.overdue && done.actions.is_empty(), "{done:?}");
    assert_eq!(complete(r, &shule, n.id, done.version, "").await.unwrap_err(), AppError::Conflict, "once");
    let late: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE kind = '已完成改造' AND description LIKE '%逾期完成%'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(late, 1);
    let f = file(r, &queren, n.id).await.unwrap();
    assert!(f.units.iter().any(|u| u.credit_code == SHULE && !u.overdue && u.progress.code() == "done"));
    assert_eq!(f.summary.done, 1);
}

on_both_backends!(publish_deadline_overdue_complete);
