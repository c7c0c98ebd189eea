//! The login use cases. Every attempt, good or bad, leaves an audit record.

use crate::auth::model::{CaptchaImage, OutboxEntry, PersonChoice, PersonSelection, SmsSent};
use crate::audit::rules::{AuditOutcome, AuditRecord};
use crate::auth::rules::{
    account_address_key, address_key, gate, lock_key, Captcha, Gate, SmsChallenge, ADDRESS_MAX_FAILURES, ADDRESS_WINDOW_MINUTES,
    BAD_ENTERPRISE_CREDENTIALS, BAD_OFFICER_CREDENTIALS, BAD_PERSON_PASSWORD, LOCK_MINUTES, LOGIN_FLOW_MINUTES, MAX_FAILURES,
};
use crate::kernel::Principal;
use crate::error::{AppError, AppResult};
use crate::accounts::store::{BoundPerson, LoginFlow, SessionSubject};
use crate::context::{Ctx, Mode};

const KIND_ENTERPRISE: &str = "企业登录";
const KIND_PERSON: &str = "办税人员身份验证";
const KIND_OFFICER: &str = "税务人员登录";
const KIND_SMS: &str = "发送短信验证码";
const KIND_LOGOUT: &str = "退出登录";

pub(crate) async fn audit(ctx: &Ctx, actor: &str, unit: &str, kind: &str, description: String, outcome: AuditOutcome) -> AppResult<()> {
    ctx.store.append_audit(&audit_record(ctx, actor, unit, kind, description, outcome)).await?;
    Ok(())
}

/// The audit record of a state change, handed to the store so it is written in
/// the change's own transaction.
pub(crate) fn audit_record(ctx: &Ctx, actor: &str, unit: &str, kind: &str, description: String, outcome: AuditOutcome) -> AuditRecord {
    AuditRecord::new(ctx.clock.now(), actor, unit, kind, description, outcome)
}

pub async fn new_captcha(ctx: &Ctx) -> AppResult<CaptchaImage> {
    let id = ctx.secrets.random_token();
    let answer = ctx.captcha.new_answer();
    let captcha = Captcha { answer, issued_at: ctx.clock.now(), used: false };
    ctx.store.insert_captcha(&id, &captcha).await?;
    Ok(CaptchaImage { image: ctx.captcha.render(&captcha.answer), id })
}

/// Consumes the captcha whatever the answer: one image, one try.
pub(crate) async fn check_captcha(ctx: &Ctx, id: &str, input: &str) -> AppResult<()> {
    if input.trim().is_empty() {
        return Err(AppError::field("captcha", "请输入图形验证码"));
    }
    match ctx.store.take_captcha(id).await? {
        None => Err(AppError::field("captcha", "图形验证码已失效，请点击图片刷新")),
        Some(c) => c.check(input, ctx.clock.now()).map_err(|e| AppError::field("captcha", e.message("图形验证码"))),
    }
}

/// Refuses while the key is locked (a read: nothing is counted).
async fn ensure_unlocked(ctx: &Ctx, key: &str) -> AppResult<()> {
    let counter = ctx.store.failure_counter(key).await?;
    match counter.locked_minutes(ctx.clock.now()) {
        Some(minutes) => Err(AppError::Locked { minutes }),
        None => Ok(()),
    }
}

/// What an attempt counter stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    /// An account (or an account from one address): 5 failures in a row lock it for 15 minutes.
    Account,
    /// A client address, any accounts: 30 failures within 15 minutes lock the address.
    Address,
    /// An account from everywhere: counted (and shown in the audit log), never locked,
    /// so nobody can lock an account they have no password for.
    Tally,
}

impl Counter {
    fn max(self) -> u32 {
        match self {
            Counter::Account => MAX_FAILURES,
            Counter::Address => ADDRESS_MAX_FAILURES,
            Counter::Tally => u32::MAX,
        }
    }
    fn window_ms(self) -> Option<i64> {
        (self == Counter::Address).then_some(ADDRESS_WINDOW_MINUTES * 60_000)
    }
    fn locked(self, minutes: u32) -> AppError {
        match self {
            Counter::Address => AppError::Refused(format!("该网络地址登录失败次数过多，请{minutes}分钟后再试")),
            _ => AppError::Locked { minutes },
        }
    }
}

/// One attempt, counted under each of its keys before any secret is compared.
pub(crate) struct Attempt {
    counted: Vec<(String, Counter, u32, bool)>,
}

impl Attempt {
    /// Counts the attempt (accounts first, then the address, then tallies). A
    /// refusal by any key takes the attempt back from the keys counted before it.
    pub(crate) async fn start(ctx: &Ctx, keys: Vec<(String, Counter)>) -> AppResult<Attempt> {
        let now = ctx.clock.now();
        let mut counted: Vec<(String, Counter, u32, bool)> = Vec::new();
        for (key, kind) in keys {
            let c = ctx.store.count_attempt(&key, now, kind.window_ms()).await?;
            match gate(c, kind.max(), now) {
                Gate::Evaluate { last } => counted.push((key, kind, c.failures, last)),
                Gate::Locked { minutes } => {
                    for (k, _, _, _) in &counted {
                        ctx.store.refund_attempt(k).await?;
                    }
                    ctx.store.refund_attempt(&key).await?;
                    return Err(kind.locked(minutes));
                }
            }
        }
        Ok(Attempt { counted })
    }

    /// How many failures in a row the tallied account has had, this one included.
    pub(crate) fn tally(&self) -> Option<u32> {
        self.counted.iter().find(|(_, k, _, _)| *k == Counter::Tally).map(|(_, _, n, _)| *n)
    }

    /// The secret was wrong: keys at their limit lock now; the error to show.
    pub(crate) async fn failed(self, ctx: &Ctx, err: AppError) -> AppError {
        let now = ctx.clock.now();
        let mut shown = err;
        for (key, kind, _, last) in self.counted.iter().rev() {
            if *last {
                if let Err(e) = ctx.store.lock_attempts(key, now.plus_mins(LOCK_MINUTES), now).await {
                    return e.into();
                }
                shown = kind.locked(LOCK_MINUTES as u32);
            }
        }
        shown
    }

    /// The secret was right: the accounts start afresh; the address gets its count back.
    pub(crate) async fn succeeded(self, ctx: &Ctx) -> AppResult<()> {
        for (key, kind, _, _) in &self.counted {
            match kind {
                Counter::Address => ctx.store.refund_attempt(key).await?,
                Counter::Account | Counter::Tally => ctx.store.clear_attempts(key).await?,
            }
        }
        Ok(())
    }
}

/// The client's address key.
async fn addr_key() -> String {
    address_key(&crate::context::web::client_addr().await)
}

async fn selection(ctx: &Ctx, enterprise_id: i64, enterprise_name: String, credit_code: String) -> AppResult<PersonSelection> {
    let flow = LoginFlow { id: ctx.secrets.random_token(), enterprise_id, credit_code, created_at: ctx.clock.now() };
    ctx.store.insert_login_flow(&flow).await?;
    let people = ctx
        .store
        .bound_people(enterprise_id)
        .await?
        .into_iter()
        .map(|p| PersonChoice {
            link_id: p.link_id,
            name: p.name,
            identity: p.identity,
            phone_masked: p.phone.masked(),
            has_password: p.password_hash.is_some(),
            bound: p.bound,
        })
        .collect();
    Ok(PersonSelection { flow_id: flow.id, enterprise_name, people })
}

pub async fn enterprise_login(ctx: &Ctx, code: &str, password: &str, captcha_id: &str, captcha: &str) -> AppResult<PersonSelection> {
    // 统一社会信用代码 or another 纳税人识别号 (etax-login-guide §1.4).
    let code = crate::kernel::taxpayer_number::TaxpayerNumber::parse(code).map_err(|e| AppError::field("code", e.to_string()))?;
    if password.is_empty() {
        return Err(AppError::field("password", "请输入密码"));
    }
    // A wrong captcha is refused before anything else: it is not a login
    // attempt and counts against nobody (a stranger cannot lock a unit with it).
    check_captcha(ctx, captcha_id, captcha).await?;
    let account = lock_key(code.as_str(), None);
    let address = crate::context::web::client_addr().await;
    let unit = code.as_str().to_string();
    let keys = vec![
        (account_address_key(&account, &address), Counter::Account),
        (address_key(&address), Counter::Address),
        (account.clone(), Counter::Tally),
    ];
    let attempt = match Attempt::start(ctx, keys).await {
        Ok(a) => a,
        Err(e) => {
            audit(ctx, &unit, &unit, KIND_ENTERPRISE, format!("登录受限期间尝试登录（{address}）"), AuditOutcome::Failure).await?;
            return Err(e);
        }
    };
    let enterprise = ctx.store.enterprise_by_taxpayer_number(&code).await?;
    let hash = enterprise.as_ref().map(|e| e.password_hash.clone()).unwrap_or_default();
    let ok = crate::context::verify_password(ctx, password, &hash).await && enterprise.is_some();
    match enterprise {
        Some(e) if ok => {
            attempt.succeeded(ctx).await?;
            audit(ctx, &e.name, &unit, KIND_ENTERPRISE, "企业密码验证通过".into(), AuditOutcome::Success).await?;
            // The session carries the credit code, whichever number was typed.
            selection(ctx, e.id, e.name, e.credit_code.to_string()).await
        }
        _ => {
            let n = attempt.tally().unwrap_or(1);
            audit(ctx, &unit, &unit, KIND_ENTERPRISE, format!("统一社会信用代码或密码错误（{address}，该账户连续失败{n}次）"), AuditOutcome::Failure).await?;
            Err(attempt.failed(ctx, AppError::LoginFailed(BAD_ENTERPRISE_CREDENTIALS.into())).await)
        }
    }
}

async fn live_flow(ctx: &Ctx, flow_id: &str) -> AppResult<LoginFlow> {
    let expired = || AppError::Expired("登录已超时，请重新登录".into());
    let flow = ctx.store.login_flow(flow_id).await?.ok_or_else(expired)?;
    if ctx.clock.now() >= flow.created_at.plus_mins(LOGIN_FLOW_MINUTES) {
        ctx.store.delete_login_flow(flow_id).await?;
        return Err(expired());
    }
    Ok(flow)
}

pub const NOT_BOUND: &str = "未绑定企业：该办税人员已被解除与本企业的绑定，请通过【企业用户注册】重新绑定，或联系法定代表人、财务负责人添加";

async fn chosen_person(ctx: &Ctx, flow: &LoginFlow, link_id: i64) -> AppResult<BoundPerson> {
    let person = ctx
        .store
        .bound_people(flow.enterprise_id)
        .await?
        .into_iter()
        .find(|p| p.link_id == link_id)
        .ok_or(AppError::NotFound)?;
    if !person.bound {
        return Err(AppError::Refused(NOT_BOUND.into()));
    }
    Ok(person)
}

async fn start_session(ctx: &Ctx, subject: SessionSubject) -> AppResult<(String, Principal)> {
    let token = ctx.secrets.random_token();
    let hash = ctx.secrets.hash_token(&token);
    let agent = crate::context::web::user_agent().await;
    ctx.store.insert_session(&hash, subject, &agent, ctx.clock.now()).await?;
    let (principal, _) = ctx.store.session(&hash).await?.ok_or(AppError::Internal)?;
    Ok((token, principal))
}

async fn finish_person_login(ctx: &Ctx, flow: &LoginFlow, person: &BoundPerson, how: &str) -> AppResult<(String, Principal)> {
    ctx.store.delete_login_flow(&flow.id).await?;
    audit(ctx, &person.name, &flow.credit_code, KIND_PERSON, format!("以{}身份{how}登录成功", person.identity.label()), AuditOutcome::Success).await?;
    start_session(ctx, SessionSubject::Taxpayer { link_id: person.link_id }).await
}

pub async fn person_login_password(ctx: &Ctx, flow_id: &str, link_id: i64, password: &str) -> AppResult<(String, Principal)> {
    let flow = live_flow(ctx, flow_id).await?;
    let person = chosen_person(ctx, &flow, link_id).await?;
    // Reaching this step took the enterprise password: only someone who knows
    // it can lock the person.
    let key = lock_key(&flow.credit_code, Some(person.person_id));
    ensure_unlocked(ctx, &key).await?;
    if password.is_empty() {
        return Err(AppError::field("person_password", "请输入密码"));
    }
    let Some(hash) = person.password_hash.as_deref() else {
        return Err(AppError::field("person_password", "该办税人员尚未设置密码，请使用短信验证码验证"));
    };
    let attempt = Attempt::start(ctx, vec![(key, Counter::Account), (addr_key().await, Counter::Address)]).await?;
    if !crate::context::verify_password(ctx, password, hash).await {
        audit(ctx, &person.name, &flow.credit_code, KIND_PERSON, "密码验证失败".into(), AuditOutcome::Failure).await?;
        return Err(attempt.failed(ctx, AppError::field("person_password", BAD_PERSON_PASSWORD)).await);
    }
    attempt.succeeded(ctx).await?;
    finish_person_login(ctx, &flow, &person, "密码").await
}

fn sms_key(flow: &LoginFlow, link_id: i64) -> String {
    format!("login:{}:{link_id}", flow.id)
}

pub async fn send_login_sms(ctx: &Ctx, flow_id: &str, link_id: i64) -> AppResult<SmsSent> {
    let flow = live_flow(ctx, flow_id).await?;
    let person = chosen_person(ctx, &flow, link_id).await?;
    ensure_unlocked(ctx, &lock_key(&flow.credit_code, Some(person.person_id))).await?;
    let now = ctx.clock.now();
    let key = sms_key(&flow, link_id);
    if let Some(wait) = ctx.store.latest_sms(&key).await?.and_then(|s| s.resend_wait(now)) {
        return Err(AppError::TooFrequent { seconds: wait });
    }
    let addr = sms_caps(ctx, &person.phone).await?;
    let challenge = SmsChallenge { code: SmsChallenge::code_from_random(ctx.secrets.random_u32()), sent_at: now, used: false };
    ctx.store.insert_sms(&key, &challenge).await?;
    let text = format!("【电子税务局】您的登录验证码为{}，5分钟内有效，请勿泄露。", challenge.code);
    if let Err(e) = ctx.sms.send(&person.phone, &text, now).await {
        tracing::error!(error = %e, "sms gateway");
        audit(ctx, &person.name, &flow.credit_code, KIND_SMS, "短信发送失败".into(), AuditOutcome::Failure).await?;
        return Err(AppError::Refused("短信发送失败，请稍后重试".into()));
    }
    audit(ctx, &person.name, &flow.credit_code, KIND_SMS, format!("登录验证码已发送至{}（{addr}）", person.phone.masked()), AuditOutcome::Success).await?;
    Ok(SmsSent { phone_masked: person.phone.masked(), resend_after_secs: 60 })
}

pub async fn person_login_sms(ctx: &Ctx, flow_id: &str, link_id: i64, code: &str) -> AppResult<(String, Principal)> {
    let flow = live_flow(ctx, flow_id).await?;
    let person = chosen_person(ctx, &flow, link_id).await?;
    let key = lock_key(&flow.credit_code, Some(person.person_id));
    ensure_unlocked(ctx, &key).await?;
    if code.trim().is_empty() {
        return Err(AppError::field("sms_code", "请输入短信验证码"));
    }
    let skey = sms_key(&flow, link_id);
    let challenge = ctx.store.latest_sms(&skey).await?.ok_or_else(|| AppError::field("sms_code", "请先获取短信验证码"))?;
    let attempt = Attempt::start(ctx, vec![(key, Counter::Account), (addr_key().await, Counter::Address)]).await?;
    if let Err(e) = challenge.check(code, ctx.clock.now()) {
        audit(ctx, &person.name, &flow.credit_code, KIND_PERSON, "短信验证码错误".into(), AuditOutcome::Failure).await?;
        return Err(attempt.failed(ctx, AppError::field("sms_code", e.message("短信验证码"))).await);
    }
    if !ctx.store.use_sms(&skey).await? {
        return Err(AppError::field("sms_code", "短信验证码已使用，请重新获取"));
    }
    attempt.succeeded(ctx).await?;
    finish_person_login(ctx, &flow, &person, "短信验证码").await
}

/// The principal of a live session; an idle or expired session is removed.
pub async fn principal_for(ctx: &Ctx, token: &str) -> AppResult<Option<Principal>> {
    let hash = ctx.secrets.hash_token(token);
    let now = ctx.clock.now();
    match ctx.store.session(&hash).await? {
        Some((principal, clock)) if clock.is_live(now) => {
            if clock.needs_touch(now) {
                ctx.store.touch_session(&hash, now).await?;
            }
            Ok(Some(principal))
        }
        Some(_) => {
            ctx.store.delete_session(&hash).await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// The signed-in principal, or `NotAuthenticated`.
pub async fn require_principal(ctx: &Ctx) -> AppResult<Principal> {
    let token = crate::context::web::session_token().await.ok_or(AppError::NotAuthenticated)?;
    principal_for(ctx, &token).await?.ok_or(AppError::NotAuthenticated)
}

fn actor(p: &Principal) -> (String, String) {
    match p {
        Principal::Taxpayer(t) => (t.person_name.clone(), t.credit_code.clone()),
        Principal::Officer(o) => (o.name.clone(), o.unit_name.clone()),
    }
}

pub async fn logout(ctx: &Ctx, token: &str) -> AppResult<()> {
    let hash = ctx.secrets.hash_token(token);
    if let Some((p, _)) = ctx.store.session(&hash).await? {
        let (who, unit) = actor(&p);
        audit(ctx, &who, &unit, KIND_LOGOUT, "退出登录".into(), AuditOutcome::Success).await?;
    }
    ctx.store.delete_session(&hash).await?;
    Ok(())
}

pub async fn switch_identity(ctx: &Ctx, token: &str) -> AppResult<PersonSelection> {
    let Some(Principal::Taxpayer(t)) = principal_for(ctx, token).await? else {
        return Err(AppError::NotAuthenticated);
    };
    ctx.store.delete_session(&ctx.secrets.hash_token(token)).await?;
    audit(ctx, &t.person_name, &t.credit_code, "切换身份", format!("退出{}身份，重新选择办税人员", t.identity.label()), AuditOutcome::Success).await?;
    selection(ctx, t.enterprise_id, t.enterprise_name, t.credit_code).await
}

pub async fn officer_login(ctx: &Ctx, username: &str, password: &str, captcha_id: &str, captcha: &str) -> AppResult<(String, Principal)> {
    let username = username.trim();
    if username.is_empty() {
        return Err(AppError::field("username", "请输入用户名"));
    }
    if password.is_empty() {
        return Err(AppError::field("password", "请输入密码"));
    }
    check_captcha(ctx, captcha_id, captcha).await?;
    let account: String = format!("officer:{}", username.chars().take(64).collect::<String>());
    let address = crate::context::web::client_addr().await;
    let keys = vec![
        (account_address_key(&account, &address), Counter::Account),
        (address_key(&address), Counter::Address),
        (account.clone(), Counter::Tally),
    ];
    let attempt = match Attempt::start(ctx, keys).await {
        Ok(a) => a,
        Err(e) => {
            audit(ctx, username, "", KIND_OFFICER, format!("登录受限期间尝试登录（{address}）"), AuditOutcome::Failure).await?;
            return Err(e);
        }
    };
    let officer = ctx.store.officer_by_username(username).await?;
    let hash = officer.as_ref().map(|o| o.password_hash.clone()).unwrap_or_default();
    let ok = crate::context::verify_password(ctx, password, &hash).await;
    match officer {
        Some(o) if ok => {
            attempt.succeeded(ctx).await?;
            audit(ctx, &o.session.name, &o.session.unit_name, KIND_OFFICER, format!("以{}岗登录", o.session.role.label()), AuditOutcome::Success).await?;
            start_session(ctx, SessionSubject::Officer { officer_id: o.session.officer_id }).await
        }
        _ => {
            let n = attempt.tally().unwrap_or(1);
            audit(ctx, username, "", KIND_OFFICER, format!("用户名或密码错误（{address}，该账户连续失败{n}次）"), AuditOutcome::Failure).await?;
            Err(attempt.failed(ctx, AppError::LoginFailed(BAD_OFFICER_CREDENTIALS.into())).await)
        }
    }
}

pub async fn outbox(ctx: &Ctx) -> AppResult<Vec<OutboxEntry>> {
    if ctx.mode != Mode::Demo {
        return Err(AppError::NotFound);
    }
    Ok(ctx
        .store
        .outbox(50)
        .await?
        .into_iter()
        .map(|m| OutboxEntry { phone: m.phone, text: m.text, sent_at: m.sent_at.beijing_time() })
        .collect())
}

/// Counts one SMS under a capped key; refused once the cap is passed.
pub(crate) async fn sms_cap(ctx: &Ctx, key: &str, cap: u32, window_minutes: i64, refusal: &str) -> AppResult<()> {
    let c = ctx.store.count_attempt(key, ctx.clock.now(), Some(window_minutes * 60_000)).await?;
    if c.failures > cap {
        return Err(AppError::Refused(refusal.into()));
    }
    Ok(())
}

/// Every SMS code sent (registration, password reset, binding, login) counts
/// against the same caps: 10 a day per phone, 40 an hour per client address.
/// Returns the client address for the audit line.
pub(crate) async fn sms_caps(ctx: &Ctx, phone: &crate::kernel::MobilePhone) -> AppResult<String> {
    let addr = crate::context::web::client_addr().await;
    sms_cap(ctx, &format!("sms-phone:{}", phone.as_str()), crate::auth::rules::SMS_PER_PHONE_PER_DAY, 24 * 60, "该手机号码今日获取验证码次数已达上限，请明天再试").await?;
    sms_cap(ctx, &format!("sms-addr:{addr}"), crate::auth::rules::SMS_PER_ADDRESS_PER_HOUR, 60, "获取验证码过于频繁，请1小时后再试").await?;
    Ok(addr)
}
