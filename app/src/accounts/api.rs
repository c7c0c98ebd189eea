//! Accounts (etax-login-guide §2–4): 注册, 企业用户注册, 授权信息, 忘记密码,
//! 修改密码 and one's sessions.

use leptos::prelude::*;
use crate::auth::api::SmsSent;
use crate::kernel::Identity;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::accounts::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::accounts::model::*;

#[server(endpoint = "tax_office_options")]
pub async fn tax_office_options() -> Result<Vec<TaxOfficeOption>, AppError> {
    svc::tax_office_options(&ctx()?).await
}

/// Sends an SMS code to a phone (registration, binding, password reset): no
/// session, so a graphical captcha per send.
#[server(endpoint = "send_phone_code")]
pub async fn send_phone_code(phone: String, purpose: PhonePurpose, captcha_id: String, captcha: String) -> Result<SmsSent, AppError> {
    svc::send_phone_code(&ctx()?, &phone, purpose, &captcha_id, &captcha).await
}

/// 【注册】→【账户注册】→【自然人注册】
#[server(endpoint = "register_natural_person")]
pub async fn register_natural_person(form: RegisterForm) -> Result<(), AppError> {
    svc::register_natural_person(&ctx()?, form).await
}

/// 【企业用户注册】 step 1: phone, SMS code, real-name data and password.
#[server(endpoint = "binding_start")]
pub async fn binding_start(form: BindingStartForm) -> Result<String, AppError> {
    svc::binding_start(&ctx()?, form).await
}

/// Step 2: 实人认证 (in demo mode, the person confirms on screen).
#[server(endpoint = "binding_verify_person")]
pub async fn binding_verify_person(flow_id: String) -> Result<(), AppError> {
    svc::binding_verify_person(&ctx()?, &flow_id).await
}

/// Step 3: search the enterprise by credit code; lists its 认证人员.
#[server(endpoint = "binding_find_enterprise")]
pub async fn binding_find_enterprise(flow_id: String, code: String) -> Result<EnterpriseApprovers, AppError> {
    svc::binding_find_enterprise(&ctx()?, &flow_id, &code).await
}

/// Step 4: the chosen 法定代表人/财务负责人 receives an SMS code.
#[server(endpoint = "binding_send_approval")]
pub async fn binding_send_approval(flow_id: String, approver_link_id: i64) -> Result<SmsSent, AppError> {
    svc::binding_send_approval(&ctx()?, &flow_id, approver_link_id).await
}

/// Step 5: the approver's code binds the person (returns the enterprise's name).
#[server(endpoint = "binding_approve")]
pub async fn binding_approve(flow_id: String, code: String) -> Result<String, AppError> {
    svc::binding_approve(&ctx()?, &flow_id, &code).await
}

/// 【忘记密码】 for a natural person.
#[server(endpoint = "reset_person_password")]
pub async fn reset_person_password(form: ResetPersonForm) -> Result<(), AppError> {
    svc::reset_person_password(&ctx()?, form).await
}

/// 【忘记密码】 for an enterprise, step 1: tax number + captcha.
#[server(endpoint = "forgot_enterprise_start")]
pub async fn forgot_enterprise_start(code: String, captcha_id: String, captcha: String) -> Result<EnterpriseApprovers, AppError> {
    svc::forgot_enterprise_start(&ctx()?, &code, &captcha_id, &captcha).await
}

#[server(endpoint = "forgot_enterprise_send")]
pub async fn forgot_enterprise_send(flow_id: String, approver_link_id: i64) -> Result<SmsSent, AppError> {
    svc::forgot_enterprise_send(&ctx()?, &flow_id, approver_link_id).await
}

#[server(endpoint = "forgot_enterprise_reset")]
pub async fn forgot_enterprise_reset(flow_id: String, sms_code: String, password: String, confirm: String) -> Result<(), AppError> {
    svc::forgot_enterprise_reset(&ctx()?, &flow_id, &sms_code, &password, &confirm).await
}

/// 【我的信息】→【用户管理】→【授权信息】 (法定代表人、财务负责人 only).
#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, AppError> {
    svc::list_users(&ctx()?).await
}

/// 【添加用户】: look up a person who completed real-name registration.
#[server(endpoint = "find_registered_person")]
pub async fn find_registered_person(id_number: String) -> Result<RegisteredPerson, AppError> {
    svc::find_registered_person(&ctx()?, &id_number).await
}

#[server(endpoint = "add_user")]
pub async fn add_user(id_number: String, identity: Identity, password: String, confirm: String) -> Result<(), AppError> {
    svc::add_user(&ctx()?, &id_number, identity, &password, &confirm).await
}

/// 【授权】/【回收权限】: the modules the user may use, as codes. None unbinds.
#[server(endpoint = "set_user_grants")]
pub async fn set_user_grants(link_id: i64, modules: String) -> Result<bool, AppError> {
    svc::set_user_grants(&ctx()?, link_id, &modules).await
}

#[server(endpoint = "change_password")]
pub async fn change_password(old: String, new: String, confirm: String) -> Result<(), AppError> {
    svc::change_password(&ctx()?, &old, &new, &confirm).await
}

#[server(endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionRow>, AppError> {
    svc::my_sessions(&ctx()?).await
}

#[server(endpoint = "end_session")]
pub async fn end_session(id: String) -> Result<(), AppError> {
    svc::end_session(&ctx()?, &id).await
}
