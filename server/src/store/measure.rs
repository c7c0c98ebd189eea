//! Storage of 税务管理措施 (see `app::measure::store::MeasureStore`): taking a measure and each of its
//! steps is one `StateChange` (row at its version, timeline, messages, audit record).

use app::materials::rules::MaterialOwner;
use app::measure::rules::{MeasureKind, MeasureStatus};
use app::kernel::Timestamp;
use app::access::store::*;
use app::kernel::storage::*;
use app::measure::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{corrupt, unavailable, SqlStore};
use crate::store::transition::{StateChange, Timeline};

const COLUMNS: &str = "id, enterprise_id, tax_office_id, province_code, kind, status, note, issued_by, issued_at, version, updated_at";

fn measure(r: AnyRow) -> StoreResult<StoredMeasure> {
    let kind: String = r.get("kind");
    let status: String = r.get("status");
    Ok(StoredMeasure {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        tax_office_id: r.get("tax_office_id"),
        province_code: r.get("province_code"),
        kind: MeasureKind::from_code(&kind).ok_or_else(|| corrupt("measure kind", &kind))?,
        status: serde_json::from_str(&status).map_err(|e| corrupt("measure status", e))?,
        note: r.get("note"),
        issued_by: r.get("issued_by"),
        issued_at: Timestamp(r.get("issued_at")),
        version: r.get("version"),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn status_json(s: &MeasureStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

#[async_trait]
impl MeasureStore for SqlStore {
    async fn create_measure(&self, m: &NewMeasure, c: &MeasureChange<'_>) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO measures (enterprise_id, tax_office_id, province_code, kind, status, status_code, note, issued_by, issued_at, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10) RETURNING id",
        )
        .bind(m.enterprise_id)
        .bind(m.tax_office_id)
        .bind(&m.province_code)
        .bind(m.kind.code())
        .bind(status_json(c.to))
        .bind(c.to.code())
        .bind(&m.note)
        .bind(&m.issued_by)
        .bind(m.issued_at.0)
        .bind(m.issued_at.0)
        .fetch_one(sc.conn())
        .await
        .map_err(unavailable)?
        .get("id");
        sc.event(Timeline::Measure, id, c.event).await?;
        // 责令退出 takes effect (`Effect::EndService`): the unit exits, its bindings end, its use units are told.
        crate::store::effects::apply(&mut sc, c.effects).await?;
        sc.commit(c.audit).await?;
        Ok(id)
    }

    async fn measure(&self, id: i64) -> StoreResult<Option<StoredMeasure>> {
        let sql = format!("SELECT {COLUMNS} FROM measures WHERE id = $1");
        sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?.map(measure).transpose()
    }

    async fn measures_of(&self, enterprise_id: i64) -> StoreResult<Vec<StoredMeasure>> {
        let sql = format!("SELECT {COLUMNS} FROM measures WHERE enterprise_id = $1 ORDER BY id DESC LIMIT 200");
        sqlx::query(&sql).bind(enterprise_id).fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(measure).collect()
    }

    async fn measure_queue(&self, tax_office_id: i64, status_code: &str, limit: u32) -> StoreResult<Vec<StoredMeasure>> {
        let sql = format!("SELECT {COLUMNS} FROM measures WHERE tax_office_id = $1 AND status_code = $2 ORDER BY id LIMIT {}", limit.clamp(1, 500));
        sqlx::query(&sql).bind(tax_office_id).bind(status_code).fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(measure).collect()
    }

    async fn transition_measure(&self, id: i64, version: i64, c: &MeasureChange<'_>) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        sc.versioned(
            sqlx::query("UPDATE measures SET status = $1, status_code = $2, version = version + 1, updated_at = $3 WHERE id = $4 AND version = $5")
                .bind(status_json(c.to))
                .bind(c.to.code())
                .bind(c.event.at.0)
                .bind(id)
                .bind(version),
        )
        .await?;
        sc.event(Timeline::Measure, id, c.event).await?;
        let unit: i64 = sqlx::query("SELECT enterprise_id FROM measures WHERE id = $1").bind(id).fetch_one(sc.conn()).await.map_err(unavailable)?.get("enterprise_id");
        for material in c.attach {
            if !crate::store::materials::attach_in(sc.conn(), *material, unit, MaterialOwner::MeasureFeedback(id)).await? {
                return Err(StoreError::Conflict);
            }
        }
        crate::store::effects::apply(&mut sc, c.effects).await?;
        sc.commit(c.audit).await?;
        Ok(version + 1)
    }

    async fn measure_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM measure_events WHERE measure_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(crate::store::access::event).collect())
    }
}
