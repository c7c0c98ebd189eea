//! Storage of 开票人员登记 (see `app::invoicers::store::InvoicerStore`).

use app::audit::rules::AuditRecord;
use app::invoicers::rules::RegistrationState;
use app::kernel::Timestamp;
use app::invoicers::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, unavailable, SqlStore};
use crate::store::transition::StateChange;

const COLUMNS: &str = "id, invitation_id, use_enterprise_id, direct_enterprise_id, link_id, person_name, registered_by, registered_at, \
     active, ended_by, ended_reason, ended_at, version";

fn registration(r: AnyRow) -> StoredRegistration {
    let state = if r.get::<i64, _>("active") != 0 {
        RegistrationState::Registered
    } else {
        RegistrationState::Unregistered {
            by: r.get::<Option<String>, _>("ended_by").unwrap_or_default(),
            reason: r.get::<Option<String>, _>("ended_reason").unwrap_or_default(),
            at: Timestamp(r.get::<Option<i64>, _>("ended_at").unwrap_or_default()),
        }
    };
    StoredRegistration {
        id: r.get("id"),
        invitation_id: r.get("invitation_id"),
        use_enterprise_id: r.get("use_enterprise_id"),
        direct_enterprise_id: r.get("direct_enterprise_id"),
        link_id: r.get("link_id"),
        person_name: r.get("person_name"),
        registered_by: r.get("registered_by"),
        registered_at: Timestamp(r.get("registered_at")),
        state,
        version: r.get("version"),
    }
}

/// One registration, inside the caller's transaction (授权 registers its 开票员 with the transition).
pub(crate) async fn insert(conn: &mut sqlx::AnyConnection, r: &NewRegistration, now: Timestamp) -> StoreResult<i64> {
    let row = sqlx::query(
        "INSERT INTO invoicer_registrations (invitation_id, use_enterprise_id, direct_enterprise_id, link_id, person_name, registered_by, \
         registered_at, active, version, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1, $8) RETURNING id",
    )
    .bind(r.invitation_id)
    .bind(r.use_enterprise_id)
    .bind(r.direct_enterprise_id)
    .bind(r.link_id)
    .bind(&r.person_name)
    .bind(&r.registered_by)
    .bind(now.0)
    .bind(now.0)
    .fetch_one(conn)
    .await
    .map_err(conflict_or_unavailable)?;
    Ok(row.get("id"))
}

#[async_trait]
impl InvoicerStore for SqlStore {
    async fn registrations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredRegistration>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM invoicer_registrations WHERE use_enterprise_id = $1 ORDER BY id DESC LIMIT 1000"))
            .bind(use_enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(registration).collect())
    }

    async fn registration(&self, id: i64) -> StoreResult<Option<StoredRegistration>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM invoicer_registrations WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.map(registration))
    }

    async fn register_invoicer(&self, r: &NewRegistration, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        let id = insert(change.conn(), r, now).await?;
        change.commit(audit).await?;
        Ok(id)
    }

    async fn end_registration(&self, id: i64, expected_version: i64, to: &RegistrationState, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64> {
        let RegistrationState::Unregistered { by, reason, at } = to else {
            return Err(StoreError::Unavailable("a registration can only be ended".into()));
        };
        let mut change = StateChange::begin(self).await?;
        change
            .versioned(
                sqlx::query(
                    "UPDATE invoicer_registrations SET active = 0, ended_by = $1, ended_reason = $2, ended_at = $3, version = version + 1, updated_at = $4 \
                     WHERE id = $5 AND version = $6 AND active = 1",
                )
                .bind(by)
                .bind(reason)
                .bind(at.0)
                .bind(now.0)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        change.commit(audit).await?;
        Ok(expected_version + 1)
    }
}
