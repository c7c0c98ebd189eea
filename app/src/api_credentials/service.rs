//! 使用单位管理能力: API credentials issued in the portal, and the check of a
//! signed API request (signature, freshness, replay, filed IP) that turns it
//! into the direct unit's [`Inviter`].
//!
//! The secret is never stored. It is `base64url(HMAC-SHA256(master key,
//! "leqi-api-secret-v1\n" app_id "\n" salt))`; 重置密钥 draws a new salt, so the
//! old secret stops working at once, and a stolen database reveals no secret.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::access::model::AccessForm;
use crate::api_credentials::model::{ApiCredentialList, ApiCredentialRow, IssuedSecret};
use crate::kernel::Module;
use crate::api_credentials::rules::{self as signing, CredentialError, CredentialStatus, SignError, SignedHeaders};
use crate::audit::rules::AuditOutcome;
use crate::kernel::TaxpayerSession;
use crate::error::{AppError, AppResult};
use crate::api_credentials::store::{ApiCredential, NewApiCredential};
use crate::context::Ctx;

use crate::accounts::service::require_module;
use crate::auth::service::audit;
use crate::invitation::service::{inviter_for, Inviter};

type HmacSha256 = Hmac<Sha256>;

/// The secret of `app_id` at `salt` under the server's master key.
pub fn derive_secret(master_key: &[u8], app_id: &str, salt: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(master_key).expect("HMAC takes any key length");
    mac.update(b"leqi-api-secret-v1\n");
    mac.update(app_id.as_bytes());
    mac.update(b"\n");
    mac.update(salt.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// 16 hex digits of SHA-256 of the secret: tells secrets apart, reveals nothing.
pub fn fingerprint(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(body: &[u8]) -> String {
    Sha256::digest(body).iter().map(|b| format!("{b:02x}")).collect()
}

/// base64(HMAC-SHA256(secret, canonical)), as a client computes it.
pub fn sign(secret: &str, canonical: &str) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(canonical.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `signature` (base64) signs `canonical` with `secret`, compared in constant time.
pub fn verify(secret: &str, canonical: &str, signature: &str) -> bool {
    let Ok(given) = STANDARD.decode(signature.trim()) else { return false };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(canonical.as_bytes());
    mac.verify_slice(&given).is_ok()
}

fn status_of(c: &ApiCredential) -> CredentialStatus {
    if c.revoked_at.is_some() { CredentialStatus::Revoked } else { CredentialStatus::Active }
}

fn credential_error(e: CredentialError) -> AppError {
    AppError::Refused(e.to_string())
}

/// The signed-in user of a direct unit, with the 接入管理 module.
async fn direct_user(ctx: &Ctx) -> AppResult<(TaxpayerSession, Inviter)> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let inviter = inviter_for(ctx, t.enterprise_id, &t.person_name).await?;
    Ok((t, inviter))
}

/// Issuing, rotating and revoking: the direct unit's 法定代表人 or 财务负责人 only
/// (a credential acts for the whole unit, like their own signature).
async fn manager(ctx: &Ctx) -> AppResult<(TaxpayerSession, Inviter)> {
    let (t, i) = direct_user(ctx).await?;
    if !t.identity.is_principal() {
        return Err(AppError::Refused("仅法定代表人或财务负责人可以申请、重置或停用接口凭证".into()));
    }
    Ok((t, i))
}

/// The unit's filed addresses (生产环境IP and 测试环境IP of its confirmed 接入申请).
/// A confirmed 事项变更 of the addresses replaces them (issue #13): until it is confirmed the old ones hold.
async fn filed_ips(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<crate::kernel::Ipv4>> {
    if let Some((production, test)) = ctx.store.filed_ips_override(enterprise_id).await? {
        return Ok(signing::filed_ips(&production, &test));
    }
    let Some(json) = ctx.store.confirmed_access_form(enterprise_id).await? else { return Ok(vec![]) };
    let form: AccessForm = serde_json::from_str(&json).map_err(|_| AppError::Internal)?;
    Ok(signing::filed_ips(&form.production_ips, &form.test_ips))
}

fn row(c: &ApiCredential) -> ApiCredentialRow {
    let status = status_of(c);
    ApiCredentialRow {
        app_id: c.app_id.clone(),
        fingerprint: c.fingerprint.clone(),
        status,
        status_label: status.label().into(),
        created_at: c.created_at.beijing_time(),
        created_by: c.created_by.clone(),
        rotated_at: c.rotated_at.map(|t| t.beijing_time()),
        revoked_at: c.revoked_at.map(|t| t.beijing_time()),
        revoked_by: c.revoked_by.clone(),
        version: c.version,
    }
}

pub async fn list(ctx: &Ctx) -> AppResult<ApiCredentialList> {
    let (t, i) = direct_user(ctx).await?;
    let credentials = ctx.store.api_credentials(i.enterprise_id).await?;
    Ok(ApiCredentialList {
        may_manage: t.identity.is_principal(),
        filed_ips: filed_ips(ctx, i.enterprise_id).await?.iter().map(|ip| ip.to_string()).collect(),
        credentials: credentials.iter().map(row).collect(),
        document_url: "/openapi/v1/openapi.json".into(),
    })
}

fn new_app_id(ctx: &Ctx) -> String {
    format!("lq{:08x}{:08x}{:08x}", ctx.secrets.random_u32(), ctx.secrets.random_u32(), ctx.secrets.random_u32())
}

/// 【申请凭证】: a new app id and secret; the secret is shown this once.
pub async fn issue(ctx: &Ctx) -> AppResult<IssuedSecret> {
    let (t, i) = manager(ctx).await?;
    let active = ctx.store.api_credentials(i.enterprise_id).await?.iter().filter(|c| c.revoked_at.is_none()).count();
    signing::issue(active).map_err(credential_error)?;
    let app_id = new_app_id(ctx);
    let salt = ctx.secrets.random_token();
    let secret = derive_secret(&ctx.api.master_key, &app_id, &salt);
    let new = NewApiCredential { app_id: app_id.clone(), enterprise_id: i.enterprise_id, salt, fingerprint: fingerprint(&secret), created_by: t.person_name.clone() };
    let stored = ctx.store.insert_api_credential(&new, ctx.clock.now()).await?;
    audit(ctx, &t.person_name, &t.credit_code, "申请接口凭证", format!("AppId {app_id}"), AuditOutcome::Success).await?;
    Ok(IssuedSecret { app_id, secret, fingerprint: stored.fingerprint })
}

/// One of the caller's unit's credentials; another unit's is not found.
async fn own(ctx: &Ctx, i: &Inviter, app_id: &str) -> AppResult<ApiCredential> {
    ctx.store.api_credential(app_id.trim()).await?.filter(|c| c.enterprise_id == i.enterprise_id).ok_or(AppError::NotFound)
}

/// 【重置密钥】: a new secret, shown once; the old one is refused from now on.
pub async fn rotate(ctx: &Ctx, app_id: &str, version: i64) -> AppResult<IssuedSecret> {
    let (t, i) = manager(ctx).await?;
    let c = own(ctx, &i, app_id).await?;
    signing::rotate(status_of(&c)).map_err(credential_error)?;
    if c.version != version {
        return Err(AppError::Conflict);
    }
    let salt = ctx.secrets.random_token();
    let secret = derive_secret(&ctx.api.master_key, &c.app_id, &salt);
    let fp = fingerprint(&secret);
    ctx.store.rotate_api_credential(c.id, version, &salt, &fp, ctx.clock.now()).await?;
    audit(ctx, &t.person_name, &t.credit_code, "重置接口密钥", format!("AppId {}", c.app_id), AuditOutcome::Success).await?;
    Ok(IssuedSecret { app_id: c.app_id, secret, fingerprint: fp })
}

/// 【停用】: the credential is refused from now on, for good.
pub async fn revoke(ctx: &Ctx, app_id: &str, version: i64) -> AppResult<()> {
    let (t, i) = manager(ctx).await?;
    let c = own(ctx, &i, app_id).await?;
    signing::revoke(status_of(&c)).map_err(credential_error)?;
    if c.version != version {
        return Err(AppError::Conflict);
    }
    ctx.store.revoke_api_credential(c.id, version, &t.person_name, ctx.clock.now()).await?;
    audit(ctx, &t.person_name, &t.credit_code, "停用接口凭证", format!("AppId {}", c.app_id), AuditOutcome::Success).await?;
    Ok(())
}

/// Why an API request was not let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiRefusal {
    /// Signature, freshness, replay, app id or address.
    Sign(SignError),
    /// The unit may not act (no longer a direct unit…) or storage failed.
    App(AppError),
}

impl From<AppError> for ApiRefusal {
    fn from(e: AppError) -> Self {
        ApiRefusal::App(e)
    }
}

impl From<crate::kernel::storage::StoreError> for ApiRefusal {
    fn from(e: crate::kernel::storage::StoreError) -> Self {
        ApiRefusal::App(e.into())
    }
}

/// One API request as received.
pub struct ApiRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub raw_query: &'a str,
    pub headers: SignedHeaders,
    pub body: &'a [u8],
    /// The caller's address (socket peer, or the trusted proxy's X-Forwarded-For).
    pub client_ip: Option<String>,
}

/// What can be checked before the body is read: the signing headers are
/// fresh, name a live app id, and the caller's address is filed. A request
/// failing these never gets its (up to 2 MB) body read.
pub async fn precheck(ctx: &Ctx, h: &SignedHeaders, client_ip: Option<&str>) -> Result<(), ApiRefusal> {
    h.check_fresh(ctx.clock.now().0).map_err(ApiRefusal::Sign)?;
    let cred = ctx.store.api_credential(&h.app_id).await?.filter(|c| c.revoked_at.is_none()).ok_or(ApiRefusal::Sign(SignError::UnknownApp))?;
    let filed = filed_ips(ctx, cred.enterprise_id).await?;
    let ip = client_ip.unwrap_or_default().to_string();
    if !signing::ip_is_filed(&ip, &filed) {
        tracing::warn!(app_id = %cred.app_id, %ip, "API request from an address not filed");
        return Err(ApiRefusal::Sign(SignError::IpNotFiled(if ip.is_empty() { "未知".into() } else { ip })));
    }
    Ok(())
}

/// Checks a signed request: fresh, a live app id, a valid signature, a filed
/// address, and a nonce never used before (recorded, so a replay is refused,
/// also on another server process). The nonce is recorded last, so requests
/// that fail a check cannot use up someone's nonces.
pub async fn authenticate(ctx: &Ctx, req: &ApiRequest<'_>) -> Result<Inviter, ApiRefusal> {
    let now = ctx.clock.now();
    let h = &req.headers;
    h.check_fresh(now.0).map_err(ApiRefusal::Sign)?;
    let cred = ctx.store.api_credential(&h.app_id).await?.filter(|c| c.revoked_at.is_none()).ok_or(ApiRefusal::Sign(SignError::UnknownApp))?;
    let secret = derive_secret(&ctx.api.master_key, &cred.app_id, &cred.salt);
    let canonical = signing::canonical_string(req.method, req.path, req.raw_query, h.timestamp_ms, &h.nonce, &sha256_hex(req.body));
    if !verify(&secret, &canonical, &h.signature) {
        return Err(ApiRefusal::Sign(SignError::BadSignature));
    }
    let filed = filed_ips(ctx, cred.enterprise_id).await?;
    let ip = req.client_ip.clone().unwrap_or_default();
    if !signing::ip_is_filed(&ip, &filed) {
        tracing::warn!(app_id = %cred.app_id, %ip, "API request from an address not filed");
        return Err(ApiRefusal::Sign(SignError::IpNotFiled(if ip.is_empty() { "未知".into() } else { ip })));
    }
    if ctx.secrets.random_u32().is_multiple_of(64) {
        ctx.store.purge_api_nonces(now).await?;
    }
    if !ctx.store.use_api_nonce(&cred.app_id, &h.nonce, crate::kernel::Timestamp(h.nonce_expiry_ms())).await? {
        return Err(ApiRefusal::Sign(SignError::Replayed));
    }
    // 限制并发: the unit's reduced rate, counted in the database (every process shares it).
    crate::lifecycle::service::api_rate_check(ctx, cred.enterprise_id).await.map_err(ApiRefusal::App)?;
    Ok(inviter_for(ctx, cred.enterprise_id, &format!("接口凭证{}", cred.app_id)).await?)
}


/// At most this many rows in one API upload.
pub const API_MAX_ROWS: usize = 1000;
/// At most this many use units in one API unbind.
pub const API_MAX_UNBIND: usize = 500;

/// What one API unbind item was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnbindItem {
    CreditCode(String),
    InvitationId(i64),
}

/// The outcome of one unbind item: the invitation unbound, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnbindResult {
    pub item: UnbindItem,
    pub invitation_id: Option<i64>,
    pub error: Option<String>,
}

/// 调用乐企能力接口上传解除信息 (manual §3.5.2): each item decided on its own. A
/// credit code names the use unit bound (确认通过) to this direct unit; an
/// invitation id must be one of this direct unit's (another unit's is not found).
pub async fn unbind_items(ctx: &Ctx, by: &Inviter, items: Vec<UnbindItem>, reason: &str) -> AppResult<Vec<UnbindResult>> {
    if items.is_empty() {
        return Err(AppError::field("credit_codes", "请至少提供一个使用单位的统一社会信用代码或邀请编号"));
    }
    if items.len() > API_MAX_UNBIND {
        return Err(AppError::field("credit_codes", format!("一次最多解除{API_MAX_UNBIND}家使用单位，当前{}家", items.len())));
    }
    if reason.trim().is_empty() {
        return Err(AppError::field("reason", "请填写解除原因"));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let id = match &item {
            UnbindItem::InvitationId(id) => Ok(*id),
            UnbindItem::CreditCode(code) => match crate::kernel::CreditCode::parse(code) {
                Err(e) => Err(format!("统一社会信用代码：{e}")),
                Ok(code) => {
                    let filter = crate::invitation::store::InvitationFilter {
                        status_code: Some(crate::invitation::rules::InvitationStatus::Confirmed.code().into()),
                        search: Some(code.to_string()),
                        limit: 1,
                        ..Default::default()
                    };
                    ctx.store.invitations(by.enterprise_id, &filter).await?.into_iter().next().map(|i| i.id).ok_or_else(|| "未找到与该使用单位的绑定关系".to_string())
                }
            },
        };
        let result = match id {
            Err(e) => UnbindResult { item, invitation_id: None, error: Some(e) },
            Ok(id) => match crate::invitation::service::unbind_one(ctx, by, id, reason).await {
                Ok(()) => UnbindResult { item, invitation_id: Some(id), error: None },
                Err(AppError::Internal) => return Err(AppError::Internal),
                Err(e) => UnbindResult { item, invitation_id: Some(id).filter(|_| e != AppError::NotFound), error: Some(e.to_string()) },
            },
        };
        out.push(result);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_depend_on_key_app_id_and_salt() {
        let a = derive_secret(b"master-key", "lq1", "salt1");
        assert_eq!(a, derive_secret(b"master-key", "lq1", "salt1"));
        assert_ne!(a, derive_secret(b"master-key", "lq1", "salt2"), "rotation changes the secret");
        assert_ne!(a, derive_secret(b"master-key", "lq2", "salt1"));
        assert_ne!(a, derive_secret(b"other-key", "lq1", "salt1"));
        assert_eq!(a.len(), 43, "32 bytes base64url without padding");
        assert_eq!(fingerprint(&a).len(), 16);
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231_and_verifies() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let sig = sign("Jefe", "what do ya want for nothing?");
        let hex: String = STANDARD.decode(&sig).unwrap().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(verify("Jefe", "what do ya want for nothing?", &sig));
        assert!(!verify("Jefe", "what do ya want for nothing!", &sig));
        assert!(!verify("jefe", "what do ya want for nothing?", &sig));
        assert!(!verify("Jefe", "what do ya want for nothing?", "not base64!"));
        assert!(!verify("Jefe", "what do ya want for nothing?", ""));
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
