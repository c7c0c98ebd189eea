//! Storage of 版本升级通知 (see `app::upgrade_notice::store::UpgradeNoticeStore`). Publishing and each
//! unit's 已完成改造 are one `StateChange` each (rows, messages, audit record together).

use app::kernel::Module;
use app::audit::rules::AuditRecord;
use app::message::rules::MessageKind;
use app::upgrade_notice::rules::{NoticeDraft, NoticeProgress};
use app::kernel::Timestamp;
use app::kernel::storage::*;
use app::upgrade_notice::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{corrupt, unavailable, SqlStore};
use crate::store::transition::StateChange;

const NOTICE: &str = "n.id, n.province_code, n.title, n.content, n.published_by, n.published_at, n.deadline, \
     (SELECT COUNT(*) FROM upgrade_notice_units a WHERE a.notice_id = n.id) AS units, \
     (SELECT COUNT(*) FROM upgrade_notice_units a WHERE a.notice_id = n.id AND a.progress_code = 'done') AS done";

const UNIT: &str = "u.notice_id, u.enterprise_id, e.name AS enterprise_name, e.credit_code, e.tax_office_id, u.progress, u.version";

fn notice(r: &AnyRow) -> StoredNotice {
    StoredNotice {
        id: r.get("id"),
        province_code: r.get("province_code"),
        title: r.get("title"),
        content: r.get("content"),
        published_by: r.get("published_by"),
        published_at: Timestamp(r.get("published_at")),
        deadline: r.get("deadline"),
        units: r.get("units"),
        done: r.get("done"),
    }
}

fn unit(r: &AnyRow) -> StoreResult<StoredNoticeUnit> {
    let progress: String = r.get("progress");
    Ok(StoredNoticeUnit {
        notice_id: r.get("notice_id"),
        enterprise_id: r.get("enterprise_id"),
        enterprise_name: r.get("enterprise_name"),
        credit_code: r.get("credit_code"),
        tax_office_id: r.get("tax_office_id"),
        progress: serde_json::from_str(&progress).map_err(|e| corrupt("notice progress", e))?,
        version: r.get("version"),
    })
}

fn progress_json(p: &NoticeProgress) -> String {
    serde_json::to_string(p).expect("progress serializes")
}

#[async_trait]
impl UpgradeNoticeStore for SqlStore {
    async fn publish_notice(&self, province_code: &str, draft: &NoticeDraft, by: &str, at: Timestamp, deadline: &str, m: &NoticeMessage, audit: &AuditRecord) -> StoreResult<(i64, u32)> {
        let mut sc = StateChange::begin(self).await?;
        let id: i64 = sqlx::query(
            "INSERT INTO upgrade_notices (province_code, title, content, published_by, published_at, deadline) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(province_code)
        .bind(&draft.title)
        .bind(&draft.content)
        .bind(by)
        .bind(at.0)
        .bind(deadline)
        .fetch_one(sc.conn())
        .await
        .map_err(unavailable)?
        .get("id");
        // Every direct unit whose 主管税务机关 is in the province.
        let sent = sqlx::query(
            "INSERT INTO upgrade_notice_units (notice_id, enterprise_id, progress, progress_code, version, updated_at) \
             SELECT $1, e.id, $2, 'pending', 1, $3 FROM enterprises e JOIN tax_offices t ON t.id = e.tax_office_id \
             WHERE e.direct_unit_type IS NOT NULL AND t.province_code = $4",
        )
        .bind(id)
        .bind(progress_json(&NoticeProgress::Pending))
        .bind(at.0)
        .bind(province_code)
        .execute(sc.conn())
        .await
        .map_err(unavailable)?
        .rows_affected();
        sqlx::query(
            "INSERT INTO messages (enterprise_id, module, kind, title, body, link, created_at) \
             SELECT enterprise_id, $1, $2, $3, $4, $5, $6 FROM upgrade_notice_units WHERE notice_id = $7",
        )
        .bind(Module::LeqiAccess.code())
        .bind(MessageKind::Notice.code())
        .bind(&m.title)
        .bind(&m.body)
        .bind(&m.link)
        .bind(at.0)
        .bind(id)
        .execute(sc.conn())
        .await
        .map_err(unavailable)?;
        sc.commit(audit).await?;
        Ok((id, sent as u32))
    }

    async fn notices_of_province(&self, province_code: &str, limit: u32) -> StoreResult<Vec<StoredNotice>> {
        let sql = format!("SELECT {NOTICE} FROM upgrade_notices n WHERE n.province_code = $1 ORDER BY n.id DESC LIMIT {}", limit.clamp(1, 200));
        let rows = sqlx::query(&sql).bind(province_code).fetch_all(self.pool()).await.map_err(unavailable)?;
        Ok(rows.iter().map(notice).collect())
    }

    async fn notice(&self, id: i64) -> StoreResult<Option<StoredNotice>> {
        let sql = format!("SELECT {NOTICE} FROM upgrade_notices n WHERE n.id = $1");
        Ok(sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?.as_ref().map(notice))
    }

    async fn notice_units(&self, notice_id: i64) -> StoreResult<Vec<StoredNoticeUnit>> {
        let sql = format!("SELECT {UNIT} FROM upgrade_notice_units u JOIN enterprises e ON e.id = u.enterprise_id WHERE u.notice_id = $1 ORDER BY e.credit_code");
        let rows = sqlx::query(&sql).bind(notice_id).fetch_all(self.pool()).await.map_err(unavailable)?;
        rows.iter().map(unit).collect()
    }

    async fn notices_of_unit(&self, enterprise_id: i64) -> StoreResult<Vec<(StoredNotice, StoredNoticeUnit)>> {
        let sql = format!(
            "SELECT {NOTICE}, {UNIT} FROM upgrade_notice_units u JOIN upgrade_notices n ON n.id = u.notice_id \
             JOIN enterprises e ON e.id = u.enterprise_id WHERE u.enterprise_id = $1 ORDER BY n.id DESC LIMIT 100"
        );
        let rows = sqlx::query(&sql).bind(enterprise_id).fetch_all(self.pool()).await.map_err(unavailable)?;
        rows.iter().map(|r| Ok((notice(r), unit(r)?))).collect()
    }

    async fn set_notice_progress(&self, notice_id: i64, enterprise_id: i64, version: i64, to: &NoticeProgress, audit: &AuditRecord) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        sc.versioned(
            sqlx::query(
                "UPDATE upgrade_notice_units SET progress = $1, progress_code = $2, version = version + 1, updated_at = $3 \
                 WHERE notice_id = $4 AND enterprise_id = $5 AND version = $6",
            )
            .bind(progress_json(to))
            .bind(to.code())
            .bind(audit.at.0)
            .bind(notice_id)
            .bind(enterprise_id)
            .bind(version),
        )
        .await?;
        sc.commit(audit).await?;
        Ok(version + 1)
    }
}
