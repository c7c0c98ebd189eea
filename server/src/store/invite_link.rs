//! Storage of 邀请链接, the SMS queue, miss counters and job leases (see
//! `app::invite_link::store::InviteLinkStore`). Every write is one statement, so several
//! server processes on one database never step on each other.

use app::invite_link::rules::InviteLink;
use app::kernel::Timestamp;
use app::invite_link::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, unavailable, SqlStore};

const LINK_COLUMNS: &str = "invitation_id, salt, for_status, issued_at, expires_at";

fn link(r: AnyRow) -> InviteLink {
    InviteLink {
        invitation_id: r.get("invitation_id"),
        salt: r.get("salt"),
        for_status: r.get("for_status"),
        issued_at: Timestamp(r.get("issued_at")),
        expires_at: Timestamp(r.get("expires_at")),
    }
}

/// The needs-the-use-unit statuses, as stored in `invitations.status_code`.
const WAITING: &str = "('awaiting_response', 'awaiting_authorization')";

/// Stores the link of its invitation over the one before, when `only_if` allows; true when written.
async fn upsert_link(store: &SqlStore, l: &InviteLink, token_hash: &str, only_if: &str) -> StoreResult<bool> {
    let done = sqlx::query(&format!(
        "INSERT INTO invitation_links (invitation_id, salt, token_hash, for_status, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (invitation_id) DO UPDATE SET salt = excluded.salt, token_hash = excluded.token_hash, \
         for_status = excluded.for_status, issued_at = excluded.issued_at, expires_at = excluded.expires_at{only_if}"
    ))
    .bind(l.invitation_id)
    .bind(&l.salt)
    .bind(token_hash)
    .bind(&l.for_status)
    .bind(l.issued_at.0)
    .bind(l.expires_at.0)
    .execute(store.pool())
    .await
    .map_err(conflict_or_unavailable)?;
    Ok(done.rows_affected() > 0)
}

#[async_trait]
impl InviteLinkStore for SqlStore {
    async fn put_invite_link(&self, l: &InviteLink, token_hash: &str) -> StoreResult<()> {
        upsert_link(self, l, token_hash, "").await.map(|_| ())
    }

    async fn add_invite_link(&self, l: &InviteLink, token_hash: &str) -> StoreResult<bool> {
        upsert_link(self, l, token_hash, " WHERE invitation_links.for_status <> excluded.for_status").await
    }

    async fn invite_link(&self, invitation_id: i64) -> StoreResult<Option<InviteLink>> {
        let row = sqlx::query(&format!("SELECT {LINK_COLUMNS} FROM invitation_links WHERE invitation_id = $1"))
            .bind(invitation_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(link))
    }

    async fn invite_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<InviteLink>> {
        let row = sqlx::query(&format!("SELECT {LINK_COLUMNS} FROM invitation_links WHERE token_hash = $1"))
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(link))
    }

    async fn invitations_without_link(&self, limit: u32) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query(&format!(
            "SELECT i.id FROM invitations i WHERE i.status_code IN {WAITING} AND NOT EXISTS \
             (SELECT 1 FROM invitation_links l WHERE l.invitation_id = i.id AND l.for_status = i.status_code) ORDER BY i.id LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| r.get("id")).collect())
    }

    async fn queue_invite_sms(&self, invitation_id: i64, phone: &str, day: i64, text: &str, now: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO sms_queue (invitation_id, phone, sms_day, text, attempts, queued_at) VALUES ($1, $2, $3, $4, 0, $5) \
             ON CONFLICT (invitation_id, phone, sms_day) DO NOTHING",
        )
        .bind(invitation_id)
        .bind(phone)
        .bind(day)
        .bind(text)
        .bind(now.0)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn queued_sms(&self, limit: u32, max_attempts: u32) -> StoreResult<Vec<QueuedSms>> {
        let rows = sqlx::query("SELECT id, phone, text, attempts FROM sms_queue WHERE sent_at IS NULL AND attempts < $1 ORDER BY id LIMIT $2")
            .bind(i64::from(max_attempts))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| QueuedSms { id: r.get("id"), phone: r.get("phone"), text: r.get("text"), attempts: r.get::<i64, _>("attempts") as u32 })
            .collect())
    }

    async fn sms_sent(&self, id: i64, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sms_queue SET sent_at = $1, text = '' WHERE id = $2").bind(now.0).bind(id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn sms_failed(&self, id: i64, _now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sms_queue SET attempts = attempts + 1 WHERE id = $1").bind(id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn count_link_miss(&self, key: &str, now: Timestamp) -> StoreResult<u32> {
        let row = sqlx::query(
            "INSERT INTO miss_counters (counter_key, n, updated_at) VALUES ($1, 1, $2) \
             ON CONFLICT (counter_key) DO UPDATE SET n = miss_counters.n + 1, updated_at = excluded.updated_at RETURNING n",
        )
        .bind(key)
        .bind(now.0)
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.get::<i64, _>("n") as u32)
    }

    async fn take_lease(&self, job: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO job_leases (job, holder, held_until) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until \
             WHERE job_leases.held_until <= $4 OR job_leases.holder = excluded.holder",
        )
        .bind(job)
        .bind(holder)
        .bind(until.0)
        .bind(now.0)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }
}
