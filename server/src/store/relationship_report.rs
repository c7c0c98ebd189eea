//! Storage of 关系变化报告 (see `app::lifecycle::store::RelationshipReportStore`): written with the
//! invitation step that ended the binding (`insert_in`), then each step — 【报告】 by the unit,
//! 已逾期 by the scheduler — one `StateChange` (row at its version, messages, audit record).

use app::audit::rules::AuditRecord;
use app::lifecycle::rules::ReportStatus;
use app::message::rules::NewMessage;
use app::kernel::Timestamp;
use app::kernel::storage::*;
use app::lifecycle::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{corrupt, unavailable, SqlStore};
use crate::store::transition::StateChange;

const SELECT: &str = "SELECT id, enterprise_id, tax_office_id, invitation_id, use_unit_name, use_credit_code, what_changed, changed_on, due, status, reported_by, version, updated_at FROM relationship_reports";

fn report(r: AnyRow) -> StoreResult<StoredRelationshipReport> {
    let status: String = r.get("status");
    Ok(StoredRelationshipReport {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        tax_office_id: r.get("tax_office_id"),
        invitation_id: r.get("invitation_id"),
        use_unit_name: r.get("use_unit_name"),
        use_credit_code: r.get("use_credit_code"),
        what_changed: r.get("what_changed"),
        changed_on: r.get("changed_on"),
        due: r.get("due"),
        status: serde_json::from_str(&status).map_err(|e| corrupt("report status", e))?,
        reported_by: r.get("reported_by"),
        version: r.get("version"),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn status_json(s: &ReportStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

/// The report a binding's end owes, inside that step's transaction (once per invitation).
pub(crate) async fn insert_in(conn: &mut sqlx::AnyConnection, n: &NewRelationshipReport, at: Timestamp) -> StoreResult<()> {
    let s = ReportStatus::Pending;
    sqlx::query(
        "INSERT INTO relationship_reports (enterprise_id, tax_office_id, invitation_id, use_unit_name, use_credit_code, what_changed, changed_on, due, status, status_code, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11) ON CONFLICT (invitation_id) DO NOTHING",
    )
    .bind(n.enterprise_id)
    .bind(n.tax_office_id)
    .bind(n.invitation_id)
    .bind(&n.use_unit_name)
    .bind(&n.use_credit_code)
    .bind(&n.what_changed)
    .bind(&n.changed_on)
    .bind(&n.due)
    .bind(status_json(&s))
    .bind(s.code())
    .bind(at.0)
    .execute(conn)
    .await
    .map_err(unavailable)?;
    Ok(())
}

#[async_trait]
impl RelationshipReportStore for SqlStore {
    async fn relationship_report(&self, id: i64) -> StoreResult<Option<StoredRelationshipReport>> {
        sqlx::query(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?.map(report).transpose()
    }

    async fn relationship_reports_of(&self, enterprise_id: i64, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>> {
        let sql = format!("{SELECT} WHERE enterprise_id = $1 ORDER BY CASE WHEN status_code IN ('pending', 'overdue') THEN 0 ELSE 1 END, id DESC LIMIT {}", limit.clamp(1, 500));
        sqlx::query(&sql).bind(enterprise_id).fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(report).collect()
    }

    async fn relationship_reports_overdue(&self, day: &str, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>> {
        let sql = format!("{SELECT} WHERE status_code = 'pending' AND due < $1 ORDER BY id LIMIT {}", limit.clamp(1, 1000));
        sqlx::query(&sql).bind(day).fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(report).collect()
    }

    async fn relationship_reports_flagged(&self, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredRelationshipReport>> {
        let sql = format!("{SELECT} WHERE tax_office_id = $1 AND status_code IN ('overdue', 'reported_late') ORDER BY id DESC LIMIT {}", limit.clamp(1, 500));
        sqlx::query(&sql).bind(tax_office_id).fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(report).collect()
    }

    async fn transition_relationship_report(&self, id: i64, version: i64, to: &ReportStatus, reported_by: Option<&str>, at: Timestamp, audit: &AuditRecord, messages: &[NewMessage]) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        sc.versioned(
            sqlx::query("UPDATE relationship_reports SET status = $1, status_code = $2, reported_by = COALESCE($3, reported_by), version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6")
                .bind(status_json(to))
                .bind(to.code())
                .bind(reported_by)
                .bind(at.0)
                .bind(id)
                .bind(version),
        )
        .await?;
        sc.messages(messages).await?;
        sc.commit(audit).await?;
        Ok(version + 1)
    }
}
