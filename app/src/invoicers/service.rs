//! 开票人员登记及管理 (manual §4.5). Every call checks the session, the unit's
//! bound 联用类 invitations and the identity (invoicers::rules); another unit's
//! registration is not found; every change is audited.

use std::collections::HashMap;

use crate::invoicers::model::*;
use crate::invitation::rules::InvoicerChoice;
use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::invoicers::rules::{self as dom, InvoicerAccess, InvoicerError, RegistrationAction};
use crate::kernel::{Identity, TaxpayerSession};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::context::Ctx;
use crate::invoicers::store::NewRegistration;
use crate::invitation::store::StoredInvitation;

use crate::accounts::service::require_module;
use crate::auth::service::audit_record;

impl DomainError for InvoicerError {
    fn refusal(&self) -> Refusal {
        match self {
            InvoicerError::ReasonRequired => Refusal::Field("reason"),
            InvoicerError::NotAnInvoicer => Refusal::Field("link_id"),
            InvoicerError::NotBoundJoint => Refusal::Field("invitation_id"),
            InvoicerError::AlreadyEnded => Refusal::Conflict,
            _ => Refusal::Refused,
        }
    }
}

/// The unit's bound 联用类 invitations (its direct platforms for invoicing).
pub async fn bound_joint(ctx: &Ctx, use_enterprise_id: i64) -> AppResult<Vec<StoredInvitation>> {
    Ok(ctx
        .store
        .invitations_of_use_unit(use_enterprise_id)
        .await?
        .into_iter()
        .filter(|i| dom::is_bound_joint(&i.status, i.relationship.category()))
        .collect())
}

/// The unit's bound 开票员.
pub async fn invoice_clerks(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<InvoicerChoice>> {
    Ok(ctx
        .store
        .enterprise_users(enterprise_id)
        .await?
        .into_iter()
        .filter(|u| u.bound && u.identity == Identity::InvoiceClerk)
        .map(|u| InvoicerChoice { link_id: u.link_id, name: u.name })
        .collect())
}

pub fn who_label(t: &TaxpayerSession) -> String {
    format!("{}（{}）", t.person_name, t.identity.label())
}

/// The session, its access and the unit's platforms; refused when the page is not for it.
async fn gate(ctx: &Ctx) -> AppResult<(TaxpayerSession, InvoicerAccess, Vec<StoredInvitation>)> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let platforms = bound_joint(ctx, t.enterprise_id).await?;
    let access = dom::access(t.identity, platforms.len())?;
    Ok((t, access, platforms))
}

async fn view(ctx: &Ctx, t: &TaxpayerSession, access: InvoicerAccess, platforms: &[StoredInvitation]) -> AppResult<InvoicersView> {
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    let mut choices = Vec::new();
    for i in platforms {
        if !names.contains_key(&i.direct_enterprise_id) {
            let e = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
            names.insert(i.direct_enterprise_id, (e.name, e.credit_code.to_string()));
        }
        let (name, code) = names[&i.direct_enterprise_id].clone();
        choices.push(PlatformChoice { invitation_id: i.id, direct_name: name, direct_code: code });
    }
    let rows = ctx
        .store
        .registrations_of_use_unit(t.enterprise_id)
        .await?
        .into_iter()
        // Registrations live as long as the binding: only the current platforms' are shown.
        .filter(|r| platforms.iter().any(|p| p.id == r.invitation_id))
        .filter(|r| access == InvoicerAccess::Manage || r.link_id == t.link_id)
        .map(|r| {
            let p = choices.iter().find(|c| c.invitation_id == r.invitation_id).cloned();
            let (ended_by, ended_reason, ended_at) = match &r.state {
                dom::RegistrationState::Unregistered { by, reason, at } => (Some(by.clone()), (!reason.is_empty()).then(|| reason.clone()), Some(at.beijing_time())),
                dom::RegistrationState::Registered => (None, None, None),
            };
            RegistrationRow {
                id: r.id,
                version: r.version,
                invitation_id: r.invitation_id,
                direct_name: p.as_ref().map(|p| p.direct_name.clone()).unwrap_or_default(),
                direct_code: p.map(|p| p.direct_code).unwrap_or_default(),
                link_id: r.link_id,
                person_name: r.person_name.clone(),
                state: r.state.label().into(),
                active: r.state.is_active(),
                registered_by: r.registered_by.clone(),
                registered_at: r.registered_at.beijing_time(),
                ended_by,
                ended_reason,
                ended_at,
                actions: dom::actions_for(&r.state, access, r.link_id == t.link_id),
                reason_required: dom::reason_required(access),
            }
        })
        .collect();
    let staff = if access == InvoicerAccess::Manage { invoice_clerks(ctx, t.enterprise_id).await? } else { vec![] };
    Ok(InvoicersView { access, platforms: choices, staff, rows })
}

pub async fn overview(ctx: &Ctx) -> AppResult<InvoicersView> {
    let (t, access, platforms) = gate(ctx).await?;
    view(ctx, &t, access, &platforms).await
}

pub async fn register(ctx: &Ctx, invitation_id: i64, link_id: i64) -> AppResult<InvoicersView> {
    let (t, access, platforms) = gate(ctx).await?;
    let platform = platforms.iter().find(|p| p.id == invitation_id);
    let staff = invoice_clerks(ctx, t.enterprise_id).await?;
    let person = staff.iter().find(|s| s.link_id == link_id);
    dom::register(t.identity, platform.is_some(), person.is_some())?;
    let (platform, person) = (platform.ok_or(AppError::Internal)?, person.ok_or(AppError::Internal)?);
    let direct = ctx.store.enterprise_by_id(platform.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let new = NewRegistration {
        invitation_id,
        use_enterprise_id: t.enterprise_id,
        direct_enterprise_id: platform.direct_enterprise_id,
        link_id,
        person_name: person.name.clone(),
        registered_by: who_label(&t),
    };
    let record = audit_record(ctx, &t.person_name, &t.credit_code, "开票人员登记", format!("登记{}（开票员）绑定直连平台{}", person.name, direct), AuditOutcome::Success);
    match ctx.store.register_invoicer(&new, ctx.clock.now(), &record).await {
        Ok(_) => {}
        Err(crate::kernel::storage::StoreError::Conflict) => return Err(AppError::field("link_id", format!("{}已登记绑定{}", person.name, direct))),
        Err(e) => return Err(e.into()),
    }
    view(ctx, &t, access, &platforms).await
}

/// One of `RegistrationRow::actions` (解除登记).
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: RegistrationAction, reason: String) -> AppResult<InvoicersView> {
    let (t, access, platforms) = gate(ctx).await?;
    let r = ctx
        .store
        .registration(id)
        .await?
        .filter(|r| r.use_enterprise_id == t.enterprise_id && platforms.iter().any(|p| p.id == r.invitation_id))
        // An 开票员 cannot even see another person's registration.
        .filter(|r| access == InvoicerAccess::Manage || r.link_id == t.link_id)
        .ok_or(AppError::NotFound)?;
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let RegistrationAction::Unregister = action;
    let now = ctx.clock.now();
    let to = dom::unregister(&r.state, t.identity, &who_label(&t), r.link_id == t.link_id, &reason, now)?;
    let direct = ctx.store.enterprise_by_id(r.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let why = match &to {
        dom::RegistrationState::Unregistered { reason, .. } if !reason.is_empty() => format!("，原因：{reason}"),
        _ => String::new(),
    };
    let record = audit_record(ctx, &t.person_name, &t.credit_code, "解除开票人员登记", format!("解除{}与直连平台{}的登记{why}", r.person_name, direct), AuditOutcome::Success);
    ctx.store.end_registration(r.id, version, &to, now, &record).await?;
    view(ctx, &t, access, &platforms).await
}
