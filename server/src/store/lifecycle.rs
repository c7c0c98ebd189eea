//! Storage of the qualification lifecycle (see `app::lifecycle::store::LifecycleStore`):
//! requests with their timeline, the exit record, reminders, the per-unit API
//! rate limit, and the end of a unit's service. Every change goes through
//! `StateChange` (state + timeline + audit in one transaction).

use app::audit::rules::AuditRecord;
use app::effect::Effect;
use app::lifecycle::rules::{RequestBody, RequestStatus};
use app::kernel::ExitRecord;
use app::message::rules::NewMessage;
use app::kernel::Timestamp;
use app::access::store::*;
use app::kernel::storage::*;
use app::lifecycle::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, corrupt, unavailable, SqlStore};
use crate::store::transition::{StateChange, Timeline};

/// The lifecycle's side of the effects other workflows' steps have (`Effect::EndService`),
/// reached by the dispatcher without an import cycle.
pub(crate) mod effect;

const REQ_SELECT: &str = "SELECT id, enterprise_id, tax_office_id, body, status, granted_end, version, created_at FROM lifecycle_requests";

fn request(r: AnyRow) -> StoreResult<StoredRequest> {
    let body: String = r.get("body");
    let status: String = r.get("status");
    Ok(StoredRequest {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        tax_office_id: r.get("tax_office_id"),
        body: serde_json::from_str(&body).map_err(|e| corrupt("request body", e))?,
        status: serde_json::from_str(&status).map_err(|e| corrupt("request status", e))?,
        granted_end: r.get("granted_end"),
        version: r.get("version"),
        created_at: Timestamp(r.get("created_at")),
    })
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serializes")
}

#[async_trait]
impl LifecycleStore for SqlStore {
    async fn file_request(&self, enterprise_id: i64, tax_office_id: i64, body: &RequestBody, terminating_on: Option<&str>, material: Option<i64>, ev: &ApplicationEvent, audit: &AuditRecord) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        let status = RequestStatus::PendingAcceptance;
        let row = sqlx::query(
            "INSERT INTO lifecycle_requests (enterprise_id, tax_office_id, kind, body, status, status_code, is_open, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id",
        )
        .bind(enterprise_id)
        .bind(tax_office_id)
        .bind(body.kind().code())
        .bind(json(body))
        .bind(json(&status))
        .bind(status.code())
        .bind(ev.at.0)
        .fetch_one(change.conn())
        .await
        .map_err(conflict_or_unavailable)?;
        let id: i64 = row.get("id");
        change.event(Timeline::Request, id, ev).await?;
        if let Some(m) = material {
            if !crate::store::materials::attach_in(change.conn(), m, enterprise_id, app::materials::rules::MaterialOwner::Request(id)).await? {
                return Err(StoreError::Conflict);
            }
        }
        if let Some(end) = terminating_on {
            change
                .versioned(
                    sqlx::query("UPDATE enterprises SET terminating_on = $1 WHERE id = $2 AND terminating_on IS NULL AND direct_unit_type IS NOT NULL")
                        .bind(end)
                        .bind(enterprise_id),
                )
                .await?;
        }
        change.commit(audit).await?;
        Ok(id)
    }

    async fn request(&self, id: i64) -> StoreResult<Option<StoredRequest>> {
        let row = sqlx::query(&format!("{REQ_SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(request).transpose()
    }

    async fn requests_of(&self, enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredRequest>> {
        let rows = sqlx::query(&format!("{REQ_SELECT} WHERE enterprise_id = $1 ORDER BY id DESC LIMIT $2"))
            .bind(enterprise_id)
            .bind(limit as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(request).collect()
    }

    async fn request_events(&self, request_id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM request_events WHERE request_id = $1 ORDER BY id")
            .bind(request_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(crate::store::access::event).collect())
    }

    async fn request_queue(&self, status_code: &str, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredRequest>> {
        let rows = sqlx::query(&format!("{REQ_SELECT} WHERE status_code = $1 AND tax_office_id = $2 ORDER BY id LIMIT $3"))
            .bind(status_code)
            .bind(tax_office_id)
            .bind(limit as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(request).collect()
    }

    async fn decide_request(&self, id: i64, expected_version: i64, to: &RequestStatus, granted_end: Option<&str>, effect: Option<&RequestEffect>, ev: &ApplicationEvent, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        change
            .versioned(
                sqlx::query(
                    "UPDATE lifecycle_requests SET status = $1, status_code = $2, is_open = $3, granted_end = COALESCE($4, granted_end), \
                            version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
                )
                .bind(json(to))
                .bind(to.code())
                .bind(to.is_open() as i64)
                .bind(granted_end)
                .bind(ev.at.0)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        change.event(Timeline::Request, id, ev).await?;
        let unit = "(SELECT enterprise_id FROM lifecycle_requests WHERE id = $1)";
        match effect {
            Some(RequestEffect::NewTerm(end)) => {
                sqlx::query(&format!("UPDATE enterprises SET qualification_end = $2 WHERE id = {unit}"))
                    .bind(id)
                    .bind(end)
                    .execute(change.conn())
                    .await
                    .map_err(unavailable)?;
                sqlx::query(&format!("DELETE FROM api_rate_limits WHERE enterprise_id = {unit}")).bind(id).execute(change.conn()).await.map_err(unavailable)?;
            }
            Some(RequestEffect::FiledIps { production, test }) => {
                sqlx::query(&format!("UPDATE enterprises SET filed_production_ips = $2, filed_test_ips = $3 WHERE id = {unit}"))
                    .bind(id)
                    .bind(production)
                    .bind(test)
                    .execute(change.conn())
                    .await
                    .map_err(unavailable)?;
            }
            Some(RequestEffect::TerminationWithdrawn) => {
                sqlx::query(&format!("UPDATE enterprises SET terminating_on = NULL WHERE id = {unit}")).bind(id).execute(change.conn()).await.map_err(unavailable)?;
            }
            None => {}
        }
        change.messages(messages).await?;
        change.commit(audit).await?;
        Ok(expected_version + 1)
    }

    async fn filed_ips_override(&self, enterprise_id: i64) -> StoreResult<Option<(String, String)>> {
        let row = sqlx::query("SELECT filed_production_ips, filed_test_ips FROM enterprises WHERE id = $1")
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.and_then(|r| match (r.get::<Option<String>, _>("filed_production_ips"), r.get::<Option<String>, _>("filed_test_ips")) {
            (Some(p), Some(t)) => Some((p, t)),
            _ => None,
        }))
    }

    async fn lifecycle_units(&self) -> StoreResult<Vec<LifecycleUnit>> {
        let rows = sqlx::query(
            "SELECT e.id, e.name, e.qualification_end, e.terminating_on, l.per_minute FROM enterprises e \
             LEFT JOIN api_rate_limits l ON l.enterprise_id = e.id WHERE e.direct_unit_type IS NOT NULL ORDER BY e.id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(rows
            .iter()
            .map(|r| LifecycleUnit {
                enterprise_id: r.get("id"),
                name: r.get("name"),
                qualification_end: r.get("qualification_end"),
                terminating_on: r.get("terminating_on"),
                throttled: r.get::<Option<i64>, _>("per_minute").is_some(),
            })
            .collect())
    }

    async fn reminders_sent(&self, enterprise_id: i64, term_end: &str) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT kind FROM lifecycle_reminders WHERE enterprise_id = $1 AND term_end = $2")
            .bind(enterprise_id)
            .bind(term_end)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(|r| r.get("kind")).collect())
    }

    async fn record_reminder(&self, enterprise_id: i64, term_end: &str, code: &str, now: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<bool> {
        let mut change = StateChange::begin(self).await?;
        let done = sqlx::query("INSERT INTO lifecycle_reminders (enterprise_id, term_end, kind, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
            .bind(enterprise_id)
            .bind(term_end)
            .bind(code)
            .bind(now.0)
            .execute(change.conn())
            .await
            .map_err(unavailable)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        change.messages(messages).await?;
        change.commit(audit).await?;
        Ok(true)
    }

    async fn set_rate_limit(&self, enterprise_id: i64, per_minute: Option<i64>, now: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<()> {
        let mut change = StateChange::begin(self).await?;
        match per_minute {
            Some(n) => {
                change
                    .versioned(
                        sqlx::query("INSERT INTO api_rate_limits (enterprise_id, per_minute, since) VALUES ($1, $2, $3) ON CONFLICT (enterprise_id) DO NOTHING")
                            .bind(enterprise_id)
                            .bind(n)
                            .bind(now.0),
                    )
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM api_rate_limits WHERE enterprise_id = $1").bind(enterprise_id).execute(change.conn()).await.map_err(unavailable)?;
            }
        }
        change.messages(messages).await?;
        change.commit(audit).await
    }

    async fn rate_limit(&self, enterprise_id: i64) -> StoreResult<Option<i64>> {
        let row = sqlx::query("SELECT per_minute FROM api_rate_limits WHERE enterprise_id = $1")
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| r.get("per_minute")))
    }

    async fn count_api_call(&self, enterprise_id: i64, window_start: Timestamp) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO api_rate_counters (enterprise_id, window_start, n) VALUES ($1, $2, 1) \
             ON CONFLICT (enterprise_id, window_start) DO UPDATE SET n = api_rate_counters.n + 1 RETURNING n",
        )
        .bind(enterprise_id)
        .bind(window_start.0)
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        // Old windows are of no use: drop them now and then (cheap, indexed by the key).
        sqlx::query("DELETE FROM api_rate_counters WHERE enterprise_id = $1 AND window_start < $2")
            .bind(enterprise_id)
            .bind(window_start.0)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.get("n"))
    }

    async fn end_service(&self, enterprise_id: i64, exit: &ExitRecord, actor: &str, reason: &str, audit: &AuditRecord, messages: &[NewMessage], to_use_units: Option<&NewMessage>) -> StoreResult<u32> {
        let mut change = StateChange::begin(self).await?;
        let mut effects: Vec<Effect> = messages.iter().cloned().map(Effect::Tell).collect();
        effects.push(Effect::EndService { enterprise_id, exit: *exit, by: actor.to_string(), reason: reason.to_string(), tell_use_units: to_use_units.cloned() });
        let applied = crate::store::effects::apply(&mut change, &effects).await?;
        change.commit(audit).await?;
        Ok(applied.bindings_ended)
    }
}

