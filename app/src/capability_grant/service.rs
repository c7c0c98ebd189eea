//! 能力授权 (guideline-sichuan 第四章 四; guideline-neimenggu 第二章 2.(5)) and 能力预授权
//! (manual §3.4.1.1). A direct unit grants an opened capability to bound use units (one
//! or a batch; each refused with its reason when it does not fit); the use unit
//! 【确认授权】/【拒绝】 (web 能力中心 and H5); either side 【撤销授权】. At binding, a row's
//! 能力预授权 becomes pending grants in the binding's own transaction. The signed API
//! asks `api_gate` before a capability call.

use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::capability::rules::{self as cap, Capability};
use crate::capability_grant::rules::{self as gr, GrantAction, GrantCheck, GrantError, GrantParty, GrantStatus};
use crate::invitation::rules::InvitationStatus;
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, NewMessage, Party, SiteLink};
use crate::kernel::{TaxpayerSession, Timestamp};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::kernel::TimelineEntry;
use crate::capability::model::*;
use crate::access::store::ApplicationEvent;
use crate::context::Ctx;
use crate::capability::store::{GrantChange, GrantEnding, NewGrant, StoredGrant};
use crate::invitation::store::{InvitationFilter, StoredInvitation};

use crate::accounts::service::require_module;
use crate::auth::service::audit_record;

impl DomainError for GrantError {
    fn refusal(&self) -> Refusal {
        match self {
            GrantError::Unknown => Refusal::NotFound,
            GrantError::WrongStatus(_) => Refusal::Conflict,
            GrantError::NotUseUnit => Refusal::Forbidden,
            GrantError::NoUseUnit => Refusal::Field("use_units"),
            _ => Refusal::Refused,
        }
    }
}

/// 【消息中心】 (能力授权): the unit is told, with a link to its 能力授权 page.
fn tell(enterprise_id: i64, title: String, body: String, at: Timestamp) -> NewMessage {
    let party = Party { enterprise_id, module: Module::LeqiCapability, link: SiteLink::parse("/nlzx/grants").ok() };
    tell_parties(&[party], None, MessageKind::CapabilityGrant, &title, &body, at).remove(0)
}

fn today(now: Timestamp) -> String {
    now.beijing_time()[..10].to_string()
}

fn actor_of(t: &TaxpayerSession) -> String {
    format!("{}（{}）", t.person_name, t.identity.label())
}

/// The capability is open (as of today) for `enterprise_id` as a direct unit: a
/// 公用基础能力 while the unit is a direct unit — its qualification term and, after
/// 资格有效期至 without an extension, the 限制并发 grace until the scheduler's 到期终止 ends
/// it (issue #13) — and a 非公用 one while 已开通. A unit that left and joined again is
/// a direct unit like any other (its past exit record does not count).
pub async fn is_open_for(ctx: &Ctx, enterprise_id: i64, c: &Capability, today: &str) -> AppResult<bool> {
    let Some(profile) = ctx.store.registry_profile(enterprise_id).await? else { return Ok(false) };
    if profile.direct_unit.is_none() {
        return Ok(false);
    }
    if c.public {
        return Ok(true);
    }
    Ok(ctx.store.subscription_by_code(enterprise_id, &c.code).await?.is_some_and(|s| s.status.as_of(today).is_open()))
}

async fn opened_for(ctx: &Ctx, enterprise_id: i64, today: &str) -> AppResult<Vec<Capability>> {
    let mut out = Vec::new();
    for c in cap::catalogue() {
        if is_open_for(ctx, enterprise_id, &c, today).await? {
            out.push(c);
        }
    }
    Ok(out)
}

fn entry(e: ApplicationEvent) -> TimelineEntry {
    TimelineEntry { at: e.at.beijing_time(), actor: e.actor, actor_unit: e.actor_unit, action: e.action, to: e.to, reason: e.reason }
}

async fn view(ctx: &Ctx, g: &StoredGrant, party: GrantParty, today: &str) -> AppResult<GrantView> {
    let c = cap::find(&g.capability_code).ok();
    let direct = ctx.store.enterprise_by_id(g.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let user = ctx.store.enterprise_by_id(g.use_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let bound = ctx.store.invitation(g.invitation_id).await?.is_some_and(|i| i.status == InvitationStatus::Confirmed);
    let open = match &c {
        Some(c) => is_open_for(ctx, g.direct_enterprise_id, c, today).await?,
        None => false,
    };
    // Until the hourly job stores it, a grant whose capability expired reads 已终止.
    let status = if g.status.is_active() && (!open || !bound) {
        gr::end(&g.status, if bound { gr::ENDED_EXPIRED } else { gr::ENDED_UNBOUND }).unwrap_or_else(|| g.status.clone())
    } else {
        g.status.clone()
    };
    Ok(GrantView {
        id: g.id,
        version: g.version,
        capability_code: g.capability_code.clone(),
        capability_name: c.map(|c| c.name).unwrap_or_else(|| g.capability_code.clone()),
        direct_name: direct.name,
        direct_code: direct.credit_code.to_string(),
        use_name: user.name,
        use_code: user.credit_code.to_string(),
        usable: status.is_granted(),
        actions: gr::actions_for(&status, party),
        status,
        since: g.updated_at.beijing_time(),
        timeline: ctx.store.grant_events(g.id).await?.into_iter().map(entry).collect(),
    })
}

async fn bound_units(ctx: &Ctx, direct_enterprise_id: i64) -> AppResult<Vec<StoredInvitation>> {
    let filter = InvitationFilter { status_code: Some(InvitationStatus::Confirmed.code().to_string()), limit: 1000, ..Default::default() };
    ctx.store.invitations(direct_enterprise_id, &filter).await.map_err(AppError::from)
}

/// 能力授权 of the signed-in unit (either side).
pub async fn center(ctx: &Ctx) -> AppResult<GrantCenter> {
    let t = require_module(ctx, Module::LeqiCapability).await?;
    let today = today(ctx.clock.now());
    let grantable: Vec<(String, String)> = opened_for(ctx, t.enterprise_id, &today).await?.into_iter().map(|c| (c.code, c.name)).collect();
    let bound = if grantable.is_empty() { vec![] } else { bound_units(ctx, t.enterprise_id).await? };
    let mut made = Vec::new();
    for g in ctx.store.grants_of_direct(t.enterprise_id).await?.iter().take(200) {
        made.push(view(ctx, g, GrantParty::DirectUnit, &today).await?);
    }
    let mut received = Vec::new();
    for g in ctx.store.grants_of_use_unit(t.enterprise_id).await?.iter().take(200) {
        received.push(view(ctx, g, GrantParty::UseUnit, &today).await?);
    }
    Ok(GrantCenter {
        grantable,
        bound: bound.into_iter().map(|i| BoundUnit { invitation_id: i.id, name: i.use_name, credit_code: i.use_code }).collect(),
        made,
        received,
    })
}

/// H5: the grants the use unit received, as lines.
pub async fn h5_lines(ctx: &Ctx) -> AppResult<Vec<H5Grant>> {
    let t = require_module(ctx, Module::LeqiCapability).await?;
    let today = today(ctx.clock.now());
    let mut out = Vec::new();
    for g in ctx.store.grants_of_use_unit(t.enterprise_id).await?.iter().take(50) {
        let v = view(ctx, g, GrantParty::UseUnit, &today).await?;
        out.push(H5Grant { id: v.id, version: v.version, text: format!("{} · {}", v.capability_name, v.direct_name), status: v.status.label().into(), pending: v.actions.contains(&GrantAction::Confirm) });
    }
    Ok(out)
}

/// 【授权】: `code` to the bound use units of `invitation_ids` (one or a batch). Every use
/// unit that fits gets a pending grant (one transaction, one audit record); each other
/// is refused with its reason.
pub async fn grant(ctx: &Ctx, code: &str, invitation_ids: &[i64]) -> AppResult<Vec<GrantRowResult>> {
    let t = require_module(ctx, Module::LeqiCapability).await?;
    let c = cap::find(code).map_err(|_| AppError::from(GrantError::Unknown))?;
    if invitation_ids.is_empty() {
        return Err(GrantError::NoUseUnit.into());
    }
    if invitation_ids.len() > 200 {
        return Err(AppError::field("use_units", "每次最多授权200家使用单位"));
    }
    let now = ctx.clock.now();
    let today = today(now);
    let opened = is_open_for(ctx, t.enterprise_id, &c, &today).await?;
    let active: Vec<StoredGrant> = ctx.store.grants_of_direct(t.enterprise_id).await?.into_iter().filter(|g| g.capability_code == c.code && g.status.is_active()).collect();
    let actor = actor_of(&t);
    let mut results = Vec::new();
    let mut new = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for &id in invitation_ids {
        if !seen.insert(id) {
            continue;
        }
        // Another unit's invitation is not this unit's to name: not found, like any id it does not own.
        let i = ctx.store.invitation(id).await?.filter(|i| i.direct_enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
        let quals = ctx.store.unit_qualifications(i.use_enterprise_id).await?;
        let check = GrantCheck {
            capability: &c,
            opened,
            bound: i.status == InvitationStatus::Confirmed,
            use_unit_qualifications: &quals,
            already: active.iter().any(|g| g.invitation_id == i.id),
        };
        match gr::may_grant(&check) {
            Ok(()) => {
                let event = ApplicationEvent { at: now, actor: actor.clone(), actor_unit: t.enterprise_name.clone(), action: gr::GRANT_EVENT.into(), from: String::new(), to: GrantStatus::Pending.label().into(), reason: None };
                new.push(NewGrant { invitation_id: i.id, direct_enterprise_id: t.enterprise_id, use_enterprise_id: i.use_enterprise_id, capability_code: c.code.clone(), event });
                results.push(GrantRowResult { invitation_id: i.id, name: i.use_name.clone(), refusal: None });
            }
            Err(e) => results.push(GrantRowResult { invitation_id: i.id, name: i.use_name.clone(), refusal: Some(e.to_string()) }),
        }
    }
    if !new.is_empty() {
        let names: Vec<&str> = results.iter().filter(|r| r.refusal.is_none()).map(|r| r.name.as_str()).collect();
        let audit = audit_record(ctx, &actor, &t.credit_code, gr::GRANT_EVENT, format!("{}（{}）授权给：{}（待使用单位确认）", c.name, c.code, names.join("、")), AuditOutcome::Success);
        // Each use unit is told (消息中心), in the same transaction.
        let told: Vec<NewMessage> = new
            .iter()
            .map(|g| {
                tell(
                    g.use_enterprise_id,
                    status_title(&format!("能力授权（{}）", c.name), GrantStatus::Pending.label()),
                    format!("{}（{}）授权贵单位使用能力「{}」，请在【能力中心】→【能力授权】中确认授权或拒绝。", t.enterprise_name, t.credit_code, c.name),
                    now,
                )
            })
            .collect();
        ctx.store.create_grants(&new, &told, &audit, now).await?;
    }
    Ok(results)
}

/// 【确认授权】/【拒绝】 (the use unit) or 【撤销授权】 (either side), at `version`.
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: GrantAction, reason: &str) -> AppResult<GrantView> {
    let t = require_module(ctx, Module::LeqiCapability).await?;
    let g = ctx.store.grant(id).await?.ok_or(AppError::NotFound)?;
    let party = if g.use_enterprise_id == t.enterprise_id {
        GrantParty::UseUnit
    } else if g.direct_enterprise_id == t.enterprise_id {
        GrantParty::DirectUnit
    } else {
        return Err(AppError::NotFound);
    };
    let now = ctx.clock.now();
    let today = today(now);
    let current = view(ctx, &g, party, &today).await?;
    if g.version != version {
        return Err(AppError::Conflict);
    }
    // A grant that ended (binding or capability) takes no step, whatever is stored.
    let to = gr::apply(&current.status, party, action, reason)?;
    let actor = actor_of(&t);
    let event = ApplicationEvent { at: now, actor: actor.clone(), actor_unit: t.enterprise_name.clone(), action: action.event_label().into(), from: g.status.label().into(), to: to.label().into(), reason: to.reason().map(String::from) };
    let description = format!("{}（{}）→{}（{}）{}：{}", current.direct_name, current.direct_code, current.use_name, current.use_code, current.capability_name, action.event_label());
    let audit = audit_record(ctx, &actor, &t.credit_code, action.event_label(), description, AuditOutcome::Success);
    // The other side is told (消息中心), in the same transaction.
    let (other, by) = match party {
        GrantParty::UseUnit => (g.direct_enterprise_id, format!("{}（{}）", current.use_name, current.use_code)),
        GrantParty::DirectUnit => (g.use_enterprise_id, format!("{}（{}）", current.direct_name, current.direct_code)),
    };
    let told = [tell(
        other,
        status_title(&format!("能力授权（{}）", current.capability_name), to.label()),
        format!("{by}{}能力「{}」：{}。", action.label(), current.capability_name, status_change_text(g.status.label(), to.label(), to.reason())),
        now,
    )];
    ctx.store.transition_grant(g.id, version, &GrantChange { to: &to, event: &event, audit: &audit, messages: &told }, now).await?;
    let fresh = ctx.store.grant(id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &fresh, party, &today).await
}

/// 能力预授权 at binding (the invitation becomes 确认通过 with 能力预授权 是): a pending
/// grant for each capability open for the direct unit that fits the use unit; the others
/// as timeline notes with the reason. Returns (grants, notes, audit wording).
pub async fn pre_authorized(ctx: &Ctx, i: &StoredInvitation, now: Timestamp) -> AppResult<(Vec<NewGrant>, Vec<ApplicationEvent>, String)> {
    let today = today(now);
    let opened = opened_for(ctx, i.direct_enterprise_id, &today).await?;
    let quals = ctx.store.unit_qualifications(i.use_enterprise_id).await?;
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let note = |to: &str, reason: String| ApplicationEvent { at: now, actor: "系统".into(), actor_unit: direct.clone(), action: gr::PRE_GRANT_EVENT.into(), from: String::new(), to: to.into(), reason: Some(reason) };
    let mut grants = Vec::new();
    let mut notes = Vec::new();
    let mut said = Vec::new();
    if opened.is_empty() {
        notes.push(note("未授权", "直连单位尚无已开通的能力".into()));
        said.push("直连单位尚无已开通的能力".to_string());
    }
    for (c, fit) in gr::pre_authorized(&opened, &quals) {
        match fit {
            Ok(()) => {
                let event = ApplicationEvent { at: now, actor: "系统".into(), actor_unit: direct.clone(), action: gr::PRE_GRANT_EVENT.into(), from: String::new(), to: GrantStatus::Pending.label().into(), reason: None };
                grants.push(NewGrant { invitation_id: i.id, direct_enterprise_id: i.direct_enterprise_id, use_enterprise_id: i.use_enterprise_id, capability_code: c.code.clone(), event });
                notes.push(note(GrantStatus::Pending.label(), format!("{}：待使用单位确认授权", c.name)));
                said.push(format!("{}待确认", c.name));
            }
            Err(e) => {
                notes.push(note("未授权", format!("{}：{}", c.name, e)));
                said.push(format!("{}未授权（{}）", c.name, e));
            }
        }
    }
    Ok((grants, notes, format!("；能力预授权：{}", said.join("；"))))
}

/// 【消息中心】: the use unit is told of the pending grants 能力预授权 made at binding.
pub async fn pre_authorized_message(ctx: &Ctx, i: &StoredInvitation, n: usize, at: Timestamp) -> AppResult<NewMessage> {
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
    Ok(tell(
        i.use_enterprise_id,
        status_title("能力预授权", GrantStatus::Pending.label()),
        format!("{}（{}）预授权贵单位使用{}项能力，请在【能力中心】→【能力授权】中确认授权或拒绝。", direct.name, direct.credit_code, n),
        at,
    ))
}

/// The ending of a binding's grants (解除绑定).
pub fn ending(now: Timestamp, reason: &str) -> GrantEnding {
    let to = GrantStatus::Ended { reason: reason.to_string() };
    GrantEnding { event: ApplicationEvent { at: now, actor: "系统".into(), actor_unit: String::new(), action: gr::GRANT_ENDED_EVENT.into(), from: String::new(), to: to.label().into(), reason: Some(reason.to_string()) }, to }
}

/// Why the signed API refuses a capability call (403).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GateRefusal {
    /// `CAPABILITY_NOT_OPENED`: the calling unit has not opened it.
    NotOpened(String),
    /// `USE_UNIT_NOT_BOUND`: the use unit named is not bound to the calling unit.
    NotBound,
    /// `CAPABILITY_NOT_GRANTED`: the use unit has not granted it (or not confirmed).
    NotGranted(String),
}

impl GateRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            GateRefusal::NotOpened(_) => "CAPABILITY_NOT_OPENED",
            GateRefusal::NotBound => "USE_UNIT_NOT_BOUND",
            GateRefusal::NotGranted(_) => "CAPABILITY_NOT_GRANTED",
        }
    }

    pub fn message(&self) -> String {
        match self {
            GateRefusal::NotOpened(n) => format!("本单位尚未开通{n}（或已到期），请先在【能力中心】订阅并开通"),
            GateRefusal::NotBound => "该使用单位与本单位尚未建立绑定关系".into(),
            GateRefusal::NotGranted(n) => format!("该使用单位尚未确认授权{n}，不能代其调用"),
        }
    }
}

/// Before a signed capability call by `caller` (a direct unit's credential): the
/// capability must be open for it; acting for a use unit (`use_code`), that unit must be
/// bound and have confirmed a grant of it.
pub async fn api_gate(ctx: &Ctx, caller: i64, c: &Capability, use_code: Option<&str>) -> AppResult<Result<(), GateRefusal>> {
    let today = today(ctx.clock.now());
    if !is_open_for(ctx, caller, c, &today).await? {
        return Ok(Err(GateRefusal::NotOpened(c.name.clone())));
    }
    let Some(code) = use_code.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(Ok(())) };
    let bound = bound_units(ctx, caller).await?;
    let Some(i) = bound.iter().find(|i| i.use_code == code) else { return Ok(Err(GateRefusal::NotBound)) };
    let granted = ctx.store.grants_of_use_unit(i.use_enterprise_id).await?.into_iter().any(|g| g.invitation_id == i.id && g.capability_code == c.code && g.status.is_granted());
    Ok(if granted { Ok(()) } else { Err(GateRefusal::NotGranted(c.name.clone())) })
}

/// Whether `status` is the binding's 确认通过 (for the invitation service).
pub fn binds(status: &InvitationStatus) -> bool {
    *status == InvitationStatus::Confirmed
}

/// A capability is no longer open (expiry): its grants end.
pub fn expiry_ending(now: Timestamp) -> GrantEnding {
    ending(now, gr::ENDED_EXPIRED)
}
