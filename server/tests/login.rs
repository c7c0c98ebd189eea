//! The login use cases (app::auth::service) on the real store, with a clock
//! the test moves: lockout, captcha and SMS rules, sessions, officers.

mod common;

use std::sync::Arc;

use app::kernel::{Identity, Principal};
use app::error::AppError;
use app::context::{Ctx, Mode};
use app::auth::service as svc;
use common::*;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const PW: &str = "Demo1234";
const BAD: &str = "统一社会信用代码（纳税人识别号）或密码错误";

async fn setup(store: &SqlStore) -> (Ctx, Arc<TestClock>) {
    seeded(store).await;
    let clock = clock();
    (ctx(store, clock.clone(), Mode::Demo), clock)
}

async fn step1(ctx: &Ctx, code: &str, pw: &str) -> Result<app::auth::api::PersonSelection, AppError> {
    let c = svc::new_captcha(ctx).await.unwrap();
    assert!(c.image.starts_with("data:image/png;base64,"));
    svc::enterprise_login(ctx, code, pw, &c.id, CAPTCHA).await
}

async fn failures_in_audit(ctx: &Ctx) -> usize {
    ctx.store.recent_audit(500).await.unwrap().iter().filter(|r| r.outcome == app::audit::rules::AuditOutcome::Failure).count()
}

async fn password_login_end_to_end(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    assert_eq!(sel.enterprise_name, "四川蜀乐科技集团有限公司");
    assert_eq!(sel.people.len(), 4);
    let rep = sel.people.iter().find(|p| p.identity == Identity::LegalRepresentative).unwrap();
    assert_eq!(rep.phone_masked, "139****0001");
    let (token, principal) = svc::person_login_password(&ctx, &sel.flow_id, rep.link_id, PW).await.unwrap();
    assert!(matches!(&principal, Principal::Taxpayer(t) if t.person_name == "王建国"));
    assert_eq!(svc::principal_for(&ctx, &token).await.unwrap(), Some(principal));
    // The flow is spent: it cannot be used for a second session.
    assert!(matches!(svc::person_login_password(&ctx, &sel.flow_id, rep.link_id, PW).await, Err(AppError::Expired(_))));
    svc::logout(&ctx, &token).await.unwrap();
    assert_eq!(svc::principal_for(&ctx, &token).await.unwrap(), None);
}

async fn wrong_credentials_do_not_reveal_codes_and_five_lock(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    // Unknown (but valid) code and wrong password: the same words.
    assert_eq!(step1(&ctx, "91110000802100433B", PW).await.unwrap_err(), AppError::LoginFailed(BAD.into()));
    for _ in 0..4 {
        assert_eq!(step1(&ctx, SHULE, "Wrong1234").await.unwrap_err(), AppError::LoginFailed(BAD.into()));
    }
    assert_eq!(step1(&ctx, SHULE, "Wrong1234").await.unwrap_err(), AppError::Locked { minutes: 15 });
    assert_eq!(step1(&ctx, SHULE, PW).await.unwrap_err(), AppError::Locked { minutes: 15 }, "locked even for the right password");
    clock.advance_secs(14 * 60);
    assert_eq!(step1(&ctx, SHULE, PW).await.unwrap_err(), AppError::Locked { minutes: 1 });
    clock.advance_secs(60);
    assert!(step1(&ctx, SHULE, PW).await.is_ok());
    assert!(failures_in_audit(&ctx).await >= 7, "every failed attempt is audited");
    // A malformed code is a field error, not a login attempt.
    assert_eq!(step1(&ctx, "91510104MA6CLQ001A", PW).await.unwrap_err().message_for("code").unwrap(), "统一社会信用代码校验位错误");
}

async fn person_lockout_is_per_enterprise_and_person(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    let finance = sel.people.iter().find(|p| p.identity == Identity::FinanceManager).unwrap().link_id;
    let clerk = sel.people.iter().find(|p| p.identity == Identity::TaxClerk).unwrap().link_id;
    for _ in 0..4 {
        let e = svc::person_login_password(&ctx, &sel.flow_id, finance, "Nope1234").await.unwrap_err();
        assert_eq!(e.message_for("person_password").as_deref(), Some("办税人员密码错误"));
    }
    assert_eq!(svc::person_login_password(&ctx, &sel.flow_id, finance, "Nope1234").await.unwrap_err(), AppError::Locked { minutes: 15 });
    assert_eq!(svc::person_login_password(&ctx, &sel.flow_id, finance, PW).await.unwrap_err(), AppError::Locked { minutes: 15 });
    assert!(matches!(svc::send_login_sms(&ctx, &sel.flow_id, finance).await, Err(AppError::Locked { .. })), "no SMS while locked");
    // Another person of the same enterprise is not affected.
    assert!(svc::person_login_password(&ctx, &sel.flow_id, clerk, PW).await.is_ok());
}

async fn captcha_rules(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    let c = svc::new_captcha(&ctx).await.unwrap();
    let e = svc::enterprise_login(&ctx, SHULE, PW, &c.id, "XXXX").await.unwrap_err();
    assert_eq!(e.message_for("captcha").as_deref(), Some("图形验证码不正确"));
    let e = svc::enterprise_login(&ctx, SHULE, PW, &c.id, CAPTCHA).await.unwrap_err();
    assert_eq!(e.message_for("captcha").as_deref(), Some("图形验证码已使用，请重新获取"), "single use, even after a wrong answer");
    let c = svc::new_captcha(&ctx).await.unwrap();
    clock.advance_secs(5 * 60);
    let e = svc::enterprise_login(&ctx, SHULE, PW, &c.id, CAPTCHA).await.unwrap_err();
    assert_eq!(e.message_for("captcha").as_deref(), Some("图形验证码已过期，请重新获取"));
    let e = svc::enterprise_login(&ctx, SHULE, PW, "forged", CAPTCHA).await.unwrap_err();
    assert!(e.message_for("captcha").unwrap().contains("失效"));
}

async fn sms_login_rules(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    let liu = sel.people.iter().find(|p| p.name == "刘洋").unwrap();
    assert!(!liu.has_password);
    let e = svc::person_login_password(&ctx, &sel.flow_id, liu.link_id, PW).await.unwrap_err();
    assert!(e.message_for("person_password").unwrap().contains("短信"));
    let e = svc::person_login_sms(&ctx, &sel.flow_id, liu.link_id, "123456").await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("请先获取短信验证码"));

    let sent = svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap();
    assert_eq!((sent.phone_masked.as_str(), sent.resend_after_secs), ("139****0004", 60));
    let first = code_in_outbox(&ctx, "13908000004").await;
    clock.advance_secs(30);
    assert_eq!(svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap_err(), AppError::TooFrequent { seconds: 30 });
    clock.advance_secs(31);
    svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap();
    let second = code_in_outbox(&ctx, "13908000004").await;
    if first != second {
        let e = svc::person_login_sms(&ctx, &sel.flow_id, liu.link_id, &first).await.unwrap_err();
        assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码不正确"), "only the newest code counts");
    }
    clock.advance_secs(5 * 60);
    let e = svc::person_login_sms(&ctx, &sel.flow_id, liu.link_id, &second).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码已过期，请重新获取"));
    // 10 minutes after the enterprise password the whole login has lapsed.
    clock.advance_secs(4 * 60);
    let e = svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap_err();
    assert_eq!(e, AppError::Expired("登录已超时，请重新登录".into()));

    // A fresh login: the code works once, within 5 minutes.
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap();
    let code = code_in_outbox(&ctx, "13908000004").await;
    clock.advance_secs(4 * 60 + 59);
    let (_, p) = svc::person_login_sms(&ctx, &sel.flow_id, liu.link_id, &code).await.unwrap();
    assert!(matches!(p, Principal::Taxpayer(t) if t.identity == Identity::InvoiceClerk));

    // Login codes count against the same per-phone cap as every other SMS code:
    // three sent above, seven more today, then none.
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    for i in 3..10 {
        clock.advance_secs(61);
        svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap_or_else(|e| panic!("send {i}: {e:?}"));
    }
    clock.advance_secs(61);
    let e = svc::send_login_sms(&ctx, &sel.flow_id, liu.link_id).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("今日")), "{e:?}");
}

async fn sms_code_expires_after_five_minutes(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    let rep = sel.people.iter().find(|p| p.name == "王建国").unwrap().link_id;
    svc::send_login_sms(&ctx, &sel.flow_id, rep).await.unwrap();
    let code = code_in_outbox(&ctx, "13908000001").await;
    clock.advance_secs(5 * 60);
    let e = svc::person_login_sms(&ctx, &sel.flow_id, rep, &code).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码已过期，请重新获取"));
}

async fn code_in_outbox(ctx: &Ctx, phone: &str) -> String {
    let msgs = svc::outbox(ctx).await.unwrap();
    let m = msgs.iter().find(|m| m.phone == phone).expect("an SMS to that phone");
    let i = m.text.find("验证码为").unwrap() + "验证码为".len();
    m.text[i..i + 6].to_string()
}

async fn sessions_expire_when_idle_and_switching_ends_them(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    let rep = sel.people[0].link_id;
    let (token, _) = svc::person_login_password(&ctx, &sel.flow_id, rep, PW).await.unwrap();
    clock.advance_secs(29 * 60);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_some(), "activity keeps it alive");
    clock.advance_secs(29 * 60);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_some());
    let again = svc::switch_identity(&ctx, &token).await.unwrap();
    assert_eq!(again.people.len(), 4);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_none(), "切换身份 ends the old session");
    let (token, _) = svc::person_login_password(&ctx, &again.flow_id, again.people[1].link_id, PW).await.unwrap();
    clock.advance_secs(30 * 60);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_none(), "30 idle minutes end a session");
    // The last use is written at most once a minute (no write per read): a use 30 s after the
    // last write is not written, so the session ends 30 minutes after that write — at most a
    // minute before 30 minutes after its last use.
    let sel = step1(&ctx, SHULE, PW).await.unwrap();
    let (token, _) = svc::person_login_password(&ctx, &sel.flow_id, rep, PW).await.unwrap();
    clock.advance_secs(30);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_some());
    clock.advance_secs(29 * 60 + 40);
    assert!(svc::principal_for(&ctx, &token).await.unwrap().is_none(), "idle 29 min 40 s after a use that was not written, 30 min 10 s after the last write");
}

async fn officers_log_in_with_their_role(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    let c = svc::new_captcha(&ctx).await.unwrap();
    let (_, p) = svc::officer_login(&ctx, "nm_sh_shouli", PW, &c.id, CAPTCHA).await.unwrap();
    match p {
        Principal::Officer(o) => {
            assert_eq!(o.role, app::kernel::OfficerRole::Acceptance);
            assert_eq!(o.unit_name, "国家税务总局呼和浩特市赛罕区税务局");
        }
        other => panic!("{other:?}"),
    }
    let c = svc::new_captcha(&ctx).await.unwrap();
    let e = svc::officer_login(&ctx, "nobody", PW, &c.id, CAPTCHA).await.unwrap_err();
    assert_eq!(e, AppError::LoginFailed("用户名或密码错误".into()));
    let c = svc::new_captcha(&ctx).await.unwrap();
    let e = svc::officer_login(&ctx, "nm_sh_shouli", "x", &c.id, CAPTCHA).await.unwrap_err();
    assert_eq!(e, AppError::LoginFailed("用户名或密码错误".into()));
}

async fn the_outbox_does_not_exist_in_production(store: &SqlStore) {
    seeded(store).await;
    let prod = ctx(store, clock(), Mode::Production);
    assert_eq!(svc::outbox(&prod).await.unwrap_err(), AppError::NotFound);
}

on_both_backends!(
    password_login_end_to_end,
    wrong_credentials_do_not_reveal_codes_and_five_lock,
    person_lockout_is_per_enterprise_and_person,
    captcha_rules,
    sms_login_rules,
    sms_code_expires_after_five_minutes,
    sessions_expire_when_idle_and_switching_ends_them,
    officers_log_in_with_their_role,
    the_outbox_does_not_exist_in_production,
);

/// The session cache (issue #16; `LEQI_SESSION_CACHE_MS`): two server processes
/// on one database are two stores with their own caches. A 退出 or a revocation
/// made through one takes effect there at once, and in the other within the
/// cache's lifetime — never later.
async fn a_session_ended_in_another_process_ends_here_within_the_cache_bound(store: &SqlStore) {
    use app::accounts::rules::GrantOutcome;
    use app::kernel::{Grants, Module};
    use app::accounts::store::{AccountStore, SessionStore, SessionSubject};
    use std::time::Duration;
    seeded(store).await;
    let ttl = Duration::from_millis(400);
    let (a, b) = (store.clone().with_session_cache(ttl), store.clone().with_session_cache(ttl));
    let shule = a.enterprise_by_code(&app::kernel::CreditCode::parse("91510104MA6CLQ001T").unwrap()).await.unwrap().unwrap();
    let zhang = a.bound_people(shule.id).await.unwrap().into_iter().find(|p| p.name == "张伟").unwrap();
    let now = app::kernel::Timestamp(T0);
    a.insert_session("hash-zhang", SessionSubject::Taxpayer { link_id: zhang.link_id }, "test", now).await.unwrap();
    let grants = |s: Option<(Principal, app::auth::rules::SessionClock)>| match s {
        Some((Principal::Taxpayer(t), _)) => Some(t.grants),
        _ => None,
    };
    assert!(grants(a.session("hash-zhang").await.unwrap()).unwrap().allows(Module::LeqiAccess));
    assert!(grants(b.session("hash-zhang").await.unwrap()).unwrap().allows(Module::LeqiAccess));

    // 回收 接入管理 through A: A reads the new grants at once; B only after its entry expired.
    let fewer = Grants::from_codes("leqi_capability,leqi_messages");
    assert!(a.apply_grants(shule.id, zhang.link_id, &GrantOutcome::Granted(fewer)).await.unwrap());
    assert!(!grants(a.session("hash-zhang").await.unwrap()).unwrap().allows(Module::LeqiAccess), "the process that made the change");
    assert!(grants(b.session("hash-zhang").await.unwrap()).unwrap().allows(Module::LeqiAccess), "B still holds its entry: the cache is on");
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert!(!grants(b.session("hash-zhang").await.unwrap()).unwrap().allows(Module::LeqiAccess), "within the bound in the other process");

    // 退出 through B: B refuses at once, A within the bound.
    assert!(a.session("hash-zhang").await.unwrap().is_some());
    b.delete_session("hash-zhang").await.unwrap();
    assert!(b.session("hash-zhang").await.unwrap().is_none());
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert!(a.session("hash-zhang").await.unwrap().is_none());
    // An unknown token is never remembered as signed in.
    assert!(a.session("hash-nobody").await.unwrap().is_none());
}

on_both_backends!(a_session_ended_in_another_process_ends_here_within_the_cache_bound);
