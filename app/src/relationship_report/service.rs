//! 关系变化报告 (guideline-sichuan 第五章 一: a relationship change with a use unit is reported
//! within 3 days). When a binding ends the invitation step writes the report owed
//! (`owed_by`, same transaction) and tells the direct unit; the unit 【报告】s it on 【资格管理】;
//! the scheduler flags a report not made by its last day as 已逾期 — the unit is told, and its
//! 主管税务机关's console lists it (`flagged`). Each step: versioned, with its audit record.

use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::lifecycle::rules::{overdue_report, relationship_ended, relationship_report_due, report_relationship, ReportError, ReportStatus};
use crate::kernel::Day;
use crate::invitation::rules::InvitationStatus;
use crate::message::rules::{MessageKind, NewMessage, SiteLink};
use crate::kernel::{Principal, Timestamp};
use crate::error::{AppError, AppResult};
use crate::relationship_report::model::RelationshipReportView;
use crate::context::Ctx;
use crate::lifecycle::store::{NewRelationshipReport, StoredRelationshipReport};
use crate::kernel::storage::StoreError;
use crate::invitation::store::StoredInvitation;

use crate::accounts::service::require_module;
use crate::auth::service::{audit_record, require_principal};

fn to_unit(enterprise_id: i64, title: String, body: String, at: Timestamp, once_key: Option<String>) -> NewMessage {
    NewMessage { enterprise_id, module: Module::LeqiAccess, kind: MessageKind::Reminder, title, body, link: SiteLink::parse("/zgzl").ok(), at, once_key }
}

/// The report a step of invitation `i` (from → to) owes, and the message that tells the direct unit.
pub async fn owed_by(ctx: &Ctx, i: &StoredInvitation, to: &InvitationStatus, at: Timestamp) -> AppResult<Option<(NewRelationshipReport, NewMessage)>> {
    let Some(what_changed) = relationship_ended(&i.status, to) else { return Ok(None) };
    let Some(direct) = ctx.store.registry_profile(i.direct_enterprise_id).await? else { return Ok(None) };
    let changed_on = Day::of(at);
    let due = relationship_report_due(changed_on).to_string();
    let body = format!("贵单位与{}（{}）的乐企绑定关系已于{changed_on}解除（{what_changed}）。请于{due}前在【资格管理】报告关系变化情况；逾期未报告的，将告知主管税务机关。", i.use_name, i.use_code);
    let message = to_unit(i.direct_enterprise_id, "关系变化待报告".into(), body, at, None);
    let report = NewRelationshipReport {
        enterprise_id: i.direct_enterprise_id,
        tax_office_id: direct.tax_office_id,
        invitation_id: i.id,
        use_unit_name: i.use_name.clone(),
        use_credit_code: i.use_code.clone(),
        what_changed,
        changed_on: changed_on.to_string(),
        due,
    };
    Ok(Some((report, message)))
}

async fn view(ctx: &Ctx, r: StoredRelationshipReport, unit_viewer: bool) -> AppResult<RelationshipReportView> {
    let ent = ctx.store.enterprise_by_id(r.enterprise_id).await?.ok_or(AppError::NotFound)?;
    Ok(RelationshipReportView {
        id: r.id,
        version: r.version,
        enterprise_name: ent.name,
        credit_code: ent.credit_code.to_string(),
        use_unit_name: r.use_unit_name,
        use_credit_code: r.use_credit_code,
        what_changed: r.what_changed,
        changed_on: r.changed_on,
        due: r.due,
        may_report: unit_viewer && r.status.is_open(),
        status: r.status,
        reported_by: r.reported_by,
    })
}

/// 【资格管理】: the unit's reports, open ones first.
pub async fn mine(ctx: &Ctx) -> AppResult<Vec<RelationshipReportView>> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let mut out = Vec::new();
    for r in ctx.store.relationship_reports_of(t.enterprise_id, 100).await? {
        out.push(view(ctx, r, true).await?);
    }
    Ok(out)
}

/// 【报告】 by the direct unit (another unit: 未找到).
pub async fn report(ctx: &Ctx, id: i64, version: i64, reason: &str) -> AppResult<RelationshipReportView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let r = ctx.store.relationship_report(id).await?.filter(|r| r.enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
    let now = ctx.clock.now();
    let (Some(due), today) = (Day::parse(&r.due), Day::of(now)) else { return Err(AppError::Internal) };
    let to = report_relationship(&r.status, due, today, reason).map_err(|e| match e {
        ReportError::ReasonRequired => AppError::field("reason", e.to_string()),
        ReportError::AlreadyReported => AppError::Conflict,
    })?;
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let by = format!("{}（{}）", t.person_name, t.identity.label());
    let late = if matches!(to, ReportStatus::Reported { late: true, .. }) { "（逾期报告）" } else { "" };
    let audit = audit_record(ctx, &t.person_name, &t.credit_code, "报告关系变化", format!("与{}（{}）的关系变化{late}：{}；{}", r.use_unit_name, r.use_credit_code, r.what_changed, reason.trim()), AuditOutcome::Success);
    ctx.store.transition_relationship_report(id, version, &to, Some(&by), now, &audit, &[]).await?;
    let r = ctx.store.relationship_report(id).await?.ok_or(AppError::NotFound)?;
    view(ctx, r, true).await
}

/// Tax console: the overdue (and late) reports of the officer's office.
pub async fn flagged(ctx: &Ctx) -> AppResult<Vec<RelationshipReportView>> {
    let o = match require_principal(ctx).await? {
        Principal::Officer(o) => o,
        Principal::Taxpayer(_) => return Err(AppError::Forbidden),
    };
    let Some(office) = o.tax_office_id.filter(|_| !o.role.is_provincial()) else { return Ok(vec![]) };
    let mut out = Vec::new();
    for r in ctx.store.relationship_reports_flagged(office, 200).await? {
        out.push(view(ctx, r, false).await?);
    }
    Ok(out)
}

/// The scheduler: every report not made by its last day becomes 已逾期, once (versioned), with a
/// message to the unit and an audit record. Returns how many it flagged.
pub async fn flag_overdue(ctx: &Ctx, now: Timestamp) -> AppResult<u32> {
    let today = Day::of(now);
    let mut flagged = 0;
    for r in ctx.store.relationship_reports_overdue(&today.to_string(), 500).await? {
        let Some(due) = Day::parse(&r.due) else { continue };
        let Some(to) = overdue_report(&r.status, due, today) else { continue };
        let name = ctx.store.enterprise_by_id(r.enterprise_id).await?.map(|e| e.name).unwrap_or_default();
        let audit = audit_record(ctx, "系统", &name, "关系变化报告逾期", format!("与{}（{}）的关系变化（{}，{}）应于{}前报告，已逾期，已告知主管税务机关", r.use_unit_name, r.use_credit_code, r.what_changed, r.changed_on, r.due), AuditOutcome::Success);
        let body = format!("贵单位与{}的绑定关系于{}解除，应于{}前报告关系变化情况，现已逾期，已告知主管税务机关。请尽快在【资格管理】报告。", r.use_unit_name, r.changed_on, r.due);
        let m = to_unit(r.enterprise_id, "关系变化报告已逾期".into(), body, now, Some(format!("relationship-report:{}:overdue", r.id)));
        match ctx.store.transition_relationship_report(r.id, r.version, &to, None, now, &audit, &[m]).await {
            Ok(_) => flagged += 1,
            Err(StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(flagged)
}
