//! The access application use cases (manual §3.3): the applicant's side and
//! the tax officers' decisions. Every state change is a domain transition,
//! stored with optimistic versioning, with a timeline entry and an audit record.

use crate::kernel::TimelineEntry;
use crate::access::model::*;
use crate::kernel::Acted;
use crate::materials::model::MaterialInfo;
use crate::access::rules::{failed, qualification_end, qualification_items, reapplication_ban, submit as submit_transition, ApplicationStatus, CheckOutcome};
use crate::kernel::AccessType;
use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::access::rules::{actions_for, apply, AccessAction, DecidingOfficer, Jurisdiction};
use crate::access::form::ValidForm;
use crate::kernel::{CreditCode, OfficerRole, OfficerSession, Principal, TaxpayerSession, Timestamp};
use crate::error::{AppError, AppResult, FieldError};
use crate::materials::rules::{MaterialKind, MaterialOwner, MaterialRules};
use crate::access::store::{ApplicationEvent, StoredApplication};
use crate::context::Ctx;
use crate::materials::store::StoredMaterial;
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, Party, SiteLink};

use crate::accounts::service::require_module;
use crate::auth::service::{audit, audit_record};

fn view(app: StoredApplication, events: Vec<ApplicationEvent>, materials: Vec<StoredMaterial>, mut material_rules: MaterialRules, officer: Option<OfficerRole>) -> AppResult<ApplicationView> {
    let form: AccessForm = serde_json::from_str(&app.form).map_err(|_| AppError::Internal)?;
    // 填表说明 1: no 被授权单位 for 他用/联用, so no 授权委托书 either.
    if !form.access_type.is_some_and(|t| t.fills_authorized_unit()) {
        material_rules.when_authorized.clear();
    }
    Ok(ApplicationView {
        actions: officer.map(|role| actions_for(&app.status, role)).unwrap_or_default(),
        id: app.id,
        version: app.version,
        items: form.access_type.map(qualification_items).unwrap_or_default(),
        next_actor: app.status.next_actor().map(String::from),
        status: app.status,
        form,
        timeline: events
            .into_iter()
            .map(|e| TimelineEntry { at: e.at.beijing_time(), actor: e.actor, actor_unit: e.actor_unit, action: e.action, to: e.to, reason: e.reason })
            .collect(),
        materials: materials.iter().map(crate::materials::service::info).collect(),
        material_rules,
    })
}

/// The province's materials as they apply to this unit: after an ordered exit
/// (责令退出) the 整改情况报告 and 防范机制说明 are required (guideline-neimenggu ch. 3 一(三)7).
async fn material_rules(ctx: &Ctx, province_code: &str, enterprise_id: i64) -> AppResult<MaterialRules> {
    let rules = ctx.store.province_rules(province_code).await?.map(|r| r.materials).unwrap_or_default();
    let ordered = ctx.store.registry_profile(enterprise_id).await?.is_some_and(|p| p.exit.is_some_and(|e| e.kind == crate::kernel::ExitKind::Ordered));
    Ok(rules.resolved(ordered))
}

async fn load_view(ctx: &Ctx, app: StoredApplication) -> AppResult<ApplicationView> {
    load_view_for(ctx, app, None).await
}

/// The view as `officer` (a desk in the application's jurisdiction) sees it: with their actions.
async fn load_view_for(ctx: &Ctx, app: StoredApplication, officer: Option<OfficerRole>) -> AppResult<ApplicationView> {
    let events = ctx.store.events(app.id).await?;
    let materials = ctx.store.materials_of(MaterialOwner::Application(app.id)).await?;
    let rules = material_rules(ctx, &app.province_code, app.enterprise_id).await?;
    view(app, events, materials, rules, officer)
}

async fn unit_info(ctx: &Ctx, t: &TaxpayerSession) -> AppResult<(UnitInfo, crate::access::store::RegistryProfile)> {
    unit_info_of(ctx, t.enterprise_id, &t.enterprise_name, &t.credit_code).await
}

async fn unit_info_of(ctx: &Ctx, enterprise_id: i64, name: &str, code: &str) -> AppResult<(UnitInfo, crate::access::store::RegistryProfile)> {
    let profile = ctx.store.registry_profile(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let people = ctx.store.bound_people(enterprise_id).await?;
    let legal = people.iter().find(|p| p.identity == crate::kernel::Identity::LegalRepresentative).map(|p| p.name.clone()).unwrap_or_default();
    let office = ctx.store.tax_offices().await?.into_iter().find(|o| o.id == profile.tax_office_id).ok_or(AppError::NotFound)?;
    let info = UnitInfo {
        enterprise_name: name.to_string(),
        credit_code: code.to_string(),
        legal_representative: legal,
        tax_office_name: office.name,
        province_name: office.province_name,
        credit_grade: profile.applicant.credit_grade.map(|g| format!("{}级", g.label())).unwrap_or_else(|| "未评价".into()),
        digital_invoice_pilot: profile.applicant.digital_invoice_pilot,
        direct_unit: profile.direct_unit.map(|d| d.label().to_string()),
        qualification_end: profile.qualification_end.clone(),
    };
    Ok((info, profile))
}

pub async fn overview(ctx: &Ctx) -> AppResult<AccessSummary> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let (unit, profile) = unit_info(ctx, &t).await?;
    let current = match ctx.store.latest_application(t.enterprise_id).await? {
        Some(a) => Some(load_view(ctx, a).await?),
        None => None,
    };
    let rules = ctx.store.province_rules(&profile.province_code).await?;
    let ban_until = rules.as_ref().and_then(|r| reapplication_ban(r, profile.exit.as_ref(), ctx.clock.now())).map(|t| t.beijing_time()[..10].to_string());
    // A 确认通过 application of a unit that has since left (退出, 到期终止) no longer holds it back.
    let active = current.as_ref().is_some_and(|c| c.status.is_active() && !(c.status == ApplicationStatus::Confirmed && profile.direct_unit.is_none()));
    Ok(AccessSummary { can_apply: !active && ban_until.is_none() && profile.direct_unit.is_none(), unit, current, ban_until })
}

pub async fn confirm_unit(ctx: &Ctx, access_type: AccessType, gov: bool, confirmed: bool) -> AppResult<UnitCheck> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    if !confirmed {
        return Err(AppError::field("confirmed", "请勾选我已确认单位信息"));
    }
    let (_, profile) = unit_info(ctx, &t).await?;
    if profile.direct_unit.is_some() {
        return Err(AppError::Refused("本单位已是直连单位".into()));
    }
    if let Some(a) = ctx.store.latest_application(t.enterprise_id).await? {
        if a.status.is_active() && a.status != ApplicationStatus::Confirmed {
            return Err(AppError::Refused(format!("本单位已有{}的接入申请", a.status.label())));
        }
    }
    let rules = ctx.store.province_rules(&profile.province_code).await?.ok_or_else(|| AppError::Refused("本省接入条件尚未配置，请咨询主管税务机关".into()))?;
    if let Some(until) = reapplication_ban(&rules, profile.exit.as_ref(), ctx.clock.now()) {
        return Err(AppError::Refused(format!("本单位退出乐企后重新申请的限制期未满，{}后可重新申请", &until.beijing_time()[..10])));
    }
    let mut applicant = profile.applicant.clone();
    if gov && !applicant.categories.contains(&crate::access::rules::UnitCategory::PublicOrAssociation) {
        applicant.categories.push(crate::access::rules::UnitCategory::PublicOrAssociation);
    }
    let lines = rules.evaluate(&applicant, None);
    let passed = failed(&lines).is_empty();
    audit(ctx, &t.person_name, &t.credit_code, "基础信息核验", format!("{}：{}", access_type.label(), if passed { "核验通过" } else { "核验不通过" }), if passed { AuditOutcome::Success } else { AuditOutcome::Failure }).await?;
    if !passed {
        return Ok(UnitCheck { lines, draft: None });
    }
    let form = AccessForm { access_type: Some(access_type), gov_or_association: gov, period: "long".into(), ..Default::default() };
    let json = serde_json::to_string(&form).map_err(|_| AppError::Internal)?;
    let app = ctx.store.create_application(t.enterprise_id, profile.tax_office_id, &profile.province_code, &json, None, ctx.clock.now()).await?;
    Ok(UnitCheck { lines, draft: Some(load_view(ctx, app).await?) })
}

/// The unit's own draft, or NotFound (another unit's id is not found either).
async fn own_draft(ctx: &Ctx, t: &TaxpayerSession, id: i64) -> AppResult<StoredApplication> {
    let app = ctx.store.application(id).await?.filter(|a| a.enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
    if app.status != ApplicationStatus::Draft {
        return Err(AppError::Refused(format!("申请已{}，不能修改", app.status.label())));
    }
    Ok(app)
}

pub async fn save_draft(ctx: &Ctx, id: i64, version: i64, mut form: AccessForm) -> AppResult<i64> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let app = own_draft(ctx, &t, id).await?;
    // The access type was fixed at 确认单位信息.
    let stored: AccessForm = serde_json::from_str(&app.form).map_err(|_| AppError::Internal)?;
    form.access_type = stored.access_type;
    let json = serde_json::to_string(&form).map_err(|_| AppError::Internal)?;
    let record = draft_audit(ctx, &t, &form, "保存草稿");
    Ok(ctx.store.save_form(id, t.enterprise_id, &json, version, ctx.clock.now(), &record).await?)
}

fn draft_audit(ctx: &Ctx, t: &TaxpayerSession, form: &AccessForm, what: &str) -> crate::audit::rules::AuditRecord {
    let kind = form.access_type.map(|a| a.label()).unwrap_or_default();
    audit_record(ctx, &t.person_name, &t.credit_code, "保存接入申请草稿", format!("{kind}接入申请：{what}"), AuditOutcome::Success)
}

/// Every field of 接入申请单, each message for its own field (the domain's
/// `ValidForm::parse`), and the pre-invited units' names against the registry.
async fn validate(ctx: &Ctx, form: &AccessForm) -> AppResult<ValidForm> {
    let parsed = ValidForm::parse(form);
    let mut errs: Vec<FieldError> = match &parsed {
        Ok(_) => Vec::new(),
        Err(list) => list.iter().map(|e| FieldError { field: e.field.clone(), message: e.message.clone() }).collect(),
    };
    for (i, u) in form.use_units.iter().enumerate() {
        let Ok(code) = CreditCode::parse(&u.credit_code) else { continue };
        let field = format!("use_units.{i}.name");
        if let Some((name, _)) = ctx.store.figures_by_code(&code).await? {
            if !u.name.trim().is_empty() && name != u.name.trim() && !errs.iter().any(|e| e.field == field) {
                errs.push(FieldError { field, message: "单位名称与统一社会信用代码登记信息不一致".into() });
            }
        }
    }
    match parsed {
        Ok(v) if errs.is_empty() => Ok(v),
        _ => Err(AppError::Invalid(errs)),
    }
}

pub async fn submit(ctx: &Ctx, id: i64, version: i64, mut form: AccessForm) -> AppResult<ApplicationView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let app = own_draft(ctx, &t, id).await?;
    let stored: AccessForm = serde_json::from_str(&app.form).map_err(|_| AppError::Internal)?;
    form.access_type = stored.access_type;
    // Keep what was typed even when it does not validate.
    let record = draft_audit(ctx, &t, &form, "提交前保存");
    let version = ctx.store.save_form(id, t.enterprise_id, &serde_json::to_string(&form).map_err(|_| AppError::Internal)?, version, ctx.clock.now(), &record).await?;
    let fields = validate(ctx, &form).await;
    let present: Vec<MaterialKind> = ctx.store.materials_of(MaterialOwner::Application(id)).await?.into_iter().map(|m| m.kind).collect();
    let authorized = form.built_by_authorized && form.access_type.is_some_and(|t| t.fills_authorized_unit());
    let missing: Vec<FieldError> = material_rules(ctx, &app.province_code, app.enterprise_id)
        .await?
        .missing(authorized, &present)
        .into_iter()
        .map(|k| FieldError { field: k.field(), message: format!("请上传《{}》", k.label()) })
        .collect();
    let valid = match (fields, missing.is_empty()) {
        (Ok(v), true) => v,
        (Ok(_), false) => return Err(AppError::Invalid(missing)),
        (Err(AppError::Invalid(mut errs)), _) => {
            errs.extend(missing);
            return Err(AppError::Invalid(errs));
        }
        (Err(e), _) => return Err(e),
    };
    // 基础信息核验 again, now with the pre-invited use units.
    let profile = ctx.store.registry_profile(t.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let rules = ctx.store.province_rules(&profile.province_code).await?.ok_or(AppError::Internal)?;
    let mut figures = Vec::new();
    for u in &valid.use_units {
        if let Some((_, f)) = ctx.store.figures_by_code(&u.credit_code).await? {
            figures.push(f);
        }
    }
    let mut applicant = profile.applicant.clone();
    if valid.gov_or_association {
        applicant.categories.push(crate::access::rules::UnitCategory::PublicOrAssociation);
    }
    let lines = rules.evaluate(&applicant, Some(&figures));
    let failing: Vec<String> = lines.iter().filter(|l| l.outcome != CheckOutcome::Pass).map(|l| format!("{}（本单位及预邀请使用单位：{}；要求：{}）", l.label, l.unit_value, l.threshold)).collect();
    if !failing.is_empty() {
        return Err(AppError::Refused(format!("基础信息核验不通过：{}", failing.join("；"))));
    }
    let to = submit_transition(&app.status).map_err(|e| AppError::Refused(e.to_string()))?;
    let event = ApplicationEvent { at: ctx.clock.now(), actor: t.person_name.clone(), actor_unit: t.enterprise_name.clone(), action: "提交接入申请".into(), from: app.status.label().into(), to: to.label().into(), reason: None };
    let record = audit_record(ctx, &t.person_name, &t.credit_code, "提交接入申请", format!("{}接入申请已提交，待受理", valid.access_type.label()), AuditOutcome::Success);
    ctx.store.transition(id, version, &to, &event, None, &record, &[]).await?;
    let app = ctx.store.application(id).await?.ok_or(AppError::NotFound)?;
    load_view(ctx, app).await
}

pub async fn reapply(ctx: &Ctx, previous_id: i64) -> AppResult<ApplicationView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let prev = ctx.store.application(previous_id).await?.filter(|a| a.enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
    if !prev.status.may_reapply() {
        return Err(AppError::Refused(format!("当前状态为{}，不能重新发起", prev.status.label())));
    }
    let latest = ctx.store.latest_application(t.enterprise_id).await?.ok_or(AppError::NotFound)?;
    if latest.id != prev.id {
        return Err(AppError::Conflict);
    }
    let app = ctx.store.create_application(t.enterprise_id, prev.tax_office_id, &prev.province_code, &prev.form, Some(prev.id), ctx.clock.now()).await?;
    // The materials come along (the refused application keeps its own).
    ctx.store.copy_materials(MaterialOwner::Application(prev.id), MaterialOwner::Application(app.id), ctx.clock.now()).await?;
    audit(ctx, &t.person_name, &t.credit_code, "重新发起接入申请", format!("依据{}的申请重新发起", prev.status.label()), AuditOutcome::Success).await?;
    load_view(ctx, app).await
}

/// The term after 确认通过 as the province reads it (`qualification_term`; the default reading without rules).
pub fn term_end(rules: Option<&crate::access::rules::ProvinceRules>, now: Timestamp) -> String {
    rules.map(|r| r.qualification_end(now)).unwrap_or_else(|| qualification_end(now))
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match crate::auth::service::require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

fn desk_status(o: &OfficerSession) -> ApplicationStatus {
    match o.role {
        crate::kernel::OfficerRole::Acceptance => ApplicationStatus::PendingAcceptance,
        crate::kernel::OfficerRole::Review => ApplicationStatus::PendingReview,
        crate::kernel::OfficerRole::Confirmation => ApplicationStatus::PendingConfirmation,
    }
}

/// Whether an officer may see a case (and its materials): submitted, and theirs.
pub(crate) fn officer_may_see(o: &OfficerSession, a: &StoredApplication) -> bool {
    crate::access::rules::officer_may_see(o, a.tax_office_id, &a.province_code, &a.status)
}

fn in_jurisdiction(o: &OfficerSession, a: &StoredApplication) -> bool {
    crate::access::rules::in_jurisdiction(o, a.tax_office_id, &a.province_code)
}

pub async fn officer_queue(ctx: &Ctx) -> AppResult<Vec<QueueItem>> {
    let o = require_officer(ctx).await?;
    let status = desk_status(&o);
    let office = if o.role.is_provincial() { None } else { o.tax_office_id };
    let mut out = Vec::new();
    for a in ctx.store.queue(status.code(), office, &o.province_code, 200).await? {
        let ent = ctx.store.enterprise_by_id(a.enterprise_id).await?.ok_or(AppError::NotFound)?;
        let form: AccessForm = serde_json::from_str(&a.form).map_err(|_| AppError::Internal)?;
        out.push(QueueItem {
            id: a.id,
            enterprise_name: ent.name,
            credit_code: ent.credit_code.to_string(),
            access_type: form.access_type.map(|t| t.label().to_string()).unwrap_or_default(),
            status: a.status.label().to_string(),
            submitted_at: a.submitted_at.map(|t| t.beijing_time()).unwrap_or_default(),
        });
    }
    Ok(out)
}

async fn case_checks(ctx: &Ctx, a: &StoredApplication, form: &AccessForm) -> AppResult<Vec<crate::access::rules::CheckLine>> {
    let profile = ctx.store.registry_profile(a.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let Some(rules) = ctx.store.province_rules(&a.province_code).await? else { return Ok(vec![]) };
    let mut figures = Vec::new();
    for u in &form.use_units {
        if let Ok(code) = CreditCode::parse(&u.credit_code) {
            if let Some((_, f)) = ctx.store.figures_by_code(&code).await? {
                figures.push(f);
            }
        }
    }
    Ok(rules.evaluate(&profile.applicant, Some(&figures)))
}

pub async fn officer_case(ctx: &Ctx, id: i64) -> AppResult<CaseFile> {
    let o = require_officer(ctx).await?;
    let a = ctx.store.application(id).await?.filter(|a| officer_may_see(&o, a)).ok_or(AppError::NotFound)?;
    let ent = ctx.store.enterprise_by_id(a.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let (unit, _) = unit_info_of(ctx, a.enterprise_id, &ent.name, ent.credit_code.as_str()).await?;
    let application = load_view_for(ctx, a.clone(), Some(o.role)).await?;
    let can_decide = !application.actions.is_empty();
    let checks = case_checks(ctx, &a, &application.form).await?;
    let lifecycle = crate::lifecycle::service::lifecycle_of(ctx, a.enterprise_id).await?;
    let lifecycle = (lifecycle.status != crate::lifecycle::rules::UnitStatus::NotJoined).then_some(lifecycle);
    Ok(CaseFile { application, unit, checks, can_decide, lifecycle })
}

/// An officer's 受理 / 不予受理, 复核通过 / 复核不通过, 确认通过 / 确认不通过.
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: AccessAction, reason: &str) -> AppResult<Acted> {
    let o = require_officer(ctx).await?;
    let a = ctx.store.application(id).await?.filter(|a| in_jurisdiction(&o, a)).ok_or(AppError::NotFound)?;
    if a.version != version {
        return Err(AppError::Conflict);
    }
    let officer = DecidingOfficer { role: o.role, tax_office_id: o.tax_office_id, province_code: o.province_code.clone() };
    let at = Jurisdiction { tax_office_id: a.tax_office_id, province_code: a.province_code.clone() };
    let to = apply(&a.status, action, reason, &officer, &at)?;
    let now = ctx.clock.now();
    let event = ApplicationEvent { at: now, actor: o.name.clone(), actor_unit: o.unit_name.clone(), action: action.label().into(), from: a.status.label().into(), to: to.label().into(), reason: to.reason().map(String::from) };
    let form: AccessForm = serde_json::from_str(&a.form).map_err(|_| AppError::Internal)?;
    let rules = ctx.store.province_rules(&a.province_code).await?;
    let confirmation = (to == ApplicationStatus::Confirmed)
        .then(|| form.access_type.map(|t| crate::access::store::Confirmation { access_type: t, qualification_end: term_end(rules.as_ref(), now) }))
        .flatten();
    let ent = ctx.store.enterprise_by_id(a.enterprise_id).await?.ok_or(AppError::NotFound)?;
    let record = audit_record(
        ctx,
        &o.name,
        &o.unit_name,
        action.label(),
        format!("{}的接入申请：{}{}", ent.name, to.label(), to.reason().map(|r| format!("（{r}）")).unwrap_or_default()),
        AuditOutcome::Success,
    );
    // 【消息中心】: the applying unit hears of the tax office's decision.
    let told = tell_parties(
        &[Party { enterprise_id: a.enterprise_id, module: Module::LeqiAccess, link: SiteLink::parse("/leqi/access/apply").ok() }],
        None,
        MessageKind::Decision,
        &status_title("接入申请", to.label()),
        &format!("贵单位的接入申请{}。", status_change_text(&event.from, &event.to, event.reason.as_deref())),
        now,
    );
    let version = ctx.store.transition(id, version, &to, &event, confirmation.as_ref(), &record, &told).await?;
    Ok(Acted { id, version, status: to.label().into() })
}

/// 申请材料 → 上传: the file is checked and stored, then attached to the unit's
/// own draft. A kind the province does not ask for is refused.
pub async fn upload_material(ctx: &Ctx, who: &Principal, application_id: i64, kind: MaterialKind, file_name: &str, bytes: Vec<u8>) -> AppResult<MaterialInfo> {
    let t = crate::materials::service::taxpayer(who)?.clone();
    let app = own_draft(ctx, &t, application_id).await?;
    let self_use = serde_json::from_str::<AccessForm>(&app.form).ok().and_then(|f| f.access_type).is_some_and(|t| t.fills_authorized_unit());
    let mut rules = material_rules(ctx, &app.province_code, app.enterprise_id).await?;
    if !self_use {
        rules.when_authorized.clear();
    }
    if !rules.offers(kind) {
        return Err(AppError::field(&kind.field(), format!("本省接入申请不需要《{}》", kind.label())));
    }
    let m = crate::materials::service::upload(ctx, who, kind, file_name, bytes).await?;
    if !ctx.store.attach_material(m.id, t.enterprise_id, MaterialOwner::Application(application_id)).await? {
        return Err(AppError::Conflict);
    }
    Ok(crate::materials::service::info(&m))
}
