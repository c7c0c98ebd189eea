//! Accounts and sessions in storage (etax-login-guide): enterprises, people and
//! their links, login flows and multi-step flows, SMS challenges and attempt
//! counters, sessions, the audit log's plain appends and the demo SMS outbox.

use app::accounts::rules::{effective_grants, GrantOutcome};
use app::kernel::Grants;
use app::audit::rules::{AuditOutcome, AuditRecord};
use app::auth::rules::{Captcha, FailureCounter, SessionClock, SmsChallenge};
use app::kernel::{CreditCode, Identity, MobilePhone, OfficerRole, OfficerSession, Principal, TaxpayerSession, Timestamp};
use app::accounts::store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{conflict_or_unavailable, unavailable, SqlStore};

const PERSON_SELECT: &str = "SELECT id, name, id_number, phone, password_hash FROM people";

fn person_record(r: AnyRow) -> PersonRecord {
    PersonRecord { id: r.get("id"), name: r.get("name"), id_number: r.get("id_number"), phone: r.get("phone"), password_hash: r.get("password_hash") }
}

fn flag(b: bool) -> i64 {
    b as i64
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn enterprise_by_taxpayer_number(&self, number: &app::kernel::taxpayer_number::TaxpayerNumber) -> StoreResult<Option<EnterpriseLogin>> {
        use app::kernel::taxpayer_number::TaxpayerNumber;
        if let TaxpayerNumber::CreditCode(code) = number {
            if let Some(e) = self.enterprise_by_code(code).await? {
                return Ok(Some(e));
            }
        }
        let row = sqlx::query("SELECT credit_code FROM enterprises WHERE taxpayer_number = $1")
            .bind(number.as_str())
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        match row {
            Some(r) => {
                let code: String = r.get("credit_code");
                self.enterprise_by_code(&CreditCode::parse(&code).map_err(|e| StoreError::Unavailable(format!("stored credit code {code}: {e}")))?).await
            }
            None => Ok(None),
        }
    }

    async fn enterprise_by_code(&self, code: &CreditCode) -> StoreResult<Option<EnterpriseLogin>> {
        let row = sqlx::query("SELECT id, name, credit_code, password_hash FROM enterprises WHERE credit_code = $1")
            .bind(code.as_str())
            .fetch_optional(self.pool())
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
            "SELECT ep.id AS link_id, p.id AS person_id, p.name, ep.identity, p.phone, ep.bound, \
                    COALESCE(ep.password_hash, p.password_hash) AS password_hash \
             FROM enterprise_people ep JOIN people p ON p.id = ep.person_id \
             WHERE ep.enterprise_id = $1 ORDER BY ep.id",
        )
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        rows.into_iter().map(bound_person).collect()
    }

    async fn officer_by_username(&self, username: &str) -> StoreResult<Option<OfficerLogin>> {
        let row = sqlx::query(&format!("{OFFICER_SELECT} WHERE o.username = $1"))
            .bind(username)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        row.map(|r| Ok(OfficerLogin { username: r.get("username"), password_hash: r.get("password_hash"), session: officer_session(&r)? }))
            .transpose()
    }

    async fn enterprise_by_id(&self, id: i64) -> StoreResult<Option<EnterpriseLogin>> {
        let code: Option<String> = sqlx::query("SELECT credit_code FROM enterprises WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?
            .map(|r| r.get("credit_code"));
        match code {
            Some(c) => self.enterprise_by_code(&CreditCode::parse(&c).map_err(|e| StoreError::Unavailable(e.to_string()))?).await,
            None => Ok(None),
        }
    }

    async fn set_enterprise_password(&self, enterprise_id: i64, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE enterprises SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(enterprise_id)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn tax_offices(&self) -> StoreResult<Vec<TaxOffice>> {
        let rows = sqlx::query("SELECT t.id, t.name, p.name AS province_name FROM tax_offices t JOIN provinces p ON p.code = t.province_code ORDER BY t.province_code DESC, t.id")
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| TaxOffice { id: r.get("id"), name: r.get("name"), province_name: r.get("province_name") }).collect())
    }

    async fn person_by_phone(&self, phone: &str) -> StoreResult<Option<PersonRecord>> {
        let row = sqlx::query(&format!("{PERSON_SELECT} WHERE phone = $1")).bind(phone).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.map(person_record))
    }

    async fn person_by_id_number(&self, id_number: &str) -> StoreResult<Option<PersonRecord>> {
        let row = sqlx::query(&format!("{PERSON_SELECT} WHERE id_number = $1")).bind(id_number).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.map(person_record))
    }

    async fn person_by_id(&self, id: i64) -> StoreResult<Option<PersonRecord>> {
        let row = sqlx::query(&format!("{PERSON_SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.map(person_record))
    }

    async fn insert_person(&self, p: &NewPerson, now: Timestamp) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO people (name, id_number, phone, password_hash, tax_office_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(p.name.as_str())
        .bind(p.id_number.as_str())
        .bind(p.phone.as_str())
        .bind(&p.password_hash)
        .bind(p.tax_office_id)
        .bind(now.0)
        .fetch_one(self.pool())
        .await
        .map_err(conflict_or_unavailable)?;
        Ok(row.get("id"))
    }

    async fn set_person_password(&self, person_id: i64, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2").bind(hash).bind(person_id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn enterprise_users(&self, enterprise_id: i64) -> StoreResult<Vec<EnterpriseUser>> {
        let rows = sqlx::query(
            "SELECT ep.id AS link_id, p.id AS person_id, p.name, p.id_number, p.phone, ep.identity, ep.grants, ep.bound, ep.source \
             FROM enterprise_people ep JOIN people p ON p.id = ep.person_id WHERE ep.enterprise_id = $1 ORDER BY ep.id",
        )
        .bind(enterprise_id)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|r| {
                let identity: String = r.get("identity");
                Ok(EnterpriseUser {
                    link_id: r.get("link_id"),
                    person_id: r.get("person_id"),
                    name: r.get("name"),
                    id_number: r.get("id_number"),
                    phone: r.get("phone"),
                    identity: Identity::from_code(&identity).ok_or_else(|| StoreError::Unavailable(format!("identity {identity}")))?,
                    grants: Grants::from_codes(&r.get::<String, _>("grants")),
                    bound: r.get::<i64, _>("bound") != 0,
                    source: LinkSource::from_code(&r.get::<String, _>("source")),
                })
            })
            .collect()
    }

    async fn bind_person(&self, enterprise_id: i64, person_id: i64, identity: Identity, source: LinkSource, password_hash: Option<&str>, grants: &Grants, now: Timestamp) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO enterprise_people (enterprise_id, person_id, identity, password_hash, created_at, source, grants, bound) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1) \
             ON CONFLICT (enterprise_id, person_id, identity) DO UPDATE SET bound = 1, grants = excluded.grants, \
                source = excluded.source, password_hash = COALESCE(excluded.password_hash, enterprise_people.password_hash) \
             RETURNING id",
        )
        .bind(enterprise_id)
        .bind(person_id)
        .bind(identity.code())
        .bind(password_hash)
        .bind(now.0)
        .bind(source.code())
        .bind(grants.to_codes())
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        // A link bound again, with its identity's grants: sessions read it.
        self.session_cache().invalidate();
        Ok(row.get("id"))
    }

    async fn apply_grants(&self, enterprise_id: i64, link_id: i64, outcome: &GrantOutcome) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let (grants, bound) = match outcome {
            GrantOutcome::Granted(g) => (g.to_codes(), 1i64),
            GrantOutcome::Unbound => (String::new(), 0i64),
        };
        let done = sqlx::query("UPDATE enterprise_people SET grants = $1, bound = $2 WHERE id = $3 AND enterprise_id = $4")
            .bind(grants)
            .bind(bound)
            .bind(link_id)
            .bind(enterprise_id)
            .execute(&mut *tx)
            .await
            .map_err(unavailable)?;
        if done.rows_affected() == 1 && bound == 0 {
            sqlx::query("DELETE FROM sessions WHERE link_id = $1").bind(link_id).execute(&mut *tx).await.map_err(unavailable)?;
        }
        tx.commit().await.map_err(unavailable)?;
        self.session_cache().invalidate();
        Ok(done.rows_affected() == 1)
    }

    async fn link_has_password(&self, link_id: i64) -> StoreResult<bool> {
        let row = sqlx::query("SELECT password_hash FROM enterprise_people WHERE id = $1").bind(link_id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.and_then(|r| r.get::<Option<String>, _>("password_hash")).is_some())
    }

    async fn direct_unit_type(&self, enterprise_id: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT direct_unit_type FROM enterprises WHERE id = $1").bind(enterprise_id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        Ok(row.and_then(|r| r.get::<Option<String>, _>("direct_unit_type")))
    }

    async fn set_link_password(&self, link_id: i64, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE enterprise_people SET password_hash = $1 WHERE id = $2").bind(hash).bind(link_id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl FlowStore for SqlStore {
    async fn insert_flow(&self, id: &str, kind: &str, state: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("DELETE FROM flows WHERE created_at < $1").bind(now.0 - 86_400_000).execute(self.pool()).await.map_err(unavailable)?;
        sqlx::query("INSERT INTO flows (id, kind, state, created_at, version) VALUES ($1, $2, $3, $4, 1)")
            .bind(id)
            .bind(kind)
            .bind(state)
            .bind(now.0)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn flow(&self, id: &str, kind: &str) -> StoreResult<Option<StoredFlow>> {
        let row = sqlx::query("SELECT state, version, created_at FROM flows WHERE id = $1 AND kind = $2")
            .bind(id)
            .bind(kind)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(row.map(|r| StoredFlow { state: r.get("state"), version: r.get("version"), created_at: Timestamp(r.get("created_at")) }))
    }

    async fn update_flow(&self, id: &str, state: &str, expected_version: i64) -> StoreResult<()> {
        let done = sqlx::query("UPDATE flows SET state = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(state)
            .bind(id)
            .bind(expected_version)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        if done.rows_affected() == 1 { Ok(()) } else { Err(StoreError::Conflict) }
    }

    async fn delete_flow(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM flows WHERE id = $1").bind(id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
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
        bound: r.get::<i64, _>("bound") != 0,
    })
}

#[async_trait]
impl ChallengeStore for SqlStore {
    async fn failure_counter(&self, key: &str) -> StoreResult<FailureCounter> {
        let row = sqlx::query("SELECT failures, locked_until FROM failure_counters WHERE lock_key = $1")
            .bind(key)
            .fetch_optional(self.pool())
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
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn insert_captcha(&self, id: &str, c: &Captcha) -> StoreResult<()> {
        // Old captchas are of no use to anybody: sweep them as new ones come.
        sqlx::query("DELETE FROM captchas WHERE issued_at < $1")
            .bind(c.issued_at.0 - 3_600_000)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        sqlx::query("INSERT INTO captchas (id, answer, issued_at, used) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(&c.answer)
            .bind(c.issued_at.0)
            .bind(flag(c.used))
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>> {
        let taken = sqlx::query("UPDATE captchas SET used = 1 WHERE id = $1 AND used = 0 RETURNING answer, issued_at")
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        if let Some(r) = taken {
            return Ok(Some(Captcha { answer: r.get("answer"), issued_at: Timestamp(r.get("issued_at")), used: false }));
        }
        let row = sqlx::query("SELECT answer, issued_at FROM captchas WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
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
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn login_flow(&self, id: &str) -> StoreResult<Option<LoginFlow>> {
        let row = sqlx::query("SELECT id, enterprise_id, credit_code, created_at FROM login_flows WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
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
        sqlx::query("DELETE FROM login_flows WHERE id = $1").bind(id).execute(self.pool()).await.map_err(unavailable)?;
        Ok(())
    }

    async fn latest_sms(&self, key: &str) -> StoreResult<Option<SmsChallenge>> {
        let row = sqlx::query("SELECT code, sent_at, used FROM sms_challenges WHERE purpose_key = $1 ORDER BY id DESC LIMIT 1")
            .bind(key)
            .fetch_optional(self.pool())
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
            .execute(self.pool())
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
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn insert_session(&self, token_hash: &str, subject: SessionSubject, user_agent: &str, now: Timestamp) -> StoreResult<()> {
        let (kind, link, officer) = match subject {
            SessionSubject::Taxpayer { link_id } => ("taxpayer", Some(link_id), None),
            SessionSubject::Officer { officer_id } => ("officer", None, Some(officer_id)),
        };
        let ua: String = user_agent.chars().take(300).collect();
        sqlx::query("INSERT INTO sessions (token_hash, kind, link_id, officer_id, created_at, last_seen_at, user_agent) VALUES ($1, $2, $3, $4, $5, $5, $6)")
            .bind(token_hash)
            .bind(kind)
            .bind(link)
            .bind(officer)
            .bind(now.0)
            .bind(ua)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// The session with its principal: from this process's [`crate::store::SessionCache`]
    /// when it has it (for at most its lifetime), else one statement.
    async fn session(&self, token_hash: &str) -> StoreResult<Option<(Principal, SessionClock)>> {
        let cache = self.session_cache();
        if let Some(hit) = cache.get(token_hash) {
            return Ok(Some(hit));
        }
        let generation = cache.generation();
        let found = session_from_db(self, token_hash).await?;
        if let Some((p, clock)) = &found {
            cache.put(token_hash, generation, p, *clock);
        }
        Ok(found)
    }

    async fn touch_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now.0)
            .bind(token_hash)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        self.session_cache().touched(token_hash, now);
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await.map_err(unavailable)?;
        self.session_cache().invalidate();
        Ok(())
    }

    async fn sessions_of_person(&self, person_id: i64) -> StoreResult<Vec<SessionRecord>> {
        let rows = sqlx::query(
            "SELECT s.token_hash, s.created_at, s.last_seen_at, s.user_agent, e.name AS enterprise_name \
             FROM sessions s JOIN enterprise_people ep ON ep.id = s.link_id JOIN enterprises e ON e.id = ep.enterprise_id \
             WHERE ep.person_id = $1 ORDER BY s.created_at DESC",
        )
        .bind(person_id)
        .fetch_all(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|r| SessionRecord {
                token_hash: r.get("token_hash"),
                created_at: Timestamp(r.get("created_at")),
                last_seen_at: Timestamp(r.get("last_seen_at")),
                user_agent: r.get("user_agent"),
                enterprise_name: r.get("enterprise_name"),
            })
            .collect())
    }

    async fn delete_sessions_of_enterprise(&self, enterprise_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE link_id IN (SELECT id FROM enterprise_people WHERE enterprise_id = $1)")
            .bind(enterprise_id)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        self.session_cache().invalidate();
        Ok(())
    }

    async fn delete_sessions_of_person(&self, person_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE link_id IN (SELECT id FROM enterprise_people WHERE person_id = $1)")
            .bind(person_id)
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        self.session_cache().invalidate();
        Ok(())
    }
}

/// One statement for every signed-in call: the session with its officer or its
/// person's link (identity and grants read fresh, so a revocation counts at once).
async fn session_from_db(store: &SqlStore, token_hash: &str) -> StoreResult<Option<(Principal, SessionClock)>> {
    let Some(r) = sqlx::query(
        "SELECT s.kind, s.created_at, s.last_seen_at, \
                ep.id AS link_id, e.id AS enterprise_id, e.name AS enterprise_name, e.credit_code, p.id AS person_id, \
                p.name AS person_name, ep.identity, ep.grants, \
                o.id, o.name, o.role, o.tax_office_id, o.province_code, t.name AS office_name, pr.bureau_name \
         FROM sessions s \
         LEFT JOIN enterprise_people ep ON ep.id = s.link_id AND ep.bound = 1 \
         LEFT JOIN enterprises e ON e.id = ep.enterprise_id LEFT JOIN people p ON p.id = ep.person_id \
         LEFT JOIN officers o ON o.id = s.officer_id LEFT JOIN provinces pr ON pr.code = o.province_code \
         LEFT JOIN tax_offices t ON t.id = o.tax_office_id \
         WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(store.pool())
    .await
    .map_err(unavailable)?
    else {
        return Ok(None);
    };
    let clock = SessionClock { created_at: Timestamp(r.get("created_at")), last_seen_at: Timestamp(r.get("last_seen_at")) };
    let kind: String = r.get("kind");
    let principal = if kind == "officer" {
        // An officer removed meanwhile (or a province gone): no principal.
        match (r.get::<Option<i64>, _>("id"), r.get::<Option<String>, _>("bureau_name")) {
            (Some(_), Some(_)) => Some(Principal::Officer(officer_session(&r)?)),
            _ => None,
        }
    } else {
        match r.get::<Option<i64>, _>("link_id") {
            // Unbound (or the link gone): the session no longer stands for anyone.
            None => None,
            Some(link_id) => {
                let identity: String = r.get("identity");
                let identity = Identity::from_code(&identity).ok_or_else(|| StoreError::Unavailable(format!("identity {identity}")))?;
                Some(Principal::Taxpayer(TaxpayerSession {
                    link_id,
                    grants: effective_grants(identity, &Grants::from_codes(&r.get::<String, _>("grants"))),
                    enterprise_id: r.get("enterprise_id"),
                    enterprise_name: r.get("enterprise_name"),
                    credit_code: r.get("credit_code"),
                    person_id: r.get("person_id"),
                    person_name: r.get("person_name"),
                    identity,
                }))
            }
        }
    };
    Ok(principal.map(|p| (p, clock)))
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        crate::store::audit::insert(&mut tx, a).await.map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(())
    }

    async fn recent_audit(&self, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query("SELECT at, actor, unit, kind, description, outcome FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit as i64)
            .fetch_all(self.pool())
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
            .execute(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn outbox(&self, limit: u32) -> StoreResult<Vec<OutboxSms>> {
        let rows = sqlx::query("SELECT phone, text, sent_at FROM sms_outbox ORDER BY id DESC LIMIT $1")
            .bind(limit as i64)
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        Ok(rows.into_iter().map(|r| OutboxSms { phone: r.get("phone"), text: r.get("text"), sent_at: Timestamp(r.get("sent_at")) }).collect())
    }
}
