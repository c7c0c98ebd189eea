//! Issue #14, the holes an attacker found, each closed and proven here:
//! strangers cannot lock a unit, attempt counters hold under parallel guesses,
//! SMS sends need a captcha and are capped and tell nothing, security headers
//! and CSRF refusals, Secure cookies, 修改密码 limited and ending other
//! sessions, nothing read before authentication, upload quota and clean-up,
//! the draft-checked delete, and invitation ids hidden from anonymous callers.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use app::auth::api::PersonSelection;
use app::audit::rules::AuditOutcome;
use app::kernel::Identity;
use app::error::AppError;
use app::context::{Ctx, Mode};
use app::audit::store::SecurityStore;
use app::accounts::service as acc;
use app::auth::service as svc;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::http::{call, call_typed, login, urlencode, PDF};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use server::store::SqlStore;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const PW: &str = "Demo1234";
const CODES: [&str; 9] = [
    "91510104MA6CLQ001T",
    "91150105MA0NCY0024",
    "91510703MA6CLQ011C",
    "91510100MA6CLQ0125",
    "91510104MA6CLQ0132",
    "91510100MA6CLQ014B",
    "91510104MA6CLQ0158",
    "91150203MA0NCY021B",
    "91510100MA6CLQ0301",
];

async fn setup(store: &SqlStore) -> (Ctx, Arc<TestClock>) {
    seeded(store).await;
    let clock = clock();
    (ctx(store, clock.clone(), Mode::Demo), clock)
}

/// A server-fn call from a given client address (the socket peer).
async fn call_from(router: &axum::Router, ip: [u8; 4], path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> (StatusCode, String) {
    let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
    let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let mut req = req.body(Body::from(body)).unwrap();
    req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn enterprise_login_from(router: &axum::Router, ip: [u8; 4], code: &str, password: &str) -> Result<PersonSelection, AppError> {
    let (_, body) = call_from(router, ip, app::auth::api::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (status, body) = call_from(router, ip, app::auth::api::EnterpriseLogin::PATH, &[("code", code), ("password", password), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    if status.is_success() {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}")))
    }
}

const BAD: &str = "统一社会信用代码（纳税人识别号）或密码错误";

async fn failures(ctx: &Ctx, description_part: &str) -> usize {
    ctx.store.recent_audit(5000).await.unwrap().iter().filter(|r| r.outcome == AuditOutcome::Failure && r.description.contains(description_part)).count()
}

// ---- 1. Lockout by strangers ------------------------------------------------

async fn a_wrong_captcha_counts_against_nobody(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    for _ in 0..10 {
        let c = svc::new_captcha(&ctx).await.unwrap();
        let e = svc::enterprise_login(&ctx, SHULE, "Wrong1234", &c.id, "XXXX").await.unwrap_err();
        assert_eq!(e.message_for("captcha").as_deref(), Some("图形验证码不正确"));
    }
    let before = ctx.store.recent_audit(5000).await.unwrap().len();
    let c = svc::new_captcha(&ctx).await.unwrap();
    assert!(svc::enterprise_login(&ctx, SHULE, PW, &c.id, CAPTCHA).await.is_ok(), "ten made-up captchas lock nothing");
    assert_eq!(failures(&ctx, "图形验证码").await, 0, "nor do they flood the audit log");
    assert_eq!(ctx.store.recent_audit(5000).await.unwrap().len(), before + 1);
}

async fn five_wrong_passwords_lock_only_the_address_that_sent_them(db: TestDb) {
    let site = site_on(db, Mode::Demo, &[("index.html", "x")]).await;
    let r = &site.router;
    let attacker = [203, 0, 113, 7];
    for _ in 0..4 {
        assert_eq!(enterprise_login_from(r, attacker, SHULE, "Wrong1234").await.unwrap_err(), AppError::LoginFailed(BAD.into()));
    }
    assert_eq!(enterprise_login_from(r, attacker, SHULE, "Wrong1234").await.unwrap_err(), AppError::Locked { minutes: 15 });
    assert_eq!(enterprise_login_from(r, attacker, SHULE, PW).await.unwrap_err(), AppError::Locked { minutes: 15 }, "the attacker's address stays locked");
    // The unit itself is not locked: its staff elsewhere log in as usual.
    let sel = enterprise_login_from(r, [198, 51, 100, 20], SHULE, PW).await.unwrap();
    assert_eq!(sel.enterprise_name, "四川蜀乐科技集团有限公司");
}

async fn an_address_spraying_many_units_is_stopped(db: TestDb) {
    let site = site_on(db, Mode::Demo, &[("index.html", "x")]).await;
    let r = &site.router;
    let sprayer = [203, 0, 113, 99];
    let mut n = 0;
    'outer: for _ in 0..4 {
        for code in CODES {
            assert_eq!(enterprise_login_from(r, sprayer, code, "Wrong1234").await.unwrap_err(), AppError::LoginFailed(BAD.into()), "failure {n}");
            n += 1;
            if n == app::auth::rules::ADDRESS_MAX_FAILURES as usize - 1 {
                break 'outer;
            }
        }
    }
    // The 30th failure from one address locks the address, whatever account it tries next.
    let e = enterprise_login_from(r, sprayer, CODES[8], "Wrong1234").await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("网络地址")), "{e:?}");
    let e = enterprise_login_from(r, sprayer, CODES[0], PW).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("网络地址")), "{e:?}");
    assert!(enterprise_login_from(r, [198, 51, 100, 21], CODES[0], PW).await.is_ok(), "other addresses are not affected");
}

// ---- 2. Atomic counters -----------------------------------------------------

async fn fifty_parallel_wrong_passwords_evaluate_at_most_five(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    // Step 3 (the person's password).
    let c = svc::new_captcha(&ctx).await.unwrap();
    let sel = svc::enterprise_login(&ctx, SHULE, PW, &c.id, CAPTCHA).await.unwrap();
    let finance = sel.people.iter().find(|p| p.name == "李秀英").unwrap().link_id;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (ctx, flow) = (ctx.clone(), sel.flow_id.clone());
        tasks.push(tokio::spawn(async move { svc::person_login_password(&ctx, &flow, finance, "Nope12345").await }));
    }
    let mut wrong = 0;
    for t in tasks {
        match t.await.unwrap().unwrap_err() {
            AppError::Locked { .. } => {}
            e if e.message_for("person_password").is_some() => wrong += 1,
            e => panic!("{e:?}"),
        }
    }
    let evaluated = failures(&ctx, "密码验证失败").await;
    assert!((1..=5).contains(&evaluated), "{evaluated} of 50 parallel guesses were compared");
    assert!(wrong <= 4, "at most four plain 密码错误 answers before the lock: {wrong}");
    assert!(matches!(svc::person_login_password(&ctx, &sel.flow_id, finance, PW).await, Err(AppError::Locked { .. })));

    // Step 1 (the enterprise password), 50 captchas solved in advance.
    let mut captchas = Vec::new();
    for _ in 0..50 {
        captchas.push(svc::new_captcha(&ctx).await.unwrap().id);
    }
    let mut tasks = Vec::new();
    for id in captchas {
        let ctx = ctx.clone();
        tasks.push(tokio::spawn(async move { svc::enterprise_login(&ctx, "91150105MA0NCY0024", "Nope12345", &id, CAPTCHA).await }));
    }
    for t in tasks {
        let e = t.await.unwrap().unwrap_err();
        assert!(matches!(e, AppError::Locked { .. } | AppError::LoginFailed(_)), "{e:?}");
    }
    let evaluated = failures(&ctx, "统一社会信用代码或密码错误").await;
    assert!((1..=5).contains(&evaluated), "{evaluated} of 50 parallel enterprise guesses were compared");
}

async fn parallel_sms_guesses_get_five_tries_in_all(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    let c = svc::new_captcha(&ctx).await.unwrap();
    acc::send_phone_code(&ctx, "13512345678", app::accounts::api::PhonePurpose::Register, &c.id, CAPTCHA).await.unwrap();
    let code = code_in_outbox(&ctx, "13512345678").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let ctx = ctx.clone();
        let form = register_form("13512345678", wrong);
        tasks.push(tokio::spawn(async move { acc::register_natural_person(&ctx, form).await }));
    }
    let mut compared = 0;
    for t in tasks {
        let e = t.await.unwrap().unwrap_err();
        let m = e.message_for("sms_code").unwrap_or_else(|| panic!("{e:?}"));
        if m == "短信验证码不正确" {
            compared += 1;
        }
    }
    assert!(compared <= 5, "{compared} parallel wrong codes were compared");
    let e = acc::register_natural_person(&ctx, register_form("13512345678", &code)).await.unwrap_err();
    assert!(e.message_for("sms_code").is_some(), "the code is spent after the fifth try: {e:?}");
}

fn register_form(phone: &str, code: &str) -> app::accounts::api::RegisterForm {
    app::accounts::api::RegisterForm {
        phone: phone.into(),
        sms_code: code.into(),
        name: "林东一".into(),
        id_number: "110101199003077774".into(),
        tax_office_id: "1".into(),
        password: "Regist001".into(),
        confirm: "Regist001".into(),
    }
}

async fn code_in_outbox(ctx: &Ctx, phone: &str) -> String {
    let msgs = svc::outbox(ctx).await.unwrap();
    let m = msgs.iter().find(|m| m.phone == phone).expect("an SMS to that phone");
    let i = m.text.find("验证码为").unwrap() + "验证码为".len();
    m.text[i..i + 6].to_string()
}

// ---- 3. SMS pumping and enumeration ------------------------------------------

async fn sms_sends_need_a_captcha_are_capped_and_tell_nothing(store: &SqlStore) {
    use app::accounts::api::PhonePurpose;
    let (ctx, clock) = setup(store).await;
    let send = |phone: &'static str, purpose: PhonePurpose| {
        let ctx = ctx.clone();
        async move {
            let c = svc::new_captcha(&ctx).await.unwrap();
            acc::send_phone_code(&ctx, phone, purpose, &c.id, CAPTCHA).await
        }
    };
    // No captcha, no SMS.
    let e = acc::send_phone_code(&ctx, "13512340000", PhonePurpose::Register, "forged", CAPTCHA).await.unwrap_err();
    assert!(e.message_for("captcha").is_some(), "{e:?}");
    let c = svc::new_captcha(&ctx).await.unwrap();
    let e = acc::send_phone_code(&ctx, "13512340000", PhonePurpose::Register, &c.id, "XXXX").await.unwrap_err();
    assert_eq!(e.message_for("captcha").as_deref(), Some("图形验证码不正确"));
    assert!(svc::outbox(&ctx).await.unwrap().is_empty());

    // Registered or not, the same answer (the phone's owner is the only one who learns more).
    let registered = send("13908000001", PhonePurpose::Register).await.unwrap();
    let fresh = send("13512340001", PhonePurpose::Register).await.unwrap();
    assert_eq!((registered.resend_after_secs, registered.phone_masked.len()), (fresh.resend_after_secs, fresh.phone_masked.len()));
    assert!(send("13512340002", PhonePurpose::ResetPassword).await.is_ok(), "an unregistered phone is not told so");
    // …and it is told once the code is proven.
    let code = code_in_outbox(&ctx, "13908000001").await;
    let mut form = register_form("13908000001", "999999");
    if code == "999999" {
        form.sms_code = "999998".into();
    }
    let e = acc::register_natural_person(&ctx, form.clone()).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码不正确"), "a wrong code says nothing about the phone");
    assert_eq!(e.message_for("phone"), None);
    form.sms_code = code;
    let e = acc::register_natural_person(&ctx, form).await.unwrap_err();
    assert_eq!(e.message_for("phone").as_deref(), Some("该手机号码已注册"));

    // 10 codes a day per phone.
    for i in 1..10 {
        clock.advance_secs(61);
        send("13512340001", PhonePurpose::Register).await.unwrap_or_else(|e| panic!("send {i}: {e:?}"));
    }
    clock.advance_secs(61);
    let e = send("13512340001", PhonePurpose::Register).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("今日")), "{e:?}");
    clock.advance_secs(24 * 3600);
    assert!(send("13512340001", PhonePurpose::Register).await.is_ok(), "a new day, new codes");

    // 40 an hour per client address, whatever the phones.
    clock.advance_secs(3601);
    let phones: Vec<String> = (0..40).map(|i| format!("1361234{i:04}")).collect();
    let phones: Vec<&'static str> = phones.into_iter().map(|p| &*Box::leak(p.into_boxed_str())).collect();
    for p in phones.iter().copied() {
        send(p, PhonePurpose::BindEnterprise).await.unwrap_or_else(|e| panic!("{p}: {e:?}"));
    }
    let e = send("13712340000", PhonePurpose::BindEnterprise).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("频繁")), "{e:?}");
    clock.advance_secs(3601);
    assert!(send("13712340000", PhonePurpose::BindEnterprise).await.is_ok());
}

/// 【忘记密码】→【企业】: a 税号 nobody registered gets the same answer as a real
/// one (two masked 接收人, no name), the same stand-ins every time, a "sent" code
/// that reaches nobody and can never reset anything.
async fn forgot_enterprise_tells_nothing_about_unregistered_tax_numbers(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    let start = |code: &'static str| {
        let ctx = ctx.clone();
        async move {
            let c = svc::new_captcha(&ctx).await.unwrap();
            acc::forgot_enterprise_start(&ctx, code, &c.id, CAPTCHA).await
        }
    };
    let real = start(SHULE).await.unwrap();
    let unknown = start("91510100MA6CLQ0993").await.unwrap();
    for step in [&real, &unknown] {
        assert_eq!(step.enterprise_name, "", "no name either way");
        assert_eq!(step.approvers.iter().map(|a| a.identity).collect::<Vec<_>>(), [Identity::LegalRepresentative, Identity::FinanceManager]);
        assert!(step.approvers.iter().all(|a| a.phone_masked.len() == 11 && &a.phone_masked[3..7] == "****"));
    }
    let again = start("91510100MA6CLQ0993").await.unwrap();
    assert_eq!(again.approvers, unknown.approvers, "the same stand-ins on a retry");
    assert_ne!(again.flow_id, unknown.flow_id);

    let before = svc::outbox(&ctx).await.unwrap().len();
    let sent = acc::forgot_enterprise_send(&ctx, &unknown.flow_id, unknown.approvers[1].link_id).await.unwrap();
    assert_eq!((sent.phone_masked.as_str(), sent.resend_after_secs), (unknown.approvers[1].phone_masked.as_str(), 60));
    assert_eq!(svc::outbox(&ctx).await.unwrap().len(), before, "no SMS leaves for a stand-in");
    assert!(matches!(acc::forgot_enterprise_send(&ctx, &unknown.flow_id, unknown.approvers[1].link_id).await, Err(AppError::TooFrequent { .. })), "the same resend wait");
    assert_eq!(acc::forgot_enterprise_send(&ctx, &unknown.flow_id, 1).await.unwrap_err(), AppError::NotFound, "only the stand-ins shown");
    for guess in ["000000", "123456"] {
        let e = acc::forgot_enterprise_reset(&ctx, &unknown.flow_id, guess, "Ent2025abc", "Ent2025abc").await.unwrap_err();
        assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码不正确"));
    }
    // The operator sees the probing.
    assert_eq!(failures(&ctx, "未注册的税号请求重置企业密码").await, 1);
}

// ---- 8. Uploads -------------------------------------------------------------

async fn uploads_have_a_quota_and_unattached_ones_are_swept(store: &SqlStore) {
    use app::materials::rules::{FileType, MaterialKind, UNIT_QUOTA_BYTES};
    use app::context::outside::Clock;
    use app::materials::store::NewMaterial;
    let (ctx, clock) = setup(store).await;
    let c = svc::new_captcha(&ctx).await.unwrap();
    let sel = svc::enterprise_login(&ctx, SHULE, PW, &c.id, CAPTCHA).await.unwrap();
    let (_, who) = svc::person_login_password(&ctx, &sel.flow_id, sel.people[0].link_id, PW).await.unwrap();
    let app::kernel::Principal::Taxpayer(t) = &who else { panic!() };
    // A first upload works and stays unattached.
    let m = app::materials::service::upload(&ctx, &who, MaterialKind::RelationshipProof, "a.pdf", PDF.to_vec()).await.unwrap();
    assert_eq!(ctx.store.material_bytes_of(t.enterprise_id).await.unwrap(), PDF.len() as u64);
    // The unit holds (nearly) its quota: the next upload is refused next to its field.
    let big = NewMaterial {
        enterprise_id: t.enterprise_id,
        kind: MaterialKind::Other,
        file_name: "big.pdf".into(),
        file_type: FileType::Pdf,
        size: UNIT_QUOTA_BYTES - 10,
        sha256: "x".into(),
        object_key: format!("{}/big", t.enterprise_id),
        uploaded_by: "测试".into(),
    };
    let big = ctx.store.insert_material(&big, clock.now()).await.unwrap();
    let e = app::materials::service::upload(&ctx, &who, MaterialKind::RelationshipProof, "b.pdf", PDF.to_vec()).await.unwrap_err();
    assert!(e.message_for("material.relationship_proof").unwrap().contains("存储上限"), "{e:?}");
    // A day later nobody attached them: both are swept, with their contents.
    clock.advance_secs(25 * 3600);
    ctx.blobs.put(&big.object_key, b"x".to_vec()).await.unwrap();
    let n = app::materials::service::purge_unattached(&ctx).await.unwrap();
    assert_eq!(n, 2);
    assert!(ctx.store.material(m.id).await.unwrap().is_none());
    assert!(ctx.blobs.get(&m.object_key).await.unwrap().is_none());
    assert_eq!(ctx.store.material_bytes_of(t.enterprise_id).await.unwrap(), 0);
}

on_both_backends!(
    a_wrong_captcha_counts_against_nobody,
    fifty_parallel_wrong_passwords_evaluate_at_most_five,
    parallel_sms_guesses_get_five_tries_in_all,
    sms_sends_need_a_captcha_are_capped_and_tell_nothing,
    forgot_enterprise_tells_nothing_about_unregistered_tax_numbers,
    uploads_have_a_quota_and_unattached_ones_are_swept,
);

macro_rules! on_both_sites {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(crate::common::sqlite().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = crate::common::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    )*};
}

on_both_sites!(five_wrong_passwords_lock_only_the_address_that_sent_them, an_address_spraying_many_units_is_stopped, a_material_of_a_submitted_application_cannot_be_deleted);

// ---- 4. Headers, 5. CSRF, 6. cookies -----------------------------------------

const PAGE: &str = "<!DOCTYPE html><html><head><script type=\"module\">import init from '/portal-0123456789abcdef.js';await init();</script></head><body></body></html>";

#[tokio::test]
async fn html_gets_a_csp_with_the_loader_hash_and_downloads_are_sandboxed() {
    let s = site_with(Mode::Demo, &[("index.html", PAGE), ("tax/index.html", PAGE), ("kkjrh5/index.html", PAGE), ("jrgl/index.html", PAGE)]).await;
    let r = &s.router;
    for path in ["/", "/login", "/kkjrh5/", "/tax/", "/jrgl/invite"] {
        let (status, h, _) = common::http::get(r, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        for part in ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-", "object-src 'none'", "frame-ancestors 'none'"] {
            assert!(csp.contains(part), "{path}: {part} in {csp}");
        }
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(h.contains_key(header::REFERRER_POLICY));
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS when cookies are not Secure (plain http)");
    }
    let (_, h, _) = common::http::get(r, "/", None).await;
    let expected = server::http::guard::inline_script_hashes(PAGE);
    assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains(&expected[0]));

    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let (status, h, _) = common::http::get(r, "/api/invitations/template.xlsx", Some(&me)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox");
    let uri = format!("/api/materials?kind=relationship_proof&name={}", urlencode("证明.pdf"));
    let req = Request::post(uri).header(header::COOKIE, &me).body(Body::from(PDF.to_vec())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let info: serde_json::Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let (status, h, _) = common::http::get(r, &format!("/api/materials/{}", info["id"]), Some(&me)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[tokio::test]
async fn secure_cookies_are_the_default_and_bring_hsts() {
    let c = server::config::Config::from_lookup(|k| (k == "LEQI_MODE").then(|| "demo".to_string())).unwrap();
    assert!(c.secure_cookies);
    let db = sqlite().await;
    seeded(&db.store).await;
    let mut ctx = ctx(&db.store, clock(), Mode::Demo);
    ctx.secure_cookies = true;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), PAGE).unwrap();
    let r = server::http::router(ctx, dir.path());
    let (_, h, _) = common::http::get(&r, "/", None).await;
    assert!(h[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age="));
    let (_, _, body) = call(&r, app::auth::api::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (_, _, body) = call(&r, app::auth::api::EnterpriseLogin::PATH, &[("code", SHULE), ("password", PW), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    let sel: PersonSelection = serde_json::from_str(&body).unwrap();
    let (_, h, _) = call(&r, app::auth::api::PersonLoginPassword::PATH, &[("flow_id", &sel.flow_id), ("link_id", &sel.people[0].link_id.to_string()), ("password", PW)], None).await;
    let cookie = h[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
}

/// What a cross-site `<form method=post>` sends: url-encoded, with the browser's headers.
async fn cross_site_post(r: &axum::Router, path: &str, body: &str, cookie: &str) -> StatusCode {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "leqi.example")
        .header("sec-fetch-site", "cross-site")
        .header("sec-fetch-mode", "navigate")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    r.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn a_cross_site_form_post_is_refused_before_it_does_anything() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    // 修改密码 from another site: refused, the password unchanged.
    let status = cross_site_post(r, app::accounts::api::ChangePassword::PATH, "old=Demo1234&new=Evil12345&confirm=Evil12345", &me).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(login(r, SHULE, "王建国", "LegalRepresentative").await.is_ok(), "the password is still Demo1234");
    // An upload and a logout likewise.
    assert_eq!(cross_site_post(r, "/api/materials?kind=relationship_proof&name=x.pdf", "%PDF-1.4", &me).await, StatusCode::FORBIDDEN);
    assert_eq!(cross_site_post(r, app::auth::api::Logout::PATH, "", &me).await, StatusCode::FORBIDDEN);
    // An Origin of another host without Sec-Fetch-Site (older browsers) too.
    let req = Request::post(app::auth::api::Logout::PATH).header(header::ORIGIN, "http://evil.example").header(header::HOST, "127.0.0.1:3000").header(header::COOKIE, &me).body(Body::empty()).unwrap();
    assert_eq!(r.clone().oneshot(req).await.unwrap().status(), StatusCode::FORBIDDEN);
    let still: Option<app::kernel::Principal> = call_typed(r, app::auth::api::CurrentPrincipal::PATH, &[], &me).await.unwrap();
    assert!(still.is_some(), "the session survived every forged request");
    // The same request from the page itself goes through.
    let req = Request::post(app::auth::api::Logout::PATH)
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::HOST, "127.0.0.1:3000")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &me)
        .body(Body::empty())
        .unwrap();
    assert!(r.clone().oneshot(req).await.unwrap().status().is_success());
}

#[tokio::test]
async fn changing_the_password_ends_the_other_sessions_and_is_rate_limited() {
    let s = site().await;
    let r = &s.router;
    let here = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let elsewhere = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    call_typed::<()>(r, app::accounts::api::ChangePassword::PATH, &[("old", PW), ("new", "Newpass123"), ("confirm", "Newpass123")], &here).await.unwrap();
    let mine: Option<app::kernel::Principal> = call_typed(r, app::auth::api::CurrentPrincipal::PATH, &[], &here).await.unwrap();
    assert!(mine.is_some(), "the session that changed it stays");
    let gone: Option<app::kernel::Principal> = call_typed(r, app::auth::api::CurrentPrincipal::PATH, &[], &elsewhere).await.unwrap_or(None);
    assert!(gone.is_none(), "every other session ended");
    // A stolen session cannot guess the password: five wrong ones pause 修改密码.
    for _ in 0..4 {
        let e = call_typed::<()>(r, app::accounts::api::ChangePassword::PATH, &[("old", "Wrong1234"), ("new", "Evil12345"), ("confirm", "Evil12345")], &here).await.unwrap_err();
        assert_eq!(e.message_for("old").as_deref(), Some("原密码错误"));
    }
    let e = call_typed::<()>(r, app::accounts::api::ChangePassword::PATH, &[("old", "Wrong1234"), ("new", "Evil12345"), ("confirm", "Evil12345")], &here).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(m) if m.contains("原密码错误次数过多")), "{e:?}");
    let e = call_typed::<()>(r, app::accounts::api::ChangePassword::PATH, &[("old", "Newpass123"), ("new", "Evil12345"), ("confirm", "Evil12345")], &here).await.unwrap_err();
    assert!(matches!(&e, AppError::Refused(_)), "paused even with the right password: {e:?}");
}

// ---- 7. Nothing read before authentication ------------------------------------

/// A 4 MB body that records whether anybody read it.
struct Watched {
    read: Arc<AtomicBool>,
    done: bool,
}

impl http_body::Body for Watched {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(mut self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.read.store(true, Ordering::SeqCst);
        if self.done {
            return std::task::Poll::Ready(None);
        }
        self.done = true;
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(axum::body::Bytes::from(vec![b'P'; 4 * 1024 * 1024])))))
    }
}

fn watched_body(read: Arc<AtomicBool>) -> Body {
    Body::new(Watched { read, done: false })
}

#[tokio::test]
async fn big_bodies_are_not_read_before_the_caller_is_known() {
    let s = site().await;
    let r = &s.router;
    // 导入邀请 without a session.
    let read = Arc::new(AtomicBool::new(false));
    let req = Request::post("/api/invitations/import?file_name=x.xlsx").body(watched_body(read.clone())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(!read.load(Ordering::SeqCst), "the file was read before the session was checked");
    // The signed API with an unknown app id.
    let read = Arc::new(AtomicBool::new(false));
    let req = Request::post("/openapi/v1/invitations")
        .header("x-leqi-appid", "nobody")
        .header("x-leqi-timestamp", T0.to_string())
        .header("x-leqi-nonce", "abcdefghijklmnop")
        .header("x-leqi-signature", "AAAA")
        .body(watched_body(read.clone()))
        .unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(!read.load(Ordering::SeqCst), "the API body was read before the signature headers were checked");
}

// ---- 8. Invitation ids, the draft-checked delete ------------------------------

#[tokio::test]
async fn anonymous_callers_cannot_tell_which_invitation_ids_exist() {
    let s = site().await;
    let r = &s.router;
    let mut answers = Vec::new();
    for id in ["1", "2", "999999"] {
        let (status, _, body) = call(r, app::invitation::api::InvitationDetail::PATH, &[("id", id)], None).await;
        answers.push((status, body));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(serde_json::from_str::<AppError>(&answers[0].1).unwrap(), AppError::NotAuthenticated);
}

async fn a_material_of_a_submitted_application_cannot_be_deleted(db: TestDb) {
    use app::access::api::*;
    use app::audit::store::DraftDelete;
    let s = site_on(db, Mode::Demo, &[("index.html", "x")]).await;
    let r = &s.router;
    let me = login(r, "91510100MA6CLQ0301", "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    let draft = check.draft.unwrap();
    common::http::upload_required(r, &me, &draft).await;
    let materials: Vec<app::materials::store::StoredMaterial> = {
        use app::materials::store::MaterialStore;
        s.db.store.materials_of(app::materials::rules::MaterialOwner::Application(draft.id)).await.unwrap()
    };
    let enterprise_id = materials[0].enterprise_id;
    // While a draft: the delete goes through (statement-checked).
    assert!(matches!(s.db.store.delete_draft_material(materials[0].id, enterprise_id).await.unwrap(), DraftDelete::Deleted(_)));
    // Another unit's id: not found.
    assert_eq!(s.db.store.delete_draft_material(materials[1].id, enterprise_id + 1).await.unwrap(), DraftDelete::NotFound);
    // Once the application has left the draft, the same statement deletes nothing.
    sqlx::query("UPDATE access_applications SET status_code = 'pending_acceptance' WHERE id = $1").bind(draft.id).execute(s.db.store.pool()).await.unwrap();
    assert_eq!(s.db.store.delete_draft_material(materials[1].id, enterprise_id).await.unwrap(), DraftDelete::NotDraft);
    let e = call_typed::<()>(r, app::materials::api::DeleteMaterial::PATH, &[("id", &materials[1].id.to_string())], &me).await.unwrap_err();
    assert!(matches!(e, AppError::Refused(_)), "{e:?}");
}
