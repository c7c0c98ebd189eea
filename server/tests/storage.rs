//! Storage integration: every scenario runs on SQLite and on PostgreSQL.

mod common;

use app::context::store_traits::*;
use app::audit::rules::{AuditOutcome, AuditRecord};
use app::auth::rules::{Captcha, FailureCounter, SmsChallenge};
use app::kernel::{CreditCode, Identity, OfficerRole, Principal, Timestamp};
use app::accounts::store::*;
use common::*;
use server::store::SqlStore;

async fn captcha_is_taken_once_under_concurrency(store: &SqlStore) {
    let c = Captcha { answer: "AB7K".into(), issued_at: Timestamp(T0), used: false };
    store.insert_captcha("cap-1", &c).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.take_captcha("cap-1").await.unwrap().unwrap() }));
    }
    let mut fresh = 0;
    for t in tasks {
        let taken = t.await.unwrap();
        assert_eq!(taken.answer, "AB7K");
        fresh += usize::from(!taken.used);
    }
    assert_eq!(fresh, 1, "exactly one taker may see the captcha unused");
    assert!(store.take_captcha("nope").await.unwrap().is_none());
}

async fn sms_code_is_used_once_and_latest_wins(store: &SqlStore) {
    let first = SmsChallenge { code: "111111".into(), sent_at: Timestamp(T0), used: false };
    let second = SmsChallenge { code: "222222".into(), sent_at: Timestamp(T0 + 61_000), used: false };
    store.insert_sms("login:f:1", &first).await.unwrap();
    store.insert_sms("login:f:1", &second).await.unwrap();
    store.insert_sms("login:f:2", &first).await.unwrap();
    assert_eq!(store.latest_sms("login:f:1").await.unwrap().unwrap().code, "222222");
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.use_sms("login:f:1").await.unwrap() }));
    }
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    assert!(store.latest_sms("login:f:1").await.unwrap().unwrap().used);
    assert!(!store.latest_sms("login:f:2").await.unwrap().unwrap().used, "another key is untouched");
}

async fn failure_counters_upsert(store: &SqlStore) {
    assert_eq!(store.failure_counter("k").await.unwrap(), FailureCounter::default());
    let locked = FailureCounter { failures: 5, locked_until: Some(Timestamp(T0 + 900_000)) };
    store.save_failure_counter("k", FailureCounter { failures: 2, locked_until: None }).await.unwrap();
    store.save_failure_counter("k", locked).await.unwrap();
    assert_eq!(store.failure_counter("k").await.unwrap(), locked);
    store.save_failure_counter("k", FailureCounter::default()).await.unwrap();
    assert_eq!(store.failure_counter("k").await.unwrap(), FailureCounter::default());
}

async fn demo_registry_is_seeded_once(store: &SqlStore) {
    seeded(store).await;
    assert!(!server::demo::seed(store, &server::adapters::OsSecrets::new(), T0).await.unwrap(), "second seed is a no-op");
    let shule = server::demo::credit_code(&server::demo::ENTERPRISES[0]);
    let ent = store.enterprise_by_code(&shule).await.unwrap().expect("蜀乐 exists");
    assert_eq!(ent.name, "四川蜀乐科技集团有限公司");
    let people = store.bound_people(ent.id).await.unwrap();
    let ids: Vec<_> = people.iter().map(|p| (p.name.as_str(), p.identity)).collect();
    assert_eq!(
        ids,
        [("王建国", Identity::LegalRepresentative), ("李秀英", Identity::FinanceManager), ("张伟", Identity::TaxClerk), ("刘洋", Identity::InvoiceClerk)]
    );
    assert!(people[3].password_hash.is_none(), "刘洋 has no password: SMS only");
    let unknown = CreditCode::parse("91110000802100433B").unwrap();
    assert!(store.enterprise_by_code(&unknown).await.unwrap().is_none());
    let officer = store.officer_by_username("sc_queren").await.unwrap().unwrap();
    assert_eq!(officer.session.role, OfficerRole::Confirmation);
    assert_eq!(officer.session.unit_name, "国家税务总局四川省税务局");
    assert_eq!(officer.session.tax_office_id, None);
    let clerk = store.officer_by_username("nm_bt_fuhe").await.unwrap().unwrap();
    assert_eq!(clerk.session.unit_name, "国家税务总局包头市昆都仑区税务局");
    assert_eq!(clerk.session.province_code, "15");
}

async fn sessions_resolve_the_principal_afresh(store: &SqlStore) {
    seeded(store).await;
    let shule = server::demo::credit_code(&server::demo::ENTERPRISES[0]);
    let ent = store.enterprise_by_code(&shule).await.unwrap().unwrap();
    let clerk = store.bound_people(ent.id).await.unwrap().into_iter().find(|p| p.name == "张伟").unwrap();
    store.insert_session("h1", SessionSubject::Taxpayer { link_id: clerk.link_id }, "test-agent", Timestamp(T0)).await.unwrap();
    let (p, clock) = store.session("h1").await.unwrap().unwrap();
    match p {
        Principal::Taxpayer(t) => {
            assert_eq!((t.enterprise_name.as_str(), t.person_name.as_str(), t.identity), ("四川蜀乐科技集团有限公司", "张伟", Identity::TaxClerk));
            assert_eq!(t.credit_code, shule.as_str());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(clock.last_seen_at, Timestamp(T0));
    store.touch_session("h1", Timestamp(T0 + 5_000)).await.unwrap();
    assert_eq!(store.session("h1").await.unwrap().unwrap().1.last_seen_at, Timestamp(T0 + 5_000));
    let officer = store.officer_by_username("sc_jj_shouli").await.unwrap().unwrap();
    store.insert_session("h2", SessionSubject::Officer { officer_id: officer.session.officer_id }, "test-agent", Timestamp(T0)).await.unwrap();
    assert!(matches!(store.session("h2").await.unwrap().unwrap().0, Principal::Officer(o) if o.role == OfficerRole::Acceptance));
    store.delete_session("h1").await.unwrap();
    assert!(store.session("h1").await.unwrap().is_none());
}

async fn audit_and_outbox_keep_newest_first(store: &SqlStore) {
    for (i, outcome) in [AuditOutcome::Failure, AuditOutcome::Success].into_iter().enumerate() {
        let r = AuditRecord::new(Timestamp(T0 + i as i64), "王建国", "91510104MA6CLQ001T", "企业登录", format!("第{i}次"), outcome);
        store.append_audit(&r).await.unwrap();
    }
    let recent = store.recent_audit(10).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!((recent[0].description.as_str(), recent[0].outcome), ("第1次", AuditOutcome::Success));
    assert_eq!(recent[1].outcome, AuditOutcome::Failure);
    store.push_outbox(&OutboxSms { phone: "13908000001".into(), text: "a".into(), sent_at: Timestamp(T0) }).await.unwrap();
    store.push_outbox(&OutboxSms { phone: "13908000002".into(), text: "b".into(), sent_at: Timestamp(T0 + 1) }).await.unwrap();
    assert_eq!(store.outbox(1).await.unwrap()[0].text, "b");
}

async fn login_flows_round_trip(store: &SqlStore) {
    seeded(store).await;
    let flow = LoginFlow { id: "f1".into(), enterprise_id: 1, credit_code: "X".into(), created_at: Timestamp(T0) };
    store.insert_login_flow(&flow).await.unwrap();
    assert_eq!(store.login_flow("f1").await.unwrap().unwrap().credit_code, "X");
    store.delete_login_flow("f1").await.unwrap();
    assert!(store.login_flow("f1").await.unwrap().is_none());
}

on_both_backends!(
    captcha_is_taken_once_under_concurrency,
    sms_code_is_used_once_and_latest_wins,
    failure_counters_upsert,
    demo_registry_is_seeded_once,
    sessions_resolve_the_principal_afresh,
    audit_and_outbox_keep_newest_first,
    login_flows_round_trip,
);
