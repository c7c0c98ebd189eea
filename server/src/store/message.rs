//! Storage of 【消息中心】 (see `app::message::store::MessageStore`). A message about a state change
//! is written by that change's transaction (`StateChange::messages`); reminders and notices
//! that change nothing else go through `post_messages`.

use app::kernel::Module;
use app::message::rules::{MessageKind, NewMessage};
use app::kernel::Timestamp;
use app::kernel::storage::*;
use app::message::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::store::{corrupt, unavailable, SqlStore};

/// `module IN ('leqi_access', …)`: the codes are the domain's constants, never input.
fn modules_in(modules: &[Module]) -> String {
    if modules.is_empty() {
        return "1 = 0".into();
    }
    format!("m.module IN ({})", modules.iter().map(|m| format!("'{}'", m.code())).collect::<Vec<_>>().join(", "))
}

const UNREAD: &str = "NOT EXISTS (SELECT 1 FROM message_reads r WHERE r.message_id = m.id AND r.person_id = $2)";

fn message(r: AnyRow) -> StoreResult<StoredMessage> {
    let module: String = r.get("module");
    let kind: String = r.get("kind");
    let read: i64 = r.get("is_read");
    Ok(StoredMessage {
        id: r.get("id"),
        module: Module::from_code(&module).ok_or_else(|| corrupt("message module", &module))?,
        kind: MessageKind::from_code(&kind).ok_or_else(|| corrupt("message kind", &kind))?,
        title: r.get("title"),
        body: r.get("body"),
        link: r.get("link"),
        at: Timestamp(r.get("created_at")),
        read: read != 0,
    })
}

/// Writes messages on `conn` (inside the caller's transaction). A `once_key` already
/// written for the unit is skipped; returns how many rows are new.
pub(crate) async fn insert(conn: &mut AnyConnection, messages: &[NewMessage]) -> StoreResult<u32> {
    let mut n = 0;
    for m in messages {
        let done = sqlx::query(
            "INSERT INTO messages (enterprise_id, module, kind, title, body, link, created_at, once_key) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        )
        .bind(m.enterprise_id)
        .bind(m.module.code())
        .bind(m.kind.code())
        .bind(&m.title)
        .bind(&m.body)
        .bind(m.link.as_ref().map(|l| l.as_str().to_string()))
        .bind(m.at.0)
        .bind(m.once_key.clone())
        .execute(&mut *conn)
        .await
        .map_err(unavailable)?;
        n += done.rows_affected() as u32;
    }
    Ok(n)
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn messages(&self, reader: &Reader, f: &MessageFilter) -> StoreResult<Vec<StoredMessage>> {
        let mut sql = format!(
            "SELECT m.id, m.module, m.kind, m.title, m.body, m.link, m.created_at, \
                    CASE WHEN {UNREAD} THEN 0 ELSE 1 END AS is_read \
             FROM messages m WHERE m.enterprise_id = $1 AND {}",
            modules_in(&reader.modules)
        );
        if f.unread_only {
            sql.push_str(&format!(" AND {UNREAD}"));
        }
        if f.kind.is_some() {
            sql.push_str(" AND m.kind = $3");
        }
        sql.push_str(&format!(" AND m.id < ${}", if f.kind.is_some() { 4 } else { 3 }));
        sql.push_str(&format!(" ORDER BY m.id DESC LIMIT {}", f.limit.clamp(1, 100)));
        let mut q = sqlx::query(&sql).bind(reader.enterprise_id).bind(reader.person_id);
        if let Some(k) = f.kind {
            q = q.bind(k.code());
        }
        q = q.bind(f.before_id.unwrap_or(i64::MAX));
        let rows = q.fetch_all(self.pool()).await.map_err(unavailable)?;
        rows.into_iter().map(message).collect()
    }

    async fn unread_count(&self, reader: &Reader, cap: u32) -> StoreResult<u32> {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM messages m WHERE m.enterprise_id = $1 AND {} AND {UNREAD} LIMIT {}) t",
            modules_in(&reader.modules),
            cap as u64 + 1
        );
        let n: i64 = sqlx::query(&sql).bind(reader.enterprise_id).bind(reader.person_id).fetch_one(self.pool()).await.map_err(unavailable)?.get("n");
        Ok(n as u32)
    }

    async fn mark_read(&self, reader: &Reader, ids: &[i64], now: Timestamp) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let mut n = 0;
        for id in ids {
            let sql = format!(
                "INSERT INTO message_reads (message_id, person_id, read_at) \
                 SELECT m.id, $2, $3 FROM messages m WHERE m.id = $4 AND m.enterprise_id = $1 AND {} AND {UNREAD}",
                modules_in(&reader.modules)
            );
            let done = sqlx::query(&sql).bind(reader.enterprise_id).bind(reader.person_id).bind(now.0).bind(*id).execute(&mut *tx).await.map_err(unavailable)?;
            n += done.rows_affected() as u32;
        }
        tx.commit().await.map_err(unavailable)?;
        Ok(n)
    }

    async fn mark_all_read(&self, reader: &Reader, up_to_id: i64, now: Timestamp) -> StoreResult<u32> {
        let sql = format!(
            "INSERT INTO message_reads (message_id, person_id, read_at) \
             SELECT m.id, $2, $3 FROM messages m WHERE m.enterprise_id = $1 AND m.id <= $4 AND {} AND {UNREAD}",
            modules_in(&reader.modules)
        );
        let done = sqlx::query(&sql).bind(reader.enterprise_id).bind(reader.person_id).bind(now.0).bind(up_to_id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(done.rows_affected() as u32)
    }

    async fn post_messages(&self, messages: &[NewMessage]) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let n = insert(&mut tx, messages).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(n)
    }
}
