//! 使用单位管理能力 (the signed API): credentials and settings.

#[allow(unused_imports)]
use crate::kernel::storage::*;
use std::sync::Arc;

use async_trait::async_trait;

use crate::kernel::Timestamp;

/// An API credential of a direct unit (使用单位管理能力). Its secret is never
/// stored: it is derived from the server's master key, the app id and `salt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCredential {
    pub id: i64,
    pub app_id: String,
    pub enterprise_id: i64,
    /// Changes on every 重置密钥 (so the old secret stops working).
    pub salt: String,
    /// A short hash of the current secret, shown so a holder can tell which secret is current.
    pub fingerprint: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub rotated_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub revoked_by: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone)]
pub struct NewApiCredential {
    pub app_id: String,
    pub enterprise_id: i64,
    pub salt: String,
    pub fingerprint: String,
    pub created_by: String,
}

#[async_trait]
pub trait ApiCredentialStore: Send + Sync {
    /// `Conflict` when the app id exists.
    async fn insert_api_credential(&self, c: &NewApiCredential, now: Timestamp) -> StoreResult<ApiCredential>;
    /// The unit's credentials, newest first.
    async fn api_credentials(&self, enterprise_id: i64) -> StoreResult<Vec<ApiCredential>>;
    async fn api_credential(&self, app_id: &str) -> StoreResult<Option<ApiCredential>>;
    /// A new salt and fingerprint if still at `expected_version` and not revoked (else `Conflict`).
    async fn rotate_api_credential(&self, id: i64, expected_version: i64, salt: &str, fingerprint: &str, now: Timestamp) -> StoreResult<i64>;
    /// Revoked for good if still at `expected_version` (else `Conflict`).
    async fn revoke_api_credential(&self, id: i64, expected_version: i64, by: &str, now: Timestamp) -> StoreResult<i64>;
    /// Records a request nonce; false when (app id, nonce) was used before —
    /// decided by a unique key, so it holds across several server processes.
    async fn use_api_nonce(&self, app_id: &str, nonce: &str, expires_at: Timestamp) -> StoreResult<bool>;
    /// Forgets nonces whose requests are stale anyway; returns how many.
    async fn purge_api_nonces(&self, now: Timestamp) -> StoreResult<u64>;
    /// The form (JSON) of the unit's newest 确认通过 access application: its filed IPs.
    async fn confirmed_access_form(&self, enterprise_id: i64) -> StoreResult<Option<String>>;
}


/// Settings of the signed API (`/openapi/v1/`).
#[derive(Clone)]
pub struct ApiSettings {
    /// Every credential's secret is derived from this key (`LEQI_API_MASTER_KEY`).
    pub master_key: Arc<[u8]>,
    /// A trusted proxy is in front: the client address is the last entry of
    /// `X-Forwarded-For` rather than the socket peer (`LEQI_TRUST_PROXY`).
    pub trust_forwarded_for: bool,
}
