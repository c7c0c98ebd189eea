//! Storage of API credentials and request nonces (see `app::api_credentials::store::ApiCredentialStore`).

use app::kernel::Timestamp;
use app::api_credentials::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, unavailable, SqlStore};

const COLUMNS: &str = "id, app_id, enterprise_id, salt, fingerprint, created_at, created_by, rotated_at, revoked_at, revoked_by, version";

fn credential(r: AnyRow) -> ApiCredential {
    ApiCredential {
        id: r.get("id"),
        app_id: r.get("app_id"),
        enterprise_id: r.get("enterprise_id"),
        salt: r.get("salt"),
        fingerprint: r.get("fingerprint"),
        created_at: Timestamp(r.get("created_at")),
        created_by: r.get("created_by"),
        rotated_at: r.get::<Option<i64>, _>("rotated_at").map(Timestamp),
        revoked_at: r.get::<Option<i64>, _>("revoked_at").map(Timestamp),
        revoked_by: r.get("revoked_by"),
        version: r.get("version"),
    }
}

#[async_trait]
impl ApiCredentialStore for SqlStore {
    async fn insert_api_credential(&self, c: &NewApiCredential, now: Timestamp) -> StoreResult<ApiCredential> {
        let row = sqlx::query(&format!(
            "INSERT INTO api_credentials (app_id, enterprise_id, salt, fingerprint, created_at, created_by, version) \
             VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING {COLUMNS}"
        ))
        .bind(&c.app_id)
        .bind(c.enterprise_id)
        .bind(&c.salt)
        .bind(&c.fingerprint)
        .bind(now.0)
        .bind(&c.created_by)
        .fetch_one(self.pool())
        .await
        .map_err(conflict_or_unavailable)?;
        Ok(credential(row))
    }

    async fn api_credentials(&self, enterprise_id: i64) -> StoreResult<Vec<ApiCredential>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM api_credentials WHERE enterprise_id = $1 ORDER BY id DESC"))
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(credential).collect())
    }

    async fn api_credential(&self, app_id: &str) -> StoreResult<Option<ApiCredential>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_credentials WHERE app_id = $1"))
            .bind(app_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(credential))
    }

    async fn rotate_api_credential(&self, id: i64, expected_version: i64, salt: &str, fingerprint: &str, now: Timestamp) -> StoreResult<i64> {
        let done = sqlx::query(
            "UPDATE api_credentials SET salt = $1, fingerprint = $2, rotated_at = $3, version = version + 1 \
             WHERE id = $4 AND version = $5 AND revoked_at IS NULL",
        )
        .bind(salt)
        .bind(fingerprint)
        .bind(now.0)
        .bind(id)
        .bind(expected_version)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        Ok(expected_version + 1)
    }

    async fn revoke_api_credential(&self, id: i64, expected_version: i64, by: &str, now: Timestamp) -> StoreResult<i64> {
        let done = sqlx::query(
            "UPDATE api_credentials SET revoked_at = $1, revoked_by = $2, version = version + 1 \
             WHERE id = $3 AND version = $4 AND revoked_at IS NULL",
        )
        .bind(now.0)
        .bind(by)
        .bind(id)
        .bind(expected_version)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict);
        }
        Ok(expected_version + 1)
    }

    async fn use_api_nonce(&self, app_id: &str, nonce: &str, expires_at: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query("INSERT INTO api_nonces (app_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT (app_id, nonce) DO NOTHING")
            .bind(app_id)
            .bind(nonce)
            .bind(expires_at.0)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }

    async fn purge_api_nonces(&self, now: Timestamp) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM api_nonces WHERE expires_at < $1").bind(now.0).execute(self.pool()).await.map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn confirmed_access_form(&self, enterprise_id: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT form FROM access_applications WHERE enterprise_id = $1 AND status_code = 'confirmed' ORDER BY id DESC LIMIT 1")
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.get("form")))
    }
}
