//! Storage of use-unit invitations (see `app::invitation::store::InvitationStore`).

use app::invitation::rules::{InvitationStatus, Relationship};
use app::kernel::Timestamp;
use app::access::store::*;
use app::invitation::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use app::audit::rules::AuditRecord;
use app::materials::rules::MaterialOwner;

use crate::store::{conflict_or_unavailable, corrupt, unavailable, Backend, SqlStore};
use crate::store::transition::{StateChange, Timeline};

/// The invitation's side of the effects other workflows' steps have (`Effect::EndBindings`),
/// reached by the dispatcher without an import cycle.
pub(crate) mod effect;

const INV_COLUMNS: &str = "id, batch_id, direct_enterprise_id, use_enterprise_id, use_code, use_name, use_tax_office_id, province_code, \
     relationship, pre_authorize, filing, status, version, previous_id, proof_material_id, \"authorization\", created_at, updated_at";

fn invitation(r: AnyRow) -> StoreResult<StoredInvitation> {
    let status: String = r.get("status");
    let rel: String = r.get("relationship");
    Ok(StoredInvitation {
        id: r.get("id"),
        batch_id: r.get("batch_id"),
        direct_enterprise_id: r.get("direct_enterprise_id"),
        use_enterprise_id: r.get("use_enterprise_id"),
        use_code: r.get("use_code"),
        use_name: r.get("use_name"),
        use_tax_office_id: r.get("use_tax_office_id"),
        province_code: r.get("province_code"),
        relationship: Relationship::parse(&rel).map_err(|e| corrupt("relationship", e))?,
        pre_authorize: r.get::<i64, _>("pre_authorize") != 0,
        filing: r.get::<Option<String>, _>("filing").map(|f| serde_json::from_str(&f).map_err(|e| corrupt("filing lines", e))).transpose()?,
        status: serde_json::from_str(&status).map_err(|e| corrupt("invitation status", e))?,
        version: r.get("version"),
        previous_id: r.get("previous_id"),
        proof_material_id: r.get("proof_material_id"),
        authorization: r
            .get::<Option<String>, _>("authorization")
            .map(|a| serde_json::from_str(&a).map_err(|e| corrupt("authorization", e)))
            .transpose()?,
        created_at: Timestamp(r.get("created_at")),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn batch(r: AnyRow) -> StoreResult<StoredBatch> {
    let failures: String = r.get("failures");
    Ok(StoredBatch {
        id: r.get("id"),
        direct_enterprise_id: r.get("direct_enterprise_id"),
        source: BatchSource::from_code(&r.get::<String, _>("source")),
        file_name: r.get("file_name"),
        proof_material_id: r.get("proof_material_id"),
        created_by: r.get("created_by"),
        created_at: Timestamp(r.get("created_at")),
        rows_total: r.get::<i64, _>("rows_total") as u32,
        rows_ok: r.get::<i64, _>("rows_ok") as u32,
        rows_failed: r.get::<i64, _>("rows_failed") as u32,
        failures: serde_json::from_str(&failures).map_err(|e| corrupt("failures", e))?,
    })
}

pub(crate) fn status_json(s: &InvitationStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

/// Placeholders for `n` values that are all of a statement's parameters, numbered from `from`
/// on PostgreSQL (`$a, $b, …`) and anonymous on SQLite (`?, ?, …`): SQLite looks a numbered
/// parameter's name up in a list, so binding `$1 … $3800` costs n² steps (issue #16: 44% of a
/// 10,000-row import); anonymous ones bind in order at no cost.
fn placeholders(backend: Backend, from: usize, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(", "),
        Backend::Postgres => (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "),
    }
}

/// String/number binds after `direct_enterprise_id = $1`.
enum Bind {
    S(String),
    I(i64),
}

/// The FROM and WHERE of an invitation listing, the column to order by (newest first), its
/// binds after `direct_enterprise_id = $1`, and whether the statement may be cached.
///
/// A search by part of a name or code (issue #16) goes through a trigram index: on SQLite the
/// FTS5 table `invitations_search` drives the query newest first (3 or more characters; shorter
/// ones scan the unit's rows); on PostgreSQL the pg_trgm GIN index serves the LIKE. Such a
/// statement is not cached (`persistent(false)`): a cached PostgreSQL statement turns generic
/// after five runs, and a generic plan cannot see that the pattern is selective, so it walks the
/// id index through every row of the unit (0.5 s at 1,000,000).
struct Listing {
    from_where: String,
    order: &'static str,
    binds: Vec<Bind>,
    persistent: bool,
}

fn listing(f: &InvitationFilter, paging: bool, backend: Backend) -> Listing {
    let mut from = String::from(" FROM invitations");
    let mut sql = String::from(" WHERE invitations.direct_enterprise_id = $1");
    let mut order = "invitations.id";
    let mut persistent = true;
    let mut binds = Vec::new();
    let mut n = 2;
    if let Some(s) = &f.status_code {
        sql += &format!(" AND invitations.status_code = ${n}");
        binds.push(Bind::S(s.clone()));
        n += 1;
    }
    if let Some(b) = f.batch_id {
        sql += &format!(" AND invitations.batch_id = ${n}");
        binds.push(Bind::I(b));
        n += 1;
    }
    if let Some(q) = f.search.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        if q.len() == 18 && q.is_ascii() {
            sql += &format!(" AND invitations.use_code = ${n}");
            binds.push(Bind::S(q.to_ascii_uppercase()));
            n += 1;
        } else {
            let escaped = q.replace(['%', '_'], "");
            persistent = false;
            if backend == Backend::Sqlite && escaped.chars().count() >= 3 {
                // The trigram phrase matches exactly the rows whose name or code contains it
                // (ASCII case-insensitively, as SQLite's LIKE); the LIKE below rechecks.
                from = String::from(" FROM invitations_search JOIN invitations ON invitations.id = invitations_search.rowid");
                sql += &format!(" AND invitations_search MATCH ${n}");
                binds.push(Bind::S(format!("\"{}\"", escaped.replace('"', "\"\""))));
                n += 1;
                order = "invitations_search.rowid";
            }
            sql += &format!(" AND (invitations.use_name LIKE ${n} OR invitations.use_code LIKE ${n})");
            binds.push(Bind::S(format!("%{escaped}%")));
            n += 1;
        }
    }
    if paging {
        if let Some(before) = f.before_id {
            sql += &format!(" AND {order} < ${n}");
            binds.push(Bind::I(before));
        }
    }
    Listing { from_where: from + &sql, order, binds, persistent }
}

#[async_trait]
impl InvitationStore for SqlStore {
    async fn open_invitation_codes(&self, direct_enterprise_id: i64, codes: &[String]) -> StoreResult<Vec<String>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT use_code FROM invitations WHERE direct_enterprise_id = {} AND active = 1 AND use_code IN ({})",
                placeholders(self.backend(), 1, 1),
                placeholders(self.backend(), 2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind(direct_enterprise_id);
            for c in chunk {
                q = q.bind(c);
            }
            out.extend(q.fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(|r| r.get::<String, _>("use_code")));
        }
        Ok(out)
    }

    async fn registry_by_codes(&self, codes: &[String]) -> StoreResult<Vec<RegistryUnit>> {
        let mut out = Vec::new();
        for chunk in codes.chunks(500) {
            let sql = format!(
                "SELECT e.id, e.credit_code, e.name, e.tax_office_id, t.province_code, p.bureau_name, e.direct_unit_type, \
                        e.credit_grade, e.digital_invoice_pilot, e.revenue_last_year_fen, e.invoices_12m, e.invoiced_amount_12m_fen, \
                        e.major_violation_3y, e.major_opinion_3y, e.categories \
                 FROM enterprises e JOIN tax_offices t ON t.id = e.tax_office_id JOIN provinces p ON p.code = t.province_code \
                 WHERE e.credit_code IN ({})",
                placeholders(self.backend(), 1, chunk.len())
            );
            let mut q = sqlx::query(&sql);
            for c in chunk {
                q = q.bind(c);
            }
            out.extend(q.fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(|r| RegistryUnit {
                credit_code: r.get("credit_code"),
                enterprise_id: r.get("id"),
                name: r.get("name"),
                tax_office_id: r.get("tax_office_id"),
                province_code: r.get("province_code"),
                bureau_name: r.get("bureau_name"),
                applicant: crate::store::access::applicant(&r),
                direct_unit: r.get::<Option<String>, _>("direct_unit_type").is_some(),
            }));
        }
        Ok(out)
    }

    async fn create_batch(&self, b: &NewBatch, invitations: &[NewInvitation], now: Timestamp, audit: &AuditRecord, notice: Option<&InviteeNotice>) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        let tx = change.conn();
        let failures = serde_json::to_string(&b.failures).map_err(|e| corrupt("failures", e))?;
        let batch_id: i64 = sqlx::query(
            "INSERT INTO invitation_batches (direct_enterprise_id, source, file_name, proof_material_id, created_by, created_at, rows_total, rows_ok, rows_failed, failures) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(b.direct_enterprise_id)
        .bind(b.source.code())
        .bind(&b.file_name)
        .bind(b.proof_material_id)
        .bind(&b.created_by)
        .bind(now.0)
        .bind(b.rows_total as i64)
        .bind(invitations.len() as i64)
        .bind(b.failures.len() as i64)
        .bind(failures)
        .fetch_one(&mut *tx)
        .await
        .map_err(unavailable)?
        .get("id");
        let filings: Vec<Option<String>> =
            invitations.iter().map(|i| i.filing.as_ref().map(|f| serde_json::to_string(f).map_err(|e| corrupt("filing lines", e))).transpose()).collect::<StoreResult<_>>()?;
        // Many rows per statement: a 10,000-row import is 50 statements, one transaction.
        const COLS: usize = 19;
        for (n, chunk) in invitations.chunks(200).enumerate() {
            let offset = n * 200;
            let values: Vec<String> = (0..chunk.len()).map(|i| format!("({})", placeholders(self.backend(), 1 + i * COLS, COLS))).collect();
            let sql = format!(
                "INSERT INTO invitations (batch_id, direct_enterprise_id, use_enterprise_id, use_code, use_name, use_tax_office_id, province_code, \
                 relationship, category, pre_authorize, filing, status, status_code, active, version, previous_id, proof_material_id, created_at, updated_at) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (inv, filing) in chunk.iter().zip(&filings[offset..]) {
                q = q
                    .bind(batch_id)
                    .bind(b.direct_enterprise_id)
                    .bind(inv.use_enterprise_id)
                    .bind(&inv.use_code)
                    .bind(&inv.use_name)
                    .bind(inv.use_tax_office_id)
                    .bind(&inv.province_code)
                    .bind(inv.relationship.label())
                    .bind(inv.relationship.category().code())
                    .bind(inv.pre_authorize as i64)
                    .bind(filing.clone())
                    .bind(status_json(&inv.status))
                    .bind(inv.status.code())
                    .bind(inv.status.is_open() as i64)
                    .bind(1i64)
                    .bind(inv.previous_id)
                    .bind(b.proof_material_id)
                    .bind(now.0)
                    .bind(now.0);
            }
            q.execute(&mut *tx).await.map_err(conflict_or_unavailable)?;
        }
        // A new 单位关系证明材料 belongs to the batch from now on (one already attached stays where it is).
        if let Some(m) = b.proof_material_id {
            crate::store::materials::attach_in(change.conn(), m, b.direct_enterprise_id, MaterialOwner::InvitationBatch(batch_id)).await?;
        }
        // 邀请通知 (【消息中心】): one statement for the whole batch, to each use unit whose
        // invitation now waits for it; the link is the invitation under 【响应邀请】.
        if let Some(n) = notice {
            sqlx::query(
                "INSERT INTO messages (enterprise_id, module, kind, title, body, link, created_at) \
                 SELECT use_enterprise_id, $1, $2, $3, $4, '/jrgl/respond/' || CAST(id AS TEXT), $5 FROM invitations \
                 WHERE batch_id = $6 AND status_code IN ('awaiting_response', 'awaiting_authorization')",
            )
            .bind(app::kernel::Module::LeqiAccess.code())
            .bind(app::message::rules::MessageKind::Invitation.code())
            .bind(&n.title)
            .bind(&n.body)
            .bind(now.0)
            .bind(batch_id)
            .execute(change.conn())
            .await
            .map_err(unavailable)?;
        }
        change.commit(audit).await?;
        Ok(batch_id)
    }

    async fn batches(&self, direct_enterprise_id: i64, before_id: Option<i64>, limit: u32) -> StoreResult<Vec<StoredBatch>> {
        let rows = sqlx::query(
            "SELECT * FROM invitation_batches WHERE direct_enterprise_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(direct_enterprise_id)
        .bind(before_id.unwrap_or(i64::MAX))
        .bind(limit as i64)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(batch).collect()
    }

    async fn batch(&self, id: i64) -> StoreResult<Option<StoredBatch>> {
        let row = sqlx::query("SELECT * FROM invitation_batches WHERE id = $1").bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(batch).transpose()
    }

    async fn invitations(&self, direct_enterprise_id: i64, f: &InvitationFilter) -> StoreResult<Vec<StoredInvitation>> {
        let l = listing(f, true, self.backend());
        let columns = INV_COLUMNS.split(", ").map(|c| format!("invitations.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {columns}{} ORDER BY {} DESC LIMIT {}", l.from_where, l.order, f.limit.clamp(1, 500));
        let mut q = sqlx::query(&sql).persistent(l.persistent).bind(direct_enterprise_id);
        for b in l.binds {
            q = match b {
                Bind::S(s) => q.bind(s),
                Bind::I(i) => q.bind(i),
            };
        }
        q.fetch_all(self.pool()).await.map_err(unavailable)?.into_iter().map(invitation).collect()
    }

    async fn count_invitations(&self, direct_enterprise_id: i64, f: &InvitationFilter, cap: u32) -> StoreResult<u32> {
        let l = listing(f, false, self.backend());
        let sql = format!("SELECT COUNT(*) AS n FROM (SELECT 1{} LIMIT {}) capped", l.from_where, cap as i64);
        let mut q = sqlx::query(&sql).persistent(l.persistent).bind(direct_enterprise_id);
        for b in l.binds {
            q = match b {
                Bind::S(s) => q.bind(s),
                Bind::I(i) => q.bind(i),
            };
        }
        let n: i64 = q.fetch_one(self.pool()).await.map_err(unavailable)?.get("n");
        Ok(n as u32)
    }

    /// One statement: the page, each row carrying the capped count (a subquery
    /// both databases run once). An empty page asks for the count on its own.
    async fn invitations_page(&self, direct_enterprise_id: i64, f: &InvitationFilter, cap: u32) -> StoreResult<(Vec<StoredInvitation>, u32)> {
        let page = listing(f, true, self.backend());
        let count = listing(f, false, self.backend());
        // The count's placeholders are the page's first ones, in the same order (the cursor is last).
        debug_assert!(page.from_where.starts_with(&count.from_where));
        let columns = INV_COLUMNS.split(", ").map(|c| format!("invitations.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns}, (SELECT COUNT(*) FROM (SELECT 1{} LIMIT {}) capped) AS capped_total{} ORDER BY {} DESC LIMIT {}",
            count.from_where,
            cap as i64,
            page.from_where,
            page.order,
            f.limit.clamp(1, 500)
        );
        let mut q = sqlx::query(&sql).persistent(page.persistent).bind(direct_enterprise_id);
        for b in page.binds {
            q = match b {
                Bind::S(s) => q.bind(s),
                Bind::I(i) => q.bind(i),
            };
        }
        let rows = q.fetch_all(self.pool()).await.map_err(unavailable)?;
        let Some(total) = rows.first().map(|r| r.get::<i64, _>("capped_total")) else {
            return Ok((Vec::new(), self.count_invitations(direct_enterprise_id, f, cap).await?));
        };
        Ok((rows.into_iter().map(invitation).collect::<StoreResult<Vec<_>>>()?, total as u32))
    }

    async fn invitation(&self, id: i64) -> StoreResult<Option<StoredInvitation>> {
        let row = sqlx::query(&format!("SELECT {INV_COLUMNS} FROM invitations WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(invitation).transpose()
    }

    async fn invitations_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredInvitation>> {
        let rows = sqlx::query(&format!("SELECT {INV_COLUMNS} FROM invitations WHERE use_enterprise_id = $1 ORDER BY id DESC LIMIT 500"))
            .bind(use_enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(invitation).collect()
    }

    async fn received_invitations(&self, use_enterprise_id: i64) -> StoreResult<Vec<(StoredInvitation, String, String)>> {
        let columns: Vec<String> = INV_COLUMNS.split(',').map(|c| format!("i.{}", c.trim())).collect();
        let sql = format!(
            "SELECT {}, d.credit_code AS direct_code, d.name AS direct_name FROM invitations i JOIN enterprises d ON d.id = i.direct_enterprise_id \
             WHERE i.use_enterprise_id = $1 ORDER BY i.id DESC LIMIT 500",
            columns.join(", ")
        );
        let rows = sqlx::query(&sql).bind(use_enterprise_id).fetch_all(self.pool()).await.map_err(unavailable)?;
        rows.into_iter()
            .map(|r| {
                let (code, name): (String, String) = (r.get("direct_code"), r.get("direct_name"));
                Ok((invitation(r)?, code, name))
            })
            .collect()
    }

    async fn transition_invitation(&self, id: i64, expected_version: i64, c: &InvitationChange<'_>) -> StoreResult<i64> {
        let authorization = c.authorization.map(|a| serde_json::to_string(a).map_err(|e| corrupt("authorization", e))).transpose()?;
        let mut change = StateChange::begin(self).await?;
        change
            .versioned(
                sqlx::query(
                    "UPDATE invitations SET status = $1, status_code = $2, active = $3, version = version + 1, updated_at = $4, \
                            \"authorization\" = COALESCE($5, \"authorization\") \
                     WHERE id = $6 AND version = $7",
                )
                .bind(status_json(c.to))
                .bind(c.to.code())
                .bind(c.to.is_open() as i64)
                .bind(c.event.at.0)
                .bind(authorization)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        change.event(Timeline::Invitation, id, c.event).await?;
        for r in c.registrations {
            crate::store::invoicers::insert(change.conn(), r, c.event.at).await?;
        }
        for note in c.notes {
            change.event(Timeline::Invitation, id, note).await?;
        }
        // What else the step makes happen (grants, the report owed, the parties told), in this transaction.
        crate::store::effects::apply(&mut change, c.effects).await?;
        change.commit(c.audit).await?;
        Ok(expected_version + 1)
    }

    async fn set_invitation_proof(&self, id: i64, expected_version: i64, material_id: i64, attach: Option<(i64, MaterialOwner)>, ev: &ApplicationEvent, audit: &AuditRecord) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        change
            .versioned(
                sqlx::query("UPDATE invitations SET proof_material_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
                    .bind(material_id)
                    .bind(ev.at.0)
                    .bind(id)
                    .bind(expected_version),
            )
            .await?;
        change.event(Timeline::Invitation, id, ev).await?;
        if let Some((enterprise_id, owner)) = attach {
            crate::store::materials::attach_in(change.conn(), material_id, enterprise_id, owner).await?;
        }
        change.commit(audit).await?;
        Ok(expected_version + 1)
    }

    async fn invitation_events(&self, invitation_id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM invitation_events WHERE invitation_id = $1 ORDER BY id")
            .bind(invitation_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(crate::store::access::event).collect())
    }

    async fn proof_visible(&self, material_id: i64, enterprise_id: Option<i64>, tax_office_id: Option<i64>) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM invitations WHERE proof_material_id = $1 \
             AND (direct_enterprise_id = $2 OR use_enterprise_id = $2 OR use_tax_office_id = $3) LIMIT 1",
        )
        .bind(material_id)
        .bind(enterprise_id.unwrap_or(-1))
        .bind(tax_office_id.unwrap_or(-1))
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.is_some())
    }

    async fn invitation_queue(&self, status_code: &str, tax_office_id: i64, limit: u32) -> StoreResult<Vec<StoredInvitation>> {
        let rows = sqlx::query(&format!(
            "SELECT {INV_COLUMNS} FROM invitations WHERE status_code = $1 AND use_tax_office_id = $2 ORDER BY updated_at, id LIMIT $3"
        ))
        .bind(status_code)
        .bind(tax_office_id)
        .bind(limit as i64)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(invitation).collect()
    }
}

