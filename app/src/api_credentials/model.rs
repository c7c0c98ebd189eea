//! The data that `api_credentials::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::api_credentials::rules::CredentialStatus;

/// One credential as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCredentialRow {
    pub app_id: String,
    /// 密钥指纹: 16 hex digits of SHA-256 of the current secret.
    pub fingerprint: String,
    pub status: CredentialStatus,
    /// 启用 / 已停用
    pub status_label: String,
    pub created_at: String,
    pub created_by: String,
    pub rotated_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiCredentialList {
    /// 法定代表人 / 财务负责人: may 申请凭证, 重置密钥, 停用.
    pub may_manage: bool,
    /// Where API calls are accepted from (生产环境IP, 测试环境IP of the confirmed 接入申请).
    pub filed_ips: Vec<String>,
    pub credentials: Vec<ApiCredentialRow>,
    /// The OpenAPI document.
    pub document_url: String,
}

/// A secret as shown once, after 申请凭证 or 重置密钥.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedSecret {
    pub app_id: String,
    pub secret: String,
    pub fingerprint: String,
}
