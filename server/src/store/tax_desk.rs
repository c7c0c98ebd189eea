//! Storage of the tax console's 【已办】 and 【单位档案】 (see `app::tax_desk::store::DeskStore`).
//! 【已办】 is one query over the five timelines (`UNION ALL`): the steps whose actor is this
//! officer (name and unit, as every timeline records them), on items within the officer's
//! jurisdiction, newest first by (time, id) with a keyset cursor — never OFFSET. Row ids are
//! made unique across the timelines as `event id × 8 + the kind's tag`.

use app::kernel::AccessType;
use app::lifecycle::rules::RequestKind;
use app::measure::rules::MeasureKind;
use app::tax_desk::rules::{done_id, Cursor, DeskScope, DoneKind, FileSection, UnitQuery};
use app::kernel::Timestamp;
use app::kernel::storage::*;
use app::tax_desk::store::*;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{corrupt, unavailable, SqlStore};

enum Arg {
    I(i64),
    S(String),
}

/// Positional arguments for SQL built piece by piece (`$n` may be used more than once).
#[derive(Default)]
struct Args(Vec<Arg>);

impl Args {
    fn push(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }

    async fn fetch(self, store: &SqlStore, sql: &str) -> StoreResult<Vec<AnyRow>> {
        let mut q = sqlx::query(sql);
        for a in self.0 {
            q = match a {
                Arg::I(i) => q.bind(i),
                Arg::S(s) => q.bind(s),
            };
        }
        q.fetch_all(store.pool()).await.map_err(unavailable)
    }
}

/// Each timeline: its kind, the events table and its key, the item table, the item's unit and
/// the tax office that decides it (the use unit's for an invitation).
const TIMELINES: [(DoneKind, &str, &str, &str, &str, &str); 5] = [
    (DoneKind::Application, "application_events", "application_id", "access_applications", "x.enterprise_id", "x.tax_office_id"),
    (DoneKind::Invitation, "invitation_events", "invitation_id", "invitations", "x.use_enterprise_id", "x.use_tax_office_id"),
    (DoneKind::Capability, "capability_events", "subscription_id", "capability_subscriptions", "x.enterprise_id", "x.tax_office_id"),
    (DoneKind::Request, "request_events", "request_id", "lifecycle_requests", "x.enterprise_id", "x.tax_office_id"),
    (DoneKind::Measure, "measure_events", "measure_id", "measures", "x.enterprise_id", "x.tax_office_id"),
];

fn scope_clause(args: &mut Args, scope: &DeskScope, office_col: &str, province_col: &str) -> String {
    match scope {
        DeskScope::TaxOffice(o) => format!("{office_col} = {}", args.push(Arg::I(*o))),
        DeskScope::Province(p) => format!("{province_col} = {}", args.push(Arg::S(p.clone()))),
    }
}

fn unit_record(r: &AnyRow) -> UnitRecord {
    UnitRecord {
        enterprise_id: r.get("id"),
        name: r.get("name"),
        credit_code: r.get("credit_code"),
        tax_office_id: r.get("tax_office_id"),
        tax_office_name: r.get("office_name"),
        province_code: r.get("province_code"),
        direct_unit: r.get::<Option<String>, _>("direct_unit_type").as_deref().and_then(AccessType::from_code),
    }
}

fn json<T: serde::de::DeserializeOwned>(r: &AnyRow, col: &str, what: &str) -> StoreResult<T> {
    let s: String = r.get(col);
    serde_json::from_str(&s).map_err(|e| corrupt(what, e))
}

fn file_entry(section: FileSection, r: &AnyRow) -> StoreResult<FileEntry> {
    Ok(match section {
        FileSection::Applications => FileEntry::Application { status: json(r, "status", "application status")? },
        FileSection::Requests => {
            let kind: String = r.get("kind");
            FileEntry::Request { kind: RequestKind::from_code(&kind).ok_or_else(|| corrupt("request kind", &kind))?, status: json(r, "status", "request status")? }
        }
        FileSection::Measures => {
            let kind: String = r.get("kind");
            FileEntry::Measure { kind: MeasureKind::from_code(&kind).ok_or_else(|| corrupt("measure kind", &kind))?, status: json(r, "status", "measure status")?, note: r.get("note") }
        }
        FileSection::InvitationsSent | FileSection::InvitationsReceived => FileEntry::Invitation {
            other_name: r.get("other_name"),
            other_code: r.get("other_code"),
            relationship: r.get("relationship"),
            status: json(r, "status", "invitation status")?,
            use_tax_office_id: r.get("use_tax_office_id"),
        },
        FileSection::Subscriptions => FileEntry::Subscription { capability_code: r.get("capability_code"), status: json(r, "status", "capability status")?, valid_until: r.get("valid_until") },
        FileSection::Grants => FileEntry::Grant { capability_code: r.get("capability_code"), direct_name: r.get("direct_name"), use_name: r.get("use_name"), status: json(r, "status", "grant status")? },
        FileSection::Messages => FileEntry::Message { title: r.get("title"), kind: r.get("kind") },
    })
}

#[async_trait]
impl DeskStore for SqlStore {
    async fn decided_by(&self, q: &DoneQuery) -> StoreResult<Vec<DoneRecord>> {
        let mut args = Args::default();
        let actor = args.push(Arg::S(q.actor.clone()));
        let unit = args.push(Arg::S(q.actor_unit.clone()));
        let scope = scope_clause(&mut args, &q.scope, "t.id", "t.province_code");
        let before = q.before.map(|c| (args.push(Arg::I(c.at)), args.push(Arg::I(c.id))));
        let branches: Vec<String> = TIMELINES
            .iter()
            .map(|(kind, events, key, items, unit_col, office_col)| {
                let tag = kind.tag();
                let uid = format!("(e.id * 8 + {tag})");
                let keyset = before.as_ref().map(|(at, id)| format!(" AND (e.at < {at} OR (e.at = {at} AND {uid} < {id}))")).unwrap_or_default();
                format!(
                    "SELECT CAST({tag} AS BIGINT) AS kind, {uid} AS uid, x.id AS item_id, u.name AS enterprise_name, u.credit_code AS credit_code, \
                     e.at AS at, e.action AS action, e.to_status AS to_status, e.reason AS reason \
                     FROM {events} e JOIN {items} x ON x.id = e.{key} JOIN enterprises u ON u.id = {unit_col} JOIN tax_offices t ON t.id = {office_col} \
                     WHERE e.actor = {actor} AND e.actor_unit = {unit} AND {scope}{keyset}"
                )
            })
            .collect();
        let sql = format!("SELECT * FROM ({}) d ORDER BY d.at DESC, d.uid DESC LIMIT {}", branches.join(" UNION ALL "), q.limit.clamp(1, 501));
        let rows = args.fetch(self, &sql).await?;
        rows.iter()
            .map(|r| {
                let tag: i64 = r.get("kind");
                let kind = DoneKind::from_tag(tag).ok_or_else(|| corrupt("done kind", tag))?;
                let id: i64 = r.get("uid");
                debug_assert_eq!(id, done_id(kind, id / 8));
                Ok(DoneRecord {
                    kind,
                    id,
                    item_id: r.get("item_id"),
                    enterprise_name: r.get("enterprise_name"),
                    credit_code: r.get("credit_code"),
                    at: Timestamp(r.get("at")),
                    action: r.get("action"),
                    to: r.get("to_status"),
                    reason: r.get("reason"),
                })
            })
            .collect()
    }

    async fn find_units(&self, scope: &DeskScope, q: &UnitQuery, limit: u32) -> StoreResult<Vec<UnitRecord>> {
        let mut args = Args::default();
        let scope = scope_clause(&mut args, scope, "e.tax_office_id", "t.province_code");
        let matches = match q {
            UnitQuery::Code(code) => format!("e.credit_code = {}", args.push(Arg::S(code.clone()))),
            UnitQuery::NamePart(part) => {
                let escaped: String = part.chars().flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
                format!("e.name LIKE {} ESCAPE '\\'", args.push(Arg::S(format!("%{escaped}%"))))
            }
        };
        let sql = format!(
            "SELECT e.id, e.name, e.credit_code, e.tax_office_id, t.name AS office_name, t.province_code, e.direct_unit_type \
             FROM enterprises e JOIN tax_offices t ON t.id = e.tax_office_id WHERE {scope} AND {matches} ORDER BY e.id LIMIT {}",
            limit.clamp(1, 200)
        );
        Ok(args.fetch(self, &sql).await?.iter().map(unit_record).collect())
    }

    async fn unit_section(&self, enterprise_id: i64, section: FileSection, before: Option<Cursor>, limit: u32) -> StoreResult<Vec<FileRecord>> {
        let mut args = Args::default();
        let unit = args.push(Arg::I(enterprise_id));
        // (columns and tables, the unit's condition, the row's time and id)
        let (select, unit_cond, at, id) = match section {
            FileSection::Applications => ("x.id, x.created_at AS at, x.status FROM access_applications x", format!("x.enterprise_id = {unit} AND x.status_code <> 'draft'"), "x.created_at", "x.id"),
            FileSection::Requests => ("x.id, x.created_at AS at, x.kind, x.status FROM lifecycle_requests x", format!("x.enterprise_id = {unit}"), "x.created_at", "x.id"),
            FileSection::Measures => ("x.id, x.issued_at AS at, x.kind, x.status, x.note FROM measures x", format!("x.enterprise_id = {unit}"), "x.issued_at", "x.id"),
            FileSection::InvitationsSent => (
                "x.id, x.created_at AS at, x.use_name AS other_name, x.use_code AS other_code, x.relationship, x.status, x.use_tax_office_id FROM invitations x",
                format!("x.direct_enterprise_id = {unit}"),
                "x.created_at",
                "x.id",
            ),
            FileSection::InvitationsReceived => (
                "x.id, x.created_at AS at, d.name AS other_name, d.credit_code AS other_code, x.relationship, x.status, x.use_tax_office_id \
                 FROM invitations x JOIN enterprises d ON d.id = x.direct_enterprise_id",
                format!("x.use_enterprise_id = {unit}"),
                "x.created_at",
                "x.id",
            ),
            FileSection::Subscriptions => ("x.id, x.created_at AS at, x.capability_code, x.status, x.valid_until FROM capability_subscriptions x", format!("x.enterprise_id = {unit}"), "x.created_at", "x.id"),
            FileSection::Grants => (
                "x.id, x.created_at AS at, x.capability_code, x.status, d.name AS direct_name, u.name AS use_name \
                 FROM capability_grants x JOIN enterprises d ON d.id = x.direct_enterprise_id JOIN enterprises u ON u.id = x.use_enterprise_id",
                format!("(x.direct_enterprise_id = {unit} OR x.use_enterprise_id = {unit})"),
                "x.created_at",
                "x.id",
            ),
            FileSection::Messages => ("x.id, x.created_at AS at, x.title, x.kind FROM messages x", format!("x.enterprise_id = {unit}"), "x.created_at", "x.id"),
        };
        let keyset = before
            .map(|c| {
                let (a, i) = (args.push(Arg::I(c.at)), args.push(Arg::I(c.id)));
                format!(" AND ({at} < {a} OR ({at} = {a} AND {id} < {i}))")
            })
            .unwrap_or_default();
        let sql = format!("SELECT {select} WHERE {unit_cond}{keyset} ORDER BY {at} DESC, {id} DESC LIMIT {}", limit.clamp(1, 201));
        args.fetch(self, &sql).await?.iter().map(|r| Ok(FileRecord { id: r.get("id"), at: Timestamp(r.get("at")), entry: file_entry(section, r)? })).collect()
    }
}
