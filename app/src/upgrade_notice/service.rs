//! 版本升级通知: the provincial bureau publishes (every direct unit of the province gets the
//! notice, a 通知公告 message and 30 days); each unit marks 已完成改造 (optionally naming a
//! 测试报告 of its 能力中心); the tax console lists who is overdue. Officers see the notices of
//! their province; an office's officer sees only the units of that office.

use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::upgrade_notice::rules::{self as un, beijing_date, NoticeDraft, NoticeError, NoticeViewer};
use crate::kernel::{OfficerSession, Principal};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::upgrade_notice::model::*;
use crate::context::Ctx;
use crate::upgrade_notice::store::{NoticeMessage, StoredNotice, StoredNoticeUnit};

use crate::accounts::service::require_module;
use crate::auth::service::{audit_record, require_principal};

impl DomainError for NoticeError {
    fn refusal(&self) -> Refusal {
        match self {
            NoticeError::Title => Refusal::Field("title"),
            NoticeError::Content => Refusal::Field("content"),
            NoticeError::AlreadyDone => Refusal::Conflict,
            NoticeError::NotYours => Refusal::NotFound,
            _ => Refusal::Refused,
        }
    }
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

/// The units of a notice this officer may see: all of the province for the provincial
/// bureau, the office's own for an office.
fn in_sight(o: &OfficerSession, u: &StoredNoticeUnit) -> bool {
    o.role.is_provincial() || o.tax_office_id == Some(u.tax_office_id)
}

fn summary(n: &StoredNotice, units: &[&StoredNoticeUnit], today: &str) -> NoticeSummary {
    NoticeSummary {
        id: n.id,
        title: n.title.clone(),
        published_at: n.published_at.beijing_time(),
        published_by: n.published_by.clone(),
        deadline: n.deadline.clone(),
        units: units.len() as u32,
        done: units.iter().filter(|u| u.progress.code() == "done").count() as u32,
        overdue: units.iter().filter(|u| un::is_overdue(&u.progress, &n.deadline, today)).count() as u32,
    }
}

/// 【发布版本升级通知】: provincial officers only.
pub async fn publish(ctx: &Ctx, title: &str, content: &str) -> AppResult<NoticeSummary> {
    let o = require_officer(ctx).await?;
    if !o.role.is_provincial() {
        return Err(NoticeError::NotProvincial.into());
    }
    let draft = NoticeDraft::parse(title, content)?;
    let now = ctx.clock.now();
    let deadline = un::deadline_for(now);
    let message = NoticeMessage {
        title: format!("版本升级通知：{}", draft.title),
        body: format!("{}发布了版本升级通知，请于{}前完成系统改造和测试，并在【版本升级通知】中标记已完成改造。", o.unit_name, deadline),
        link: "/leqi/notices".into(),
    };
    let audit = audit_record(ctx, &o.name, &o.unit_name, "发布版本升级通知", format!("{}（完成期限{}）", draft.title, deadline), AuditOutcome::Success);
    let (id, _) = ctx.store.publish_notice(&o.province_code, &draft, &format!("{}（{}）", o.name, o.unit_name), now, &deadline, &message, &audit).await?;
    let n = ctx.store.notice(id).await?.ok_or(AppError::Internal)?;
    let units = ctx.store.notice_units(id).await?;
    let seen: Vec<&StoredNoticeUnit> = units.iter().filter(|u| in_sight(&o, u)).collect();
    Ok(summary(&n, &seen, &beijing_date(now)))
}

/// The tax console's list: the province's notices, newest first.
pub async fn tax_list(ctx: &Ctx) -> AppResult<Vec<NoticeSummary>> {
    let o = require_officer(ctx).await?;
    let today = beijing_date(ctx.clock.now());
    let mut out = Vec::new();
    for n in ctx.store.notices_of_province(&o.province_code, 50).await? {
        let units = ctx.store.notice_units(n.id).await?;
        let seen: Vec<&StoredNoticeUnit> = units.iter().filter(|u| in_sight(&o, u)).collect();
        out.push(summary(&n, &seen, &today));
    }
    Ok(out)
}

/// One notice with its units, 逾期未完成 first.
pub async fn tax_detail(ctx: &Ctx, id: i64) -> AppResult<NoticeFile> {
    let o = require_officer(ctx).await?;
    let n = ctx.store.notice(id).await?.filter(|n| n.province_code == o.province_code).ok_or(AppError::NotFound)?;
    let today = beijing_date(ctx.clock.now());
    let units = ctx.store.notice_units(id).await?;
    let seen: Vec<&StoredNoticeUnit> = units.iter().filter(|u| in_sight(&o, u)).collect();
    let mut rows: Vec<NoticeUnitRow> = seen
        .iter()
        .map(|u| NoticeUnitRow { enterprise_name: u.enterprise_name.clone(), credit_code: u.credit_code.clone(), progress: u.progress.clone(), overdue: un::is_overdue(&u.progress, &n.deadline, &today) })
        .collect();
    rows.sort_by_key(|r| !r.overdue);
    Ok(NoticeFile { summary: summary(&n, &seen, &today), content: n.content.clone(), units: rows })
}

async fn reports_of(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<String>> {
    Ok(ctx
        .store
        .subscriptions_of(enterprise_id)
        .await?
        .into_iter()
        .filter(|s| s.report.is_some())
        .map(|s| crate::capability::rules::find(&s.capability_code).map(|c| c.name).unwrap_or(s.capability_code))
        .collect())
}

fn mine(n: StoredNotice, u: StoredNoticeUnit, today: &str, reports: Vec<String>) -> MyNotice {
    MyNotice {
        id: n.id,
        overdue: un::is_overdue(&u.progress, &n.deadline, today),
        actions: un::actions_for(&u.progress, NoticeViewer::DirectUnit),
        title: n.title,
        content: n.content,
        published_at: n.published_at.beijing_time(),
        deadline: n.deadline,
        progress: u.progress,
        version: u.version,
        reports,
    }
}

/// 【版本升级通知】 of the signed-in direct unit.
pub async fn my_notices(ctx: &Ctx) -> AppResult<Vec<MyNotice>> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let today = beijing_date(ctx.clock.now());
    let reports = reports_of(ctx, t.enterprise_id).await?;
    Ok(ctx.store.notices_of_unit(t.enterprise_id).await?.into_iter().map(|(n, u)| mine(n, u, &today, reports.clone())).collect())
}

/// 【已完成改造】 at `version`, optionally naming one of the unit's 测试报告.
pub async fn complete(ctx: &Ctx, id: i64, version: i64, report: Option<String>) -> AppResult<MyNotice> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let (n, u) = ctx.store.notices_of_unit(t.enterprise_id).await?.into_iter().find(|(n, _)| n.id == id).ok_or(AppError::NotFound)?;
    let reports = reports_of(ctx, t.enterprise_id).await?;
    let report = report.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if report.as_ref().is_some_and(|r| !reports.contains(r)) {
        return Err(AppError::field("report", "请选择本单位能力中心已生成的测试报告"));
    }
    let now = ctx.clock.now();
    let to = un::complete(&u.progress, NoticeViewer::DirectUnit, now, report.clone())?;
    if u.version != version {
        return Err(AppError::Conflict);
    }
    let late = if un::is_overdue(&u.progress, &n.deadline, &beijing_date(now)) { "（逾期完成）" } else { "" };
    let audit = audit_record(
        ctx,
        &t.person_name,
        &t.credit_code,
        "已完成改造",
        format!("版本升级通知「{}」：已完成改造{late}{}", n.title, report.map(|r| format!("；测试报告：{r}")).unwrap_or_default()),
        AuditOutcome::Success,
    );
    ctx.store.set_notice_progress(n.id, t.enterprise_id, version, &to, &audit).await?;
    let (n, u) = ctx.store.notices_of_unit(t.enterprise_id).await?.into_iter().find(|(n, _)| n.id == id).ok_or(AppError::NotFound)?;
    Ok(mine(n, u, &beijing_date(now), reports))
}
