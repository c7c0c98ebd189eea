//! 税务管理措施: the unit's 主管税务机关 takes 提示提醒 / 责令限期改正, the provincial bureau the 暂停
//! measures and 责令退出 (`measure::rules`); the unit answers a 责令限期改正 with 整改反馈, the office
//! accepts or returns it, the province 恢复s a 暂停. Each step: one transaction (row at its
//! version, timeline, a message to the unit, audit). `restrictions` is where a measure bites:
//! invitations (form, import, API) and the signed API ask it.

use crate::kernel::Module;
use crate::materials::rules::MaterialOwner;
use crate::audit::rules::AuditOutcome;
use crate::measure::rules::{self as m, officer_viewer, MeasureAction, MeasureError, MeasureKind, MeasureStatus, MeasureViewer, Restrictions, StepInput};
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, NewMessage, Party, SiteLink};
use crate::upgrade_notice::rules::beijing_date;
use crate::kernel::{CreditCode, OfficerSession, Principal};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::kernel::TimelineEntry;
use crate::measure::model::*;
use crate::access::store::ApplicationEvent;
use crate::context::Ctx;
use crate::measure::store::{MeasureChange, NewMeasure, StoredMeasure};
use crate::effect::Effect;

use crate::accounts::service::require_module;
use crate::auth::service::{audit_record, require_principal};

impl DomainError for MeasureError {
    fn refusal(&self) -> Refusal {
        match self {
            MeasureError::DeadlineMonths => Refusal::Field("months"),
            MeasureError::ExtendTooFar(_) | MeasureError::ExtendNotLater(_) => Refusal::Field("deadline"),
            MeasureError::FeedbackRequired | MeasureError::ReasonRequired => Refusal::Field("text"),
            MeasureError::NoteRequired => Refusal::Field("note"),
            MeasureError::TooManyMaterials(_) | MeasureError::MaterialsNotExpected => Refusal::Field("materials"),
            MeasureError::WrongStatus(_) => Refusal::Conflict,
            _ => Refusal::Refused,
        }
    }
}

/// What measures in force restrict for a unit (asked where each bites).
pub async fn restrictions(ctx: &Ctx, enterprise_id: i64) -> AppResult<Restrictions> {
    let all = ctx.store.measures_of(enterprise_id).await?;
    Ok(Restrictions::of(all.iter().map(|x| (x.kind, &x.status))))
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

async fn view(ctx: &Ctx, x: StoredMeasure, viewer: MeasureViewer) -> AppResult<MeasureView> {
    let ent = ctx.store.enterprise_by_id(x.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let today = beijing_date(ctx.clock.now());
    let timeline = ctx
        .store
        .measure_events(x.id)
        .await?
        .into_iter()
        .map(|e| TimelineEntry { at: e.at.beijing_time(), actor: e.actor, actor_unit: e.actor_unit, action: e.action, to: e.to, reason: e.reason })
        .collect();
    let materials = ctx.store.materials_of(MaterialOwner::MeasureFeedback(x.id)).await?.iter().map(crate::materials::service::info).collect();
    Ok(MeasureView {
        materials,
        id: x.id,
        version: x.version,
        kind: x.kind,
        overdue: matches!(&x.status, MeasureStatus::Rectifying { deadline, .. } if today.as_str() > deadline.as_str()),
        actions: m::actions_for(x.kind, &x.status, viewer),
        status: x.status,
        note: x.note,
        issued_by: x.issued_by,
        issued_at: x.issued_at.beijing_time(),
        enterprise_name: ent.name,
        credit_code: ent.credit_code.to_string(),
        timeline,
    })
}

/// 【管理措施】 of a unit, as an officer with jurisdiction sees it (anyone else: 未找到).
pub async fn unit_file(ctx: &Ctx, code: &str) -> AppResult<UnitMeasures> {
    let o = require_officer(ctx).await?;
    let code = CreditCode::parse(code).map_err(|e| AppError::field("credit_code", e.to_string()))?;
    let unit = ctx.store.registry_by_codes(&[code.to_string()]).await?.into_iter().next().ok_or(AppError::NotFound)?;
    let viewer = officer_viewer(&o, unit.tax_office_id, &unit.province_code).ok_or(AppError::NotFound)?;
    let mut measures = Vec::new();
    for x in ctx.store.measures_of(unit.enterprise_id).await? {
        let v = officer_viewer(&o, x.tax_office_id, &x.province_code).unwrap_or(viewer);
        measures.push(view(ctx, x, v).await?);
    }
    let may_take = if unit.direct_unit { MeasureKind::ALL.into_iter().filter(|k| k.provincial() == (viewer == MeasureViewer::Province)).collect() } else { vec![] };
    Ok(UnitMeasures { enterprise_name: unit.name, credit_code: unit.credit_code, restrictions: restrictions(ctx, unit.enterprise_id).await?, measures, may_take })
}

fn tell_unit(enterprise_id: i64, title: &str, body: &str, at: crate::kernel::Timestamp) -> Vec<NewMessage> {
    let party = Party { enterprise_id, module: Module::LeqiAccess, link: SiteLink::parse("/leqi/measures").ok() };
    tell_parties(&[party], None, MessageKind::Measure, title, body, at)
}

/// 【下达】 a measure on a direct unit.
pub async fn take(ctx: &Ctx, code: &str, kind: MeasureKind, months: u32, note: &str) -> AppResult<MeasureView> {
    let o = require_officer(ctx).await?;
    let code = CreditCode::parse(code).map_err(|e| AppError::field("credit_code", e.to_string()))?;
    let unit = ctx.store.registry_by_codes(&[code.to_string()]).await?.into_iter().next().ok_or_else(|| AppError::field("credit_code", "未查询到该统一社会信用代码的税务登记信息"))?;
    let viewer = officer_viewer(&o, unit.tax_office_id, &unit.province_code).ok_or(AppError::NotFound)?;
    if !unit.direct_unit {
        return Err(AppError::field("credit_code", "该单位不是乐企直连单位"));
    }
    let in_force: Vec<MeasureKind> = ctx.store.measures_of(unit.enterprise_id).await?.into_iter().filter(|x| x.status.in_force()).map(|x| x.kind).collect();
    let now = ctx.clock.now();
    let status = m::take(kind, viewer, now, months, note, &in_force)?;
    let event = ApplicationEvent { at: now, actor: o.name.clone(), actor_unit: o.unit_name.clone(), action: kind.label().into(), from: String::new(), to: status.label().into(), reason: Some(note.trim().to_string()) };
    let deadline = status.deadline().map(|d| format!("，整改期限至{d}")).unwrap_or_default();
    let audit = audit_record(ctx, &o.name, &o.unit_name, kind.label(), format!("{}（{}）：{}{deadline}；{}", unit.name, unit.credit_code, kind.label(), note.trim()), AuditOutcome::Success);
    // 责令退出 takes effect at once: the exit record (the ban derived from it), the bindings end.
    let ends_service = match m::exit_of(kind, &status, now) {
        Some(exit) => {
            let rules = ctx.store.province_rules(&unit.province_code).await?;
            let years = rules.as_ref().map(|r| r.reapply_after_ordered_exit_years).unwrap_or(3);
            // The 整改情况报告 is named only where the province asks for it (`MaterialRules::resolved`).
            let report = rules.is_some_and(|r| r.materials.when_reapplying_after_ordered_exit.contains(&crate::materials::rules::MaterialKind::RectificationReport));
            let until = exit.ban_until(0, years).map(|d| format!("，{d}前不得重新申请接入")).unwrap_or_default()
                + if report { "；重新申请接入时须提交整改情况报告" } else { "" };
            let reason = format!("税务机关责令退出：{}", note.trim());
            let to_use_units = Some(crate::message::rules::to_use_units(&unit.name, "已被税务机关责令退出乐企", now));
            Some((Effect::EndService { enterprise_id: unit.enterprise_id, exit, by: o.name.clone(), reason, tell_use_units: to_use_units }, until))
        }
        None => None,
    };
    let consequence = ends_service.as_ref().map(|(_, until)| format!("使用单位的绑定关系已解除，本单位已退出乐企{until}。")).unwrap_or_default();
    let told = tell_unit(unit.enterprise_id, &format!("税务管理措施：{}", kind.label()), &format!("{}对贵单位作出{}{deadline}。说明：{}{}", o.unit_name, kind.label(), note.trim(), if consequence.is_empty() { String::new() } else { format!("。{consequence}") }), now);
    let new = NewMeasure {
        enterprise_id: unit.enterprise_id,
        tax_office_id: unit.tax_office_id,
        province_code: unit.province_code.clone(),
        kind,
        status: status.clone(),
        note: note.trim().to_string(),
        issued_by: format!("{}（{}）", o.name, o.unit_name),
        issued_at: now,
    };
    // The unit is told; 责令退出 ends its service (and so its bindings) in the same transaction.
    let effects: Vec<Effect> = told.into_iter().map(Effect::Tell).chain(ends_service.map(|(e, _)| e)).collect();
    let id = ctx.store.create_measure(&new, &MeasureChange { to: &status, event: &event, audit: &audit, effects: &effects, attach: &[] }).await?;
    let x = ctx.store.measure(id).await?.ok_or(AppError::Internal)?;
    view(ctx, x, viewer).await
}

/// The office's 待审核 整改反馈.
pub async fn queue(ctx: &Ctx) -> AppResult<Vec<MeasureView>> {
    let o = require_officer(ctx).await?;
    let Some(office) = o.tax_office_id.filter(|_| !o.role.is_provincial()) else { return Ok(vec![]) };
    let waiting = MeasureStatus::FeedbackSubmitted { deadline: String::new(), feedback: String::new() };
    let mut out = Vec::new();
    for x in ctx.store.measure_queue(office, waiting.code(), 200).await? {
        out.push(view(ctx, x, MeasureViewer::Office).await?);
    }
    Ok(out)
}

/// 【管理措施】 of the signed-in unit.
pub async fn mine(ctx: &Ctx) -> AppResult<UnitMeasures> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let mut measures = Vec::new();
    for x in ctx.store.measures_of(t.enterprise_id).await? {
        measures.push(view(ctx, x, MeasureViewer::Unit).await?);
    }
    Ok(UnitMeasures { enterprise_name: t.enterprise_name.clone(), credit_code: t.credit_code.clone(), restrictions: restrictions(ctx, t.enterprise_id).await?, measures, may_take: vec![] })
}

/// One step: 提交整改反馈 (the unit), 整改通过 / 整改不通过 / 延期 (the office), 恢复 (the province).
/// A 整改反馈 carries `material_ids`: the unit's own unattached uploads of a feedback kind
/// (整改情况报告, 其他材料), attached to the measure with the step.
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: MeasureAction, text: &str, deadline: &str, material_ids: &[i64]) -> AppResult<MeasureView> {
    let x = ctx.store.measure(id).await?.ok_or(AppError::NotFound)?;
    let (viewer, actor, actor_unit, audit_unit) = match require_principal(ctx).await? {
        Principal::Taxpayer(t) if t.enterprise_id == x.enterprise_id && t.may_use(Module::LeqiAccess) => (MeasureViewer::Unit, t.person_name, t.enterprise_name, t.credit_code),
        Principal::Officer(o) => match officer_viewer(&o, x.tax_office_id, &x.province_code) {
            Some(v) => (v, o.name, o.unit_name.clone(), o.unit_name),
            None => return Err(AppError::NotFound),
        },
        _ => return Err(AppError::NotFound),
    };
    let mut material_ids = material_ids.to_vec();
    material_ids.sort_unstable();
    material_ids.dedup();
    let input = StepInput { text: text.to_string(), deadline: deadline.to_string(), materials: material_ids.len() };
    let to = m::apply(x.kind, &x.status, viewer, action, &input, x.issued_at)?;
    let mut attached = Vec::new();
    for mid in &material_ids {
        match ctx.store.material(*mid).await? {
            Some(mat) if mat.enterprise_id == x.enterprise_id && mat.owner == MaterialOwner::Unattached && m::FEEDBACK_MATERIAL_KINDS.contains(&mat.kind) => attached.push(format!("《{}》{}", mat.kind.label(), mat.file_name)),
            _ => return Err(AppError::field("materials", "材料不存在或已提交，请重新上传")),
        }
    }
    let material_ids = &material_ids[..];
    if x.version != version {
        return Err(AppError::Conflict);
    }
    let now = ctx.clock.now();
    let reason = match action {
        MeasureAction::ReturnFeedback => Some(text.trim().to_string()),
        MeasureAction::Extend => Some(format!("整改期限延至{}", deadline.trim())),
        MeasureAction::SubmitFeedback | MeasureAction::AcceptFeedback | MeasureAction::Restore => None,
    };
    let event = ApplicationEvent { at: now, actor: actor.clone(), actor_unit, action: action.label().into(), from: x.status.label().into(), to: to.label().into(), reason: reason.clone() };
    let ent = ctx.store.enterprise_by_id(x.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let with = if attached.is_empty() { String::new() } else { format!("，附材料{}", attached.join("、")) };
    let audit = audit_record(ctx, &actor, &audit_unit, action.label(), format!("{}（{}）的{}：{}{with}", ent.name, ent.credit_code, x.kind.label(), to.label()), AuditOutcome::Success);
    // The unit hears of the tax office's steps; the office sees the unit's 整改反馈 in its queue.
    let told = match viewer {
        MeasureViewer::Unit => vec![],
        _ => tell_unit(x.enterprise_id, &status_title(x.kind.label(), to.label()), &format!("{}{}。", x.kind.label(), status_change_text(x.status.label(), to.label(), reason.as_deref())), now),
    };
    let effects: Vec<Effect> = told.into_iter().map(Effect::Tell).collect();
    ctx.store.transition_measure(id, version, &MeasureChange { to: &to, event: &event, audit: &audit, effects: &effects, attach: material_ids }).await?;
    let x = ctx.store.measure(id).await?.ok_or(AppError::NotFound)?;
    view(ctx, x, viewer).await
}
