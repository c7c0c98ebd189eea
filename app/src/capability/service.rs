//! 能力中心 (guideline-sichuan 第四章; guideline-neimenggu 第二章 2.(1)–(5)): a confirmed
//! direct unit sees every capability with 开通状态 and 有效期, subscribes a 非公用 one,
//! runs its cases in the 测试中心 (the signed sandbox, `server/src/http/openapi.rs`), generates
//! the 测试报告 and submits it; an officer of its 主管税务机关 确认通过 or 退回. Every
//! step is a domain transition stored with its timeline entry and audit record in one
//! transaction with optimistic versioning.

use std::collections::HashMap;

use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::capability::rules::{self as cap, Capability, CapabilityAction, CapabilityError, CapabilityStatus, CapabilityViewer, CaseAccepted, CaseFieldError, CapabilityStepInput};
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, NewMessage, Party, SiteLink};
use crate::kernel::{OfficerSession, Principal, Timestamp};
use crate::error::{AppError, AppResult, DomainError, FieldError, Refusal};
use crate::kernel::TimelineEntry;
use crate::capability::model::*;
use crate::access::store::ApplicationEvent;
use crate::capability::store::{CapabilityChange, CaseResult, StoredSubscription};
use crate::context::Ctx;

use crate::accounts::service::require_module;
use crate::auth::service::{audit_record, require_principal};
use crate::invitation::service::Inviter;

/// Path prefix of the 测试中心 (signed like the rest of `/openapi/v1/`).
pub const SANDBOX_PATH: &str = "/openapi/v1/sandbox/cases";

impl DomainError for CapabilityError {
    fn refusal(&self) -> Refusal {
        match self {
            CapabilityError::Unknown => Refusal::NotFound,
            CapabilityError::ReasonRequired => Refusal::Field("reason"),
            CapabilityError::ValidUntilRequired | CapabilityError::ValidUntilFormat | CapabilityError::ValidUntilPast | CapabilityError::ValidUntilBeyondTerm(_) | CapabilityError::NoQualificationTerm => {
                Refusal::Field("valid_until")
            }
            CapabilityError::WrongStatus(_) => Refusal::Conflict,
            CapabilityError::NotOfficer | CapabilityError::NotDirectUnit => Refusal::Forbidden,
            _ => Refusal::Refused,
        }
    }
}

/// "YYYY-MM-DD" today, Beijing time.
fn today(now: Timestamp) -> String {
    now.beijing_time()[..10].to_string()
}

/// The signed-in unit as a confirmed direct unit (能力中心 is theirs only).
pub struct Unit {
    pub enterprise_id: i64,
    pub name: String,
    pub credit_code: String,
    pub tax_office_id: i64,
    pub qualification_end: Option<String>,
    pub actor: String,
}

async fn unit_of(ctx: &Ctx, enterprise_id: i64, actor: String) -> AppResult<Unit> {
    let profile = ctx.store.registry_profile(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
    if profile.direct_unit.is_none() {
        return Err(AppError::Refused("本单位还不是乐企直连单位，请先完成接入申请".into()));
    }
    if profile.terminating_on.is_some() {
        return Err(AppError::Refused("本单位正在退出乐企，不能订阅能力".into()));
    }
    Ok(Unit { enterprise_id, name: ent.name, credit_code: ent.credit_code.to_string(), tax_office_id: profile.tax_office_id, qualification_end: profile.qualification_end, actor })
}

async fn unit_from_session(ctx: &Ctx) -> AppResult<Unit> {
    let t = require_module(ctx, Module::LeqiCapability).await?;
    unit_of(ctx, t.enterprise_id, format!("{}（{}）", t.person_name, t.identity.label())).await
}

/// The latest call of each case in the subscription's current round.
async fn latest_results(ctx: &Ctx, s: &StoredSubscription) -> AppResult<HashMap<String, CaseResult>> {
    let mut out = HashMap::new();
    for r in ctx.store.case_results(s.id, s.round).await? {
        out.insert(r.case_code.clone(), r);
    }
    Ok(out)
}

fn all_passed(c: &Capability, latest: &HashMap<String, CaseResult>) -> bool {
    c.cases.iter().all(|k| latest.get(&k.code).is_some_and(|r| r.passed))
}

fn row(c: &Capability, unit: &Unit, sub: Option<&StoredSubscription>, quals: &[String], passed: bool, now: Timestamp) -> CapabilityRow {
    let today = today(now);
    if c.public {
        // 公用基础能力: open to every direct unit for its qualification term.
        let status = CapabilityStatus::Opened { valid_until: unit.qualification_end.clone().unwrap_or_default() };
        let status = if unit.qualification_end.is_some() { status.as_of(&today) } else { status };
        return CapabilityRow {
            code: c.code.clone(),
            name: c.name.clone(),
            group: c.group.clone(),
            public: true,
            qualification: None,
            valid_until: status.valid_until().filter(|v| !v.is_empty()).map(String::from),
            status,
            version: 0,
            actions: vec![],
            refusal: None,
        };
    }
    let status = sub.map(|s| s.status.clone().as_of(&today)).unwrap_or(CapabilityStatus::NotSubscribed);
    let mut actions = cap::actions_for(&status, CapabilityViewer::DirectUnit, passed);
    let mut refusal = None;
    if actions.contains(&CapabilityAction::Subscribe) {
        if let Err(e) = cap::may_subscribe(c, quals) {
            actions.retain(|a| *a != CapabilityAction::Subscribe);
            refusal = Some(e.to_string());
        }
    }
    CapabilityRow {
        code: c.code.clone(),
        name: c.name.clone(),
        group: c.group.clone(),
        public: false,
        qualification: c.qualification.clone(),
        valid_until: status.valid_until().map(String::from),
        status,
        version: sub.map(|s| s.version).unwrap_or(0),
        actions,
        refusal,
    }
}

/// 【能力中心】: every capability of the catalogue with 开通状态 and 有效期.
pub async fn center(ctx: &Ctx) -> AppResult<CapabilityCenter> {
    let unit = unit_from_session(ctx).await?;
    let subs = ctx.store.subscriptions_of(unit.enterprise_id).await?;
    let quals = ctx.store.unit_qualifications(unit.enterprise_id).await?;
    let now = ctx.clock.now();
    let mut rows = Vec::new();
    for c in cap::catalogue() {
        let sub = subs.iter().find(|s| s.capability_code == c.code);
        let passed = match sub {
            Some(s) if s.status == CapabilityStatus::AwaitingTest => all_passed(&c, &latest_results(ctx, s).await?),
            _ => false,
        };
        rows.push(row(&c, &unit, sub, &quals, passed, now));
    }
    Ok(CapabilityCenter { enterprise_name: unit.name, credit_code: unit.credit_code, qualification_end: unit.qualification_end, rows })
}

fn report_of(s: &StoredSubscription) -> Option<TestReport> {
    s.report.as_deref().and_then(|r| serde_json::from_str(r).ok())
}

fn timeline(events: Vec<ApplicationEvent>) -> Vec<TimelineEntry> {
    events.into_iter().map(|e| TimelineEntry { at: e.at.beijing_time(), actor: e.actor, actor_unit: e.actor_unit, action: e.action, to: e.to, reason: e.reason }).collect()
}

async fn detail_of(ctx: &Ctx, unit: &Unit, c: &Capability) -> AppResult<CapabilityPage> {
    let sub = ctx.store.subscription_by_code(unit.enterprise_id, &c.code).await?;
    let quals = ctx.store.unit_qualifications(unit.enterprise_id).await?;
    let latest = match &sub {
        Some(s) => latest_results(ctx, s).await?,
        None => HashMap::new(),
    };
    let passed = sub.as_ref().is_some_and(|s| s.status == CapabilityStatus::AwaitingTest) && all_passed(c, &latest);
    let row = row(c, unit, sub.as_ref(), &quals, passed, ctx.clock.now());
    let cases = c
        .cases
        .iter()
        .map(|k| {
            let r = latest.get(&k.code);
            CaseView {
                code: k.code.clone(),
                name: k.name.clone(),
                doc: k.doc.clone(),
                passed: r.map(|r| r.passed),
                request_id: r.map(|r| r.request_id.clone()),
                request_body: r.map(|r| r.request_body.clone()),
                errors: r.and_then(|r| serde_json::from_str(&r.errors).ok()).unwrap_or_default(),
                at: r.map(|r| r.at.beijing_time()),
                path: SANDBOX_PATH.to_string(),
            }
        })
        .collect();
    let (report, events) = match &sub {
        Some(s) => (report_of(s), ctx.store.subscription_events(s.id).await?),
        None => (None, vec![]),
    };
    Ok(CapabilityPage { row, doc: c.doc.clone(), cases, report, timeline: timeline(events), qualification_end: unit.qualification_end.clone() })
}

/// One capability's page (能力说明文档, 测试中心, 测试报告, timeline).
pub async fn detail(ctx: &Ctx, code: &str) -> AppResult<CapabilityPage> {
    let unit = unit_from_session(ctx).await?;
    let c = cap::find(code)?;
    detail_of(ctx, &unit, &c).await
}

/// The direct unit's steps: 订阅, 生成测试报告, 提交税务机关确认 (with 有效期), 重新测试.
/// `version` is the subscription's (0 before the first 订阅).
pub async fn act(ctx: &Ctx, code: &str, version: i64, action: CapabilityAction, valid_until: &str) -> AppResult<CapabilityPage> {
    let unit = unit_from_session(ctx).await?;
    let c = cap::find(code)?;
    let now = ctx.clock.now();
    let today = today(now);
    let sub = ctx.store.subscription_by_code(unit.enterprise_id, &c.code).await?;
    let from = sub.as_ref().map(|s| s.status.clone().as_of(&today)).unwrap_or(CapabilityStatus::NotSubscribed);
    if sub.as_ref().map(|s| s.version).unwrap_or(0) != version {
        return Err(AppError::Conflict);
    }
    let mut input = CapabilityStepInput::default();
    match action {
        CapabilityAction::Subscribe => {
            let quals = ctx.store.unit_qualifications(unit.enterprise_id).await?;
            cap::may_subscribe(&c, &quals)?;
        }
        CapabilityAction::GenerateReport => {
            if let Some(s) = &sub {
                input.all_cases_passed = all_passed(&c, &latest_results(ctx, s).await?);
            }
        }
        CapabilityAction::SubmitReport => {
            input.valid_until = Some(cap::parse_valid_until(valid_until, &today, unit.qualification_end.as_deref())?);
        }
        CapabilityAction::Retest | CapabilityAction::Confirm | CapabilityAction::Return => {}
    }
    let to = cap::apply(&from, CapabilityViewer::DirectUnit, action, &input)?;
    let report = match (action, &sub) {
        (CapabilityAction::GenerateReport, Some(s)) => {
            let latest = latest_results(ctx, s).await?;
            let r = TestReport {
                enterprise_name: unit.name.clone(),
                credit_code: unit.credit_code.clone(),
                capability_code: c.code.clone(),
                capability_name: c.name.clone(),
                generated_at: now.beijing_time(),
                cases: c
                    .cases
                    .iter()
                    .filter_map(|k| latest.get(&k.code).map(|r| ReportCase { code: k.code.clone(), name: k.name.clone(), request_id: r.request_id.clone(), at: r.at.beijing_time() }))
                    .collect(),
            };
            Some(serde_json::to_string(&r).map_err(|_| AppError::Internal)?)
        }
        (CapabilityAction::GenerateReport, None)
        | (CapabilityAction::Subscribe | CapabilityAction::SubmitReport | CapabilityAction::Retest | CapabilityAction::Confirm | CapabilityAction::Return, _) => None,
    };
    let description = if let CapabilityStatus::AwaitingConfirmation { valid_until } = &to {
        format!("{}（{}）：{}，有效期至{valid_until}", c.name, c.code, action.event_label())
    } else {
        format!("{}（{}）：{}", c.name, c.code, action.event_label())
    };
    let event = ApplicationEvent { at: now, actor: unit.actor.clone(), actor_unit: unit.name.clone(), action: action.event_label().into(), from: from.label().into(), to: to.label().into(), reason: None };
    let audit = audit_record(ctx, &unit.actor, &unit.credit_code, action.event_label(), description, AuditOutcome::Success);
    let change = CapabilityChange { to: &to, event: &event, audit: &audit, new_round: cap::starts_new_round(action), report: report.as_deref(), messages: &[], end_grants: None };
    match &sub {
        None => {
            ctx.store.create_subscription(unit.enterprise_id, unit.tax_office_id, &c.code, &change, now).await?;
        }
        Some(s) => {
            ctx.store.transition_subscription(s.id, version, &change, now).await?;
        }
    }
    detail_of(ctx, &unit, &c).await
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

async fn review_of(ctx: &Ctx, s: &StoredSubscription) -> AppResult<CapabilityReview> {
    let ent = ctx.store.enterprise_by_id(s.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let name = cap::find(&s.capability_code).map(|c| c.name).unwrap_or_else(|_| s.capability_code.clone());
    Ok(CapabilityReview {
        id: s.id,
        version: s.version,
        enterprise_name: ent.name,
        credit_code: ent.credit_code.to_string(),
        capability_name: name,
        valid_until: s.status.valid_until().map(String::from),
        actions: cap::actions_for(&s.status, CapabilityViewer::Officer, false),
        status: s.status.clone(),
        since: s.updated_at.beijing_time(),
        report: report_of(s),
    })
}

/// The tax console's queue: reports submitted by units of the officer's office (待确认).
pub async fn queue(ctx: &Ctx) -> AppResult<Vec<CapabilityReview>> {
    let o = require_officer(ctx).await?;
    let Some(office) = o.tax_office_id else { return Ok(vec![]) };
    let mut out = Vec::new();
    let waiting = CapabilityStatus::AwaitingConfirmation { valid_until: String::new() };
    for s in ctx.store.subscription_queue(office, waiting.code(), 200).await? {
        out.push(review_of(ctx, &s).await?);
    }
    Ok(out)
}

/// 确认通过 / 退回 (a reason) by an officer of the unit's 主管税务机关; anyone else: 未找到.
pub async fn decide(ctx: &Ctx, id: i64, version: i64, action: CapabilityAction, reason: &str) -> AppResult<CapabilityReview> {
    let o = require_officer(ctx).await?;
    let s = ctx.store.subscription(id).await?.filter(|s| Some(s.tax_office_id) == o.tax_office_id).ok_or(AppError::NotFound)?;
    let input = CapabilityStepInput { reason: reason.to_string(), ..Default::default() };
    let to = cap::apply(&s.status, CapabilityViewer::Officer, action, &input)?;
    if s.version != version {
        return Err(AppError::Conflict);
    }
    let ent = ctx.store.enterprise_by_id(s.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let name = cap::find(&s.capability_code).map(|c| c.name).unwrap_or_else(|_| s.capability_code.clone());
    let now = ctx.clock.now();
    let description = if let CapabilityStatus::Opened { valid_until } = &to {
        format!("{}（{}）{}：{}，有效期至{valid_until}", ent.name, ent.credit_code, name, action.event_label())
    } else {
        format!("{}（{}）{}：{}（{}）", ent.name, ent.credit_code, name, action.event_label(), to.reason().unwrap_or_default())
    };
    let event = ApplicationEvent { at: now, actor: o.name.clone(), actor_unit: o.unit_name.clone(), action: action.event_label().into(), from: s.status.label().into(), to: to.label().into(), reason: to.reason().map(String::from) };
    let audit = audit_record(ctx, &o.name, &ent.credit_code.to_string(), action.event_label(), description, AuditOutcome::Success);
    let told = tell_unit(s.enterprise_id, &s.capability_code, MessageKind::Decision, &name, &event);
    let change = CapabilityChange { to: &to, event: &event, audit: &audit, new_round: false, report: None, messages: &told, end_grants: None };
    ctx.store.transition_subscription(s.id, version, &change, now).await?;
    let fresh = ctx.store.subscription(id).await?.ok_or(AppError::NotFound)?;
    review_of(ctx, &fresh).await
}

/// The 测试中心's answer to a good call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxAnswer {
    pub request_id: String,
    pub case_code: String,
    /// A blue invoice's number.
    pub invoice_no: Option<String>,
}

/// A sandbox refusal: the field errors of a checked call (stored as a failed case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxRefusal {
    /// Not a call the sandbox takes (unknown capability/case, not in test): nothing stored.
    App(AppError),
    /// The request was checked and failed: the failure is stored.
    Fields { request_id: String, errors: Vec<CaseFieldError> },
}

impl From<AppError> for SandboxRefusal {
    fn from(e: AppError) -> Self {
        SandboxRefusal::App(e)
    }
}

fn invoice_no(ctx: &Ctx, now: Timestamp) -> String {
    let yy = &now.beijing_time()[2..4];
    let a = ctx.secrets.random_u32() as u64 % 1_000_000_000;
    let b = ctx.secrets.random_u32() as u64 % 1_000_000_000;
    format!("{yy}{a:09}{b:09}")
}

/// One signed call of a test case by the direct unit's system: the body is checked
/// against the capability's rules; the result (passed, or failed with the field errors)
/// is stored as the case's latest call in the current round.
pub async fn sandbox_call(ctx: &Ctx, by: &Inviter, capability_code: &str, case_code: &str, body: &serde_json::Value, raw_body: &str) -> Result<SandboxAnswer, SandboxRefusal> {
    let c = cap::find(capability_code).map_err(|_| AppError::NotFound)?;
    let case = c.cases.iter().find(|k| k.code == case_code).ok_or(AppError::NotFound)?;
    let sub = ctx.store.subscription_by_code(by.enterprise_id, &c.code).await.map_err(AppError::from)?;
    let Some(sub) = sub.filter(|s| s.status == CapabilityStatus::AwaitingTest) else {
        return Err(AppError::Refused(format!("{}当前不在测试中（请先在【能力中心】订阅）", c.name)).into());
    };
    let now = ctx.clock.now();
    let issued = ctx.store.sandbox_invoices(by.enterprise_id).await.map_err(AppError::from)?;
    let request_id = ctx.secrets.random_token().chars().take(24).collect::<String>();
    let outcome = cap::check_case(case.kind, body, &issued);
    let (passed, errors, invoice) = match &outcome {
        Ok(CaseAccepted::Issued { amount_cents, .. }) => (true, vec![], Some(cap::SandboxInvoice { invoice_no: invoice_no(ctx, now), amount_cents: *amount_cents })),
        Ok(CaseAccepted::Accepted) => (true, vec![], None),
        Err(e) => (false, e.clone(), None),
    };
    let result = CaseResult {
        subscription_id: sub.id,
        round: sub.round,
        case_code: case.code.clone(),
        passed,
        request_id: request_id.clone(),
        request_body: raw_body.chars().take(4000).collect(),
        errors: serde_json::to_string(&errors).map_err(|_| AppError::Internal)?,
        at: now,
    };
    ctx.store.record_case_result(&result, by.enterprise_id, invoice.as_ref()).await.map_err(AppError::from)?;
    if passed {
        Ok(SandboxAnswer { request_id, case_code: case.code.clone(), invoice_no: invoice.map(|i| i.invoice_no) })
    } else {
        Err(SandboxRefusal::Fields { request_id, errors })
    }
}

/// Field errors in the API's shape.
pub fn field_errors(errors: &[CaseFieldError]) -> Vec<FieldError> {
    errors.iter().map(|e| FieldError { field: e.field.clone(), message: e.message.clone() }).collect()
}

/// The unit behind an API credential, for the sandbox (must be a confirmed direct unit).
pub async fn unit_for_api(ctx: &Ctx, by: &Inviter) -> AppResult<Unit> {
    unit_of(ctx, by.enterprise_id, by.actor.clone()).await
}

/// The hourly job: every 已开通 capability past its 有效期 is stored as 已到期 (timeline and
/// audit record in the same transaction); it then needs a new subscription, test and
/// confirmation (guideline-neimenggu 第二章 2.(4)). Returns how many expired.
pub async fn expire_due(ctx: &Ctx) -> AppResult<u32> {
    let now = ctx.clock.now();
    let today = today(now);
    let mut n = 0;
    for s in ctx.store.subscriptions_due_to_expire(&today, 1000).await? {
        let to = s.status.clone().as_of(&today);
        if !matches!(to, CapabilityStatus::Expired { .. }) {
            continue;
        }
        let ent = ctx.store.enterprise_by_id(s.enterprise_id).await?.ok_or(AppError::NotFound)?;
        let name = cap::find(&s.capability_code).map(|c| c.name).unwrap_or_else(|_| s.capability_code.clone());
        let event = ApplicationEvent { at: now, actor: "系统".into(), actor_unit: String::new(), action: EXPIRY.into(), from: s.status.label().into(), to: to.label().into(), reason: None };
        let audit = audit_record(ctx, "系统", &ent.credit_code.to_string(), EXPIRY, format!("{}（{}）：有效期至{}，已到期", name, s.capability_code, to.valid_until().unwrap_or_default()), AuditOutcome::Success);
        // Its grants to use units end in the same transaction.
        let ending = crate::capability_grant::service::expiry_ending(now);
        let told = tell_unit(s.enterprise_id, &s.capability_code, MessageKind::Reminder, &name, &event);
        let change = CapabilityChange { to: &to, event: &event, audit: &audit, new_round: false, report: None, messages: &told, end_grants: Some(&ending) };
        match ctx.store.transition_subscription(s.id, s.version, &change, now).await {
            Ok(_) => n += 1,
            // The unit moved it meanwhile (e.g. 订阅 again): nothing to do.
            Err(crate::kernel::storage::StoreError::Conflict) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(n)
}

/// 【消息中心】: the unit hears of the tax office's decision or of the expiry (its link: the
/// capability's page in 【能力中心】).
fn tell_unit(enterprise_id: i64, code: &str, kind: MessageKind, name: &str, ev: &ApplicationEvent) -> Vec<NewMessage> {
    let party = Party { enterprise_id, module: Module::LeqiCapability, link: SiteLink::parse(&format!("/nlzx/{code}")).ok() };
    let body = format!("能力「{name}」{}。", status_change_text(&ev.from, &ev.to, ev.reason.as_deref()));
    tell_parties(&[party], None, kind, &status_title(&format!("能力订阅（{name}）"), &ev.to), &body, ev.at)
}

/// The timeline / audit wording of the expiry.
pub const EXPIRY: &str = "能力到期";
