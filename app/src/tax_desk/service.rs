//! The tax console's 【已办】 and 【单位查询】 → 【单位档案】 (issue #13): officers only, always
//! within their jurisdiction (`DeskScope`: the tax office, or the province for 省级确认); a
//! unit outside it is 未找到. Reads only; paging by keyset cursor.

use crate::capability::rules as capability;
use crate::message::rules::MessageKind;
use crate::tax_desk::rules::{page, Cursor, DeskScope, DoneKind, FileSection, UnitQuery};
use crate::kernel::{CreditCode, OfficerSession, Principal};
use crate::error::{AppError, AppResult};
use crate::tax_desk::model::*;
use crate::context::Ctx;
use crate::tax_desk::store::{DoneQuery, FileEntry, FileRecord, UnitRecord};

use crate::auth::service::require_principal;

/// Rows per page unless asked for fewer (at most 50).
pub const PAGE: u32 = 20;

fn page_size(limit: Option<u32>) -> u32 {
    limit.unwrap_or(PAGE).clamp(1, 50)
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

/// 【已办】: the steps this officer took, newest first, within the jurisdiction.
pub async fn done(ctx: &Ctx, before: Option<Cursor>, limit: Option<u32>) -> AppResult<DonePage> {
    let o = require_officer(ctx).await?;
    let limit = page_size(limit);
    let q = DoneQuery { actor: o.name.clone(), actor_unit: o.unit_name.clone(), scope: DeskScope::of(&o), before, limit: limit + 1 };
    let rows = ctx.store.decided_by(&q).await?;
    let (rows, next) = page(rows, limit as usize, |r| Cursor { at: r.at.0, id: r.id });
    let items = rows
        .into_iter()
        .map(|r| DoneItem {
            id: r.id,
            kind: r.kind,
            item_id: r.item_id,
            link: r.kind.case_link(r.item_id, &r.credit_code),
            enterprise_name: r.enterprise_name,
            credit_code: r.credit_code,
            action: r.action,
            to: r.to,
            reason: r.reason,
            at: r.at.beijing_time(),
        })
        .collect();
    Ok(DonePage { items, next })
}

fn hit(u: UnitRecord) -> UnitHit {
    UnitHit { enterprise_name: u.name, credit_code: u.credit_code, tax_office_name: u.tax_office_name, direct_unit: u.direct_unit.map(|t| t.label().to_string()) }
}

/// 【单位查询】: by 统一社会信用代码 or part of the name, within the jurisdiction.
pub async fn find(ctx: &Ctx, query: &str) -> AppResult<Vec<UnitHit>> {
    let o = require_officer(ctx).await?;
    let q = UnitQuery::parse(query).map_err(|e| AppError::field("query", e.to_string()))?;
    Ok(ctx.store.find_units(&DeskScope::of(&o), &q, 50).await?.into_iter().map(hit).collect())
}

/// The unit of this code if it is within the officer's jurisdiction (else 未找到).
async fn unit_of(ctx: &Ctx, o: &OfficerSession, code: &str) -> AppResult<UnitRecord> {
    let code = CreditCode::parse(code.trim()).map_err(|e| AppError::field("credit_code", e.to_string()))?;
    let scope = DeskScope::of(o);
    let unit = ctx.store.find_units(&scope, &UnitQuery::Code(code.to_string()), 1).await?.into_iter().next().ok_or(AppError::NotFound)?;
    if !scope.covers(unit.tax_office_id, &unit.province_code) {
        return Err(AppError::NotFound);
    }
    Ok(unit)
}

/// 【单位档案】's head: the unit, its status (measures included) with the next deadline.
pub async fn file_head(ctx: &Ctx, code: &str) -> AppResult<UnitFileHead> {
    let o = require_officer(ctx).await?;
    let unit = unit_of(ctx, &o, code).await?;
    let lifecycle = crate::lifecycle::service::lifecycle_of(ctx, unit.enterprise_id).await?;
    Ok(UnitFileHead {
        enterprise_name: unit.name,
        credit_code: unit.credit_code,
        tax_office_name: unit.tax_office_name,
        direct_unit: unit.direct_unit.map(|t| t.label().to_string()),
        lifecycle,
        sections: FileSection::ALL.to_vec(),
    })
}

fn row(o: &OfficerSession, unit: &UnitRecord, r: FileRecord) -> FileRow {
    let at_office = |office: i64| !o.role.is_provincial() && o.tax_office_id == Some(office);
    let capability_name = |code: &str| capability::find(code).map(|c| c.name).unwrap_or_else(|_| code.to_string());
    let (title, status, detail, link) = match r.entry {
        FileEntry::Application { status } => ("接入申请".to_string(), status.label().to_string(), String::new(), Some(DoneKind::Application.case_link(r.id, &unit.credit_code))),
        FileEntry::Request { kind, status } => (format!("{}请求", kind.label()), status.label().to_string(), String::new(), at_office(unit.tax_office_id).then(|| DoneKind::Request.case_link(r.id, &unit.credit_code))),
        FileEntry::Measure { kind, status, note } => (kind.label().to_string(), status.label().to_string(), note, Some(DoneKind::Measure.case_link(r.id, &unit.credit_code))),
        FileEntry::Invitation { other_name, other_code, relationship, status, use_tax_office_id } => {
            (format!("{other_name}（{other_code}）"), status.label().to_string(), relationship, at_office(use_tax_office_id).then(|| DoneKind::Invitation.case_link(r.id, &unit.credit_code)))
        }
        FileEntry::Subscription { capability_code, status, valid_until } => (capability_name(&capability_code), status.label().to_string(), valid_until.map(|v| format!("有效期至{v}")).unwrap_or_default(), None),
        FileEntry::Grant { capability_code, direct_name, use_name, status } => (capability_name(&capability_code), status.label().to_string(), format!("{direct_name} → {use_name}"), None),
        FileEntry::Message { title, kind } => (title, MessageKind::from_code(&kind).map(|k| k.label().to_string()).unwrap_or(kind), String::new(), None),
    };
    FileRow { id: r.id, title, status, detail, at: r.at.beijing_time(), link: link.flatten() }
}

/// One section of 【单位档案】, newest first, below the cursor (【更多】).
pub async fn file_section(ctx: &Ctx, code: &str, section: FileSection, before: Option<Cursor>, limit: Option<u32>) -> AppResult<FilePage> {
    let o = require_officer(ctx).await?;
    let unit = unit_of(ctx, &o, code).await?;
    let limit = page_size(limit);
    let records = ctx.store.unit_section(unit.enterprise_id, section, before, limit + 1).await?;
    let (records, next) = page(records, limit as usize, |r| Cursor { at: r.at.0, id: r.id });
    Ok(FilePage { section, rows: records.into_iter().map(|r| row(&o, &unit, r)).collect(), next })
}
