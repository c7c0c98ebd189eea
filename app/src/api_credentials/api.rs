//! 【接入管理】→【接入邀请】→ 接口凭证: the credentials of 使用单位管理能力 (manual
//! §3.4.1.3 上传邀请信息, §3.5.2 调用乐企能力接口上传解除信息). Any user of a direct unit
//! with 接入管理 sees them; the 法定代表人 or 财务负责人 issues, rotates and revokes.

use leptos::prelude::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::api_credentials::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::api_credentials::model::*;

#[server(endpoint = "list_api_credentials")]
pub async fn list_api_credentials() -> Result<ApiCredentialList, AppError> {
    svc::list(&ctx()?).await
}

/// 【申请凭证】: the secret is in the answer and nowhere else.
#[server(endpoint = "issue_api_credential")]
pub async fn issue_api_credential() -> Result<IssuedSecret, AppError> {
    svc::issue(&ctx()?).await
}

/// 【重置密钥】: a new secret; the old one is refused from now on.
#[server(endpoint = "rotate_api_secret")]
pub async fn rotate_api_secret(app_id: String, version: i64) -> Result<IssuedSecret, AppError> {
    svc::rotate(&ctx()?, &app_id, version).await
}

/// 【停用】: the credential is refused from now on, for good.
#[server(endpoint = "revoke_api_credential")]
pub async fn revoke_api_credential(app_id: String, version: i64) -> Result<(), AppError> {
    svc::revoke(&ctx()?, &app_id, version).await
}
