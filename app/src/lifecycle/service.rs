//! The qualification lifecycle use cases (issue #13): the unit's status on
//! 【接入申请】, its requests (资格延续, 事项变更, 终止服务备案), the officers'
//! decisions, the scheduler's pass and the signed API's reduced concurrency.
//! Every change is a domain transition stored in one transaction with its
//! timeline step and audit record.

use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::lifecycle::rules::{decide_request, duties, grant_term, may_request_extension, parse_change, request_actions, termination_end, unit_actions, unit_status, ChangeInput, Duty, LifecycleError, Reminder, RequestAction, RequestBody, RequestKind, RequestStatus, Term, UnitFacts, THROTTLED_PER_MINUTE};
use crate::kernel::{Day, ExitKind, ExitRecord};
use crate::message::rules::{status_change_text, status_title, MessageKind, NewMessage, SiteLink};
use crate::kernel::{OfficerRole, OfficerSession, Principal, TaxpayerSession, Timestamp};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::kernel::TimelineEntry;
use crate::lifecycle::model::*;
use crate::kernel::Acted;
use crate::access::store::{ApplicationEvent, RegistryProfile};
use crate::context::Ctx;
use crate::lifecycle::store::{RequestEffect, StoredRequest};
use crate::kernel::storage::StoreError;

use crate::accounts::service::require_module;
use crate::auth::service::audit_record;

const LIFECYCLE_JOB: &str = "lifecycle";

/// A message (【消息中心】) to the unit's people of 接入管理, linking to 【接入申请】.
fn to_unit(enterprise_id: i64, kind: MessageKind, title: String, body: String, at: Timestamp, once_key: Option<String>) -> NewMessage {
    NewMessage { enterprise_id, module: Module::LeqiAccess, kind, title, body, link: SiteLink::parse("/leqi/access/apply").ok(), at, once_key }
}

fn today(ctx: &Ctx) -> Day {
    Day::of(ctx.clock.now())
}

impl DomainError for LifecycleError {
    fn refusal(&self) -> Refusal {
        match self.field() {
            "" => Refusal::Refused,
            f => Refusal::Field(f),
        }
    }
}

async fn ban_years(ctx: &Ctx, province_code: &str) -> AppResult<(u32, u32)> {
    Ok(ctx.store.province_rules(province_code).await?.map(|r| (r.reapply_after_voluntary_exit_years, r.reapply_after_ordered_exit_years)).unwrap_or((1, 3)))
}

async fn facts(ctx: &Ctx, profile: &RegistryProfile, requests: &[StoredRequest]) -> AppResult<UnitFacts> {
    Ok(UnitFacts {
        direct: profile.direct_unit.is_some(),
        term_end: profile.qualification_end.as_deref().and_then(Day::parse),
        exit: profile.exit,
        terminating_on: profile.terminating_on.as_deref().and_then(Day::parse),
        extension_pending: requests.iter().any(|r| r.body.kind() == RequestKind::Extension && r.status.is_open()),
        ban_years: ban_years(ctx, &profile.province_code).await?,
        restrictions: crate::measure::service::restrictions(ctx, profile.enterprise_id).await?,
    })
}

fn pending_kinds(requests: &[StoredRequest]) -> Vec<RequestKind> {
    requests.iter().filter(|r| r.status.is_open()).map(|r| r.body.kind()).collect()
}

async fn view(ctx: &Ctx, r: StoredRequest, officer: Option<OfficerRole>) -> AppResult<RequestView> {
    let events = ctx.store.request_events(r.id).await?;
    Ok(RequestView {
        id: r.id,
        version: r.version,
        kind: r.body.kind(),
        actions: officer.map(|role| request_actions(&r.status, role)).unwrap_or_default(),
        body: r.body,
        status: r.status,
        granted_end: r.granted_end,
        filed_at: r.created_at.beijing_time(),
        timeline: events
            .into_iter()
            .map(|e| TimelineEntry { at: e.at.beijing_time(), actor: e.actor, actor_unit: e.actor_unit, action: e.action, to: e.to, reason: e.reason })
            .collect(),
    })
}

/// The unit's status, next deadline, buttons and requests.
pub async fn lifecycle_of(ctx: &Ctx, enterprise_id: i64) -> AppResult<UnitLifecycle> {
    let profile = ctx.store.registry_profile(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let stored = ctx.store.requests_of(enterprise_id, 50).await?;
    let f = facts(ctx, &profile, &stored).await?;
    let day = today(ctx);
    let (status, deadline) = unit_status(&f, day);
    let actions = unit_actions(&f, day, &pending_kinds(&stored));
    let mut requests = Vec::new();
    for r in stored {
        requests.push(view(ctx, r, None).await?);
    }
    Ok(UnitLifecycle { status, deadline, qualification_end: profile.qualification_end, actions, rate_limit: ctx.store.rate_limit(enterprise_id).await?, requests })
}

/// 【接入申请】: the caller's unit.
pub async fn my_lifecycle(ctx: &Ctx) -> AppResult<UnitLifecycle> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    lifecycle_of(ctx, t.enterprise_id).await
}

/// Files a request of the unit, when the status offers it.
async fn file(ctx: &Ctx, t: &TaxpayerSession, body: RequestBody, terminating_on: Option<String>, material: Option<i64>, summary: String) -> AppResult<RequestView> {
    let profile = ctx.store.registry_profile(t.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let stored = ctx.store.requests_of(t.enterprise_id, 50).await?;
    let f = facts(ctx, &profile, &stored).await?;
    let kind = body.kind();
    let offered = unit_actions(&f, today(ctx), &pending_kinds(&stored)).into_iter().any(|a| a.kind() == kind);
    if !offered {
        let why = if !f.direct {
            LifecycleError::NotDirectUnit
        } else if f.terminating_on.is_some() {
            LifecycleError::Terminating
        } else if pending_kinds(&stored).contains(&kind) {
            LifecycleError::AlreadyPending(kind.label().into())
        } else if let (RequestKind::Extension, Some(end)) = (kind, f.term_end) {
            may_request_extension(end, today(ctx)).err().unwrap_or(LifecycleError::Terminated)
        } else {
            LifecycleError::Terminated
        };
        return Err(AppError::Refused(why.to_string()));
    }
    let now = ctx.clock.now();
    let to = RequestStatus::PendingAcceptance;
    let ev = ApplicationEvent { at: now, actor: t.person_name.clone(), actor_unit: t.enterprise_name.clone(), action: format!("提交{}请求", kind.label()), from: String::new(), to: to.label().into(), reason: None };
    let record = audit_record(ctx, &t.person_name, &t.credit_code, &format!("提交{}请求", kind.label()), summary, AuditOutcome::Success);
    let id = ctx.store.file_request(t.enterprise_id, profile.tax_office_id, &body, terminating_on.as_deref(), material, &ev, &record).await.map_err(|e| match e {
        StoreError::Conflict => AppError::Refused(LifecycleError::AlreadyPending(kind.label().into()).to_string()),
        other => other.into(),
    })?;
    let r = ctx.store.request(id).await?.ok_or(AppError::NotFound)?;
    view(ctx, r, None).await
}

/// 【申请延续】 with its 请求期限.
pub async fn request_extension(ctx: &Ctx, term: Term, reason: String) -> AppResult<RequestView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let summary = format!("资格延续请求：{}", term.label());
    file(ctx, &t, RequestBody::Extension { term, reason: reason.trim().to_string() }, None, None, summary).await
}

/// 【事项变更】: the new 服务协议书 (when the legal representative changes) is attached to the request.
pub async fn request_change(ctx: &Ctx, input: ChangeInput) -> AppResult<RequestView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let change = parse_change(&input)?;
    if let Some(m) = change.agreement_material_id {
        let ok = ctx.store.material(m).await?.is_some_and(|m| {
            m.enterprise_id == t.enterprise_id && m.kind == crate::materials::rules::MaterialKind::ServiceAgreement && m.owner == crate::materials::rules::MaterialOwner::Unattached
        });
        if !ok {
            return Err(LifecycleError::AgreementRequired.into());
        }
    }
    let summary = format!("事项变更请求：{}", change.items.iter().map(|i| i.label()).collect::<Vec<_>>().join("、"));
    let material = change.agreement_material_id;
    file(ctx, &t, RequestBody::Change(change), None, material, summary).await
}

/// 【终止服务备案】: the end date at least 30 days ahead; from now on no new use units.
pub async fn file_termination(ctx: &Ctx, end_date: String, reason: String) -> AppResult<RequestView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let end = termination_end(today(ctx), &end_date)?;
    if reason.trim().is_empty() {
        return Err(LifecycleError::Missing("变更、终止原因").into());
    }
    let summary = format!("终止服务备案：{end}终止服务");
    file(ctx, &t, RequestBody::Termination { end_date: end.to_string(), reason: reason.trim().to_string() }, Some(end.to_string()), None, summary).await
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match crate::auth::service::require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

/// The request if it sits at this officer's tax office (the unit's 主管税务机关).
async fn officer_request_of(ctx: &Ctx, o: &OfficerSession, id: i64) -> AppResult<StoredRequest> {
    ctx.store.request(id).await?.filter(|r| !o.role.is_provincial() && o.tax_office_id == Some(r.tax_office_id)).ok_or(AppError::NotFound)
}

/// The officer's 待办: 受理 desk → 待受理, 复核 desk → 待确认, at their tax office.
pub async fn officer_requests(ctx: &Ctx) -> AppResult<Vec<RequestQueueItem>> {
    let o = require_officer(ctx).await?;
    let (status, Some(office)) = (match o.role {
        OfficerRole::Acceptance => RequestStatus::PendingAcceptance,
        OfficerRole::Review => RequestStatus::PendingConfirmation,
        OfficerRole::Confirmation => return Ok(vec![]),
    }, o.tax_office_id) else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    for r in ctx.store.request_queue(status.code(), office, 200).await? {
        let ent = ctx.store.enterprise_by_id(r.enterprise_id).await?.ok_or(AppError::NotFound)?;
        out.push(RequestQueueItem { id: r.id, kind: r.body.kind(), enterprise_name: ent.name, credit_code: ent.credit_code.to_string(), status: r.status, filed_at: r.created_at.beijing_time() });
    }
    Ok(out)
}

pub async fn officer_request(ctx: &Ctx, id: i64) -> AppResult<RequestCase> {
    let o = require_officer(ctx).await?;
    let r = officer_request_of(ctx, &o, id).await?;
    let ent = ctx.store.enterprise_by_id(r.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let unit = lifecycle_of(ctx, r.enterprise_id).await?;
    Ok(RequestCase { request: view(ctx, r, Some(o.role)).await?, enterprise_name: ent.name, credit_code: ent.credit_code.to_string(), unit })
}

/// 受理 / 确认通过 / 退回. On 确认通过 a 资格延续 carries the granted 资格有效期至
/// (`granted_end`), which becomes the unit's; a 事项变更 of the addresses changes
/// what the signed API accepts; a 终止服务备案 退回 lifts the stop on new use units.
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: RequestAction, reason: &str, granted_end: &str) -> AppResult<Acted> {
    let o = require_officer(ctx).await?;
    let r = officer_request_of(ctx, &o, id).await?;
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let to = decide_request(&r.status, action, reason, o.role, o.tax_office_id == Some(r.tax_office_id))?;
    let profile = ctx.store.registry_profile(r.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let mut granted = None;
    let effect = match (&r.body, &to) {
        (RequestBody::Extension { term, .. }, RequestStatus::Confirmed) => {
            let current = profile.qualification_end.as_deref().and_then(Day::parse).ok_or_else(|| AppError::Refused(LifecycleError::NotDirectUnit.to_string()))?;
            let day = grant_term(current, *term, granted_end)?;
            granted = Some(day.to_string());
            Some(RequestEffect::NewTerm(day.to_string()))
        }
        (RequestBody::Change(c), RequestStatus::Confirmed) => c.ips.clone().map(|(production, test)| RequestEffect::FiledIps { production, test }),
        (RequestBody::Termination { .. }, RequestStatus::Returned { .. }) => Some(RequestEffect::TerminationWithdrawn),
        (RequestBody::Extension { .. } | RequestBody::Change(_), RequestStatus::Returned { .. })
        | (RequestBody::Termination { .. }, RequestStatus::Confirmed)
        | (_, RequestStatus::PendingAcceptance | RequestStatus::PendingConfirmation) => None,
    };
    let now = ctx.clock.now();
    let kind = r.body.kind();
    let ev = ApplicationEvent {
        at: now,
        actor: o.name.clone(),
        actor_unit: o.unit_name.clone(),
        action: action.label().into(),
        from: r.status.label().into(),
        to: to.label().into(),
        reason: to.reason().map(String::from).or_else(|| granted.as_ref().map(|g| format!("资格有效期至{g}"))),
    };
    let ent = ctx.store.enterprise_by_id(r.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let record = audit_record(
        ctx,
        &o.name,
        &o.unit_name,
        &format!("{}{}", kind.label(), action.label()),
        format!("{}的{}请求：{}{}", ent.name, kind.label(), to.label(), ev.reason.as_ref().map(|x| format!("（{x}）")).unwrap_or_default()),
        AuditOutcome::Success,
    );
    // 【消息中心】: the unit hears of the tax office's decision.
    let told = to_unit(
        r.enterprise_id,
        MessageKind::Decision,
        status_title(&format!("{}请求", kind.label()), to.label()),
        format!("贵单位的{}请求{}。", kind.label(), status_change_text(&ev.from, &ev.to, ev.reason.as_deref())),
        now,
        None,
    );
    let version = ctx.store.decide_request(id, version, &to, granted.as_deref(), effect.as_ref(), &ev, &record, &[told]).await?;
    Ok(Acted { id, version, status: to.label().into() })
}

/// 限制并发: while the unit has a stored rate limit, at most that many signed API
/// calls per minute, counted in the database so every server process applies it.
pub async fn api_rate_check(ctx: &Ctx, enterprise_id: i64) -> AppResult<()> {
    let Some(per_minute) = ctx.store.rate_limit(enterprise_id).await? else { return Ok(()) };
    let now = ctx.clock.now();
    let window = Timestamp(now.0 - now.0.rem_euclid(60_000));
    let n = ctx.store.count_api_call(enterprise_id, window).await?;
    if n > per_minute {
        return Err(AppError::TooFrequent { seconds: now.secs_until(Timestamp(window.0 + 60_000)).max(1) as u32 });
    }
    Ok(())
}

/// What one scheduler pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecyclePass {
    /// This process held the lease.
    pub ran: bool,
    pub reminders: u32,
    pub throttled: u32,
    pub terminated: u32,
    pub ended: u32,
    /// 关系变化报告 flagged 已逾期.
    pub overdue_reports: u32,
}

/// One pass of the lifecycle scheduler, under a lease so one server process runs
/// it at a time: the reminders before 资格有效期至 (each recorded once per term),
/// 限制并发 after it without an extension, 到期终止 after the grace, and the end of
/// service of 终止服务备案 that reached their date. Idempotent: each step is
/// guarded in the database, so a second pass (or a second process) finds nothing.
pub async fn scheduler_pass(ctx: &Ctx, holder: &str) -> AppResult<LifecyclePass> {
    let now = ctx.clock.now();
    let mut pass = LifecyclePass::default();
    if !ctx.store.take_lease(LIFECYCLE_JOB, holder, now, now.plus_secs(300)).await? {
        return Ok(pass);
    }
    pass.ran = true;
    let day = Day::of(now);
    for u in ctx.store.lifecycle_units().await? {
        let requests = ctx.store.requests_of(u.enterprise_id, 50).await?;
        let f = UnitFacts {
            direct: true,
            term_end: u.qualification_end.as_deref().and_then(Day::parse),
            exit: None,
            terminating_on: u.terminating_on.as_deref().and_then(Day::parse),
            extension_pending: requests.iter().any(|r| r.body.kind() == RequestKind::Extension && r.status.is_open()),
            ban_years: (1, 3),
            // The scheduler's duties follow the term alone (a 暂停 does not stop its clock).
            restrictions: Default::default(),
        };
        let term_end = u.qualification_end.clone().unwrap_or_default();
        let sent: Vec<Reminder> = {
            let codes = ctx.store.reminders_sent(u.enterprise_id, &term_end).await?;
            Reminder::ALL.into_iter().filter(|r| codes.iter().any(|c| c == r.code())).collect()
        };
        for duty in duties(&f, day, &sent, u.throttled) {
            let result = match duty {
                Duty::Remind(r) => {
                    let record = audit_record(ctx, "系统", &u.name, "资格延续提醒", format!("{}：资格有效期至{term_end}，尚未提交资格延续请求", r.label()), AuditOutcome::Success);
                    let body = format!("贵单位的乐企资格有效期至{term_end}。需延续使用的，请在到期前通过【接入申请】→【申请延续】提交资格延续请求；到期未提交的，将限制接口并发量直至终止接入资格。");
                    let m = to_unit(u.enterprise_id, MessageKind::Reminder, r.label().into(), body, now, Some(format!("lifecycle:{term_end}:{}", r.code())));
                    ctx.store.record_reminder(u.enterprise_id, &term_end, r.code(), now, &record, &[m]).await.map(|new| pass.reminders += new as u32)
                }
                Duty::Throttle => {
                    let record = audit_record(ctx, "系统", &u.name, "限制并发", format!("资格有效期至{term_end}已过且未提交资格延续请求：接口限制为每分钟{THROTTLED_PER_MINUTE}次"), AuditOutcome::Success);
                    let body = format!("贵单位的乐企资格有效期至{term_end}已到期且未提交资格延续请求，接口已限制为每分钟不超过{THROTTLED_PER_MINUTE}次；请尽快提交资格延续请求。");
                    let m = to_unit(u.enterprise_id, MessageKind::Reminder, "接口已限制并发".into(), body, now, Some(format!("lifecycle:{term_end}:throttle")));
                    ctx.store.set_rate_limit(u.enterprise_id, Some(THROTTLED_PER_MINUTE), now, &record, &[m]).await.map(|_| pass.throttled += 1)
                }
                Duty::Terminate => {
                    let exit = ExitRecord { kind: ExitKind::Expired, filed_at: now, effective_at: now };
                    let reason = format!("资格有效期至{term_end}，到期未延续，终止乐企接入资格");
                    let record = audit_record(ctx, "系统", &u.name, "到期终止", reason.clone(), AuditOutcome::Success);
                    let m = to_unit(u.enterprise_id, MessageKind::StatusChange, "乐企接入资格已终止".into(), format!("{reason}；使用单位的绑定关系已解除。"), now, None);
                    ctx.store.end_service(u.enterprise_id, &exit, "系统", &reason, &record, &[m], Some(&crate::message::rules::to_use_units(&u.name, "的乐企接入资格已终止", now))).await.map(|_| pass.terminated += 1)
                }
                Duty::EndService => {
                    let filed = requests.iter().find(|r| r.body.kind() == RequestKind::Termination && !matches!(r.status, RequestStatus::Returned { .. })).map(|r| r.created_at).unwrap_or(now);
                    let end = u.terminating_on.clone().unwrap_or_default();
                    let effective = Day::parse(&end).map(|d| d.start()).unwrap_or(now);
                    let exit = ExitRecord { kind: ExitKind::Voluntary, filed_at: filed, effective_at: effective };
                    let reason = format!("直连单位终止服务备案，{end}终止服务");
                    let record = audit_record(ctx, "系统", &u.name, "终止服务", reason.clone(), AuditOutcome::Success);
                    let m = to_unit(u.enterprise_id, MessageKind::StatusChange, "已终止服务".into(), format!("{reason}；使用单位的绑定关系已解除，本单位已退出乐企。"), now, None);
                    ctx.store.end_service(u.enterprise_id, &exit, "系统", &reason, &record, &[m], Some(&crate::message::rules::to_use_units(&u.name, "已终止服务", now))).await.map(|_| pass.ended += 1)
                }
            };
            match result {
                Ok(()) | Err(StoreError::Conflict) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    pass.overdue_reports = crate::relationship_report::service::flag_overdue(ctx, now).await?;
    Ok(pass)
}
