//! Storage of the hardening (issue #14): atomic attempt counters, sessions
//! ended as a group, upload quotas and clean-up, the draft-checked material
//! delete, and the tamper-evident audit log (`store::audit`).

use app::auth::rules::FailureCounter;
use app::kernel::Timestamp;
use app::audit::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::Row;

use crate::store::{unavailable, SqlStore};

/// Whether the counter starts afresh: its lock ran out, or (windowed) its count is too old.
const RESTART: &str = "((failure_counters.locked_until IS NOT NULL AND failure_counters.locked_until <= $2) \
     OR (failure_counters.locked_until IS NULL AND COALESCE(failure_counters.first_at, $2) < $3))";

#[async_trait]
impl SecurityStore for SqlStore {
    async fn count_attempt(&self, key: &str, now: Timestamp, window_ms: Option<i64>) -> StoreResult<FailureCounter> {
        // One statement: however many attempts arrive at once, each gets its own number.
        let sql = format!(
            "INSERT INTO failure_counters (lock_key, failures, locked_until, first_at) VALUES ($1, 1, NULL, $2) \
             ON CONFLICT (lock_key) DO UPDATE SET \
                failures = CASE WHEN {RESTART} THEN 1 ELSE failure_counters.failures + 1 END, \
                first_at = CASE WHEN {RESTART} THEN $2 ELSE COALESCE(failure_counters.first_at, $2) END, \
                locked_until = CASE WHEN failure_counters.locked_until IS NOT NULL AND failure_counters.locked_until <= $2 THEN NULL ELSE failure_counters.locked_until END \
             RETURNING failures, locked_until"
        );
        let since = window_ms.map(|w| now.0 - w).unwrap_or(i64::MIN);
        let row = sqlx::query(&sql).bind(key).bind(now.0).bind(since).fetch_one(self.pool()).await.map_err(unavailable)?;
        Ok(FailureCounter {
            failures: row.get::<i64, _>("failures").clamp(0, u32::MAX as i64) as u32,
            locked_until: row.get::<Option<i64>, _>("locked_until").map(Timestamp),
        })
    }

    async fn lock_attempts(&self, key: &str, until: Timestamp, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE failure_counters SET locked_until = $2 WHERE lock_key = $1 AND (locked_until IS NULL OR locked_until <= $3)")
            .bind(key)
            .bind(until.0)
            .bind(now.0)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn refund_attempt(&self, key: &str) -> StoreResult<()> {
        sqlx::query("UPDATE failure_counters SET failures = failures - 1 WHERE lock_key = $1 AND failures > 0 AND locked_until IS NULL")
            .bind(key)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn clear_attempts(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM failure_counters WHERE lock_key = $1").bind(key).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn delete_other_sessions_of_person(&self, person_id: i64, keep_token_hash: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE token_hash <> $2 AND link_id IN (SELECT id FROM enterprise_people WHERE person_id = $1)")
            .bind(person_id)
            .bind(keep_token_hash)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        self.session_cache().invalidate();
        Ok(done.rows_affected())
    }

    async fn material_bytes_of(&self, enterprise_id: i64) -> StoreResult<u64> {
        // Copies (重新发起) share their contents: count each stored object once.
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS n FROM \
             (SELECT object_key, MAX(size) AS size FROM materials WHERE enterprise_id = $1 GROUP BY object_key) m",
        )
        .bind(enterprise_id)
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.get::<i64, _>("n").max(0) as u64)
    }

    async fn delete_draft_material(&self, id: i64, enterprise_id: i64) -> StoreResult<DraftDelete> {
        let mut tx = self.begin_write().await?;
        // The owner's status is checked by the DELETE itself: a 提交 that commits
        // first leaves nothing to delete, and one that comes later sees the row gone.
        let deleted = sqlx::query(
            "DELETE FROM materials WHERE id = $1 AND enterprise_id = $2 AND (owner_kind = 'unattached' OR \
               (owner_kind = 'application' AND owner_id IN (SELECT id FROM access_applications WHERE enterprise_id = $2 AND status_code = 'draft'))) \
             RETURNING object_key",
        )
        .bind(id)
        .bind(enterprise_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(unavailable)?;
        let outcome = match deleted {
            Some(row) => {
                let key: String = row.get("object_key");
                let others: i64 = sqlx::query("SELECT COUNT(*) AS n FROM materials WHERE object_key = $1").bind(&key).fetch_one(&mut *tx).await.map_err(unavailable)?.get("n");
                DraftDelete::Deleted((others == 0).then_some(key))
            }
            None => {
                let exists = sqlx::query("SELECT id FROM materials WHERE id = $1 AND enterprise_id = $2").bind(id).bind(enterprise_id).fetch_optional(&mut *tx).await.map_err(unavailable)?;
                if exists.is_some() { DraftDelete::NotDraft } else { DraftDelete::NotFound }
            }
        };
        tx.commit().await.map_err(unavailable)?;
        Ok(outcome)
    }

    async fn purge_unattached_materials(&self, before: Timestamp) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query("DELETE FROM materials WHERE owner_kind = 'unattached' AND created_at < $1 RETURNING object_key")
            .bind(before.0)
            .fetch_all(&mut *tx)
            .await
            .map_err(unavailable)?;
        let mut gone = Vec::new();
        for r in rows {
            let key: String = r.get("object_key");
            let others: i64 = sqlx::query("SELECT COUNT(*) AS n FROM materials WHERE object_key = $1").bind(&key).fetch_one(&mut *tx).await.map_err(unavailable)?.get("n");
            if others == 0 && !gone.contains(&key) {
                gone.push(key);
            }
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(gone)
    }

    async fn verify_audit(&self) -> StoreResult<AuditVerification> {
        crate::store::audit::verify(self.pool()).await.map_err(unavailable)
    }

    async fn prune_audit(&self, before: Timestamp, now: Timestamp) -> StoreResult<u64> {
        crate::store::audit::prune(self.pool(), before, now).await.map_err(unavailable)
    }

    async fn audit_entries(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        crate::store::audit::entries(self.pool(), q).await.map_err(unavailable)
    }
}
