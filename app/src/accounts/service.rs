//! Accounts use cases (etax-login-guide §2–4). Every change is audited.

use crate::accounts::model::*;
use crate::auth::model::SmsSent;
use crate::accounts::rules::{may_manage, mask_name, set_grants, Binding, GrantOutcome, PersonName};
use crate::kernel::{Grants, Module};
use crate::audit::rules::AuditOutcome;
use crate::auth::rules::{SmsChallenge, MAX_FAILURES, SMS_PER_ADDRESS_PER_HOUR};
use crate::kernel::{CreditCode, IdNumber, Identity, MobilePhone, Password, Principal, TaxpayerSession, Timestamp};
use crate::error::{AppError, AppResult, FieldError};
use crate::context::Ctx;
use crate::accounts::store::{LinkSource, NewPerson};
use crate::kernel::storage::StoreError;

use crate::auth::service::{sms_cap, sms_caps};
use crate::auth::service::{audit, check_captcha, require_principal};

const FLOW_MINUTES: i64 = 30;
const KIND_BINDING: &str = "binding";
const KIND_FORGOT_ENT: &str = "forgot_enterprise";

/// Collects field errors; `finish` fails when any were found.
#[derive(Default)]
struct Fields(Vec<FieldError>);

impl Fields {
    fn check<T, E: ToString>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }
    fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.0.iter().any(|f| f.field == field) {
            self.0.push(FieldError { field: field.into(), message: message.into() });
        }
    }
    fn finish(self) -> AppResult<()> {
        if self.0.is_empty() { Ok(()) } else { Err(AppError::Invalid(self.0)) }
    }
}

fn new_password(f: &mut Fields, password: &str, confirm: &str) -> Option<Password> {
    let p = f.check("password", Password::parse(password));
    if p.is_some() && password != confirm {
        f.add("confirm", "两次输入的密码不一致");
        return None;
    }
    p
}

/// The signed-in taxpayer, or `NotAuthenticated` (an officer is `Forbidden`).
pub async fn require_taxpayer(ctx: &Ctx) -> AppResult<TaxpayerSession> {
    match require_principal(ctx).await? {
        Principal::Taxpayer(t) => Ok(t),
        Principal::Officer(_) => Err(AppError::Forbidden),
    }
}

/// The signed-in taxpayer if granted `module`; a clear refusal otherwise.
pub async fn require_module(ctx: &Ctx, module: Module) -> AppResult<TaxpayerSession> {
    let t = require_taxpayer(ctx).await?;
    if !t.may_use(module) {
        return Err(AppError::Refused(format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", module.label())));
    }
    Ok(t)
}

/// 法定代表人 or 财务负责人 of the signed-in enterprise.
async fn require_manager(ctx: &Ctx) -> AppResult<TaxpayerSession> {
    let t = require_taxpayer(ctx).await?;
    if !t.identity.is_principal() {
        return Err(AppError::Refused("仅法定代表人或财务负责人可以管理授权信息".into()));
    }
    Ok(t)
}

pub async fn tax_office_options(ctx: &Ctx) -> AppResult<Vec<TaxOfficeOption>> {
    Ok(ctx.store.tax_offices().await?.into_iter().map(|t| TaxOfficeOption { id: t.id, name: t.name, province_name: t.province_name }).collect())
}

fn phone_key(purpose: PhonePurpose, phone: &MobilePhone) -> String {
    format!("phone:{}:{}", purpose.code(), phone.as_str())
}

/// Sends a code to `phone` under `key`: at most once a minute, 10 times a day
/// per phone and 40 times an hour per client address.
async fn send_code(ctx: &Ctx, key: &str, phone: &MobilePhone, what: &str, actor: &str, unit: &str) -> AppResult<SmsSent> {
    let now = ctx.clock.now();
    if let Some(wait) = ctx.store.latest_sms(key).await?.and_then(|s| s.resend_wait(now)) {
        return Err(AppError::TooFrequent { seconds: wait });
    }
    let addr = sms_caps(ctx, phone).await?;
    let challenge = SmsChallenge { code: SmsChallenge::code_from_random(ctx.secrets.random_u32()), sent_at: now, used: false };
    ctx.store.insert_sms(key, &challenge).await?;
    let text = format!("【电子税务局】您正在{what}，验证码为{}，5分钟内有效，请勿泄露。", challenge.code);
    if let Err(e) = ctx.sms.send(phone, &text, now).await {
        tracing::error!(error = %e, "sms gateway");
        return Err(AppError::Refused("短信发送失败，请稍后重试".into()));
    }
    audit(ctx, actor, unit, "发送短信验证码", format!("{what}验证码已发送至{}（{addr}）", phone.masked()), AuditOutcome::Success).await?;
    Ok(SmsSent { phone_masked: phone.masked(), resend_after_secs: 60 })
}

/// Checks and spends the newest code under `key`. Five wrong entries spend the
/// code, so a 6-digit code cannot be guessed within its 5 minutes. Each entry
/// is counted (atomically) before it is compared, so parallel guesses get no more.
async fn use_code(ctx: &Ctx, key: &str, field: &str, input: &str) -> AppResult<()> {
    if input.trim().is_empty() {
        return Err(AppError::field(field, "请输入短信验证码"));
    }
    let c = ctx.store.latest_sms(key).await?.ok_or_else(|| AppError::field(field, "请先获取短信验证码"))?;
    if c.used {
        return Err(AppError::field(field, "短信验证码已使用，请重新获取"));
    }
    let tries_key = format!("sms-tries:{key}:{}", c.sent_at.0);
    let tries = ctx.store.count_attempt(&tries_key, ctx.clock.now(), None).await?;
    let too_many = || AppError::field(field, "短信验证码错误次数过多，请重新获取");
    if tries.failures > MAX_FAILURES {
        ctx.store.use_sms(key).await?;
        return Err(too_many());
    }
    if let Err(e) = c.check(input, ctx.clock.now()) {
        if e == crate::auth::rules::CodeCheck::Mismatch && tries.failures >= MAX_FAILURES {
            ctx.store.use_sms(key).await?;
            return Err(too_many());
        }
        return Err(AppError::field(field, e.message("短信验证码")));
    }
    if !ctx.store.use_sms(key).await? {
        return Err(AppError::field(field, "短信验证码已使用，请重新获取"));
    }
    Ok(())
}

/// 【获取验证码】 without a session (注册, 企业用户注册, 找回密码): a captcha per
/// send, and the same answer whether the phone is registered or not — the
/// difference is told only once the code has been proven.
pub async fn send_phone_code(ctx: &Ctx, phone: &str, purpose: PhonePurpose, captcha_id: &str, captcha: &str) -> AppResult<SmsSent> {
    let phone = MobilePhone::parse(phone).map_err(|e| AppError::field("phone", e.to_string()))?;
    check_captcha(ctx, captcha_id, captcha).await?;
    let what = match purpose {
        PhonePurpose::Register => "自然人注册",
        PhonePurpose::BindEnterprise => "企业用户注册",
        PhonePurpose::ResetPassword => "找回密码",
    };
    send_code(ctx, &phone_key(purpose, &phone), &phone, what, phone.as_str(), "").await
}

pub async fn register_natural_person(ctx: &Ctx, form: RegisterForm) -> AppResult<()> {
    let mut f = Fields::default();
    let phone = f.check("phone", MobilePhone::parse(&form.phone));
    let name = f.check("name", PersonName::parse(&form.name));
    let id = f.check("id_number", IdNumber::parse(&form.id_number));
    let office: Option<i64> = form.tax_office_id.parse().ok();
    let offices = ctx.store.tax_offices().await?;
    if !office.is_some_and(|o| offices.iter().any(|t| t.id == o)) {
        f.add("tax_office_id", "请选择所属税务机关");
    }
    let password = new_password(&mut f, &form.password, &form.confirm);
    if form.sms_code.trim().is_empty() {
        f.add("sms_code", "请输入短信验证码");
    }
    f.finish()?;
    let (phone, name, id, password) = (phone.unwrap(), name.unwrap(), id.unwrap(), password.unwrap());
    // The phone is proven first: only its owner learns whether it (or the ID number) is registered.
    use_code(ctx, &phone_key(PhonePurpose::Register, &phone), "sms_code", &form.sms_code).await?;
    let mut f = Fields::default();
    if ctx.store.person_by_phone(phone.as_str()).await?.is_some() {
        f.add("phone", "该手机号码已注册");
    }
    if ctx.store.person_by_id_number(id.as_str()).await?.is_some() {
        f.add("id_number", "该证件号码已注册");
    }
    f.finish()?;
    let person = NewPerson { name, id_number: id, phone, password_hash: crate::context::hash_password(ctx, password.expose()).await?, tax_office_id: office };
    match ctx.store.insert_person(&person, ctx.clock.now()).await {
        Ok(_) => {}
        Err(StoreError::Conflict) => return Err(AppError::field("phone", "该手机号码或证件号码已注册")),
        Err(e) => return Err(e.into()),
    }
    audit(ctx, person.name.as_str(), "", "自然人注册", format!("证件号码{}完成注册", person.id_number.masked()), AuditOutcome::Success).await
}

async fn load_flow<T: serde::de::DeserializeOwned>(ctx: &Ctx, id: &str, kind: &str) -> AppResult<(T, i64)> {
    let expired = || AppError::Expired("操作已超时，请重新开始".into());
    let flow = ctx.store.flow(id, kind).await?.ok_or_else(expired)?;
    if ctx.clock.now() >= flow.created_at.plus_mins(FLOW_MINUTES) {
        ctx.store.delete_flow(id).await?;
        return Err(expired());
    }
    let state = serde_json::from_str(&flow.state).map_err(|e| {
        tracing::error!(error = %e, "flow state");
        AppError::Internal
    })?;
    Ok((state, flow.version))
}

async fn save_flow<T: serde::Serialize>(ctx: &Ctx, id: &str, state: &T, version: i64) -> AppResult<()> {
    let json = serde_json::to_string(state).map_err(|_| AppError::Internal)?;
    ctx.store.update_flow(id, &json, version).await?;
    Ok(())
}

fn out_of_order(e: crate::accounts::rules::BindingError) -> AppError {
    AppError::Refused(e.to_string())
}

pub async fn binding_start(ctx: &Ctx, form: BindingStartForm) -> AppResult<String> {
    let mut f = Fields::default();
    let phone = f.check("phone", MobilePhone::parse(&form.phone));
    let name = f.check("name", PersonName::parse(&form.name));
    let id = f.check("id_number", IdNumber::parse(&form.id_number));
    // The password rules are checked for everybody before the code is spent
    // (a registered person's password follows them too), so the answer does not
    // tell registered people from new ones.
    let checked = if form.password.is_empty() {
        f.add("password", "请输入密码");
        None
    } else {
        new_password(&mut f, &form.password, &form.confirm)
    };
    if form.sms_code.trim().is_empty() {
        f.add("sms_code", "请输入短信验证码");
    }
    f.finish()?;
    let (phone, name, id) = (phone.unwrap(), name.unwrap(), id.unwrap());
    // The phone is proven before anything registered is looked at or compared:
    // every guess costs an SMS code, and a stranger learns nothing.
    let lock = format!("bind:{}", phone.as_str());
    if let Some(minutes) = ctx.store.failure_counter(&lock).await?.locked_minutes(ctx.clock.now()) {
        return Err(AppError::Locked { minutes });
    }
    use_code(ctx, &phone_key(PhonePurpose::BindEnterprise, &phone), "sms_code", &form.sms_code).await?;
    let by_phone = ctx.store.person_by_phone(phone.as_str()).await?;
    let by_id = ctx.store.person_by_id_number(id.as_str()).await?;
    let existing = match (&by_phone, &by_id) {
        (Some(p), Some(q)) if p.id == q.id => Some(p.clone()),
        (None, None) => None,
        (Some(_), _) => return Err(AppError::field("id_number", "证件号码与该手机号码的注册信息不一致")),
        (None, Some(_)) => return Err(AppError::field("phone", "该证件号码已使用其他手机号码注册")),
    };
    let password = if existing.is_none() { checked } else { None };
    let person_id = match existing {
        Some(p) => {
            let ok = p.name == name.as_str() && match p.password_hash.as_deref() {
                Some(h) => crate::context::verify_password(ctx, &form.password, h).await,
                None => false,
            };
            if !ok {
                let now = ctx.clock.now();
                let c = ctx.store.count_attempt(&lock, now, None).await?;
                audit(ctx, phone.as_str(), "", "企业用户注册", "实名信息或密码核验不通过".into(), AuditOutcome::Failure).await?;
                if c.failures >= MAX_FAILURES {
                    ctx.store.lock_attempts(&lock, now.plus_mins(crate::auth::rules::LOCK_MINUTES), now).await?;
                    return Err(AppError::Locked { minutes: crate::auth::rules::LOCK_MINUTES as u32 });
                }
                return Err(AppError::field("password", "姓名或密码与自然人注册信息不一致（密码须与自然人注册时设置的密码一致，可使用“忘记密码”重置），请重新获取验证码"));
            }
            Some(p.id)
        }
        None => None,
    };
    let person_id = match (person_id, password) {
        (Some(id), _) => id,
        (None, Some(pw)) => {
            let person = NewPerson { name, id_number: id, phone, password_hash: crate::context::hash_password(ctx, pw.expose()).await?, tax_office_id: None };
            let id = ctx.store.insert_person(&person, ctx.clock.now()).await.map_err(|e| match e {
                StoreError::Conflict => AppError::field("phone", "该手机号码或证件号码已注册"),
                e => e.into(),
            })?;
            audit(ctx, person.name.as_str(), "", "自然人注册", "企业用户注册时完成自然人注册".into(), AuditOutcome::Success).await?;
            id
        }
        (None, None) => return Err(AppError::Internal),
    };
    let flow_id = ctx.secrets.random_token();
    let state = serde_json::to_string(&Binding::PhoneVerified { person_id }).map_err(|_| AppError::Internal)?;
    ctx.store.insert_flow(&flow_id, KIND_BINDING, &state, ctx.clock.now()).await?;
    Ok(flow_id)
}

pub async fn binding_verify_person(ctx: &Ctx, flow_id: &str) -> AppResult<()> {
    let (b, v): (Binding, i64) = load_flow(ctx, flow_id, KIND_BINDING).await?;
    let person = ctx.store.person_by_id(b.person_id()).await?.ok_or(AppError::NotFound)?;
    ctx.real_person.verify(&person.name, &person.id_number).await.map_err(AppError::Refused)?;
    let next = b.verify_person().map_err(out_of_order)?;
    save_flow(ctx, flow_id, &next, v).await?;
    audit(ctx, &person.name, "", "实人认证", "企业用户注册实人认证通过".into(), AuditOutcome::Success).await
}

async fn approvers(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<Approver>> {
    Ok(ctx
        .store
        .bound_people(enterprise_id)
        .await?
        .into_iter()
        .filter(|p| p.identity.is_principal() && p.bound)
        .map(|p| Approver { link_id: p.link_id, name_masked: mask_name(&p.name), identity: p.identity, phone_masked: p.phone.masked() })
        .collect())
}

pub async fn binding_find_enterprise(ctx: &Ctx, flow_id: &str, code: &str) -> AppResult<EnterpriseApprovers> {
    let code = CreditCode::parse(code).map_err(|e| AppError::field("code", e.to_string()))?;
    let (b, v): (Binding, i64) = load_flow(ctx, flow_id, KIND_BINDING).await?;
    let ent = ctx.store.enterprise_by_code(&code).await?.ok_or_else(|| AppError::field("code", "未查询到该企业，请核对统一社会信用代码"))?;
    let next = b.choose_enterprise(ent.id).map_err(out_of_order)?;
    save_flow(ctx, flow_id, &next, v).await?;
    Ok(EnterpriseApprovers { flow_id: flow_id.to_string(), enterprise_name: ent.name, approvers: approvers(ctx, ent.id).await? })
}

fn approval_key(flow_id: &str) -> String {
    format!("approve:{flow_id}")
}

pub async fn binding_send_approval(ctx: &Ctx, flow_id: &str, approver_link_id: i64) -> AppResult<SmsSent> {
    let (b, v): (Binding, i64) = load_flow(ctx, flow_id, KIND_BINDING).await?;
    let (Binding::EnterpriseChosen { enterprise_id, .. } | Binding::AwaitingApproval { enterprise_id, .. }) = b else {
        return Err(out_of_order(crate::accounts::rules::BindingError::OutOfOrder));
    };
    let approver = ctx.store.bound_people(enterprise_id).await?.into_iter().find(|p| p.link_id == approver_link_id && p.bound).ok_or(AppError::NotFound)?;
    let next = b.ask_approval(approver.link_id, approver.identity).map_err(out_of_order)?;
    let registrant = ctx.store.person_by_id(next.person_id()).await?.ok_or(AppError::NotFound)?;
    let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let sent = send_code(ctx, &approval_key(flow_id), &approver.phone, &format!("授权{}绑定{}", mask_name(&registrant.name), ent.name), &approver.name, ent.credit_code.as_str()).await?;
    save_flow(ctx, flow_id, &next, v).await?;
    Ok(sent)
}

pub async fn binding_approve(ctx: &Ctx, flow_id: &str, code: &str) -> AppResult<String> {
    let (b, v): (Binding, i64) = load_flow(ctx, flow_id, KIND_BINDING).await?;
    let next = b.clone().approve().map_err(out_of_order)?;
    use_code(ctx, &approval_key(flow_id), "approval_code", code).await?;
    let Binding::Bound { person_id, enterprise_id } = next else { return Err(AppError::Internal) };
    save_flow(ctx, flow_id, &next, v).await?;
    let now = ctx.clock.now();
    ctx.store.bind_person(enterprise_id, person_id, Identity::TaxClerk, LinkSource::SelfBound, None, &Grants::all(), now).await?;
    let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let person = ctx.store.person_by_id(person_id).await?.ok_or(AppError::NotFound)?;
    audit(ctx, &person.name, ent.credit_code.as_str(), "企业用户注册", format!("{}以办税员身份绑定{}", person.name, ent.name), AuditOutcome::Success).await?;
    ctx.store.delete_flow(flow_id).await?;
    Ok(ent.name)
}

pub async fn reset_person_password(ctx: &Ctx, form: ResetPersonForm) -> AppResult<()> {
    let mut f = Fields::default();
    let phone = f.check("phone", MobilePhone::parse(&form.phone));
    let name = f.check("name", PersonName::parse(&form.name));
    let id = f.check("id_number", IdNumber::parse(&form.id_number));
    let password = new_password(&mut f, &form.password, &form.confirm);
    if form.sms_code.trim().is_empty() {
        f.add("sms_code", "请输入短信验证码");
    }
    f.finish()?;
    let (phone, name, id, password) = (phone.unwrap(), name.unwrap(), id.unwrap(), password.unwrap());
    // Proven first: only the phone's owner learns whether it is registered.
    use_code(ctx, &phone_key(PhonePurpose::ResetPassword, &phone), "sms_code", &form.sms_code).await?;
    let person = ctx.store.person_by_phone(phone.as_str()).await?.ok_or_else(|| AppError::field("phone", "该手机号码未注册"))?;
    // 实名核验: the name and ID number must be the registered ones.
    if person.name != name.as_str() || person.id_number != id.as_str() {
        audit(ctx, &person.name, "", "忘记密码", "实名信息核验不通过".into(), AuditOutcome::Failure).await?;
        return Err(AppError::Refused("实名信息核验不通过：姓名或证件号码与注册信息不一致".into()));
    }
    ctx.real_person.verify(&person.name, &person.id_number).await.map_err(AppError::Refused)?;
    ctx.store.set_person_password(person.id, &crate::context::hash_password(ctx, password.expose()).await?).await?;
    ctx.store.delete_sessions_of_person(person.id).await?;
    audit(ctx, &person.name, "", "忘记密码", "自然人密码已重置".into(), AuditOutcome::Success).await
}

#[derive(serde::Serialize, serde::Deserialize)]
struct ForgotEnterprise {
    /// `None`: the 税号 matched no enterprise. The flow goes on with stand-in
    /// approvers and a code that reaches nobody, so no answer tells whether a
    /// 税号 is registered (issue #14).
    enterprise_id: Option<i64>,
    /// The 税号 as typed (normalised), for the stand-ins.
    #[serde(default)]
    code: String,
    approver_link_id: Option<i64>,
}

/// 16 bytes of HMAC(master key, 税号): the seed of an unknown 税号's stand-ins.
fn stand_in_seed(ctx: &Ctx, code: &str) -> [u8; 16] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&ctx.api.master_key).expect("HMAC takes any key length");
    mac.update(b"forgot-enterprise-stand-in:");
    mac.update(code.as_bytes());
    let out = mac.finalize().into_bytes();
    let mut seed = [0u8; 16];
    seed.copy_from_slice(&out[..16]);
    seed
}

fn stand_ins(ctx: &Ctx, code: &str) -> Vec<Approver> {
    crate::accounts::rules::stand_in_approvers(&stand_in_seed(ctx, code))
        .into_iter()
        .map(|s| Approver { link_id: s.link_id, name_masked: s.name_masked, identity: s.identity, phone_masked: s.phone_masked })
        .collect()
}

/// 【忘记密码】→【企业】 step 1: 税号 and captcha. Registered or not, the answer
/// looks the same (two masked 短信验证码接收人, no enterprise name); only the
/// approver's phone learns more.
pub async fn forgot_enterprise_start(ctx: &Ctx, code: &str, captcha_id: &str, captcha: &str) -> AppResult<EnterpriseApprovers> {
    // 税号: the credit code or another 纳税人识别号, as at login.
    let code = crate::kernel::taxpayer_number::TaxpayerNumber::parse(code).map_err(|e| AppError::field("code", e.to_string()))?;
    check_captcha(ctx, captcha_id, captcha).await?;
    let ent = ctx.store.enterprise_by_taxpayer_number(&code).await?;
    let flow_id = ctx.secrets.random_token();
    let st = ForgotEnterprise { enterprise_id: ent.as_ref().map(|e| e.id), code: code.as_str().to_string(), approver_link_id: None };
    let state = serde_json::to_string(&st).map_err(|_| AppError::Internal)?;
    ctx.store.insert_flow(&flow_id, KIND_FORGOT_ENT, &state, ctx.clock.now()).await?;
    let approvers = match &ent {
        Some(e) => approvers(ctx, e.id).await?,
        None => stand_ins(ctx, code.as_str()),
    };
    Ok(EnterpriseApprovers { flow_id, enterprise_name: String::new(), approvers })
}

pub async fn forgot_enterprise_send(ctx: &Ctx, flow_id: &str, approver_link_id: i64) -> AppResult<SmsSent> {
    let (mut st, v): (ForgotEnterprise, i64) = load_flow(ctx, flow_id, KIND_FORGOT_ENT).await?;
    let key = format!("forgot:{flow_id}");
    let sent = match st.enterprise_id {
        Some(enterprise_id) => {
            let approver = ctx
                .store
                .bound_people(enterprise_id)
                .await?
                .into_iter()
                .find(|p| p.link_id == approver_link_id && p.identity.is_principal() && p.bound)
                .ok_or(AppError::NotFound)?;
            let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
            send_code(ctx, &key, &approver.phone, "重置企业密码", &approver.name, ent.credit_code.as_str()).await?
        }
        None => {
            let stand_in = stand_ins(ctx, &st.code).into_iter().find(|a| a.link_id == approver_link_id).ok_or(AppError::NotFound)?;
            send_nowhere(ctx, &key, &st.code, stand_in.phone_masked).await?
        }
    };
    st.approver_link_id = Some(approver_link_id);
    save_flow(ctx, flow_id, &st, v).await?;
    Ok(sent)
}

/// A stand-in's "send": the same waits, caps and answer as `send_code`, a code
/// stored so that checking it costs the same, and no SMS. Audited, so an
/// operator sees the probing.
async fn send_nowhere(ctx: &Ctx, key: &str, code: &str, phone_masked: String) -> AppResult<SmsSent> {
    let now = ctx.clock.now();
    if let Some(wait) = ctx.store.latest_sms(key).await?.and_then(|s| s.resend_wait(now)) {
        return Err(AppError::TooFrequent { seconds: wait });
    }
    let addr = crate::context::web::client_addr().await;
    sms_cap(ctx, &format!("sms-addr:{addr}"), SMS_PER_ADDRESS_PER_HOUR, 60, "获取验证码过于频繁，请1小时后再试").await?;
    let challenge = SmsChallenge { code: SmsChallenge::code_from_random(ctx.secrets.random_u32()), sent_at: now, used: false };
    ctx.store.insert_sms(key, &challenge).await?;
    audit(ctx, code, code, "忘记密码", format!("未注册的税号请求重置企业密码，未发送短信（{addr}）"), AuditOutcome::Failure).await?;
    Ok(SmsSent { phone_masked, resend_after_secs: 60 })
}

pub async fn forgot_enterprise_reset(ctx: &Ctx, flow_id: &str, sms_code: &str, password: &str, confirm: &str) -> AppResult<()> {
    let (st, _): (ForgotEnterprise, i64) = load_flow(ctx, flow_id, KIND_FORGOT_ENT).await?;
    let Some(link) = st.approver_link_id else { return Err(AppError::field("sms_code", "请先获取短信验证码")) };
    let mut f = Fields::default();
    let pw = new_password(&mut f, password, confirm);
    f.finish()?;
    use_code(ctx, &format!("forgot:{flow_id}"), "sms_code", sms_code).await?;
    // A stand-in's code reached nobody: even a lucky guess is only a wrong code.
    let Some(enterprise_id) = st.enterprise_id else { return Err(AppError::field("sms_code", "短信验证码不正确")) };
    let approver = ctx.store.bound_people(enterprise_id).await?.into_iter().find(|p| p.link_id == link).ok_or(AppError::NotFound)?;
    ctx.real_person.verify(&approver.name, "").await.map_err(AppError::Refused)?;
    ctx.store.set_enterprise_password(enterprise_id, &crate::context::hash_password(ctx, pw.unwrap().expose()).await?).await?;
    ctx.store.delete_sessions_of_enterprise(enterprise_id).await?;
    ctx.store.delete_flow(flow_id).await?;
    let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
    audit(ctx, &approver.name, ent.credit_code.as_str(), "忘记密码", format!("{}重置企业密码", approver.identity.label()), AuditOutcome::Success).await
}

fn mask_id(id: &str) -> String {
    IdNumber::parse(id).map(|i| i.masked()).unwrap_or_else(|_| "*".repeat(id.chars().count()))
}

fn mask_phone(p: &str) -> String {
    MobilePhone::parse(p).map(|m| m.masked()).unwrap_or_default()
}

pub async fn list_users(ctx: &Ctx) -> AppResult<Vec<UserRow>> {
    let me = require_manager(ctx).await?;
    Ok(ctx
        .store
        .enterprise_users(me.enterprise_id)
        .await?
        .into_iter()
        .map(|u| UserRow {
            link_id: u.link_id,
            id_number_masked: mask_id(&u.id_number),
            phone_masked: mask_phone(&u.phone),
            manageable: may_manage(me.identity, u.identity).is_ok(),
            grants: crate::accounts::rules::effective_grants(u.identity, &u.grants),
            name: u.name,
            identity: u.identity,
            bound: u.bound,
            source: u.source.label().into(),
        })
        .collect())
}

pub async fn find_registered_person(ctx: &Ctx, id_number: &str) -> AppResult<RegisteredPerson> {
    require_manager(ctx).await?;
    let id = IdNumber::parse(id_number).map_err(|e| AppError::field("id_number", e.to_string()))?;
    let p = ctx.store.person_by_id_number(id.as_str()).await?.ok_or_else(|| AppError::field("id_number", "未查询到该人员的实名注册信息，请先完成自然人注册"))?;
    Ok(RegisteredPerson { name_masked: mask_name(&p.name), id_number_masked: id.masked() })
}

pub async fn add_user(ctx: &Ctx, id_number: &str, identity: Identity, password: &str, confirm: &str) -> AppResult<()> {
    let me = require_manager(ctx).await?;
    let mut f = Fields::default();
    let id = f.check("id_number", IdNumber::parse(id_number));
    if identity.is_principal() {
        f.add("identity", "只能添加办税员或开票员");
    }
    let pw = new_password(&mut f, password, confirm);
    f.finish()?;
    let person = ctx.store.person_by_id_number(id.unwrap().as_str()).await?.ok_or_else(|| AppError::field("id_number", "未查询到该人员的实名注册信息，请先完成自然人注册"))?;
    let existing = ctx.store.enterprise_users(me.enterprise_id).await?;
    if existing.iter().any(|u| u.person_id == person.id && u.identity == identity && u.bound) {
        return Err(AppError::field("id_number", format!("该人员已是本企业的{}", identity.label())));
    }
    let hash = crate::context::hash_password(ctx, pw.unwrap().expose()).await?;
    ctx.store.bind_person(me.enterprise_id, person.id, identity, LinkSource::Added, Some(&hash), &Grants::all(), ctx.clock.now()).await?;
    audit(ctx, &me.person_name, &me.credit_code, "添加用户", format!("添加{}为{}", person.name, identity.label()), AuditOutcome::Success).await
}

pub async fn set_user_grants(ctx: &Ctx, link_id: i64, modules: &str) -> AppResult<bool> {
    let me = require_manager(ctx).await?;
    let user = ctx.store.enterprise_users(me.enterprise_id).await?.into_iter().find(|u| u.link_id == link_id).ok_or(AppError::NotFound)?;
    may_manage(me.identity, user.identity).map_err(|e| AppError::Refused(e.to_string()))?;
    let outcome = set_grants(Grants::from_codes(modules));
    if !ctx.store.apply_grants(me.enterprise_id, link_id, &outcome).await? {
        return Err(AppError::NotFound);
    }
    let (desc, bound) = match &outcome {
        GrantOutcome::Granted(g) => (format!("{}（{}）的权限：{}", user.name, user.identity.label(), g.0.iter().map(|m| m.label()).collect::<Vec<_>>().join("、")), true),
        GrantOutcome::Unbound => (format!("回收{}（{}）的全部权限，已自动解绑", user.name, user.identity.label()), false),
    };
    audit(ctx, &me.person_name, &me.credit_code, "授权", desc, AuditOutcome::Success).await?;
    Ok(bound)
}

/// 修改密码: five wrong old passwords in a row pause it for 15 minutes (a
/// stolen session cannot guess the password); a change ends every other
/// session of the person, in every enterprise.
pub async fn change_password(ctx: &Ctx, old: &str, new: &str, confirm: &str) -> AppResult<()> {
    use crate::auth::service::{Attempt, Counter};
    let me = require_taxpayer(ctx).await?;
    let person = ctx.store.bound_people(me.enterprise_id).await?.into_iter().find(|p| p.link_id == me.link_id).ok_or(AppError::NotFound)?;
    let paused = |e: AppError| match e {
        AppError::Locked { minutes } => AppError::Refused(format!("原密码错误次数过多，请{minutes}分钟后再试")),
        e => e,
    };
    let attempt = Attempt::start(ctx, vec![(format!("change-password:{}", me.link_id), Counter::Account)]).await.map_err(paused)?;
    let ok = match person.password_hash.as_deref() {
        Some(h) => crate::context::verify_password(ctx, old, h).await,
        None => false,
    };
    if !ok {
        audit(ctx, &me.person_name, &me.credit_code, "修改密码", "原密码错误".into(), AuditOutcome::Failure).await?;
        return Err(paused(attempt.failed(ctx, AppError::field("old", "原密码错误")).await));
    }
    attempt.succeeded(ctx).await?;
    let mut f = Fields::default();
    let pw = new_password(&mut f, new, confirm);
    f.finish()?;
    let hash = crate::context::hash_password(ctx, pw.unwrap().expose()).await?;
    if ctx.store.link_has_password(me.link_id).await? {
        ctx.store.set_link_password(me.link_id, &hash).await?;
    } else {
        ctx.store.set_person_password(me.person_id, &hash).await?;
    }
    let current = crate::context::web::session_token().await.map(|t| ctx.secrets.hash_token(&t)).unwrap_or_default();
    let ended = ctx.store.delete_other_sessions_of_person(me.person_id, &current).await?;
    audit(ctx, &me.person_name, &me.credit_code, "修改密码", format!("密码已修改，其他{ended}个会话已退出"), AuditOutcome::Success).await
}

fn device(ua: &str) -> String {
    let os = ["Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux"].into_iter().find(|o| ua.contains(o)).unwrap_or("未知设备");
    let browser = ["Edg", "Chrome", "Firefox", "Safari"].into_iter().find(|b| ua.contains(b)).map(|b| if b == "Edg" { "Edge" } else { b }).unwrap_or("浏览器");
    format!("{os} · {browser}")
}

fn ts(t: Timestamp) -> String {
    t.beijing_time()
}

pub async fn my_sessions(ctx: &Ctx) -> AppResult<Vec<SessionRow>> {
    let me = require_taxpayer(ctx).await?;
    let current = crate::context::web::session_token().await.map(|t| ctx.secrets.hash_token(&t));
    Ok(ctx
        .store
        .sessions_of_person(me.person_id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            id: s.token_hash[..16].to_string(),
            current: current.as_deref() == Some(s.token_hash.as_str()),
            enterprise_name: s.enterprise_name,
            created_at: ts(s.created_at),
            last_seen_at: ts(s.last_seen_at),
            device: device(&s.user_agent),
        })
        .collect())
}

pub async fn end_session(ctx: &Ctx, id: &str) -> AppResult<()> {
    let me = require_taxpayer(ctx).await?;
    let target = ctx.store.sessions_of_person(me.person_id).await?.into_iter().find(|s| s.token_hash.starts_with(id) && id.len() == 16).ok_or(AppError::NotFound)?;
    ctx.store.delete_session(&target.token_hash).await?;
    audit(ctx, &me.person_name, &me.credit_code, "退出登录", format!("结束{}上的会话", device(&target.user_agent)), AuditOutcome::Success).await
}
