//! The invitation's side of cross-workflow effects (`server::store::effects`): the bindings
//! of a direct unit whose service ends, each by the invitation rules' own transition.

use app::access::store::ApplicationEvent;
use app::invitation::rules::{self as inv, InvitationStatus};
use app::kernel::storage::StoreResult;
use app::kernel::Timestamp;
use sqlx::Row;

use crate::store::invitation::status_json;
use crate::store::transition::{StateChange, Timeline};
use crate::store::{corrupt, unavailable};

/// `Effect::EndBindings` (the direct unit's service ends): every open invitation of the direct
/// unit takes the invitation rules' own transition (`end_binding`), each at its version with
/// its timeline step, inside the open state change. Returns the use unit of each ended one.
pub(crate) async fn end_bindings_in(change: &mut StateChange<'_>, direct_enterprise_id: i64, by: &str, reason: &str, at: Timestamp) -> StoreResult<Vec<i64>> {
    let open = sqlx::query("SELECT id, status, version, use_enterprise_id FROM invitations WHERE direct_enterprise_id = $1 AND active = 1 ORDER BY id")
        .bind(direct_enterprise_id)
        .fetch_all(change.conn())
        .await
        .map_err(unavailable)?;
    let mut use_units = Vec::with_capacity(open.len());
    for r in &open {
        let id: i64 = r.get("id");
        let from: InvitationStatus = serde_json::from_str(&r.get::<String, _>("status")).map_err(|e| corrupt("invitation status", e))?;
        let to = inv::end_binding(&from, by, reason).map_err(|e| corrupt("invitation status", format!("invitation {id}: {e}")))?;
        change
            .versioned(
                sqlx::query("UPDATE invitations SET status = $1, status_code = $2, active = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6")
                    .bind(status_json(&to))
                    .bind(to.code())
                    .bind(to.is_open() as i64)
                    .bind(at.0)
                    .bind(id)
                    .bind(r.get::<i64, _>("version")),
            )
            .await?;
        let ev = ApplicationEvent {
            at,
            actor: by.to_string(),
            actor_unit: String::new(),
            action: inv::SERVICE_ENDED_EVENT.into(),
            from: from.label().into(),
            to: to.label().into(),
            reason: to.reason().map(str::to_string),
        };
        change.event(Timeline::Invitation, id, &ev).await?;
        use_units.push(r.get::<i64, _>("use_enterprise_id"));
    }
    Ok(use_units)
}
