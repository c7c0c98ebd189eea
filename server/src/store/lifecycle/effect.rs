//! The lifecycle's side of cross-workflow effects (`server::store::effects`): the end of a
//! unit's service (its bindings end by the effect that follows).

use app::kernel::storage::StoreResult;
use app::kernel::ExitRecord;

use crate::store::transition::StateChange;
use crate::store::unavailable;

/// The end of a unit's service inside a state change (`Effect::EndService`: the scheduler's
/// 到期终止 and 终止服务, and 责令退出 taking effect): the unit is no longer a direct unit
/// (exactly once, else `Conflict`), the exit record is written and any reduced concurrency
/// dropped. Its bindings end by the effect that follows (`Effect::EndBindings`, the invitation's).
pub(crate) async fn end_service_in(change: &mut StateChange<'_>, enterprise_id: i64, exit: &ExitRecord) -> StoreResult<()> {
    change
        .versioned(
            sqlx::query("UPDATE enterprises SET direct_unit_type = NULL, qualification_end = NULL, terminating_on = NULL WHERE id = $1 AND direct_unit_type IS NOT NULL")
                .bind(enterprise_id),
        )
        .await?;
    sqlx::query("INSERT INTO unit_exits (enterprise_id, kind, filed_at, effective_at) VALUES ($1, $2, $3, $4)")
        .bind(enterprise_id)
        .bind(exit.kind.code())
        .bind(exit.filed_at.0)
        .bind(exit.effective_at.0)
        .execute(change.conn())
        .await
        .map_err(unavailable)?;
    sqlx::query("DELETE FROM api_rate_limits WHERE enterprise_id = $1").bind(enterprise_id).execute(change.conn()).await.map_err(unavailable)?;
    Ok(())
}
