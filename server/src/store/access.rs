//! Storage of access applications (see `app::access::store::ApplicationStore`).

use app::access::rules::{Applicant, ApplicationStatus, CreditGrade, UnitCategory, UnitFigures};
use app::kernel::AccessType;
use app::kernel::{ExitKind, ExitRecord};
use app::kernel::{Amount, CreditCode, Timestamp};
use app::access::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use app::audit::rules::AuditRecord;

use crate::store::{corrupt, unavailable, SqlStore};
use crate::store::transition::{StateChange, Timeline};

fn figures(r: &AnyRow) -> UnitFigures {
    UnitFigures {
        revenue_last_year: Amount::from_fen(r.get("revenue_last_year_fen")).unwrap_or(Amount::ZERO),
        invoices_12m: r.get::<i64, _>("invoices_12m").max(0) as u64,
        invoiced_amount_12m: Amount::from_fen(r.get("invoiced_amount_12m_fen")).unwrap_or(Amount::ZERO),
    }
}

fn category(code: &str) -> Option<UnitCategory> {
    match code.trim() {
        "livelihood" => Some(UnitCategory::PeopleLivelihood),
        "state_owned" => Some(UnitCategory::LargeStateOwned),
        "public" => Some(UnitCategory::PublicOrAssociation),
        _ => None,
    }
}

/// The registry columns the conditions read (credit_grade, digital_invoice_pilot,
/// the figures, major_violation_3y, major_opinion_3y, categories).
pub(crate) fn applicant(r: &AnyRow) -> Applicant {
    Applicant {
        digital_invoice_pilot: r.get::<i64, _>("digital_invoice_pilot") != 0,
        credit_grade: r.get::<Option<String>, _>("credit_grade").as_deref().and_then(CreditGrade::parse),
        figures: figures(r),
        major_violation_within_3y: r.get::<i64, _>("major_violation_3y") != 0,
        major_public_opinion_within_3y: r.get::<i64, _>("major_opinion_3y") != 0,
        // Declared in the application with its proof; the registry does not know it.
        has_software_right: true,
        categories: r.get::<String, _>("categories").split(',').filter_map(category).collect(),
        relationship: None,
    }
}

/// One timeline row (application_events, invitation_events).
pub(crate) fn event(r: &AnyRow) -> ApplicationEvent {
    ApplicationEvent {
        at: Timestamp(r.get("at")),
        actor: r.get("actor"),
        actor_unit: r.get("actor_unit"),
        action: r.get("action"),
        from: r.get("from_status"),
        to: r.get("to_status"),
        reason: r.get("reason"),
    }
}

const APP_SELECT: &str = "SELECT id, enterprise_id, tax_office_id, province_code, status, form, version, previous_id, created_at, submitted_at FROM access_applications";

fn application(r: AnyRow) -> StoreResult<StoredApplication> {
    let status: String = r.get("status");
    Ok(StoredApplication {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        tax_office_id: r.get("tax_office_id"),
        province_code: r.get("province_code"),
        status: serde_json::from_str(&status).map_err(|e| corrupt("status", e))?,
        form: r.get("form"),
        version: r.get("version"),
        previous_id: r.get("previous_id"),
        created_at: Timestamp(r.get("created_at")),
        submitted_at: r.get::<Option<i64>, _>("submitted_at").map(Timestamp),
    })
}

fn status_json(s: &ApplicationStatus) -> String {
    serde_json::to_string(s).expect("status serializes")
}

#[async_trait]
impl ApplicationStore for SqlStore {
    async fn registry_profile(&self, enterprise_id: i64) -> StoreResult<Option<RegistryProfile>> {
        let row = sqlx::query(
            "SELECT e.id, e.tax_office_id, t.province_code, e.credit_grade, e.digital_invoice_pilot, e.revenue_last_year_fen, \
                    e.invoices_12m, e.invoiced_amount_12m_fen, e.major_violation_3y, e.major_opinion_3y, e.categories, \
                    e.direct_unit_type, e.qualification_end, e.terminating_on, \
                    x.kind AS exit_kind, x.filed_at AS exit_filed_at, x.effective_at AS exit_at \
             FROM enterprises e JOIN tax_offices t ON t.id = e.tax_office_id \
             LEFT JOIN unit_exits x ON x.id = (SELECT MAX(id) FROM unit_exits WHERE enterprise_id = e.id) WHERE e.id = $1",
        )
        .bind(enterprise_id)
        .fetch_optional(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(row.map(|r| {
            let exit = match (r.get::<Option<String>, _>("exit_kind").as_deref().and_then(ExitKind::from_code), r.get::<Option<i64>, _>("exit_filed_at"), r.get::<Option<i64>, _>("exit_at")) {
                (Some(kind), Some(filed), Some(at)) => Some(ExitRecord { kind, filed_at: Timestamp(filed), effective_at: Timestamp(at) }),
                _ => None,
            };
            RegistryProfile {
                enterprise_id: r.get("id"),
                tax_office_id: r.get("tax_office_id"),
                province_code: r.get("province_code"),
                applicant: applicant(&r),
                exit,
                direct_unit: r.get::<Option<String>, _>("direct_unit_type").as_deref().and_then(AccessType::from_code),
                qualification_end: r.get("qualification_end"),
                terminating_on: r.get("terminating_on"),
            }
        }))
    }

    async fn figures_by_code(&self, code: &CreditCode) -> StoreResult<Option<(String, UnitFigures)>> {
        let row = sqlx::query("SELECT name, revenue_last_year_fen, invoices_12m, invoiced_amount_12m_fen FROM enterprises WHERE credit_code = $1")
            .bind(code.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| (r.get("name"), figures(&r))))
    }

    async fn latest_application(&self, enterprise_id: i64) -> StoreResult<Option<StoredApplication>> {
        let row = sqlx::query(&format!("{APP_SELECT} WHERE enterprise_id = $1 ORDER BY id DESC LIMIT 1"))
            .bind(enterprise_id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        row.map(application).transpose()
    }

    async fn application(&self, id: i64) -> StoreResult<Option<StoredApplication>> {
        let row = sqlx::query(&format!("{APP_SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(application).transpose()
    }

    async fn create_application(&self, enterprise_id: i64, tax_office_id: i64, province_code: &str, form: &str, previous_id: Option<i64>, now: Timestamp) -> StoreResult<StoredApplication> {
        let draft = ApplicationStatus::Draft;
        let row = sqlx::query(
            "INSERT INTO access_applications (enterprise_id, tax_office_id, province_code, status, status_code, form, version, previous_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8) RETURNING id",
        )
        .bind(enterprise_id)
        .bind(tax_office_id)
        .bind(province_code)
        .bind(status_json(&draft))
        .bind(draft.code())
        .bind(form)
        .bind(previous_id)
        .bind(now.0)
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        let id: i64 = row.get("id");
        self.application(id).await?.ok_or_else(|| StoreError::Unavailable("application vanished".into()))
    }

    async fn save_form(&self, id: i64, enterprise_id: i64, form: &str, expected_version: i64, now: Timestamp, audit: &AuditRecord) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        change
            .versioned(
                sqlx::query(
                    "UPDATE access_applications SET form = $1, version = version + 1, updated_at = $2 \
                     WHERE id = $3 AND enterprise_id = $4 AND version = $5 AND status_code = 'draft'",
                )
                .bind(form)
                .bind(now.0)
                .bind(id)
                .bind(enterprise_id)
                .bind(expected_version),
            )
            .await?;
        change.commit(audit).await?;
        Ok(expected_version + 1)
    }

    async fn transition(&self, id: i64, expected_version: i64, to: &ApplicationStatus, ev: &ApplicationEvent, confirmation: Option<&Confirmation>, audit: &AuditRecord, messages: &[app::message::rules::NewMessage]) -> StoreResult<i64> {
        let mut change = StateChange::begin(self).await?;
        let submitted = matches!(to, ApplicationStatus::PendingAcceptance).then_some(ev.at.0);
        change
            .versioned(
                sqlx::query(
                    "UPDATE access_applications SET status = $1, status_code = $2, version = version + 1, updated_at = $3, \
                            submitted_at = COALESCE($4, submitted_at) \
                     WHERE id = $5 AND version = $6",
                )
                .bind(status_json(to))
                .bind(to.code())
                .bind(ev.at.0)
                .bind(submitted)
                .bind(id)
                .bind(expected_version),
            )
            .await?;
        change.event(Timeline::Application, id, ev).await?;
        if let Some(c) = confirmation {
            sqlx::query("UPDATE enterprises SET direct_unit_type = $1, qualification_end = $2 WHERE id = (SELECT enterprise_id FROM access_applications WHERE id = $3)")
                .bind(c.access_type.code())
                .bind(&c.qualification_end)
                .bind(id)
                .execute(change.conn())
                .await
                .map_err(unavailable)?;
        }
        change.messages(messages).await?;
        change.commit(audit).await?;
        Ok(expected_version + 1)
    }

    async fn queue(&self, status_code: &str, tax_office_id: Option<i64>, province_code: &str, limit: u32) -> StoreResult<Vec<StoredApplication>> {
        let rows = match tax_office_id {
            Some(office) => sqlx::query(&format!("{APP_SELECT} WHERE status_code = $1 AND tax_office_id = $2 ORDER BY submitted_at, id LIMIT $3"))
                .bind(status_code)
                .bind(office)
                .bind(limit as i64)
                .fetch_all(self.pool())
                .await,
            None => sqlx::query(&format!("{APP_SELECT} WHERE status_code = $1 AND province_code = $2 ORDER BY submitted_at, id LIMIT $3"))
                .bind(status_code)
                .bind(province_code)
                .bind(limit as i64)
                .fetch_all(self.pool())
                .await,
        }
        .map_err(unavailable)?;
        rows.into_iter().map(application).collect()
    }

    async fn events(&self, application_id: i64) -> StoreResult<Vec<ApplicationEvent>> {
        let rows = sqlx::query("SELECT at, actor, actor_unit, action, from_status, to_status, reason FROM application_events WHERE application_id = $1 ORDER BY id")
            .bind(application_id)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.iter().map(event).collect())
    }
}
