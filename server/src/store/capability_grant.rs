//! Storage of 能力授权 (see `app::capability::store::CapabilityStore`'s grant methods). Every change
//! is one `StateChange`: the grant row at its version (or its insert), its
//! `capability_grant_events` entry and the audit record. The helpers `insert_in` and
//! `end_in` run inside another workflow's state change: the binding's, through the effects
//! dispatcher (`Effect::GrantPending` at 确认通过, `Effect::EndGrants` at 解除绑定), and the
//! subscription's (expiry).

use app::capability_grant::rules::GrantStatus;
use app::kernel::Timestamp;
use app::access::store::*;
use app::capability::store::*;
use app::kernel::storage::*;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::store::{conflict_or_unavailable, corrupt, unavailable, SqlStore};
use crate::store::transition::{insert_event, StateChange, Timeline};

const COLUMNS: &str = "id, invitation_id, direct_enterprise_id, use_enterprise_id, capability_code, status, version, created_at, updated_at";

fn grant(r: AnyRow) -> StoreResult<StoredGrant> {
    let status: String = r.get("status");
    Ok(StoredGrant {
        id: r.get("id"),
        invitation_id: r.get("invitation_id"),
        direct_enterprise_id: r.get("direct_enterprise_id"),
        use_enterprise_id: r.get("use_enterprise_id"),
        capability_code: r.get("capability_code"),
        status: serde_json::from_str(&status).map_err(|e| corrupt("grant status", e))?,
        version: r.get("version"),
        created_at: Timestamp(r.get("created_at")),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn status_json(s: &GrantStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

/// A new pending grant and its first timeline entry, inside an open state change.
pub(crate) async fn insert_in(conn: &mut AnyConnection, g: &NewGrant, now: Timestamp) -> StoreResult<i64> {
    let pending = GrantStatus::Pending;
    // The partial unique index (binding, capability) WHERE active turns a second active grant into Conflict.
    let id: i64 = sqlx::query(
        "INSERT INTO capability_grants (invitation_id, direct_enterprise_id, use_enterprise_id, capability_code, status, status_code, active, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, 1, $7, $7) RETURNING id",
    )
    .bind(g.invitation_id)
    .bind(g.direct_enterprise_id)
    .bind(g.use_enterprise_id)
    .bind(g.capability_code.clone())
    .bind(status_json(&pending))
    .bind(pending.code())
    .bind(now.0)
    .fetch_one(&mut *conn)
    .await
    .map_err(conflict_or_unavailable)?
    .get("id");
    insert_event(conn, Timeline::Grant, id, &g.event).await?;
    Ok(id)
}

/// Which active grants end.
pub(crate) enum EndScope<'a> {
    /// Of one binding (解除绑定).
    Invitation(i64),
    /// Of one capability of a direct unit (expiry).
    Capability { direct_enterprise_id: i64, code: &'a str },
}

/// Ends the active grants in `scope` (已终止), each with its timeline entry, inside an open
/// state change. Returns how many ended.
pub(crate) async fn end_in(conn: &mut AnyConnection, scope: EndScope<'_>, ending: &GrantEnding) -> StoreResult<usize> {
    let rows = match scope {
        EndScope::Invitation(id) => sqlx::query(&format!("SELECT {COLUMNS} FROM capability_grants WHERE invitation_id = $1 AND active = 1 ORDER BY id")).bind(id).fetch_all(&mut *conn).await,
        EndScope::Capability { direct_enterprise_id, code } => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM capability_grants WHERE direct_enterprise_id = $1 AND capability_code = $2 AND active = 1 ORDER BY id"))
                .bind(direct_enterprise_id)
                .bind(code.to_string())
                .fetch_all(&mut *conn)
                .await
        }
    }
    .map_err(unavailable)?;
    let grants: Vec<StoredGrant> = rows.into_iter().map(grant).collect::<StoreResult<_>>()?;
    for g in &grants {
        sqlx::query("UPDATE capability_grants SET status = $1, status_code = $2, active = 0, version = version + 1, updated_at = $3 WHERE id = $4")
            .bind(status_json(&ending.to))
            .bind(ending.to.code())
            .bind(ending.event.at.0)
            .bind(g.id)
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
        let ev = ApplicationEvent { from: g.status.label().to_string(), ..ending.event.clone() };
        insert_event(conn, Timeline::Grant, g.id, &ev).await?;
    }
    Ok(grants.len())
}

impl SqlStore {
    pub(crate) async fn grants_where(&self, column: &str, id: i64) -> StoreResult<Vec<StoredGrant>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_grants WHERE {column} = $1 ORDER BY id DESC LIMIT 2000"))
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(grant).collect()
    }

    pub(crate) async fn grant_by_id(&self, id: i64) -> StoreResult<Option<StoredGrant>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_grants WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(grant).transpose()
    }

    pub(crate) async fn create_grants_tx(&self, grants: &[NewGrant], messages: &[app::message::rules::NewMessage], audit: &app::audit::rules::AuditRecord, now: Timestamp) -> StoreResult<Vec<i64>> {
        let mut sc = StateChange::begin(self).await?;
        let mut ids = Vec::with_capacity(grants.len());
        for g in grants {
            ids.push(insert_in(sc.conn(), g, now).await?);
        }
        sc.messages(messages).await?;
        sc.commit(audit).await?;
        Ok(ids)
    }

    pub(crate) async fn transition_grant_tx(&self, id: i64, version: i64, c: &GrantChange<'_>, now: Timestamp) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        sc.versioned(
            sqlx::query("UPDATE capability_grants SET status = $1, status_code = $2, active = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6")
                .bind(status_json(c.to))
                .bind(c.to.code())
                .bind(c.to.is_active() as i64)
                .bind(now.0)
                .bind(id)
                .bind(version),
        )
        .await?;
        sc.event(Timeline::Grant, id, c.event).await?;
        sc.messages(c.messages).await?;
        sc.commit(c.audit).await?;
        Ok(version + 1)
    }

    pub(crate) async fn grant_events_of(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM capability_grant_events WHERE grant_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(crate::store::access::event).collect())
    }
}
