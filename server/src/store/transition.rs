//! The one path every workflow's state change takes (access applications,
//! invitations, 开票人员登记, drafts, batches): in ONE transaction, the guarded
//! update (optimistic version: exactly one row, else `Conflict`), the timeline
//! event when the workflow keeps one, any further writes of the step, and the
//! audit record — committed together or not at all. `commit` takes the audit
//! record, so a state change cannot be stored without one.

use app::audit::rules::AuditRecord;
use app::access::store::ApplicationEvent;
use app::kernel::storage::{StoreError, StoreResult};
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection};

use crate::store::{conflict_or_unavailable, unavailable, SqlStore, WriteTx};

/// The timeline a workflow keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timeline {
    /// `application_events` (access applications)
    Application,
    /// `invitation_events`
    Invitation,
    /// `capability_events` (能力订阅)
    Capability,
    /// `measure_events` (税务管理措施)
    Measure,
    /// `request_events` (资格延续, 事项变更, 终止服务备案)
    Request,
    /// `capability_grant_events` (能力授权)
    Grant,
}

impl Timeline {
    fn insert_sql(self) -> &'static str {
        match self {
            Timeline::Application => {
                "INSERT INTO application_events (application_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            Timeline::Capability => {
                "INSERT INTO capability_events (subscription_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            Timeline::Measure => {
                "INSERT INTO measure_events (measure_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            Timeline::Request => {
                "INSERT INTO request_events (request_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            Timeline::Grant => {
                "INSERT INTO capability_grant_events (grant_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
            Timeline::Invitation => {
                "INSERT INTO invitation_events (invitation_id, at, actor, actor_unit, action, from_status, to_status, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            }
        }
    }
}

/// A state change in progress (an open writing transaction, [`SqlStore::begin_write`]).
pub(crate) struct StateChange<'c> {
    tx: WriteTx,
    _c: std::marker::PhantomData<&'c ()>,
}

pub(crate) type Query<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

impl StateChange<'static> {
    pub async fn begin(store: &SqlStore) -> StoreResult<Self> {
        Ok(StateChange { tx: store.begin_write().await?, _c: std::marker::PhantomData })
    }
}

impl<'c> StateChange<'c> {
    /// The guarded update (`… WHERE id = … AND version = <expected>`): exactly one
    /// row, else somebody moved the record first (`Conflict`).
    pub async fn versioned(&mut self, q: Query<'_>) -> StoreResult<()> {
        let done = q.execute(&mut *self.tx).await.map_err(conflict_or_unavailable)?;
        if done.rows_affected() == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    /// The step in the workflow's timeline.
    pub async fn event(&mut self, timeline: Timeline, id: i64, ev: &ApplicationEvent) -> StoreResult<()> {
        insert_event(&mut self.tx, timeline, id, ev).await
    }

    /// Any further write of the same step (e.g. the unit becoming a direct unit).
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// The messages that tell the parties of this step (【消息中心】), in the same
    /// transaction: no message for a step that was rolled back, none lost for one that was not.
    pub async fn messages(&mut self, messages: &[app::message::rules::NewMessage]) -> StoreResult<()> {
        crate::store::message::insert(&mut self.tx, messages).await.map(|_| ())
    }

    /// Writes the audit record and commits; a failing audit insert rolls everything back.
    pub async fn commit(mut self, audit: &AuditRecord) -> StoreResult<()> {
        insert_audit(&mut self.tx, audit).await?;
        self.tx.commit().await.map_err(unavailable)
    }
}

/// A timeline entry inside a state change (also another workflow's, e.g. the grants a
/// binding creates).
pub(crate) async fn insert_event(conn: &mut AnyConnection, timeline: Timeline, id: i64, ev: &ApplicationEvent) -> StoreResult<()> {
        sqlx::query(timeline.insert_sql())
            .bind(id)
            .bind(ev.at.0)
            .bind(&ev.actor)
            .bind(&ev.actor_unit)
            .bind(&ev.action)
            .bind(&ev.from)
            .bind(&ev.to)
            .bind(&ev.reason)
            .execute(&mut *conn)
            .await
            .map_err(unavailable)?;
        Ok(())
}

/// The one audit insert (inside a state change, or on its own for events that
/// change nothing, e.g. a failed login).
pub(crate) async fn insert_audit(conn: &mut AnyConnection, a: &AuditRecord) -> StoreResult<()> {
    // Chained to the day's previous record (issue #14): `store::audit::insert` is the one writer.
    crate::store::audit::insert(conn, a).await.map_err(unavailable)?;
    Ok(())
}
