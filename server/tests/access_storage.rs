//! Access applications in storage, on SQLite and PostgreSQL: province rules as
//! data, registry figures, drafts, and decisions under optimistic versioning.

mod common;

use app::context::store_traits::*;
use app::access::rules::{decide, submit, ApplicationStatus, CheckOutcome, Decision, DecidingOfficer, Jurisdiction, UnitCategory};
use app::kernel::{OfficerRole, Timestamp};
use app::access::store::*;
use app::kernel::storage::*;
use common::*;
use server::store::SqlStore;

fn audit(kind: &str) -> app::audit::rules::AuditRecord {
    app::audit::rules::AuditRecord::new(Timestamp(T0), "测试", "测试单位", kind, "测试", app::audit::rules::AuditOutcome::Success)
}

fn event(action: &str, from: &ApplicationStatus, to: &ApplicationStatus, at: i64) -> ApplicationEvent {
    ApplicationEvent { at: Timestamp(at), actor: "测试".into(), actor_unit: "测试单位".into(), action: action.into(), from: from.label().into(), to: to.label().into(), reason: to.reason().map(String::from) }
}

async fn rules_registry_and_eligibility(store: &SqlStore) {
    seeded(store).await;
    let n = server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    assert_eq!(n, 2);
    let sc = store.province_rules("51").await.unwrap().expect("四川 rules loaded");
    assert_eq!(sc.province_name, "四川省");
    // 四川天府数智商贸 meets the aggregate thresholds only with use units.
    let tianfu = store.enterprise_by_code(&app::kernel::CreditCode::parse("91510100MA6CLQ0301").unwrap()).await.unwrap().unwrap();
    let profile = store.registry_profile(tianfu.id).await.unwrap().unwrap();
    assert_eq!(profile.province_code, "51");
    let lines = sc.evaluate(&profile.applicant, None);
    let by_id = |id: &str| lines.iter().find(|l| l.rule_id == id).unwrap().outcome;
    assert_eq!(by_id("revenue"), CheckOutcome::NeedsUseUnits);
    assert_eq!(by_id("invoices"), CheckOutcome::NeedsUseUnits);
    assert_eq!(by_id("credit"), CheckOutcome::Pass);
    let (name, figures) = store.figures_by_code(&app::kernel::CreditCode::parse("91510100MA6CLQ014B").unwrap()).await.unwrap().unwrap();
    assert_eq!(name, "四川天府数字交通投资有限公司");
    let lines = sc.evaluate(&profile.applicant, Some(&[figures]));
    assert!(lines.iter().all(|l| l.outcome == CheckOutcome::Pass), "{lines:?}");
    // 包头草原云链储运: C grade, no pilot, a violation → fails, each listed.
    let bt = store.enterprise_by_code(&app::kernel::CreditCode::parse("91150203MA0NCY021B").unwrap()).await.unwrap().unwrap();
    let p = store.registry_profile(bt.id).await.unwrap().unwrap();
    let nm = store.province_rules("15").await.unwrap().unwrap();
    let failed: Vec<_> = app::access::rules::failed(&nm.evaluate(&p.applicant, Some(&[]))).into_iter().map(|l| l.rule_id.clone()).collect();
    assert_eq!(failed, ["revenue", "invoices", "credit", "violation"]);
    // 草原云链 is a large state-owned enterprise: relaxed rules apply.
    let cy = store.registry_profile(2).await.unwrap().unwrap();
    assert_eq!(cy.applicant.categories, [UnitCategory::LargeStateOwned]);
}

async fn drafts_keep_versions(store: &SqlStore) {
    seeded(store).await;
    let a = store.create_application(9, 2, "51", r#"{"contact":"高远"}"#, None, Timestamp(T0)).await.unwrap();
    assert_eq!((a.version, a.status.clone()), (1, ApplicationStatus::Draft));
    let v = store.save_form(a.id, 9, r#"{"contact":"林小雨"}"#, 1, Timestamp(T0 + 1), &audit("保存草稿")).await.unwrap();
    assert_eq!(v, 2);
    assert_eq!(store.save_form(a.id, 9, "{}", 1, Timestamp(T0 + 2), &audit("保存草稿")).await, Err(StoreError::Conflict), "a stale version is refused");
    assert_eq!(store.save_form(a.id, 1, "{}", 2, Timestamp(T0 + 2), &audit("保存草稿")).await, Err(StoreError::Conflict), "another unit cannot write it");
    assert_eq!(store.latest_application(9).await.unwrap().unwrap().form, r#"{"contact":"林小雨"}"#);
    // Another unit (绵阳分公司, without applications) does not get it.
    assert!(store.latest_application(3).await.unwrap().is_none());
}

async fn two_officers_deciding_at_once_one_wins(store: &SqlStore) {
    seeded(store).await;
    let a = store.create_application(9, 2, "51", "{}", None, Timestamp(T0)).await.unwrap();
    let pending = submit(&a.status).unwrap();
    let v = store.transition(a.id, a.version, &pending, &event("提交", &a.status, &pending, T0 + 1), None, &audit("提交"), &[]).await.unwrap();
    assert!(store.save_form(a.id, 9, "{}", v, Timestamp(T0 + 2), &audit("保存草稿")).await.is_err(), "a submitted form is frozen");
    let here = Jurisdiction { tax_office_id: 2, province_code: "51".into() };
    let officer = DecidingOfficer { role: OfficerRole::Acceptance, tax_office_id: Some(2), province_code: "51".into() };
    // Two officers load the same version and decide differently at the same moment.
    let accept = decide(&pending, &Decision::Approve, &officer, &here).unwrap();
    let refuse = decide(&pending, &Decision::Refuse { reason: "材料不全".into() }, &officer, &here).unwrap();
    let (s1, s2) = (store.clone(), store.clone());
    let (e1, e2) = (event("受理", &pending, &accept, T0 + 3), event("不予受理", &pending, &refuse, T0 + 3));
    let (acc2, ref2) = (accept.clone(), refuse.clone());
    let t1 = tokio::spawn(async move { s1.transition(a.id, v, &acc2, &e1, None, &audit("受理"), &[]).await });
    let t2 = tokio::spawn(async move { s2.transition(a.id, v, &ref2, &e2, None, &audit("不予受理"), &[]).await });
    let (r1, r2) = (t1.await.unwrap(), t2.await.unwrap());
    assert_eq!([&r1, &r2].iter().filter(|r| r.is_ok()).count(), 1, "{r1:?} {r2:?}");
    assert!([&r1, &r2].iter().any(|r| **r == Err(StoreError::Conflict)));
    let now = store.application(a.id).await.unwrap().unwrap();
    let winner = if r1.is_ok() { accept } else { refuse };
    assert_eq!(now.status, winner);
    let events = store.events(a.id).await.unwrap();
    assert_eq!(events.len(), 2, "the loser leaves no trace in the timeline");
    assert_eq!(events[1].to, winner.label());
}

async fn confirming_makes_a_direct_unit(store: &SqlStore) {
    seeded(store).await;
    let a = store.create_application(9, 2, "51", "{}", None, Timestamp(T0)).await.unwrap();
    let mut v = a.version;
    let mut status = a.status.clone();
    for to in [ApplicationStatus::PendingAcceptance, ApplicationStatus::PendingReview, ApplicationStatus::PendingConfirmation] {
        v = store.transition(a.id, v, &to, &event("办理", &status, &to, T0), None, &audit("办理"), &[]).await.unwrap();
        status = to;
    }
    let c = Confirmation { access_type: app::kernel::AccessType::Joint, qualification_end: "2027-12-31".into() };
    store.transition(a.id, v, &ApplicationStatus::Confirmed, &event("确认通过", &status, &ApplicationStatus::Confirmed, T0), Some(&c), &audit("确认通过"), &[]).await.unwrap();
    assert_eq!(store.registry_profile(9).await.unwrap().unwrap().direct_unit, Some(app::kernel::AccessType::Joint));
    assert_eq!(store.direct_unit_type(9).await.unwrap().as_deref(), Some("lianyong"));
    assert_eq!(store.events(a.id).await.unwrap().len(), 4);
}

on_both_backends!(rules_registry_and_eligibility, drafts_keep_versions, two_officers_deciding_at_once_one_wins, confirming_makes_a_direct_unit);
