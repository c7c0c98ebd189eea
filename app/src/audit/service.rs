//! The audit-log viewer: whose records a caller may see, the query from the
//! filters (parsed, with messages next to the fields), paging.

use crate::audit::model::{AuditFilter, AuditPage, AuditRow};
use crate::kernel::{Principal, Timestamp};
use crate::error::{AppError, AppResult, FieldError};
use crate::audit::store::{AuditEntry, AuditQuery, AuditScope};
use crate::context::Ctx;

use crate::auth::service::require_principal;

pub const PAGE_SIZE: u32 = 50;
/// The most rows one xlsx export holds.
pub const EXPORT_MAX: u32 = 10_000;

pub const NOT_PRINCIPAL: &str = "仅法定代表人或财务负责人可以查看本单位的审计日志";

/// Whose records `who` may see, and how the page names them.
pub fn scope_of(who: &Principal) -> AppResult<(AuditScope, String)> {
    match who {
        Principal::Taxpayer(t) if t.identity.is_principal() => Ok((AuditScope::Unit(t.credit_code.clone()), format!("本单位：{}", t.enterprise_name))),
        Principal::Taxpayer(_) => Err(AppError::Refused(NOT_PRINCIPAL.into())),
        Principal::Officer(o) => match o.tax_office_id {
            Some(office) if !o.role.is_provincial() => Ok((AuditScope::TaxOffice(office), format!("{}管辖的单位", o.unit_name))),
            _ => Ok((AuditScope::Province(o.province_code.clone()), format!("{}管辖的单位", o.unit_name))),
        },
    }
}

/// The store query of a filter; dates are checked, each message next to its field.
pub fn query_of(f: &AuditFilter, units: AuditScope, limit: u32) -> AppResult<AuditQuery> {
    let mut errors = Vec::new();
    let mut date = |field: &str, text: &str| -> Option<Timestamp> {
        if text.trim().is_empty() {
            return None;
        }
        let t = Timestamp::parse_beijing_date(text);
        if t.is_none() {
            errors.push(FieldError { field: field.into(), message: "请输入正确的日期（年-月-日）".into() });
        }
        t
    };
    let from = date("from", &f.from);
    // The end date is included: up to its next midnight.
    let to = date("to", &f.to).map(|t| t.plus_mins(24 * 60));
    if let (Some(a), Some(b)) = (from, to) {
        if a >= b {
            errors.push(FieldError { field: "to".into(), message: "结束日期不能早于开始日期".into() });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let text = |s: &str, max: usize| Some(s.trim().chars().take(max).collect::<String>()).filter(|s| !s.is_empty());
    Ok(AuditQuery { units, from, to, actor: text(&f.person, 40), kind: text(&f.kind, 40), before_id: f.before_id, limit })
}

pub fn row(e: AuditEntry) -> AuditRow {
    AuditRow { id: e.id, at: e.at.beijing_time(), actor: e.actor, unit: e.unit, kind: e.kind, description: e.description, success: e.success }
}

/// One page, newest first.
pub async fn page(ctx: &Ctx, f: AuditFilter) -> AppResult<AuditPage> {
    let who = require_principal(ctx).await?;
    page_for(ctx, &who, f).await
}

pub async fn page_for(ctx: &Ctx, who: &Principal, f: AuditFilter) -> AppResult<AuditPage> {
    let (scope, label) = scope_of(who)?;
    let q = query_of(&f, scope, PAGE_SIZE + 1)?;
    let mut entries = ctx.store.audit_entries(&q).await?;
    let more = entries.len() > PAGE_SIZE as usize;
    entries.truncate(PAGE_SIZE as usize);
    let next_before_id = if more { entries.last().map(|e| e.id) } else { None };
    Ok(AuditPage { scope: label, rows: entries.into_iter().map(row).collect(), next_before_id })
}

/// The rows of an xlsx export (at most [`EXPORT_MAX`]).
pub async fn export_rows(ctx: &Ctx, who: &Principal, f: AuditFilter) -> AppResult<(String, Vec<AuditRow>)> {
    let (scope, label) = scope_of(who)?;
    let q = query_of(&AuditFilter { before_id: None, ..f }, scope, EXPORT_MAX)?;
    Ok((label, ctx.store.audit_entries(&q).await?.into_iter().map(row).collect()))
}
