//! Storage of 能力中心 (see `app::capability::store::CapabilityStore`). Every state change of a
//! subscription is one `StateChange` (the one transition path): the row at its
//! version (or its insert), the `capability_events` entry and the audit record.

use app::capability::rules::{CapabilityStatus, SandboxInvoice};
use app::audit::rules::AuditRecord;
use app::kernel::Timestamp;
use app::access::store::*;
use app::capability::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, corrupt, unavailable, SqlStore};
use crate::store::capability_grant::{end_in, EndScope};
use crate::store::transition::{StateChange, Timeline};

const COLUMNS: &str = "id, enterprise_id, capability_code, tax_office_id, status, round, report, version, created_at, updated_at";

fn subscription(r: AnyRow) -> StoreResult<StoredSubscription> {
    let status: String = r.get("status");
    Ok(StoredSubscription {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        capability_code: r.get("capability_code"),
        tax_office_id: r.get("tax_office_id"),
        status: serde_json::from_str(&status).map_err(|e| corrupt("capability status", e))?,
        round: r.get("round"),
        report: r.get("report"),
        version: r.get("version"),
        created_at: Timestamp(r.get("created_at")),
        updated_at: Timestamp(r.get("updated_at")),
    })
}

fn status_json(s: &CapabilityStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

#[async_trait]
impl CapabilityStore for SqlStore {
    async fn subscriptions_of(&self, enterprise_id: i64) -> StoreResult<Vec<StoredSubscription>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_subscriptions WHERE enterprise_id = $1 ORDER BY id"))
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(subscription).collect()
    }

    async fn subscription(&self, id: i64) -> StoreResult<Option<StoredSubscription>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_subscriptions WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(subscription).transpose()
    }

    async fn subscription_by_code(&self, enterprise_id: i64, capability_code: &str) -> StoreResult<Option<StoredSubscription>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_subscriptions WHERE enterprise_id = $1 AND capability_code = $2"))
            .bind(enterprise_id)
            .bind(capability_code.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        row.map(subscription).transpose()
    }

    async fn create_subscription(&self, enterprise_id: i64, tax_office_id: i64, capability_code: &str, c: &CapabilityChange<'_>, now: Timestamp) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        // The unique (unit, capability) index turns a concurrent second 订阅 into Conflict.
        let id: i64 = sqlx::query(
            "INSERT INTO capability_subscriptions (enterprise_id, capability_code, tax_office_id, status, status_code, valid_until, round, report, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, NULL, 1, $7, $7) RETURNING id",
        )
        .bind(enterprise_id)
        .bind(capability_code.to_string())
        .bind(tax_office_id)
        .bind(status_json(c.to))
        .bind(c.to.code())
        .bind(c.to.valid_until().map(String::from))
        .bind(now.0)
        .fetch_one(sc.conn())
        .await
        .map_err(conflict_or_unavailable)?
        .get("id");
        sc.event(Timeline::Capability, id, c.event).await?;
        sc.messages(c.messages).await?;
        sc.commit(c.audit).await?;
        Ok(id)
    }

    async fn transition_subscription(&self, id: i64, version: i64, c: &CapabilityChange<'_>, now: Timestamp) -> StoreResult<i64> {
        let mut sc = StateChange::begin(self).await?;
        sc.versioned(
            sqlx::query(
                "UPDATE capability_subscriptions SET status = $1, status_code = $2, valid_until = $3, round = round + $4, \
                 report = CASE WHEN $5 = 1 THEN $6 WHEN $4 = 1 THEN NULL ELSE report END, version = version + 1, updated_at = $7 \
                 WHERE id = $8 AND version = $9",
            )
            .bind(status_json(c.to))
            .bind(c.to.code())
            .bind(c.to.valid_until().map(String::from))
            .bind(c.new_round as i64)
            .bind(c.report.is_some() as i64)
            .bind(c.report.map(String::from))
            .bind(now.0)
            .bind(id)
            .bind(version),
        )
        .await?;
        sc.event(Timeline::Capability, id, c.event).await?;
        if let Some(ending) = c.end_grants {
            let row = sqlx::query("SELECT enterprise_id, capability_code FROM capability_subscriptions WHERE id = $1").bind(id).fetch_one(sc.conn()).await.map_err(unavailable)?;
            let (direct, code): (i64, String) = (row.get("enterprise_id"), row.get("capability_code"));
            end_in(sc.conn(), EndScope::Capability { direct_enterprise_id: direct, code: &code }, ending).await?;
        }
        sc.messages(c.messages).await?;
        sc.commit(c.audit).await?;
        Ok(version + 1)
    }

    async fn subscription_queue(&self, tax_office_id: i64, status_code: &str, limit: u32) -> StoreResult<Vec<StoredSubscription>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_subscriptions WHERE tax_office_id = $1 AND status_code = $2 ORDER BY updated_at, id LIMIT $3"))
            .bind(tax_office_id)
            .bind(status_code.to_string())
            .bind(limit.clamp(1, 500) as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(subscription).collect()
    }

    async fn subscriptions_due_to_expire(&self, today: &str, limit: u32) -> StoreResult<Vec<StoredSubscription>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM capability_subscriptions WHERE status_code = 'opened' AND valid_until < $1 ORDER BY id LIMIT $2"))
            .bind(today.to_string())
            .bind(limit.clamp(1, 10_000) as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(subscription).collect()
    }

    async fn subscription_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM capability_events WHERE subscription_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| ApplicationEvent {
                at: Timestamp(r.get("at")),
                actor: r.get("actor"),
                actor_unit: r.get("actor_unit"),
                action: r.get("action"),
                from: r.get("from_status"),
                to: r.get("to_status"),
                reason: r.get("reason"),
            })
            .collect())
    }

    async fn record_case_result(&self, r: &CaseResult, enterprise_id: i64, issued: Option<&SandboxInvoice>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO capability_case_results (subscription_id, round, case_code, passed, request_id, request_body, errors, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.subscription_id)
        .bind(r.round)
        .bind(&r.case_code)
        .bind(r.passed as i64)
        .bind(&r.request_id)
        .bind(&r.request_body)
        .bind(&r.errors)
        .bind(r.at.0)
        .execute(&mut *tx)
        .await
        .map_err(unavailable)?;
        if let Some(i) = issued {
            sqlx::query("INSERT INTO sandbox_invoices (enterprise_id, invoice_no, amount_fen, created_at) VALUES ($1, $2, $3, $4)")
                .bind(enterprise_id)
                .bind(&i.invoice_no)
                .bind(i.amount_cents)
                .bind(r.at.0)
                .execute(&mut *tx)
                .await
                .map_err(conflict_or_unavailable)?;
        }
        tx.commit().await.map_err(unavailable)
    }

    async fn case_results(&self, subscription_id: i64, round: i64) -> StoreResult<Vec<CaseResult>> {
        let rows = sqlx::query("SELECT subscription_id, round, case_code, passed, request_id, request_body, errors, at FROM capability_case_results WHERE subscription_id = $1 AND round = $2 ORDER BY id")
            .bind(subscription_id)
            .bind(round)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| CaseResult {
                subscription_id: r.get("subscription_id"),
                round: r.get("round"),
                case_code: r.get("case_code"),
                passed: r.get::<i64, _>("passed") == 1,
                request_id: r.get("request_id"),
                request_body: r.get("request_body"),
                errors: r.get("errors"),
                at: Timestamp(r.get("at")),
            })
            .collect())
    }

    async fn sandbox_invoices(&self, enterprise_id: i64) -> StoreResult<Vec<SandboxInvoice>> {
        let rows = sqlx::query("SELECT invoice_no, amount_fen FROM sandbox_invoices WHERE enterprise_id = $1 ORDER BY id DESC LIMIT 1000")
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| SandboxInvoice { invoice_no: r.get("invoice_no"), amount_cents: r.get("amount_fen") }).collect())
    }

    async fn unit_qualifications(&self, enterprise_id: i64) -> StoreResult<Vec<String>> {
        let rows = sqlx::query("SELECT qualification FROM enterprise_qualifications WHERE enterprise_id = $1 ORDER BY qualification")
            .bind(enterprise_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| r.get("qualification")).collect())
    }

    async fn grants_of_direct(&self, direct_enterprise_id: i64) -> StoreResult<Vec<StoredGrant>> {
        self.grants_where("direct_enterprise_id", direct_enterprise_id).await
    }

    async fn grants_of_use_unit(&self, use_enterprise_id: i64) -> StoreResult<Vec<StoredGrant>> {
        self.grants_where("use_enterprise_id", use_enterprise_id).await
    }

    async fn grant(&self, id: i64) -> StoreResult<Option<StoredGrant>> {
        self.grant_by_id(id).await
    }

    async fn create_grants(&self, grants: &[NewGrant], messages: &[app::message::rules::NewMessage], audit: &AuditRecord, now: Timestamp) -> StoreResult<Vec<i64>> {
        self.create_grants_tx(grants, messages, audit, now).await
    }

    async fn transition_grant(&self, id: i64, version: i64, change: &GrantChange<'_>, now: Timestamp) -> StoreResult<i64> {
        self.transition_grant_tx(id, version, change, now).await
    }

    async fn grant_events(&self, id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        self.grant_events_of(id).await
    }
}
