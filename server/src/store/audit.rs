//! The tamper-evident audit log. Each record is chained: its `hash` is the
//! SHA-256 of the previous record's hash (of the same chain) and of its own
//! contents. There is one chain per day (Beijing time), so writers of different
//! days never wait on each other and whole days can be pruned after the
//! retention without breaking what is kept. `audit_heads` holds each chain's
//! length and last hash, so a deleted *last* record is seen as well.
//!
//! [`insert`] is the only way records are written: the plain `append_audit`
//! and every workflow transaction that writes its record with its change.

use app::audit::rules::{AuditOutcome, AuditRecord};
use app::kernel::Timestamp;
use app::audit::store::{AuditEntry, AuditQuery, AuditScope, AuditVerification, BrokenLink};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, Row};

/// The "previous hash" of a chain's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain a record belongs to: its day in Beijing time, "YYYY-MM-DD".
pub fn stream_of(at: Timestamp) -> String {
    at.beijing_time()[..10].to_string()
}

fn outcome_code(o: AuditOutcome) -> &'static str {
    match o {
        AuditOutcome::Success => "success",
        AuditOutcome::Failure => "failure",
    }
}

/// SHA-256 (hex) of the previous hash and the record, in an unambiguous
/// form (a JSON array: no field can run into the next).
pub fn chain_hash(prev: &str, stream: &str, seq: i64, a: &AuditRecord) -> String {
    let canonical = serde_json::json!([prev, stream, seq, a.at.0, a.actor, a.unit, a.kind, a.description, outcome_code(a.outcome)]).to_string();
    Sha256::digest(canonical.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends a record to its chain on `conn` (a transaction's connection, so the
/// record commits or rolls back with the change it describes). Call it last in
/// a transaction: it takes the chain head's lock until the commit.
pub async fn insert(conn: &mut AnyConnection, a: &AuditRecord) -> Result<i64, sqlx::Error> {
    let stream = stream_of(a.at);
    sqlx::query("INSERT INTO audit_heads (stream, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (stream) DO NOTHING")
        .bind(&stream)
        .bind(GENESIS)
        .execute(&mut *conn)
        .await?;
    // Write first: the head row is locked (PostgreSQL) / the database is (SQLite)
    // from here to the commit, so two writers never take the same place.
    let head = sqlx::query("UPDATE audit_heads SET seq = seq + 1 WHERE stream = $1 RETURNING seq, hash").bind(&stream).fetch_one(&mut *conn).await?;
    let seq: i64 = head.get("seq");
    let prev: String = head.get("hash");
    let hash = chain_hash(&prev, &stream, seq, a);
    sqlx::query("UPDATE audit_heads SET hash = $1 WHERE stream = $2").bind(&hash).bind(&stream).execute(&mut *conn).await?;
    let row = sqlx::query(
        "INSERT INTO audit_log (at, actor, unit, kind, description, outcome, stream, seq, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.at.0)
    .bind(&a.actor)
    .bind(&a.unit)
    .bind(&a.kind)
    .bind(&a.description)
    .bind(outcome_code(a.outcome))
    .bind(&stream)
    .bind(seq)
    .bind(&hash)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.get("id"))
}

/// Records written before the chain existed (no hash yet) join their day's
/// chain, oldest first. Run at start, before anything else writes.
pub async fn seal_unchained(pool: &AnyPool) -> Result<u64, sqlx::Error> {
    let rows = sqlx::query("SELECT id, at, actor, unit, kind, description, outcome FROM audit_log WHERE hash IS NULL ORDER BY id").fetch_all(pool).await?;
    let mut n = 0;
    for r in rows {
        let id: i64 = r.get("id");
        let a = record(&r);
        let mut tx = pool.begin().await?;
        let stream = stream_of(a.at);
        sqlx::query("INSERT INTO audit_heads (stream, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (stream) DO NOTHING").bind(&stream).bind(GENESIS).execute(&mut *tx).await?;
        let head = sqlx::query("UPDATE audit_heads SET seq = seq + 1 WHERE stream = $1 RETURNING seq, hash").bind(&stream).fetch_one(&mut *tx).await?;
        let seq: i64 = head.get("seq");
        let hash = chain_hash(&head.get::<String, _>("hash"), &stream, seq, &a);
        sqlx::query("UPDATE audit_heads SET hash = $1 WHERE stream = $2").bind(&hash).bind(&stream).execute(&mut *tx).await?;
        sqlx::query("UPDATE audit_log SET stream = $1, seq = $2, hash = $3 WHERE id = $4").bind(&stream).bind(seq).bind(&hash).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

fn record(r: &sqlx::any::AnyRow) -> AuditRecord {
    AuditRecord {
        at: Timestamp(r.get("at")),
        actor: r.get("actor"),
        unit: r.get("unit"),
        kind: r.get("kind"),
        description: r.get("description"),
        outcome: if r.get::<String, _>("outcome") == "success" { AuditOutcome::Success } else { AuditOutcome::Failure },
    }
}

const PAGE: i64 = 1000;

/// Walks every chain and names the first link that does not hold: a record
/// whose contents no longer give its hash (edited), a position with no record
/// (deleted), a chain shorter than its head says (last records deleted), or
/// records outside any chain.
pub async fn verify(pool: &AnyPool) -> Result<AuditVerification, sqlx::Error> {
    let mut v = AuditVerification::default();
    let stray = sqlx::query(
        "SELECT id, stream, seq FROM audit_log WHERE hash IS NULL OR stream IS NULL OR stream NOT IN (SELECT stream FROM audit_heads) ORDER BY id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let heads = sqlx::query("SELECT stream, seq, hash, pruned_at FROM audit_heads ORDER BY stream").fetch_all(pool).await?;
    for head in heads {
        v.streams += 1;
        let stream: String = head.get("stream");
        let head_seq: i64 = head.get("seq");
        let head_hash: String = head.get("hash");
        let pruned = head.get::<Option<i64>, _>("pruned_at").is_some();
        let broken = |seq: i64, id: Option<i64>, reason: String| BrokenLink { stream: stream.clone(), seq, id, reason };
        if pruned {
            // A pruned day keeps only its head; any record left of it is stray.
            if let Some(r) = sqlx::query("SELECT id, seq FROM audit_log WHERE stream = $1 ORDER BY seq LIMIT 1").bind(&stream).fetch_optional(pool).await? {
                v.first_broken = Some(broken(r.get("seq"), Some(r.get("id")), "已清理日期下仍有记录".into()));
                return Ok(v);
            }
            continue;
        }
        let mut prev = GENESIS.to_string();
        let mut expected: i64 = 1;
        loop {
            let rows = sqlx::query("SELECT id, at, actor, unit, kind, description, outcome, seq, hash FROM audit_log WHERE stream = $1 AND seq >= $2 ORDER BY seq LIMIT $3")
                .bind(&stream)
                .bind(expected)
                .bind(PAGE)
                .fetch_all(pool)
                .await?;
            let n = rows.len() as i64;
            for r in rows {
                let seq: i64 = r.get("seq");
                let id: i64 = r.get("id");
                if seq != expected {
                    v.first_broken = Some(broken(expected, None, format!("第{expected}条记录缺失（已被删除）")));
                    return Ok(v);
                }
                let hash: Option<String> = r.get("hash");
                if hash.as_deref() != Some(chain_hash(&prev, &stream, seq, &record(&r)).as_str()) {
                    v.first_broken = Some(broken(seq, Some(id), format!("第{seq}条记录（id {id}）的内容与哈希不符（已被修改）")));
                    return Ok(v);
                }
                prev = hash.unwrap_or_default();
                expected += 1;
                v.records += 1;
            }
            if n < PAGE {
                break;
            }
        }
        if expected - 1 != head_seq {
            v.first_broken = Some(broken(expected, None, format!("链长应为{head_seq}条，实有{}条：第{expected}条起的记录缺失（已被删除）", expected - 1)));
            return Ok(v);
        }
        if prev != head_hash {
            v.first_broken = Some(broken(head_seq, None, "链头哈希与最后一条记录不符".into()));
            return Ok(v);
        }
    }
    if let Some(r) = stray {
        let id: i64 = r.get("id");
        v.first_broken = Some(BrokenLink {
            stream: r.get::<Option<String>, _>("stream").unwrap_or_default(),
            seq: r.get::<Option<i64>, _>("seq").unwrap_or(0),
            id: Some(id),
            reason: format!("记录（id {id}）不在任何校验链中"),
        });
    }
    Ok(v)
}

/// Removes every record of the days before `before`'s day; their heads stay
/// (marked pruned), so what is kept still verifies and the removal is visible.
pub async fn prune(pool: &AnyPool, before: Timestamp, now: Timestamp) -> Result<u64, sqlx::Error> {
    let cutoff = stream_of(before);
    let streams: Vec<String> = sqlx::query("SELECT stream FROM audit_heads WHERE stream < $1 AND pruned_at IS NULL ORDER BY stream")
        .bind(&cutoff)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| r.get("stream"))
        .collect();
    let mut n = 0;
    for s in streams {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE audit_heads SET pruned_at = $1 WHERE stream = $2").bind(now.0).bind(&s).execute(&mut *tx).await?;
        n += sqlx::query("DELETE FROM audit_log WHERE stream = $1").bind(&s).execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
    }
    Ok(n)
}

enum Arg {
    I(i64),
    S(String),
}

/// The viewer's page: newest first, below `before_id`, within the scope and filters.
pub async fn entries(pool: &AnyPool, q: &AuditQuery) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let mut sql = String::from("SELECT id, at, actor, unit, kind, description, outcome FROM audit_log WHERE ");
    let mut args: Vec<Arg> = Vec::new();
    let next = |args: &mut Vec<Arg>, a: Arg| {
        args.push(a);
        format!("${}", args.len())
    };
    match &q.units {
        AuditScope::Nobody => return Ok(vec![]),
        AuditScope::Unit(code) => {
            let p = next(&mut args, Arg::S(code.clone()));
            sql.push_str(&format!("unit = {p}"));
        }
        AuditScope::TaxOffice(office) => {
            let p = next(&mut args, Arg::I(*office));
            sql.push_str(&format!("unit IN (SELECT credit_code FROM enterprises WHERE tax_office_id = {p})"));
        }
        AuditScope::Province(code) => {
            let p = next(&mut args, Arg::S(code.clone()));
            sql.push_str(&format!("unit IN (SELECT e.credit_code FROM enterprises e JOIN tax_offices t ON t.id = e.tax_office_id WHERE t.province_code = {p})"));
        }
    }
    if let Some(from) = q.from {
        let p = next(&mut args, Arg::I(from.0));
        sql.push_str(&format!(" AND at >= {p}"));
    }
    if let Some(to) = q.to {
        let p = next(&mut args, Arg::I(to.0));
        sql.push_str(&format!(" AND at < {p}"));
    }
    if let Some(actor) = q.actor.as_deref().filter(|a| !a.is_empty()) {
        let escaped: String = actor.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
        let p = next(&mut args, Arg::S(format!("%{escaped}%")));
        sql.push_str(&format!(" AND actor LIKE {p} ESCAPE '\\'"));
    }
    if let Some(kind) = q.kind.as_deref().filter(|k| !k.is_empty()) {
        let p = next(&mut args, Arg::S(kind.to_string()));
        sql.push_str(&format!(" AND kind = {p}"));
    }
    if let Some(before) = q.before_id {
        let p = next(&mut args, Arg::I(before));
        sql.push_str(&format!(" AND id < {p}"));
    }
    let p = next(&mut args, Arg::I(q.limit.clamp(1, 10_000) as i64));
    sql.push_str(&format!(" ORDER BY id DESC LIMIT {p}"));
    let mut query = sqlx::query(&sql);
    for a in args {
        query = match a {
            Arg::I(i) => query.bind(i),
            Arg::S(s) => query.bind(s),
        };
    }
    let rows = query.fetch_all(pool).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let a = record(r);
            AuditEntry { id: r.get("id"), at: a.at, actor: a.actor, unit: a.unit, kind: a.kind, description: a.description, success: a.outcome == AuditOutcome::Success }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_hashes_with_its_chain_and_every_field_counts() {
        let a = AuditRecord::new(Timestamp(1_764_000_000_000), "王建国", "91510104MA6CLQ001T", "企业登录", "企业密码验证通过", AuditOutcome::Success);
        let h = chain_hash(GENESIS, "2025-11-25", 1, &a);
        assert_eq!(h.len(), 64);
        assert_eq!(h, chain_hash(GENESIS, "2025-11-25", 1, &a.clone()));
        assert_ne!(h, chain_hash(&h, "2025-11-25", 1, &a), "the previous hash counts");
        assert_ne!(h, chain_hash(GENESIS, "2025-11-25", 2, &a), "the position counts");
        let mut b = a.clone();
        b.description.push('。');
        assert_ne!(h, chain_hash(GENESIS, "2025-11-25", 1, &b));
        let mut c = a.clone();
        c.outcome = AuditOutcome::Failure;
        assert_ne!(h, chain_hash(GENESIS, "2025-11-25", 1, &c));
        // Fields cannot run into each other.
        let d = AuditRecord::new(a.at, "王建", "国91510104MA6CLQ001T", "企业登录", "企业密码验证通过", AuditOutcome::Success);
        assert_ne!(h, chain_hash(GENESIS, "2025-11-25", 1, &d));
        assert_eq!(stream_of(Timestamp(1_764_000_000_000)), "2025-11-25");
    }
}
