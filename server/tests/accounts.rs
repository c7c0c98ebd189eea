//! Accounts (etax-login-guide §2–4): registration, binding with the legal
//! representative's approval, grants enforced at the server, password recovery.

mod common;

use std::sync::Arc;

use app::accounts::api::*;
use app::leqi::api::AccessHome;
use app::kernel::Identity;
use app::error::AppError;
use app::context::{Ctx, Mode};
use app::accounts::service as svc;
use app::auth::service as auth;
use common::http::{call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use server::store::SqlStore;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";

async fn setup(store: &SqlStore) -> (Ctx, Arc<TestClock>) {
    seeded(store).await;
    let clock = clock();
    (ctx(store, clock.clone(), Mode::Demo), clock)
}

async fn code_for(ctx: &Ctx, phone: &str) -> String {
    let msgs = auth::outbox(ctx).await.unwrap();
    let m = msgs.iter().find(|m| m.phone == phone).expect("an SMS to that phone");
    let i = m.text.find("验证码为").unwrap() + "验证码为".len();
    m.text[i..i + 6].to_string()
}

fn id17(n: u32) -> String {
    app::kernel::IdNumber::from_first17(&format!("51010119900101{n:03}")).unwrap().to_string()
}

fn form(phone: &str, id: &str) -> RegisterForm {
    RegisterForm {
        phone: phone.into(),
        sms_code: String::new(),
        name: "赵新人".into(),
        id_number: id.into(),
        tax_office_id: "1".into(),
        password: "Newpass123".into(),
        confirm: "Newpass123".into(),
    }
}

/// 【获取验证码】 as the page does it: a captcha first (no session).
async fn send(ctx: &Ctx, phone: &str, purpose: PhonePurpose) -> Result<app::auth::api::SmsSent, AppError> {
    let c = auth::new_captcha(ctx).await.unwrap();
    svc::send_phone_code(ctx, phone, purpose, &c.id, CAPTCHA).await
}

async fn natural_person_registration(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    // Every bad field gets its own message, all at once.
    let bad = RegisterForm { phone: "123".into(), name: "X".into(), id_number: "510101199002301234".into(), tax_office_id: "".into(), password: "short".into(), confirm: "x".into(), sms_code: "".into() };
    let AppError::Invalid(errs) = svc::register_natural_person(&ctx, bad).await.unwrap_err() else { panic!() };
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
    for f in ["phone", "name", "id_number", "tax_office_id", "password", "sms_code"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    // An already registered phone gets the same answer as any other (the SMS goes to its owner).
    send(&ctx, "13908000001", PhonePurpose::Register).await.unwrap();
    // The real path.
    send(&ctx, "13700000001", PhonePurpose::Register).await.unwrap();
    let mut f = form("13700000001", &id17(1));
    f.sms_code = "000000".into();
    let e = svc::register_natural_person(&ctx, f.clone()).await.unwrap_err();
    assert!(e.message_for("sms_code").is_some() || code_for(&ctx, "13700000001").await == "000000");
    f.sms_code = code_for(&ctx, "13700000001").await;
    svc::register_natural_person(&ctx, f.clone()).await.unwrap();
    let p = ctx.store.person_by_phone("13700000001").await.unwrap().unwrap();
    assert_eq!(p.name, "赵新人");
    assert!(ctx.secrets.verify_password("Newpass123", p.password_hash.as_deref().unwrap()));
    // The same ID number again: 已注册.
    let mut again = form("13700000002", &id17(1));
    again.sms_code = "123456".into();
    let e = svc::register_natural_person(&ctx, again.clone()).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("请先获取短信验证码"), "nothing is said about the ID number before the phone is proven");
    assert_eq!(e.message_for("id_number"), None);
    send(&ctx, "13700000002", PhonePurpose::Register).await.unwrap();
    again.sms_code = code_for(&ctx, "13700000002").await;
    assert_eq!(svc::register_natural_person(&ctx, again).await.unwrap_err().message_for("id_number").as_deref(), Some("该证件号码已注册"));
}

/// Registers a person by the real flow and returns nothing; the phone is `phone`.
async fn register(ctx: &Ctx, phone: &str, id: &str) {
    send(ctx, phone, PhonePurpose::Register).await.unwrap();
    let mut f = form(phone, id);
    f.sms_code = code_for(ctx, phone).await;
    svc::register_natural_person(ctx, f).await.unwrap();
}

async fn binding_needs_the_principals_code(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    register(&ctx, "13700000011", &id17(11)).await;
    send(&ctx, "13700000011", PhonePurpose::BindEnterprise).await.unwrap();
    let code = code_for(&ctx, "13700000011").await;
    let start = |password: &str, code: &str| BindingStartForm {
        phone: "13700000011".into(),
        sms_code: code.into(),
        name: "赵新人".into(),
        id_number: id17(11),
        password: password.into(),
        confirm: password.into(),
    };
    // Already registered: the password must be the natural-person password. The code is
    // spent by the attempt, so each guess costs a new SMS.
    let e = svc::binding_start(&ctx, start("Other1234", &code)).await.unwrap_err();
    assert!(e.message_for("password").unwrap().contains("自然人注册时设置的密码一致"));
    let e = svc::binding_start(&ctx, start("Newpass123", &code)).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码已使用，请重新获取"));
    clock.advance_secs(61);
    send(&ctx, "13700000011", PhonePurpose::BindEnterprise).await.unwrap();
    let code = code_for(&ctx, "13700000011").await;
    let flow = svc::binding_start(&ctx, start("Newpass123", &code)).await.unwrap();
    // Steps in order only: the enterprise cannot be chosen before 实人认证.
    assert!(matches!(svc::binding_find_enterprise(&ctx, &flow, SHULE).await, Err(AppError::Refused(_))));
    svc::binding_verify_person(&ctx, &flow).await.unwrap();
    let found = svc::binding_find_enterprise(&ctx, &flow, SHULE).await.unwrap();
    assert_eq!(found.enterprise_name, "四川蜀乐科技集团有限公司");
    let idents: Vec<_> = found.approvers.iter().map(|a| (a.name_masked.as_str(), a.identity)).collect();
    assert_eq!(idents, [("王*国", Identity::LegalRepresentative), ("李*英", Identity::FinanceManager)]);
    // Only a principal can approve: a clerk's link is not an approver.
    let people = ctx.store.bound_people(1).await.unwrap();
    let clerk = people.iter().find(|p| p.identity == Identity::TaxClerk).unwrap().link_id;
    assert!(svc::binding_send_approval(&ctx, &flow, clerk).await.is_err());
    let rep = found.approvers[0].link_id;
    let sent = svc::binding_send_approval(&ctx, &flow, rep).await.unwrap();
    assert_eq!(sent.phone_masked, "139****0001", "the code goes to the legal representative's phone");
    let e = svc::binding_approve(&ctx, &flow, "999999").await.unwrap_err();
    assert!(e.message_for("approval_code").is_some());
    let approval = code_for(&ctx, "13908000001").await;
    assert_eq!(svc::binding_approve(&ctx, &flow, &approval).await.unwrap(), "四川蜀乐科技集团有限公司");
    // Now in 办税人员选择 as 办税员, and able to log in with the natural-person password.
    let c = auth::new_captcha(&ctx).await.unwrap();
    let sel = auth::enterprise_login(&ctx, SHULE, "Demo1234", &c.id, CAPTCHA).await.unwrap();
    let me = sel.people.iter().find(|p| p.name == "赵新人").expect("bound person is listed");
    assert_eq!(me.identity, Identity::TaxClerk);
    let (_, p) = auth::person_login_password(&ctx, &sel.flow_id, me.link_id, "Newpass123").await.unwrap();
    assert!(matches!(p, app::kernel::Principal::Taxpayer(t) if t.grants == app::kernel::Grants::all()), "a new user has all of 我要办税");
}

async fn binding_can_register_a_new_person(store: &SqlStore) {
    let (ctx, _) = setup(store).await;
    send(&ctx, "13700000021", PhonePurpose::BindEnterprise).await.unwrap();
    let f = BindingStartForm {
        phone: "13700000021".into(),
        sms_code: code_for(&ctx, "13700000021").await,
        name: "钱多多".into(),
        id_number: id17(21),
        password: "abc".into(),
        confirm: "abc".into(),
    };
    let e = svc::binding_start(&ctx, f.clone()).await.unwrap_err();
    assert_eq!(e.message_for("password").as_deref(), Some("密码至少8位"), "a new person's password follows the rules");
    let f = BindingStartForm { password: "Qian12345".into(), confirm: "Qian12345".into(), ..f };
    let flow = svc::binding_start(&ctx, f).await.unwrap();
    assert!(ctx.store.person_by_phone("13700000021").await.unwrap().is_some());
    svc::binding_verify_person(&ctx, &flow).await.unwrap();
    assert!(svc::binding_find_enterprise(&ctx, &flow, "91110000802100433B").await.unwrap_err().message_for("code").unwrap().contains("未查询到"));
}

async fn personal_and_enterprise_passwords_can_be_recovered(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    // Natural person: phone + SMS + real-name check.
    send(&ctx, "13908000003", PhonePurpose::ResetPassword).await.unwrap();
    let code = code_for(&ctx, "13908000003").await;
    let zhang_id = server::demo::id_number("51010719900105003").to_string();
    let wrong_name = ResetPersonForm { phone: "13908000003".into(), sms_code: code.clone(), name: "张三".into(), id_number: zhang_id.clone(), password: "Zhang2025x".into(), confirm: "Zhang2025x".into() };
    assert!(matches!(svc::reset_person_password(&ctx, wrong_name).await, Err(AppError::Refused(m)) if m.contains("实名信息核验不通过")));
    let f = ResetPersonForm { phone: "13908000003".into(), sms_code: String::new(), name: "张伟".into(), id_number: zhang_id, password: "Zhang2025x".into(), confirm: "Zhang2025x".into() };
    // The failed real-name check spent the code: a new one, after the 60 s resend wait.
    clock.advance_secs(61);
    send(&ctx, "13908000003", PhonePurpose::ResetPassword).await.unwrap();
    let f = ResetPersonForm { sms_code: code_for(&ctx, "13908000003").await, ..f };
    svc::reset_person_password(&ctx, f).await.unwrap();
    let c = auth::new_captcha(&ctx).await.unwrap();
    let sel = auth::enterprise_login(&ctx, SHULE, "Demo1234", &c.id, CAPTCHA).await.unwrap();
    let zhang = sel.people.iter().find(|p| p.name == "张伟").unwrap().link_id;
    assert!(auth::person_login_password(&ctx, &sel.flow_id, zhang, "Demo1234").await.is_err());
    assert!(auth::person_login_password(&ctx, &sel.flow_id, zhang, "Zhang2025x").await.is_ok());
    // An unregistered phone: the same answer, and 未注册 only once its code is proven.
    send(&ctx, "13799999999", PhonePurpose::ResetPassword).await.unwrap();
    let f = ResetPersonForm { phone: "13799999999".into(), sms_code: code_for(&ctx, "13799999999").await, name: "张伟".into(), id_number: server::demo::id_number("51010719900105003").to_string(), password: "Zhang2025y".into(), confirm: "Zhang2025y".into() };
    assert_eq!(svc::reset_person_password(&ctx, f).await.unwrap_err().message_for("phone").as_deref(), Some("该手机号码未注册"));

    // Enterprise: tax number + captcha + SMS to the 法定代表人 or 财务负责人.
    let c = auth::new_captcha(&ctx).await.unwrap();
    let step = svc::forgot_enterprise_start(&ctx, CAOYUAN, &c.id, CAPTCHA).await.unwrap();
    assert_eq!(step.approvers.len(), 2);
    let finance = step.approvers.iter().find(|a| a.identity == Identity::FinanceManager).unwrap().link_id;
    let e = svc::forgot_enterprise_reset(&ctx, &step.flow_id, "123456", "Ent2025abc", "Ent2025abc").await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("请先获取短信验证码"));
    svc::forgot_enterprise_send(&ctx, &step.flow_id, finance).await.unwrap();
    let code = code_for(&ctx, "13904710006").await;
    svc::forgot_enterprise_reset(&ctx, &step.flow_id, &code, "Ent2025abc", "Ent2025abc").await.unwrap();
    let c = auth::new_captcha(&ctx).await.unwrap();
    assert!(auth::enterprise_login(&ctx, CAOYUAN, "Demo1234", &c.id, CAPTCHA).await.is_err());
    let c = auth::new_captcha(&ctx).await.unwrap();
    assert!(auth::enterprise_login(&ctx, CAOYUAN, "Ent2025abc", &c.id, CAPTCHA).await.is_ok());
}

async fn sms_codes_and_binding_guesses_are_limited(store: &SqlStore) {
    let (ctx, clock) = setup(store).await;
    register(&ctx, "13700000031", &id17(31)).await;
    // Five wrong codes spend the code: the right one no longer works.
    send(&ctx, "13700000031", PhonePurpose::BindEnterprise).await.unwrap();
    let code = code_for(&ctx, "13700000031").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let form = |password: &str, code: &str| BindingStartForm {
        phone: "13700000031".into(),
        sms_code: code.into(),
        name: "赵新人".into(),
        id_number: id17(31),
        password: password.into(),
        confirm: password.into(),
    };
    for _ in 0..4 {
        let e = svc::binding_start(&ctx, form("Newpass123", wrong)).await.unwrap_err();
        assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码不正确"));
    }
    let e = svc::binding_start(&ctx, form("Newpass123", wrong)).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码错误次数过多，请重新获取"));
    let e = svc::binding_start(&ctx, form("Newpass123", &code)).await.unwrap_err();
    assert_eq!(e.message_for("sms_code").as_deref(), Some("短信验证码已使用，请重新获取"));
    // Five wrong passwords (each with a fresh code) lock binding for that phone.
    for i in 0..5 {
        clock.advance_secs(61);
        send(&ctx, "13700000031", PhonePurpose::BindEnterprise).await.unwrap();
        let code = code_for(&ctx, "13700000031").await;
        let e = svc::binding_start(&ctx, form("Guess1234", &code)).await.unwrap_err();
        if i < 4 {
            assert!(e.message_for("password").is_some(), "{e:?}");
        } else {
            assert_eq!(e, AppError::Locked { minutes: 15 });
        }
    }
    clock.advance_secs(61);
    send(&ctx, "13700000031", PhonePurpose::BindEnterprise).await.unwrap();
    let code = code_for(&ctx, "13700000031").await;
    assert_eq!(svc::binding_start(&ctx, form("Newpass123", &code)).await.unwrap_err(), AppError::Locked { minutes: 14 });
}

on_both_backends!(
    sms_codes_and_binding_guesses_are_limited,
    natural_person_registration,
    binding_needs_the_principals_code,
    binding_can_register_a_new_person,
    personal_and_enterprise_passwords_can_be_recovered,
);

// ---- Through the real server-fn endpoints, with session cookies ----------

#[tokio::test]
async fn a_revoked_permission_is_refused_by_the_server_and_removing_all_unbinds() {
    let s = site().await;
    let r = &s.router;
    let boss = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let clerk = login(r, SHULE, "张伟", "TaxClerk").await.unwrap();
    let home: app::leqi::api::AccessHomeInfo = call_typed(r, AccessHome::PATH, &[], &clerk).await.unwrap();
    assert_eq!(home.direct_unit.as_deref(), Some("乐企联用"));

    // A clerk cannot manage users.
    let e = call_typed::<Vec<UserRow>>(r, ListUsers::PATH, &[], &clerk).await.unwrap_err();
    assert_eq!(e, AppError::Refused("仅法定代表人或财务负责人可以管理授权信息".into()));

    let users: Vec<UserRow> = call_typed(r, ListUsers::PATH, &[], &boss).await.unwrap();
    let zhang = users.iter().find(|u| u.name == "张伟").unwrap();
    assert!(zhang.manageable);
    assert!(!users.iter().find(|u| u.name == "李秀英").unwrap().manageable, "a principal's grants cannot be changed");
    let link = zhang.link_id.to_string();

    // 回收 接入管理: the server refuses, whatever the menus show.
    let bound: bool = call_typed(r, SetUserGrants::PATH, &[("link_id", &link), ("modules", "leqi_capability,leqi_messages")], &boss).await.unwrap();
    assert!(bound);
    let e = call_typed::<app::leqi::api::AccessHomeInfo>(r, AccessHome::PATH, &[], &clerk).await.unwrap_err();
    assert_eq!(e, AppError::Refused("您没有【乐企数字开放平台-接入管理】的权限，请联系法定代表人或财务负责人授权".into()));

    // Removing every permission unbinds: the session ends and the next login says 未绑定企业.
    let bound: bool = call_typed(r, SetUserGrants::PATH, &[("link_id", &link), ("modules", "")], &boss).await.unwrap();
    assert!(!bound);
    let e = call_typed::<app::leqi::api::AccessHomeInfo>(r, AccessHome::PATH, &[], &clerk).await.unwrap_err();
    assert_eq!(e, AppError::NotAuthenticated);
    match login(r, SHULE, "张伟", "TaxClerk").await {
        Err(AppError::Refused(m)) => assert!(m.starts_with("未绑定企业"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn another_enterprise_cannot_see_or_change_these_users() {
    let s = site().await;
    let r = &s.router;
    let shule_boss = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let caoyuan_boss = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let shule_users: Vec<UserRow> = call_typed(r, ListUsers::PATH, &[], &shule_boss).await.unwrap();
    let caoyuan_users: Vec<UserRow> = call_typed(r, ListUsers::PATH, &[], &caoyuan_boss).await.unwrap();
    assert!(caoyuan_users.iter().all(|u| !shule_users.iter().any(|s| s.link_id == u.link_id)), "each sees only its own users");
    let zhang = shule_users.iter().find(|u| u.name == "张伟").unwrap().link_id.to_string();
    let e = call_typed::<bool>(r, SetUserGrants::PATH, &[("link_id", &zhang), ("modules", "")], &caoyuan_boss).await.unwrap_err();
    assert_eq!(e, AppError::NotFound);
    // 张伟 is untouched.
    let after: Vec<UserRow> = call_typed(r, ListUsers::PATH, &[], &shule_boss).await.unwrap();
    assert!(after.iter().find(|u| u.name == "张伟").unwrap().bound);
    // Nobody signed in: not authenticated.
    let (status, _, body) = common::http::call(r, ListUsers::PATH, &[], None).await;
    assert!(!status.is_success());
    assert_eq!(serde_json::from_str::<AppError>(&body).unwrap(), AppError::NotAuthenticated);
}

#[tokio::test]
async fn added_users_get_a_password_for_this_enterprise_and_sessions_can_be_ended() {
    let s = site().await;
    let r = &s.router;
    let boss = login(r, CAOYUAN, "其其格", "FinanceManager").await.unwrap();
    // 张伟 (registered as a natural person through 蜀乐) is added to 草原云链 as 开票员.
    let zhang_id = server::demo::id_number("51010719900105003").to_string();
    let found: RegisteredPerson = call_typed(r, FindRegisteredPerson::PATH, &[("id_number", &zhang_id)], &boss).await.unwrap();
    assert_eq!(found.name_masked, "张*");
    let e = call_typed::<()>(r, AddUser::PATH, &[("id_number", &zhang_id), ("identity", "InvoiceClerk"), ("password", "Kaipiao88"), ("confirm", "Kaipiao89")], &boss).await.unwrap_err();
    assert_eq!(e.message_for("confirm").as_deref(), Some("两次输入的密码不一致"));
    call_typed::<()>(r, AddUser::PATH, &[("id_number", &zhang_id), ("identity", "InvoiceClerk"), ("password", "Kaipiao88"), ("confirm", "Kaipiao88")], &boss).await.unwrap();
    // He logs in to 草原云链 with that password (not with his own).
    let (_, _, body) = common::http::call(r, app::auth::api::NewCaptcha::PATH, &[], None).await;
    let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (_, _, body) = common::http::call(r, app::auth::api::EnterpriseLogin::PATH, &[("code", CAOYUAN), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)], None).await;
    let sel: serde_json::Value = serde_json::from_str(&body).unwrap();
    let link = sel["people"].as_array().unwrap().iter().find(|p| p["name"] == "张伟").unwrap()["link_id"].as_i64().unwrap().to_string();
    let flow = sel["flow_id"].as_str().unwrap().to_string();
    let (status, _, _) = common::http::call(r, app::auth::api::PersonLoginPassword::PATH, &[("flow_id", &flow), ("link_id", &link), ("password", "Demo1234")], None).await;
    assert!(!status.is_success());
    let (status, _, _) = common::http::call(r, app::auth::api::PersonLoginPassword::PATH, &[("flow_id", &flow), ("link_id", &link), ("password", "Kaipiao88")], None).await;
    assert!(status.is_success());

    // Sessions: 其其格 has two; ending the other one logs it out.
    let other = login(r, CAOYUAN, "其其格", "FinanceManager").await.unwrap();
    let mine: Vec<SessionRow> = call_typed(r, MySessions::PATH, &[], &boss).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine.iter().filter(|s| s.current).count(), 1);
    let target = mine.iter().find(|s| !s.current).unwrap().id.clone();
    call_typed::<()>(r, EndSession::PATH, &[("id", &target)], &boss).await.unwrap();
    assert_eq!(call_typed::<Vec<SessionRow>>(r, MySessions::PATH, &[], &other).await.unwrap_err(), AppError::NotAuthenticated);
    // Changing one's password checks the old one and the rules.
    let e = call_typed::<()>(r, ChangePassword::PATH, &[("old", "Nope1234"), ("new", "Better2025"), ("confirm", "Better2025")], &boss).await.unwrap_err();
    assert_eq!(e.message_for("old").as_deref(), Some("原密码错误"));
    let e = call_typed::<()>(r, ChangePassword::PATH, &[("old", "Demo1234"), ("new", "onlyletters"), ("confirm", "onlyletters")], &boss).await.unwrap_err();
    assert_eq!(e.message_for("password").as_deref(), Some("密码须同时包含字母和数字"));
    call_typed::<()>(r, ChangePassword::PATH, &[("old", "Demo1234"), ("new", "Better2025"), ("confirm", "Better2025")], &boss).await.unwrap();
}
