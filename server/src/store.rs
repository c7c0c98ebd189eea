//! The storage adapter: one portable SQL dialect over `sqlx::Any`, so the
//! same statements run on SQLite (default) and PostgreSQL (`DATABASE_URL`).
//! Schema differences live only in the two migration folders.

use app::domain::audit::{AuditOutcome, AuditRecord};
use app::domain::auth::{Captcha, FailureCounter, SessionClock, SmsChallenge};
use app::domain::{CreditCode, Identity, MobilePhone, OfficerRole, OfficerSession, Principal, TaxpayerSession, Timestamp};
use app::ports::*;
use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl SqlStore {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") { Backend::Postgres } else { Backend::Sqlite };
        let pool = match backend {
            Backend::Sqlite => {
                // WAL, foreign keys and a busy timeout on every connection.
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA busy_timeout = 5000").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url(url))
                    .await?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).connect(url).await?,
        };
        let store = SqlStore { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// `sqlite://path` with the file created when missing.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

fn flag(b: bool) -> i64 {
    b as i64
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn enterprise_by_code(&self, code: &CreditCode) -> StoreResult<Option<EnterpriseLogin>> {
        let row = sqlx::query("SELECT id, name, credit_code, password_hash FROM enterprises WHERE credit_code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        row.map(|r| -> StoreResult<EnterpriseLogin> {
            let code: String = r.get("credit_code");
            Ok(EnterpriseLogin {
                id: r.get("id"),
                name: r.get("name"),
                credit_code: CreditCode::parse(&code).map_err(|e| StoreError::Unavailable(format!("stored credit code {code}: {e}")))?,
                password_hash: r.get("password_hash"),
            })
        })
        .transpose()
    }

    async fn bound_people(&self, enterprise_id: i64) -> StoreResult<Vec<BoundPerson>> {
        let rows = sqlx::query(
            "SELECT ep.id AS link_id, p.id AS person_id, p.name, ep.identity, p.phone, \
                    COALESCE(ep.password_hash, p.password_hash) AS password_hash \
             FROM enterprise_people ep JOIN people p ON p.id = ep.person_id \
             WHERE ep.enterprise_id = $1 ORDER BY ep.id",
        )
        .bind(enterprise_id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(bound_person).collect()
    }

    async fn officer_by_username(&self, username: &str) -> StoreResult<Option<OfficerLogin>> {
        let row = sqlx::query(&format!("{OFFICER_SELECT} WHERE o.username = $1"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        row.map(|r| Ok(OfficerLogin { username: r.get("username"), password_hash: r.get("password_hash"), session: officer_session(&r)? }))
            .transpose()
    }
}

const OFFICER_SELECT: &str = "SELECT o.id, o.username, o.name, o.password_hash, o.role, o.tax_office_id, o.province_code, \
    t.name AS office_name, pr.bureau_name FROM officers o \
    JOIN provinces pr ON pr.code = o.province_code LEFT JOIN tax_offices t ON t.id = o.tax_office_id";

fn officer_session(r: &AnyRow) -> StoreResult<OfficerSession> {
    let role_code: String = r.get("role");
    let role = OfficerRole::from_code(&role_code).ok_or_else(|| StoreError::Unavailable(format!("unknown officer role {role_code}")))?;
    let office_name: Option<String> = r.get("office_name");
    Ok(OfficerSession {
        officer_id: r.get("id"),
        name: r.get("name"),
        role,
        unit_name: office_name.unwrap_or_else(|| r.get("bureau_name")),
        tax_office_id: r.get("tax_office_id"),
        province_code: r.get("province_code"),
    })
}

fn bound_person(r: AnyRow) -> StoreResult<BoundPerson> {
    let identity: String = r.get("identity");
    let phone: String = r.get("phone");
    Ok(BoundPerson {
        link_id: r.get("link_id"),
        person_id: r.get("person_id"),
        name: r.get("name"),
        identity: Identity::from_code(&identity).ok_or_else(|| StoreError::Unavailable(format!("unknown identity {identity}")))?,
        phone: MobilePhone::parse(&phone).map_err(|e| StoreError::Unavailable(format!("stored phone: {e}")))?,
        password_hash: r.get("password_hash"),
    })
}

#[async_trait]
impl ChallengeStore for SqlStore {
    async fn failure_counter(&self, key: &str) -> StoreResult<FailureCounter> {
        let row = sqlx::query("SELECT failures, locked_until FROM failure_counters WHERE lock_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row
            .map(|r| FailureCounter {
                failures: r.get::<i64, _>("failures") as u32,
                locked_until: r.get::<Option<i64>, _>("locked_until").map(Timestamp),
            })
            .unwrap_or_default())
    }

    async fn save_failure_counter(&self, key: &str, c: FailureCounter) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO failure_counters (lock_key, failures, locked_until) VALUES ($1, $2, $3) \
             ON CONFLICT (lock_key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(c.failures as i64)
        .bind(c.locked_until.map(|t| t.0))
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn insert_captcha(&self, id: &str, c: &Captcha) -> StoreResult<()> {
        // Old captchas are of no use to anybody: sweep them as new ones come.
        sqlx::query("DELETE FROM captchas WHERE issued_at < $1")
            .bind(c.issued_at.0 - 3_600_000)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        sqlx::query("INSERT INTO captchas (id, answer, issued_at, used) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&c.answer)
            .bind(c.issued_at.0)
            .bind(flag(c.used))
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>> {
        let taken = sqlx::query("UPDATE captchas SET used = 1 WHERE id = $1 AND used = 0 RETURNING answer, issued_at")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        if let Some(r) = taken {
            return Ok(Some(Captcha { answer: r.get("answer"), issued_at: Timestamp(r.get("issued_at")), used: false }));
        }
        let row = sqlx::query("SELECT answer, issued_at FROM captchas WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| Captcha { answer: r.get("answer"), issued_at: Timestamp(r.get("issued_at")), used: true }))
    }

    async fn insert_login_flow(&self, f: &LoginFlow) -> StoreResult<()> {
        sqlx::query("INSERT INTO login_flows (id, enterprise_id, credit_code, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&f.id)
            .bind(f.enterprise_id)
            .bind(&f.credit_code)
            .bind(f.created_at.0)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn login_flow(&self, id: &str) -> StoreResult<Option<LoginFlow>> {
        let row = sqlx::query("SELECT id, enterprise_id, credit_code, created_at FROM login_flows WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| LoginFlow {
            id: r.get("id"),
            enterprise_id: r.get("enterprise_id"),
            credit_code: r.get("credit_code"),
            created_at: Timestamp(r.get("created_at")),
        }))
    }

    async fn delete_login_flow(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_flows WHERE id = $1").bind(id).execute(&self.pool).await.map_err(unavailable)?;
        Ok(())
    }

    async fn latest_sms(&self, key: &str) -> StoreResult<Option<SmsChallenge>> {
        let row = sqlx::query("SELECT code, sent_at, used FROM sms_challenges WHERE purpose_key = $1 ORDER BY id DESC LIMIT 1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| SmsChallenge { code: r.get("code"), sent_at: Timestamp(r.get("sent_at")), used: r.get::<i64, _>("used") != 0 }))
    }

    async fn insert_sms(&self, key: &str, c: &SmsChallenge) -> StoreResult<()> {
        sqlx::query("INSERT INTO sms_challenges (purpose_key, code, sent_at, used) VALUES ($1, $2, $3, $4)")
            .bind(key)
            .bind(&c.code)
            .bind(c.sent_at.0)
            .bind(flag(c.used))
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn use_sms(&self, key: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE sms_challenges SET used = 1 WHERE used = 0 AND id = \
             (SELECT MAX(id) FROM sms_challenges WHERE purpose_key = $1)",
        )
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn insert_session(&self, token_hash: &str, subject: SessionSubject, now: Timestamp) -> StoreResult<()> {
        let (kind, link, officer) = match subject {
            SessionSubject::Taxpayer { link_id } => ("taxpayer", Some(link_id), None),
            SessionSubject::Officer { officer_id } => ("officer", None, Some(officer_id)),
        };
        sqlx::query("INSERT INTO sessions (token_hash, kind, link_id, officer_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $5)")
            .bind(token_hash)
            .bind(kind)
            .bind(link)
            .bind(officer)
            .bind(now.0)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Principal, SessionClock)>> {
        let Some(s) = sqlx::query("SELECT kind, link_id, officer_id, created_at, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
        else {
            return Ok(None);
        };
        let clock = SessionClock { created_at: Timestamp(s.get("created_at")), last_seen_at: Timestamp(s.get("last_seen_at")) };
        let kind: String = s.get("kind");
        let principal = if kind == "officer" {
            let row = sqlx::query(&format!("{OFFICER_SELECT} WHERE o.id = $1"))
                .bind(s.get::<Option<i64>, _>("officer_id"))
                .fetch_optional(&self.pool)
                .await
                .map_err(unavailable)?;
            row.map(|r| officer_session(&r).map(Principal::Officer)).transpose()?
        } else {
            let row = sqlx::query(
                "SELECT e.id AS enterprise_id, e.name AS enterprise_name, e.credit_code, p.id AS person_id, \
                        p.name AS person_name, ep.identity \
                 FROM enterprise_people ep JOIN enterprises e ON e.id = ep.enterprise_id JOIN people p ON p.id = ep.person_id \
                 WHERE ep.id = $1",
            )
            .bind(s.get::<Option<i64>, _>("link_id"))
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?;
            row.map(|r| -> StoreResult<Principal> {
                let identity: String = r.get("identity");
                Ok(Principal::Taxpayer(TaxpayerSession {
                    enterprise_id: r.get("enterprise_id"),
                    enterprise_name: r.get("enterprise_name"),
                    credit_code: r.get("credit_code"),
                    person_id: r.get("person_id"),
                    person_name: r.get("person_name"),
                    identity: Identity::from_code(&identity).ok_or_else(|| StoreError::Unavailable(format!("identity {identity}")))?,
                }))
            })
            .transpose()?
        };
        Ok(principal.map(|p| (p, clock)))
    }

    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now.0)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await.map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO audit_log (at, actor, unit, kind, description, outcome) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(a.at.0)
            .bind(&a.actor)
            .bind(&a.unit)
            .bind(&a.kind)
            .bind(&a.description)
            .bind(match a.outcome {
                AuditOutcome::Success => "success",
                AuditOutcome::Failure => "failure",
            })
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn recent_audit(&self, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query("SELECT at, actor, unit, kind, description, outcome FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| AuditRecord {
                at: Timestamp(r.get("at")),
                actor: r.get("actor"),
                unit: r.get("unit"),
                kind: r.get("kind"),
                description: r.get("description"),
                outcome: if r.get::<String, _>("outcome") == "success" { AuditOutcome::Success } else { AuditOutcome::Failure },
            })
            .collect())
    }
}

#[async_trait]
impl OutboxStore for SqlStore {
    async fn push_outbox(&self, sms: &OutboxSms) -> StoreResult<()> {
        sqlx::query("INSERT INTO sms_outbox (phone, text, sent_at) VALUES ($1, $2, $3)")
            .bind(&sms.phone)
            .bind(&sms.text)
            .bind(sms.sent_at.0)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> StoreResult<Vec<OutboxSms>> {
        let rows = sqlx::query("SELECT phone, text, sent_at FROM sms_outbox ORDER BY id DESC LIMIT $1")
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| OutboxSms { phone: r.get("phone"), text: r.get("text"), sent_at: Timestamp(r.get("sent_at")) }).collect())
    }
}
