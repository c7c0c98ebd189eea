//! Storage of the use unit's 授权申请 (see `app::auth_request::store::AuthRequestStore`). Every change
//! is one `StateChange` (the one transition path): the row at its version, the invitation it becomes (on 同意), and
//! the audit record.

use app::audit::rules::AuditRecord;
use app::auth_request::rules::AuthRequestStatus;
use app::invitation::rules::Relationship;
use app::kernel::Timestamp;
use app::auth_request::store::*;
use app::invitation::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, corrupt, unavailable, SqlStore};
use crate::store::invitation::status_json as invitation_status_json;
use crate::store::transition::StateChange;

const COLUMNS: &str = "id, use_enterprise_id, direct_enterprise_id, relationship, proof_material_id, checks, status, version, created_by, decided_by, created_at, updated_at";

fn request(r: AnyRow) -> StoreResult<StoredAuthRequest> {
    let status: String = r.get("status");
    let relationship: String = r.get("relationship");
    Ok(StoredAuthRequest {
        id: r.get("id"),
        use_enterprise_id: r.get("use_enterprise_id"),
        direct_enterprise_id: r.get("direct_enterprise_id"),
        relationship: Relationship::parse(&relationship).map_err(|e| corrupt("relationship", e))?,
        proof_material_id: r.get("proof_material_id"),
        checks: r.get("checks"),
        status: serde_json::from_str(&status).map_err(|e| corrupt("request status", e))?,
        version: r.get("version"),
        created_by: r.get("created_by"),
        decided_by: r.get("decided_by"),
        created_at: Timestamp(r.get("created_at")),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn status_json(s: &AuthRequestStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

/// Moves the request from `version` to `to` inside the state change; Conflict when somebody changed it first.
async fn set_status(sc: &mut StateChange<'_>, id: i64, version: i64, to: &AuthRequestStatus, by: &str, now: Timestamp) -> StoreResult<()> {
    let status = status_json(to);
    sc.versioned(
        sqlx::query(
            "UPDATE auth_requests SET status = $1, status_code = $2, pending = $3, version = version + 1, decided_by = $4, updated_at = $5 \
             WHERE id = $6 AND version = $7",
        )
        .bind(status)
        .bind(to.code())
        .bind(to.is_open() as i64)
        .bind(by.to_string())
        .bind(now.0)
        .bind(id)
        .bind(version),
    )
    .await
}

#[async_trait]
impl AuthRequestStore for SqlStore {
    async fn create_auth_request(&self, r: &NewAuthRequest, audit: &AuditRecord, now: Timestamp, messages: &[app::message::rules::NewMessage]) -> StoreResult<StoredAuthRequest> {
        let mut sc = StateChange::begin(self).await?;
        let status = AuthRequestStatus::Pending;
        let id: i64 = sqlx::query(
            "INSERT INTO auth_requests (use_enterprise_id, direct_enterprise_id, relationship, proof_material_id, checks, status, status_code, pending, version, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, $8, $9, $9) RETURNING id",
        )
        .bind(r.use_enterprise_id)
        .bind(r.direct_enterprise_id)
        .bind(r.relationship.label())
        .bind(r.proof_material_id)
        .bind(r.checks.clone())
        .bind(status_json(&status))
        .bind(status.code())
        .bind(&r.created_by)
        .bind(now.0)
        .fetch_one(sc.conn())
        .await
        .map_err(conflict_or_unavailable)?
        .get("id");
        sc.messages(messages).await?;
        sc.commit(audit).await?;
        self.auth_request(id).await?.ok_or_else(|| StoreError::Unavailable("request vanished".into()))
    }

    async fn auth_request(&self, id: i64) -> StoreResult<Option<StoredAuthRequest>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM auth_requests WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(request).transpose()
    }

    async fn auth_requests_of_use_unit(&self, use_enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredAuthRequest>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM auth_requests WHERE use_enterprise_id = $1 ORDER BY id DESC LIMIT $2"))
            .bind(use_enterprise_id)
            .bind(limit.clamp(1, 500) as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(request).collect()
    }

    async fn auth_requests_to(&self, direct_enterprise_id: i64, status_code: Option<&str>, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredAuthRequest>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM auth_requests WHERE direct_enterprise_id = $1 AND ($2 = '' OR status_code = $2) AND id < $3 ORDER BY id DESC LIMIT $4"
        ))
        .bind(direct_enterprise_id)
        .bind(status_code.unwrap_or(""))
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit.clamp(1, 500) as i64)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(request).collect()
    }

    async fn decide_auth_request(&self, id: i64, version: i64, to: &AuthRequestStatus, by: &str, audit: &AuditRecord, now: Timestamp, messages: &[app::message::rules::NewMessage]) -> StoreResult<()> {
        let mut sc = StateChange::begin(self).await?;
        set_status(&mut sc, id, version, to, by, now).await?;
        sc.messages(messages).await?;
        sc.commit(audit).await
    }

    async fn agree_auth_request(&self, id: i64, version: i64, by: &str, b: &NewBatch, inv: &NewInvitation, audit: &AuditRecord, now: Timestamp, messages: &[app::message::rules::NewMessage]) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        let batch_id: i64 = sqlx::query(
            "INSERT INTO invitation_batches (direct_enterprise_id, source, file_name, proof_material_id, created_by, created_at, rows_total, rows_ok, rows_failed, failures) \
             VALUES ($1, $2, '', $3, $4, $5, 1, 1, 0, '[]') RETURNING id",
        )
        .bind(b.direct_enterprise_id)
        .bind(b.source.code())
        .bind(b.proof_material_id)
        .bind(&b.created_by)
        .bind(now.0)
        .fetch_one(sc.conn())
        .await
        .map_err(unavailable)?
        .get("id");
        let invitation_id: i64 = sqlx::query(
            "INSERT INTO invitations (batch_id, direct_enterprise_id, use_enterprise_id, use_code, use_name, use_tax_office_id, province_code, \
             relationship, category, pre_authorize, filing, status, status_code, active, version, previous_id, proof_material_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $17, $17) RETURNING id",
        )
        .bind(batch_id)
        .bind(b.direct_enterprise_id)
        .bind(inv.use_enterprise_id)
        .bind(&inv.use_code)
        .bind(&inv.use_name)
        .bind(inv.use_tax_office_id)
        .bind(&inv.province_code)
        .bind(inv.relationship.label())
        .bind(inv.relationship.category().code())
        .bind(inv.pre_authorize as i64)
        .bind(inv.filing.as_ref().map(|f| serde_json::to_string(f).map_err(|e| corrupt("filing lines", e))).transpose()?)
        .bind(invitation_status_json(&inv.status))
        .bind(inv.status.code())
        .bind(inv.status.is_open() as i64)
        .bind(inv.previous_id)
        .bind(b.proof_material_id)
        .bind(now.0)
        .fetch_one(sc.conn())
        .await
        .map_err(conflict_or_unavailable)?
        .get("id");
        if let Some(m) = b.proof_material_id {
            // The use unit's proof now belongs to the invitation (both parties and the office see it).
            sqlx::query("UPDATE materials SET owner_kind = 'invitation_batch', owner_id = $1 WHERE id = $2 AND enterprise_id = $3 AND owner_kind = 'unattached'")
                .bind(batch_id)
                .bind(m)
                .bind(inv.use_enterprise_id)
                .execute(sc.conn())
                .await
                .map_err(unavailable)?;
        }
        set_status(&mut sc, id, version, &AuthRequestStatus::Agreed { invitation_id }, by, now).await?;
        sc.messages(messages).await?;
        sc.commit(audit).await?;
        Ok(invitation_id)
    }

    async fn auth_request_proof_visible(&self, material_id: i64, enterprise_id: i64) -> StoreResult<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM auth_requests WHERE proof_material_id = $1 AND (direct_enterprise_id = $2 OR use_enterprise_id = $2) LIMIT 1")
            .bind(material_id)
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.is_some())
    }
}
