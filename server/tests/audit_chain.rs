//! The tamper-evident audit log (issue #14): every record chained to the one
//! before it (one chain per day), `leqi-server audit verify` and the hourly job
//! naming the first broken link after a row is edited or deleted directly in
//! the database, retention that keeps what is left verifiable.

mod common;

use app::audit::rules::{retention_cutoff, AuditOutcome, AuditRecord};
use app::kernel::Timestamp;
use app::accounts::store::AuditStore;
use app::context::Mode;
use app::audit::store::SecurityStore;
use common::*;
use server::store::SqlStore;

const DAY_MS: i64 = 86_400_000;

fn record(at: i64, i: usize) -> AuditRecord {
    AuditRecord::new(Timestamp(at), format!("经办人{i}"), "91510104MA6CLQ001T", "企业登录", format!("第{i}次登录"), if i % 3 == 0 { AuditOutcome::Failure } else { AuditOutcome::Success })
}

/// 20 records over two days, half written at the same moment from many tasks.
async fn write_twenty(store: &SqlStore) {
    for i in 0..10 {
        store.append_audit(&record(T0 - DAY_MS + i as i64, i)).await.unwrap();
    }
    let mut tasks = Vec::new();
    for i in 10..20 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.append_audit(&record(T0 + i as i64, i)).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

async fn id_at(store: &SqlStore, stream_day_ms: i64, seq: i64) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT id FROM audit_log WHERE stream = $1 AND seq = $2")
        .bind(server::store::audit::stream_of(Timestamp(stream_day_ms)))
        .bind(seq)
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get("id")
}

async fn an_intact_log_verifies_even_when_written_concurrently(store: &SqlStore) {
    write_twenty(store).await;
    let v = store.verify_audit().await.unwrap();
    assert_eq!((v.streams, v.records, v.first_broken), (2, 20, None));
}

async fn an_edited_record_is_named(store: &SqlStore) {
    write_twenty(store).await;
    let id = id_at(store, T0, 4).await;
    sqlx::query("UPDATE audit_log SET description = '第4次登录（已改）' WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    let b = store.verify_audit().await.unwrap().first_broken.expect("the edit is found");
    assert_eq!((b.stream.as_str(), b.seq, b.id), (server::store::audit::stream_of(Timestamp(T0)).as_str(), 4, Some(id)));
    assert!(b.reason.contains("已被修改"), "{}", b.reason);
}

async fn a_deleted_record_is_named(store: &SqlStore) {
    write_twenty(store).await;
    let id = id_at(store, T0 - DAY_MS, 7).await;
    sqlx::query("DELETE FROM audit_log WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    let b = store.verify_audit().await.unwrap().first_broken.expect("the deletion is found");
    assert_eq!((b.stream.as_str(), b.seq, b.id), (server::store::audit::stream_of(Timestamp(T0 - DAY_MS)).as_str(), 7, None));
    assert!(b.reason.contains("删除"), "{}", b.reason);
}

async fn a_deleted_last_record_is_named(store: &SqlStore) {
    write_twenty(store).await;
    let id = id_at(store, T0, 10).await;
    sqlx::query("DELETE FROM audit_log WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    let b = store.verify_audit().await.unwrap().first_broken.expect("the missing tail is found");
    assert_eq!(b.seq, 10);
    assert!(b.reason.contains("缺失"), "{}", b.reason);
}

async fn a_record_rolled_back_with_its_change_leaves_the_chain_intact(store: &SqlStore) {
    write_twenty(store).await;
    let mut tx = store.pool().begin().await.unwrap();
    server::store::audit::insert(&mut tx, &record(T0 + 100, 99)).await.unwrap();
    tx.rollback().await.unwrap();
    store.append_audit(&record(T0 + 200, 21)).await.unwrap();
    let v = store.verify_audit().await.unwrap();
    assert_eq!((v.records, v.first_broken), (21, None));
}

async fn pruning_keeps_six_months_and_the_rest_verifiable(store: &SqlStore) {
    let old = T0 - 200 * DAY_MS;
    let recent = T0 - 100 * DAY_MS;
    for i in 0..3 {
        store.append_audit(&record(old + i, i as usize)).await.unwrap();
        store.append_audit(&record(recent + i, i as usize)).await.unwrap();
        store.append_audit(&record(T0 + i, i as usize)).await.unwrap();
    }
    // Asked for 30 days, the log still keeps 6 months.
    let removed = store.prune_audit(retention_cutoff(Timestamp(T0), 30), Timestamp(T0)).await.unwrap();
    assert_eq!(removed, 3, "only the day older than 183 days goes");
    let v = store.verify_audit().await.unwrap();
    assert_eq!((v.streams, v.records, v.first_broken), (3, 6, None), "the pruned day keeps its head; the rest verifies");
    // A record slipped back into a pruned day is stray.
    use sqlx::Row;
    let stream = server::store::audit::stream_of(Timestamp(old));
    sqlx::query("INSERT INTO audit_log (at, actor, unit, kind, description, outcome, stream, seq, hash) VALUES ($1, 'x', '', 'x', 'x', 'success', $2, 1, 'x')")
        .bind(old)
        .bind(&stream)
        .execute(store.pool())
        .await
        .unwrap();
    let b = store.verify_audit().await.unwrap().first_broken.unwrap();
    assert_eq!(b.stream, stream);
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_heads").fetch_one(store.pool()).await.unwrap().get("n");
    assert_eq!(n, 3);
}

async fn the_hourly_job_reports_a_broken_chain(store: &SqlStore) {
    write_twenty(store).await;
    let ctx = ctx(store, clock(), Mode::Demo);
    assert_eq!(server::jobs::run_once(&ctx, 365).await, None);
    let id = id_at(store, T0, 2).await;
    sqlx::query("UPDATE audit_log SET actor = '别人' WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    let b = server::jobs::run_once(&ctx, 365).await.expect("broken");
    assert_eq!(b.id, Some(id));
    let last = store.recent_audit(1).await.unwrap().remove(0);
    assert_eq!((last.kind.as_str(), last.outcome), ("审计日志校验", AuditOutcome::Failure));
    assert!(last.description.contains("已被修改"));
}

on_both_backends!(
    an_intact_log_verifies_even_when_written_concurrently,
    an_edited_record_is_named,
    a_deleted_record_is_named,
    a_deleted_last_record_is_named,
    a_record_rolled_back_with_its_change_leaves_the_chain_intact,
    pruning_keeps_six_months_and_the_rest_verifiable,
    the_hourly_job_reports_a_broken_chain,
);

#[tokio::test]
async fn the_verify_command_names_the_first_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("leqi.db").display());
    let store = SqlStore::connect(&url).await.unwrap();
    write_twenty(&store).await;
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_leqi-server"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let ok = run();
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stdout));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("20 条记录"));
    let id = id_at(&store, T0, 6).await;
    sqlx::query("UPDATE audit_log SET kind = '企业登出' WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    let bad = run();
    let out = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{out}");
    assert!(out.contains(&format!("记录 id {id}")) && out.contains("第 6 条"), "{out}");
}
