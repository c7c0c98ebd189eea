//! The e-tax login (etax-login-guide §1) and the tax officers' login.

use leptos::prelude::*;
use crate::kernel::Principal;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::auth::service as svc;
#[cfg(feature = "ssr")]
use crate::context::web;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::auth::model::*;

#[server(endpoint = "site_info")]
pub async fn site_info() -> Result<SiteFacts, AppError> {
    Ok(SiteFacts { demo: ctx()?.mode == crate::context::Mode::Demo })
}

/// A new graphical captcha (single use, 5 minutes).
#[server(endpoint = "new_captcha")]
pub async fn new_captcha() -> Result<CaptchaImage, AppError> {
    svc::new_captcha(&ctx()?).await
}

/// 【登录】→【企业用户】→【用户名登录】 step 1: code + password + captcha.
#[server(endpoint = "enterprise_login")]
pub async fn enterprise_login(code: String, password: String, captcha_id: String, captcha: String) -> Result<PersonSelection, AppError> {
    svc::enterprise_login(&ctx()?, &code, &password, &captcha_id, &captcha).await
}

/// Step 2 by the chosen person's password.
#[server(endpoint = "person_login_password")]
pub async fn person_login_password(flow_id: String, link_id: i64, password: String) -> Result<Principal, AppError> {
    let ctx = ctx()?;
    let (token, principal) = svc::person_login_password(&ctx, &flow_id, link_id, &password).await?;
    web::set_session_cookie(&ctx, &token);
    Ok(principal)
}

/// Step 2 by SMS: send a code to the chosen person's registered phone.
#[server(endpoint = "send_login_sms")]
pub async fn send_login_sms(flow_id: String, link_id: i64) -> Result<SmsSent, AppError> {
    svc::send_login_sms(&ctx()?, &flow_id, link_id).await
}

#[server(endpoint = "person_login_sms")]
pub async fn person_login_sms(flow_id: String, link_id: i64, code: String) -> Result<Principal, AppError> {
    let ctx = ctx()?;
    let (token, principal) = svc::person_login_sms(&ctx, &flow_id, link_id, &code).await?;
    web::set_session_cookie(&ctx, &token);
    Ok(principal)
}

/// Who is signed in, for the H5 app (lean; None when nobody is).
#[server(endpoint = "h5_me")]
pub async fn h5_me() -> Result<Option<H5Who>, AppError> {
    Ok(current_principal().await?.as_ref().map(H5Who::of))
}

/// Who is signed in (None when nobody is).
#[server(endpoint = "current_principal")]
pub async fn current_principal() -> Result<Option<Principal>, AppError> {
    let ctx = ctx()?;
    match web::session_token().await {
        Some(token) => svc::principal_for(&ctx, &token).await,
        None => Ok(None),
    }
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let ctx = ctx()?;
    if let Some(token) = web::session_token().await {
        svc::logout(&ctx, &token).await?;
    }
    web::clear_session_cookie(&ctx);
    Ok(())
}

/// 切换身份: end this person's session and choose again within the same enterprise.
#[server(endpoint = "switch_identity")]
pub async fn switch_identity() -> Result<PersonSelection, AppError> {
    let ctx = ctx()?;
    let token = web::session_token().await.ok_or(AppError::NotAuthenticated)?;
    let selection = svc::switch_identity(&ctx, &token).await?;
    web::clear_session_cookie(&ctx);
    Ok(selection)
}

/// 税务人员登录: username + password + captcha.
#[server(endpoint = "officer_login")]
pub async fn officer_login(username: String, password: String, captcha_id: String, captcha: String) -> Result<Principal, AppError> {
    let ctx = ctx()?;
    let (token, principal) = svc::officer_login(&ctx, &username, &password, &captcha_id, &captcha).await?;
    web::set_session_cookie(&ctx, &token);
    Ok(principal)
}

/// Demo mode only: the SMS messages "sent", newest first.
#[server(endpoint = "sms_outbox")]
pub async fn sms_outbox() -> Result<Vec<OutboxEntry>, AppError> {
    svc::outbox(&ctx()?).await
}
