//! Use-unit invitations (manual §3.4–3.5, ch. 4). Every row is checked before
//! anything is written; a batch is stored in one transaction; every status
//! change is a domain transition stored with optimistic versioning, a timeline
//! entry and an audit record.

use std::collections::{HashMap, HashSet};

use crate::api::access::TimelineEntry;
use crate::api::invitation::*;
use crate::domain::materials::{MaterialKind, MaterialOwner};
use crate::domain::access::{AccessType, CheckLine, CheckOutcome};
use crate::domain::accounts::Module;
use crate::domain::audit::AuditOutcome;
use crate::domain::invitation::{self as inv, Filing, InvitationStatus, InviteRowInput, Party, Relationship, UseCategory, FORM_MAX_ROWS};
use crate::domain::{OfficerSession, Principal, TaxpayerSession};
use crate::error::{AppError, AppResult};
use crate::ports::{ApplicationEvent, BatchSource, Ctx, FailedRow, InvitationFilter, NewBatch, NewInvitation, NewRegistration, StoredInvitation};

use super::accounts::require_module;
use super::auth::{audit, require_principal};

/// The direct unit inviting: from a portal session or from API credentials.
#[derive(Debug, Clone)]
pub struct Inviter {
    pub enterprise_id: i64,
    pub credit_code: String,
    pub enterprise_name: String,
    /// Who acts (a person's name, or the API app id).
    pub actor: String,
    pub access_type: AccessType,
}

/// Rows per page of 查看详情.
pub const PAGE_SIZE: u32 = 20;
/// Counting stops here (a list of a million shows "10000+").
pub const COUNT_CAP: u32 = 10_000;

fn refused(e: inv::InvitationError) -> AppError {
    match e {
        inv::InvitationError::ReasonRequired => AppError::field("reason", e.to_string()),
        inv::InvitationError::NoInvoicer => AppError::field("invoicers", e.to_string()),
        inv::InvitationError::NoPeriod => AppError::field("period", e.to_string()),
        inv::InvitationError::WrongStatus(_) => AppError::Conflict,
        other => AppError::Refused(other.to_string()),
    }
}

/// The signed-in direct unit, refusing units that are not (or no longer) one.
pub async fn inviter_from_session(ctx: &Ctx) -> AppResult<(Inviter, TaxpayerSession)> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let inviter = inviter_for(ctx, t.enterprise_id, &t.person_name).await?;
    Ok((inviter, t))
}

/// The direct unit behind a session token (HTTP routes outside the server fns:
/// template, import, failure downloads).
pub async fn inviter_from_token(ctx: &Ctx, token: Option<&str>) -> AppResult<Inviter> {
    let token = token.ok_or(AppError::NotAuthenticated)?;
    match super::auth::principal_for(ctx, token).await?.ok_or(AppError::NotAuthenticated)? {
        Principal::Taxpayer(t) if t.may_use(Module::LeqiAccess) => inviter_for(ctx, t.enterprise_id, &t.person_name).await,
        Principal::Taxpayer(_) => Err(AppError::Refused(format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiAccess.label()))),
        Principal::Officer(_) => Err(AppError::Forbidden),
    }
}

/// A 单位关系证明材料 of this unit: Ok(true) when it is new (unattached) and must be
/// attached, Ok(false) when it already belongs to one of the unit's invitations.
async fn check_proof(ctx: &Ctx, enterprise_id: i64, material_id: i64) -> AppResult<bool> {
    let m = ctx.store.material(material_id).await?.filter(|m| m.enterprise_id == enterprise_id && m.kind == MaterialKind::RelationshipProof);
    match m.map(|m| m.owner) {
        Some(MaterialOwner::Unattached) => Ok(true),
        Some(MaterialOwner::InvitationBatch(_)) => Ok(false),
        _ => Err(AppError::field("proof", "单位关系证明材料无效，请重新上传")),
    }
}

/// 上传单位关系证明材料 (unattached until an invitation or a replacement uses it).
pub async fn upload_proof(ctx: &Ctx, who: &Principal, kind: MaterialKind, file_name: &str, bytes: Vec<u8>) -> AppResult<crate::api::materials::MaterialInfo> {
    if kind != MaterialKind::RelationshipProof {
        return Err(AppError::Refused("请选择接入申请后再上传申请材料".into()));
    }
    let m = super::materials::upload(ctx, who, kind, file_name, bytes).await?;
    Ok(super::materials::info(&m))
}

/// 变更单位关系证明材料: the direct unit once bound; the use unit while it
/// responds (自用类) or once bound.
pub async fn replace_proof(ctx: &Ctx, id: i64, version: i64, material_id: i64) -> AppResult<InvitationView> {
    let (i, viewer) = visible(ctx, id).await?;
    let (who, unit_id, unit_name, unit_code) = match &viewer {
        Viewer::Direct => {
            let (by, _) = inviter_from_session(ctx).await?;
            if !i.status.is_bound() {
                return Err(AppError::Refused("确认通过（已绑定）后方可变更关系证明材料".into()));
            }
            (by.actor.clone(), by.enterprise_id, by.enterprise_name.clone(), by.credit_code.clone())
        }
        Viewer::UseUnit(t) => {
            if !(i.status.is_bound() || i.status == InvitationStatus::AwaitingResponse) {
                return Err(AppError::Refused(format!("当前状态为{}，不能变更关系证明材料", i.status.label())));
            }
            (t.person_name.clone(), t.enterprise_id, t.enterprise_name.clone(), t.credit_code.clone())
        }
        Viewer::Officer(_) => return Err(AppError::Forbidden),
    };
    if i.version != version {
        return Err(AppError::Conflict);
    }
    let attach = check_proof(ctx, unit_id, material_id).await?;
    let ev = ApplicationEvent { at: ctx.clock.now(), actor: who.clone(), actor_unit: unit_name, action: "变更关系证明材料".into(), from: i.status.label().into(), to: i.status.label().into(), reason: None };
    ctx.store.set_invitation_proof(i.id, version, material_id, &ev).await?;
    if attach {
        ctx.store.attach_material(material_id, unit_id, MaterialOwner::InvitationBatch(i.batch_id)).await?;
    }
    audit(ctx, &who, &unit_code, "变更关系证明材料", format!("{}（{}）的接入邀请", i.use_name, i.use_code), AuditOutcome::Success).await?;
    let fresh = ctx.store.invitation(i.id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &fresh, &viewer).await
}

/// The relationships this direct unit may invite (template drop-down).
pub fn relationships_for(by: &Inviter) -> Vec<String> {
    allowed_relationships(by.access_type)
}

/// The direct unit `enterprise_id` as an inviter; refused when it is not a direct
/// unit or is leaving the platform.
pub async fn inviter_for(ctx: &Ctx, enterprise_id: i64, actor: &str) -> AppResult<Inviter> {
    let profile = ctx.store.registry_profile(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let ent = ctx.store.enterprise_by_id(enterprise_id).await?.ok_or(AppError::NotFound)?;
    let Some(access_type) = profile.direct_unit else {
        return Err(AppError::Refused("本单位还不是乐企直连单位，请先完成接入申请".into()));
    };
    if profile.exit.is_some() {
        return Err(AppError::Refused("本单位正在退出乐企，不能发起邀请".into()));
    }
    Ok(Inviter { enterprise_id, credit_code: ent.credit_code.to_string(), enterprise_name: ent.name, actor: actor.to_string(), access_type })
}

fn allowed_relationships(t: AccessType) -> Vec<String> {
    Relationship::ALL.into_iter().filter(|r| inv::may_invite(t, r.category())).map(|r| r.label().to_string()).collect()
}

pub async fn invite_options(ctx: &Ctx) -> AppResult<InviteChoices> {
    let (i, _) = inviter_from_session(ctx).await?;
    Ok(InviteChoices {
        direct_type: i.access_type.label().into(),
        provinces: bureau_names(ctx).await?,
        relationships: allowed_relationships(i.access_type),
        max_rows: FORM_MAX_ROWS as u32,
    })
}

/// 省级税务机关 names known to the registry.
pub async fn bureau_names(ctx: &Ctx) -> AppResult<Vec<String>> {
    let offices = ctx.store.tax_offices().await?;
    let mut names: Vec<String> = Vec::new();
    for o in offices {
        let name = format!("国家税务总局{}税务局", o.province_name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// Checks every row, then stores the valid ones and the failures as one batch, all
/// or nothing. Used by 新增邀请, 导入邀请 and the API.
pub async fn invite_rows(
    ctx: &Ctx,
    by: &Inviter,
    rows: Vec<(u32, InviteRowInput)>,
    source: BatchSource,
    file_name: &str,
    proof_material_id: Option<i64>,
) -> AppResult<BatchOutcome> {
    invite_rows_after(ctx, by, rows, source, file_name, proof_material_id, None).await
}

/// `invite_rows`, the rows continuing the invitation `previous_id` (重新发起邀请).
async fn invite_rows_after(
    ctx: &Ctx,
    by: &Inviter,
    rows: Vec<(u32, InviteRowInput)>,
    source: BatchSource,
    file_name: &str,
    proof_material_id: Option<i64>,
    previous_id: Option<i64>,
) -> AppResult<BatchOutcome> {
    let now = ctx.clock.now();
    let attach_proof = match proof_material_id {
        Some(m) => check_proof(ctx, by.enterprise_id, m).await?,
        None => false,
    };
    let mut failures: Vec<FailedRow> = Vec::new();
    let mut parsed = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for (row_no, input) in &rows {
        match inv::parse_row(input, by.access_type) {
            Err(reason) => failures.push(FailedRow { row_no: *row_no, input: input.clone(), reason }),
            Ok(p) => {
                let code = p.credit_code.to_string();
                if code == by.credit_code {
                    failures.push(FailedRow { row_no: *row_no, input: input.clone(), reason: "不能邀请本单位".into() });
                } else if let Some(first) = seen.get(&code) {
                    failures.push(FailedRow { row_no: *row_no, input: input.clone(), reason: format!("与第{first}行的使用单位重复") });
                } else {
                    seen.insert(code, *row_no);
                    parsed.push((*row_no, input.clone(), p));
                }
            }
        }
    }
    let codes: Vec<String> = parsed.iter().map(|(_, _, p)| p.credit_code.to_string()).collect();
    let registry: HashMap<String, crate::ports::RegistryUnit> = ctx.store.registry_by_codes(&codes).await?.into_iter().map(|u| (u.credit_code.clone(), u)).collect();
    let open: HashSet<String> = ctx.store.open_invitation_codes(by.enterprise_id, &codes).await?.into_iter().collect();
    let mut rules_cache = HashMap::new();
    let mut invitations = Vec::new();
    for (row_no, input, p) in parsed {
        let code = p.credit_code.to_string();
        let fail = |reason: String| FailedRow { row_no, input: input.clone(), reason };
        let Some(unit) = registry.get(&code) else {
            failures.push(fail("未查询到该统一社会信用代码的税务登记信息".into()));
            continue;
        };
        if unit.name != p.name {
            failures.push(fail("单位名称与统一社会信用代码登记信息不一致".into()));
            continue;
        }
        if unit.bureau_name != p.province {
            failures.push(fail(format!("省级税务机关与该单位登记信息不一致，应为{}", unit.bureau_name)));
            continue;
        }
        if open.contains(&code) {
            failures.push(fail("该单位已与本单位绑定或有待处理的邀请".into()));
            continue;
        }
        if !rules_cache.contains_key(&unit.province_code) {
            let r = ctx.store.province_rules(&unit.province_code).await?;
            rules_cache.insert(unit.province_code.clone(), r);
        }
        let (filing, status) = match p.relationship.category() {
            UseCategory::SelfUse => {
                // The province's use-unit conditions (guideline-neimenggu ch. 3 二(一), guideline-sichuan
                // ch. 2 二(一)): a unit that does not meet them is not invited; the lines of one that
                // does are kept for the officer who 受理s.
                let (ok, lines) = match rules_cache.get(&unit.province_code).and_then(|r| r.as_ref()) {
                    Some(rules) => rules.self_use_unit_check(&unit.applicant, p.relationship),
                    None => (true, vec![]),
                };
                if !ok {
                    let unmet: Vec<String> =
                        lines.iter().filter(|l| l.outcome != CheckOutcome::Pass).map(|l| format!("{}（该单位：{}；要求：{}）", l.label, l.unit_value, l.threshold)).collect();
                    failures.push(fail(format!("不符合使用单位接入条件：{}", unmet.join("；"))));
                    continue;
                }
                let kept = (!lines.is_empty()).then(|| serde_json::to_string(&lines)).transpose().map_err(|_| AppError::Internal)?;
                (kept, inv::initial_status(UseCategory::SelfUse, None))
            }
            UseCategory::Joint => {
                let (outcome, lines) = match rules_cache.get(&unit.province_code).and_then(|r| r.as_ref()) {
                    Some(rules) => rules.filing(&unit.applicant),
                    None => (Filing::Failed, vec![]),
                };
                (Some(serde_json::to_string(&lines).map_err(|_| AppError::Internal)?), inv::initial_status(UseCategory::Joint, Some(outcome)))
            }
        };
        invitations.push(NewInvitation {
            use_enterprise_id: unit.enterprise_id,
            use_code: code,
            use_name: unit.name.clone(),
            use_tax_office_id: unit.tax_office_id,
            province_code: unit.province_code.clone(),
            relationship: p.relationship,
            pre_authorize: p.pre_authorize,
            filing,
            status,
            previous_id,
        });
    }
    failures.sort_by_key(|f| f.row_no);
    let batch = NewBatch {
        direct_enterprise_id: by.enterprise_id,
        source,
        file_name: file_name.to_string(),
        proof_material_id,
        created_by: by.actor.clone(),
        rows_total: rows.len() as u32,
        failures: failures.clone(),
    };
    let batch_id = ctx.store.create_batch(&batch, &invitations, now).await?;
    if let (true, Some(m)) = (attach_proof, proof_material_id) {
        ctx.store.attach_material(m, by.enterprise_id, MaterialOwner::InvitationBatch(batch_id)).await?;
    }
    audit(
        ctx,
        &by.actor,
        &by.credit_code,
        "发起接入邀请",
        format!("{}：{}家，成功{}家，失败{}家", source.label(), rows.len(), invitations.len(), failures.len()),
        if invitations.is_empty() { AuditOutcome::Failure } else { AuditOutcome::Success },
    )
    .await?;
    Ok(BatchOutcome { batch_id, invited: invitations.len() as u32, failed: failures.iter().map(failed_view).collect() })
}

fn failed_view(f: &FailedRow) -> FailedRowView {
    FailedRowView { row_no: f.row_no, credit_code: f.input.credit_code.clone(), name: f.input.name.clone(), reason: f.reason.clone() }
}

pub async fn submit_form(ctx: &Ctx, rows: Vec<InviteRowInput>, proof_material_id: Option<i64>) -> AppResult<BatchOutcome> {
    let (by, _) = inviter_from_session(ctx).await?;
    if rows.is_empty() {
        return Err(AppError::field("rows", "请至少填写一家使用单位"));
    }
    if rows.len() > FORM_MAX_ROWS {
        return Err(AppError::field("rows", format!("每次提交最多添加{FORM_MAX_ROWS}家使用单位，当前{}家", rows.len())));
    }
    let numbered = rows.into_iter().enumerate().map(|(i, r)| (i as u32 + 1, r)).collect();
    invite_rows(ctx, &by, numbered, BatchSource::Form, "", proof_material_id).await
}

fn batch_status(ok: u32, failed: u32) -> &'static str {
    match (ok, failed) {
        (_, 0) => "成功",
        (0, _) => "失败",
        _ => "部分成功",
    }
}

pub async fn batches(ctx: &Ctx, before_id: Option<i64>) -> AppResult<Vec<BatchRow>> {
    let (by, _) = inviter_from_session(ctx).await?;
    Ok(ctx
        .store
        .batches(by.enterprise_id, before_id, 20)
        .await?
        .into_iter()
        .map(|b| BatchRow {
            id: b.id,
            source: b.source.label().into(),
            file_name: b.file_name,
            created_at: b.created_at.beijing_time(),
            created_by: b.created_by,
            rows_total: b.rows_total,
            rows_ok: b.rows_ok,
            rows_failed: b.rows_failed,
            status: batch_status(b.rows_ok, b.rows_failed).into(),
            has_proof: b.proof_material_id.is_some(),
        })
        .collect())
}

/// The failed rows of one of the caller's batches (another unit's batch is not found).
pub async fn failures_of(ctx: &Ctx, enterprise_id: i64, batch_id: i64) -> AppResult<Vec<FailedRow>> {
    let b = ctx.store.batch(batch_id).await?.filter(|b| b.direct_enterprise_id == enterprise_id).ok_or(AppError::NotFound)?;
    Ok(b.failures)
}

pub async fn batch_failures(ctx: &Ctx, batch_id: i64) -> AppResult<Vec<FailedRowView>> {
    let (by, _) = inviter_from_session(ctx).await?;
    Ok(failures_of(ctx, by.enterprise_id, batch_id).await?.iter().map(failed_view).collect())
}

fn row_of(i: &StoredInvitation, other_code: String, other_name: String) -> InvitationRow {
    InvitationRow {
        id: i.id,
        version: i.version,
        batch_id: i.batch_id,
        credit_code: other_code,
        name: other_name,
        relationship: i.relationship.label().into(),
        category: i.relationship.category().label().into(),
        status_code: i.status.code().into(),
        status: i.status.label().into(),
        reason: i.status.reason().map(String::from),
        updated_at: i.updated_at.beijing_time(),
        may_reinvite: i.status.may_reinvite(),
        bound: i.status.is_bound(),
    }
}

/// A page of the direct unit's invitations.
pub async fn page_for(ctx: &Ctx, enterprise_id: i64, q: InvitationQuery) -> AppResult<InvitationPage> {
    let status_code = (!q.status.is_empty()).then_some(q.status.clone());
    if let Some(s) = &status_code {
        if !InvitationStatus::FILTERS.iter().any(|(c, _)| c == s) {
            return Err(AppError::field("status", "邀请状态无效"));
        }
    }
    let filter = InvitationFilter {
        status_code,
        search: (!q.search.trim().is_empty()).then(|| q.search.trim().to_string()),
        batch_id: q.batch_id,
        before_id: q.before_id,
        limit: PAGE_SIZE + 1,
    };
    let mut found = ctx.store.invitations(enterprise_id, &filter).await?;
    let more = found.len() > PAGE_SIZE as usize;
    found.truncate(PAGE_SIZE as usize);
    let total = ctx.store.count_invitations(enterprise_id, &filter, COUNT_CAP).await?;
    Ok(InvitationPage {
        next_before: if more { found.last().map(|i| i.id) } else { None },
        rows: found.iter().map(|i| row_of(i, i.use_code.clone(), i.use_name.clone())).collect(),
        total,
        total_cap: COUNT_CAP,
    })
}

pub async fn list(ctx: &Ctx, q: InvitationQuery) -> AppResult<InvitationPage> {
    let (by, _) = inviter_from_session(ctx).await?;
    page_for(ctx, by.enterprise_id, q).await
}

/// Who is looking at an invitation.
enum Viewer {
    Direct,
    UseUnit(TaxpayerSession),
    Officer(OfficerSession),
}

/// The invitation if the caller is one of its parties or an officer of the use
/// unit's tax office; NotFound for anyone else.
async fn visible(ctx: &Ctx, id: i64) -> AppResult<(StoredInvitation, Viewer)> {
    let i = ctx.store.invitation(id).await?.ok_or(AppError::NotFound)?;
    let viewer = match require_principal(ctx).await? {
        Principal::Taxpayer(t) if t.enterprise_id == i.direct_enterprise_id || t.enterprise_id == i.use_enterprise_id => {
            if !t.may_use(Module::LeqiAccess) {
                return Err(AppError::Refused(format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiAccess.label())));
            }
            if t.enterprise_id == i.direct_enterprise_id { Viewer::Direct } else { Viewer::UseUnit(t) }
        }
        Principal::Officer(o) if !o.role.is_provincial() && o.tax_office_id == Some(i.use_tax_office_id) => Viewer::Officer(o),
        _ => return Err(AppError::NotFound),
    };
    Ok((i, viewer))
}

async fn view(ctx: &Ctx, i: &StoredInvitation, viewer: &Viewer) -> AppResult<InvitationView> {
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let office = ctx.store.tax_offices().await?.into_iter().find(|o| o.id == i.use_tax_office_id);
    let batch = ctx.store.batch(i.batch_id).await?.ok_or(AppError::NotFound)?;
    let from_request = batch.source == BatchSource::Request;
    let mut timeline = vec![TimelineEntry {
        at: i.created_at.beijing_time(),
        actor: batch.created_by.clone(),
        actor_unit: direct.name.clone(),
        action: if from_request {
            "同意授权申请".into()
        } else if i.previous_id.is_some() {
            "重新发起邀请".into()
        } else {
            "发起邀请".into()
        },
        to: if from_request && i.relationship.category() == UseCategory::SelfUse { "待受理".into() } else { initial_label(i).into() },
        reason: None,
    }];
    timeline.extend(ctx.store.invitation_events(i.id).await?.into_iter().map(|e| TimelineEntry {
        at: e.at.beijing_time(),
        actor: e.actor,
        actor_unit: e.actor_unit,
        action: e.action,
        to: e.to,
        reason: e.reason,
    }));
    let filing: Vec<CheckLine> = i.filing.as_deref().and_then(|f| serde_json::from_str(f).ok()).unwrap_or_default();
    let authorization = i.authorization.as_deref().and_then(|a| serde_json::from_str(a).ok());
    let category = i.relationship.category();
    let actions: Vec<String> = match viewer {
        Viewer::Direct => {
            let mut a = vec![];
            if i.status.may_reinvite() {
                a.push("重新发起邀请".to_string());
            }
            if i.status.is_bound() {
                a.push("解除绑定".to_string());
            }
            a
        }
        Viewer::UseUnit(t) => match &i.status {
            InvitationStatus::AwaitingResponse => vec!["确认".into(), "拒绝".into()],
            InvitationStatus::AwaitingAuthorization if t.identity.is_principal() => vec!["授权".into(), "拒绝".into()],
            InvitationStatus::Confirmed => vec!["解除绑定".into()],
            _ => vec![],
        },
        Viewer::Officer(o) => {
            if i.status.deciding_role() == Some(o.role) {
                match o.role {
                    crate::domain::OfficerRole::Acceptance => vec!["受理".into(), "不予受理".into()],
                    _ => vec!["确认通过".into(), "确认不通过".into()],
                }
            } else {
                vec![]
            }
        }
    };
    Ok(InvitationView {
        id: i.id,
        version: i.version,
        direct_name: direct.name,
        direct_code: direct.credit_code.to_string(),
        use_name: i.use_name.clone(),
        use_code: i.use_code.clone(),
        use_tax_office: office.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
        use_bureau: office.map(|o| format!("国家税务总局{}税务局", o.province_name)).unwrap_or_default(),
        relationship: i.relationship.label().into(),
        category: category.label().into(),
        pre_authorize: i.pre_authorize,
        next_actor: i.status.next_actor().map(String::from),
        status: i.status.clone(),
        filing_title: match category {
            UseCategory::SelfUse => "使用单位接入条件核验".into(),
            UseCategory::Joint => "接入备案校验".into(),
        },
        filing,
        proof_material_id: i.proof_material_id,
        authorization,
        timeline,
        actions,
    })
}

fn initial_label(i: &StoredInvitation) -> &'static str {
    match (i.relationship.category(), i.filing.as_deref()) {
        (UseCategory::SelfUse, _) => "待使用单位响应",
        (UseCategory::Joint, Some(f)) if serde_json::from_str::<Vec<CheckLine>>(f).is_ok_and(|l| l.iter().all(|l| l.outcome == crate::domain::access::CheckOutcome::Pass)) => {
            "待使用单位授权"
        }
        _ => "待受理",
    }
}

pub async fn detail(ctx: &Ctx, id: i64) -> AppResult<InvitationView> {
    let (i, viewer) = visible(ctx, id).await?;
    view(ctx, &i, &viewer).await
}

fn event(actor: &str, unit: &str, action: &str, from: &InvitationStatus, to: &InvitationStatus, at: crate::domain::Timestamp) -> ApplicationEvent {
    ApplicationEvent { at, actor: actor.into(), actor_unit: unit.into(), action: action.into(), from: from.label().into(), to: to.label().into(), reason: to.reason().map(String::from) }
}

pub async fn reinvite(ctx: &Ctx, id: i64) -> AppResult<InvitationView> {
    let (by, _) = inviter_from_session(ctx).await?;
    let prev = ctx.store.invitation(id).await?.filter(|i| i.direct_enterprise_id == by.enterprise_id).ok_or(AppError::NotFound)?;
    if !prev.status.may_reinvite() {
        return Err(AppError::Refused(format!("当前状态为{}，不能重新发起邀请", prev.status.label())));
    }
    let bureau = ctx.store.registry_by_codes(std::slice::from_ref(&prev.use_code)).await?.into_iter().next().map(|u| u.bureau_name).unwrap_or_default();
    let row = InviteRowInput {
        credit_code: prev.use_code.clone(),
        name: prev.use_name.clone(),
        province: bureau,
        relationship: prev.relationship.label().into(),
        pre_authorize: if prev.pre_authorize { "是".into() } else { "否".into() },
    };
    let prev_batch = ctx.store.batch(prev.batch_id).await?;
    let out = invite_rows_after(ctx, &by, vec![(1, row)], BatchSource::Form, "", prev.proof_material_id.or(prev_batch.and_then(|b| b.proof_material_id)), Some(prev.id)).await?;
    if let Some(f) = out.failed.first() {
        return Err(AppError::Refused(f.reason.clone()));
    }
    let created = ctx
        .store
        .invitations(by.enterprise_id, &InvitationFilter { batch_id: Some(out.batch_id), limit: 1, ..Default::default() })
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::Internal)?;
    view(ctx, &created, &Viewer::Direct).await
}

/// 解除绑定 by the direct unit, one or many; each id is decided on its own.
pub async fn unbind_many(ctx: &Ctx, ids: Vec<i64>, reason: String) -> AppResult<Vec<FailedRowView>> {
    let (by, _) = inviter_from_session(ctx).await?;
    if ids.is_empty() {
        return Err(AppError::field("ids", "请选择要解除绑定的使用单位"));
    }
    if ids.len() > 500 {
        return Err(AppError::field("ids", "一次最多解除500家使用单位"));
    }
    let mut failed = Vec::new();
    for id in ids {
        match unbind_one(ctx, &by, id, &reason).await {
            Ok(()) => {}
            Err(e) => {
                let i = ctx.store.invitation(id).await?.filter(|i| i.direct_enterprise_id == by.enterprise_id);
                failed.push(FailedRowView {
                    row_no: 0,
                    credit_code: i.as_ref().map(|i| i.use_code.clone()).unwrap_or_default(),
                    name: i.map(|i| i.use_name).unwrap_or_default(),
                    reason: e.to_string(),
                });
            }
        }
    }
    Ok(failed)
}

/// One use unit unbound by the direct unit (portal or API).
pub async fn unbind_one(ctx: &Ctx, by: &Inviter, id: i64, reason: &str) -> AppResult<()> {
    let i = ctx.store.invitation(id).await?.filter(|i| i.direct_enterprise_id == by.enterprise_id).ok_or(AppError::NotFound)?;
    let to = inv::unbind(&i.status, &Party::DirectUnit, reason).map_err(|e| match e {
        inv::InvitationError::WrongStatus(s) => AppError::Refused(format!("当前状态为{s}，不能解除绑定")),
        other => refused(other),
    })?;
    let ev = event(&by.actor, &by.enterprise_name, "直连单位解除绑定", &i.status, &to, ctx.clock.now());
    ctx.store.transition_invitation(i.id, i.version, &to, &ev, None).await?;
    audit(ctx, &by.actor, &by.credit_code, "解除绑定", format!("解除与{}（{}）的绑定关系", i.use_name, i.use_code), AuditOutcome::Success).await?;
    Ok(())
}

/// The use unit's side: its own invitation, or NotFound.
async fn received_one(ctx: &Ctx, id: i64) -> AppResult<(StoredInvitation, TaxpayerSession)> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let i = ctx.store.invitation(id).await?.filter(|i| i.use_enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
    Ok((i, t))
}

pub async fn received(ctx: &Ctx) -> AppResult<Vec<InvitationRow>> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let mut out = Vec::new();
    let mut names: HashMap<i64, (String, String)> = HashMap::new();
    for i in ctx.store.invitations_of_use_unit(t.enterprise_id).await? {
        if !names.contains_key(&i.direct_enterprise_id) {
            let e = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
            names.insert(i.direct_enterprise_id, (e.credit_code.to_string(), e.name));
        }
        let (code, name) = names[&i.direct_enterprise_id].clone();
        out.push(row_of(&i, code, name));
    }
    Ok(out)
}

async fn apply(ctx: &Ctx, i: &StoredInvitation, version: i64, t: &TaxpayerSession, action: &str, to: InvitationStatus, authorization: Option<String>) -> AppResult<InvitationView> {
    if i.version != version {
        return Err(AppError::Conflict);
    }
    let ev = event(&t.person_name, &t.enterprise_name, action, &i.status, &to, ctx.clock.now());
    ctx.store.transition_invitation(i.id, version, &to, &ev, authorization.as_deref()).await?;
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    audit(ctx, &t.person_name, &t.credit_code, action, format!("{}的接入邀请：{}", direct, to.label()), AuditOutcome::Success).await?;
    let fresh = ctx.store.invitation(i.id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &fresh, &Viewer::UseUnit(t.clone())).await
}

pub async fn respond(ctx: &Ctx, id: i64, version: i64, confirm: bool, reason: String) -> AppResult<InvitationView> {
    let (i, t) = received_one(ctx, id).await?;
    let to = inv::respond(&i.status, confirm, &reason).map_err(refused)?;
    apply(ctx, &i, version, &t, if confirm { "确认邀请" } else { "拒绝邀请" }, to, None).await
}

async fn periods_for(ctx: &Ctx, i: &StoredInvitation) -> AppResult<Vec<inv::VerificationPeriod>> {
    Ok(ctx.store.province_rules(&i.province_code).await?.map(|r| r.verification_periods).unwrap_or_default())
}

async fn invoicers_of(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<InvoicerChoice>> {
    super::invoicers::invoice_clerks(ctx, enterprise_id).await
}

pub async fn authorize_options(ctx: &Ctx, id: i64) -> AppResult<AuthorizeChoices> {
    let (i, t) = received_one(ctx, id).await?;
    Ok(AuthorizeChoices { invoicers: invoicers_of(ctx, t.enterprise_id).await?, periods: periods_for(ctx, &i).await? })
}

pub async fn authorize(ctx: &Ctx, id: i64, version: i64, invoicer_link_ids: Vec<i64>, period_code: String) -> AppResult<InvitationView> {
    let (i, t) = received_one(ctx, id).await?;
    if !t.identity.is_principal() {
        return Err(refused(inv::InvitationError::NotPrincipal));
    }
    let staff = invoicers_of(ctx, t.enterprise_id).await?;
    let chosen: Vec<InvoicerChoice> = staff.into_iter().filter(|s| invoicer_link_ids.contains(&s.link_id)).collect();
    if chosen.len() != invoicer_link_ids.iter().collect::<HashSet<_>>().len() {
        return Err(AppError::field("invoicers", "所选开票人员不是本单位的开票员"));
    }
    let periods = periods_for(ctx, &i).await?;
    let period = periods.into_iter().find(|p| p.code == period_code);
    let to = inv::authorize(&i.status, t.identity, chosen.len(), period.as_ref()).map_err(refused)?;
    let config = AuthorizationConfig {
        invoicers: chosen,
        period: period.ok_or(AppError::Internal)?,
        authorized_by: format!("{}（{}）", t.person_name, t.identity.label()),
        authorized_at: ctx.clock.now().beijing_time(),
    };
    let json = serde_json::to_string(&config).map_err(|_| AppError::Internal)?;
    if i.version != version {
        return Err(AppError::Conflict);
    }
    // The chosen 开票员 become 开票人员登记 (manual §4.5) of this binding, in the same transaction.
    let registrations: Vec<NewRegistration> = config
        .invoicers
        .iter()
        .map(|c| NewRegistration {
            invitation_id: i.id,
            use_enterprise_id: i.use_enterprise_id,
            direct_enterprise_id: i.direct_enterprise_id,
            link_id: c.link_id,
            person_name: c.name.clone(),
            registered_by: format!("{}（{}，授权）", t.person_name, t.identity.label()),
        })
        .collect();
    let ev = event(&t.person_name, &t.enterprise_name, "授权", &i.status, &to, ctx.clock.now());
    ctx.store.authorize_with_registrations(i.id, version, &to, &ev, &json, &registrations).await?;
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let names: Vec<&str> = config.invoicers.iter().map(|c| c.name.as_str()).collect();
    audit(
        ctx,
        &t.person_name,
        &t.credit_code,
        "授权",
        format!("{}的接入邀请：{}；开票人员：{}；开票安全验证时间：{}", direct, to.label(), names.join("、"), config.period.label),
        AuditOutcome::Success,
    )
    .await?;
    let fresh = ctx.store.invitation(i.id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &fresh, &Viewer::UseUnit(t)).await
}

pub async fn refuse_authorization(ctx: &Ctx, id: i64, version: i64, reason: String) -> AppResult<InvitationView> {
    let (i, t) = received_one(ctx, id).await?;
    let to = inv::refuse_authorization(&i.status, t.identity, &reason).map_err(refused)?;
    apply(ctx, &i, version, &t, "拒绝授权", to, None).await
}

pub async fn unbind_by_use_unit(ctx: &Ctx, id: i64, version: i64, reason: String) -> AppResult<InvitationView> {
    let (i, t) = received_one(ctx, id).await?;
    let to = inv::unbind(&i.status, &Party::UseUnit(t.identity), &reason).map_err(refused)?;
    apply(ctx, &i, version, &t, "使用单位解除绑定", to, None).await
}

async fn require_officer(ctx: &Ctx) -> AppResult<OfficerSession> {
    match require_principal(ctx).await? {
        Principal::Officer(o) => Ok(o),
        Principal::Taxpayer(_) => Err(AppError::Forbidden),
    }
}

pub async fn officer_queue(ctx: &Ctx) -> AppResult<Vec<InvitationQueueItem>> {
    let o = require_officer(ctx).await?;
    let (Some(office), status) = (o.tax_office_id, match o.role {
        crate::domain::OfficerRole::Acceptance => InvitationStatus::PendingAcceptance,
        crate::domain::OfficerRole::Review => InvitationStatus::PendingConfirmation,
        crate::domain::OfficerRole::Confirmation => return Ok(vec![]),
    }) else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    let mut names: HashMap<i64, String> = HashMap::new();
    for i in ctx.store.invitation_queue(status.code(), office, 200).await? {
        if !names.contains_key(&i.direct_enterprise_id) {
            let e = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
            names.insert(i.direct_enterprise_id, e.name);
        }
        out.push(InvitationQueueItem {
            id: i.id,
            use_name: i.use_name.clone(),
            use_code: i.use_code.clone(),
            direct_name: names[&i.direct_enterprise_id].clone(),
            category: i.relationship.category().label().into(),
            status: i.status.label().into(),
            since: i.updated_at.beijing_time(),
        });
    }
    Ok(out)
}

pub async fn officer_decide(ctx: &Ctx, id: i64, version: i64, approve: bool, reason: String) -> AppResult<InvitationView> {
    let (i, viewer) = visible(ctx, id).await?;
    let Viewer::Officer(o) = &viewer else { return Err(AppError::Forbidden) };
    if i.version != version {
        return Err(AppError::Conflict);
    }
    let to = inv::decide(&i.status, i.relationship.category(), approve, &reason, o.role, o.tax_office_id, i.use_tax_office_id).map_err(refused)?;
    let action = match (&i.status, approve) {
        (InvitationStatus::PendingAcceptance, true) => "受理",
        (InvitationStatus::PendingAcceptance, false) => "不予受理",
        (_, true) => "确认通过",
        (_, false) => "确认不通过",
    };
    let ev = event(&o.name, &o.unit_name, action, &i.status, &to, ctx.clock.now());
    ctx.store.transition_invitation(i.id, version, &to, &ev, None).await?;
    audit(ctx, &o.name, &o.unit_name, action, format!("{}的接入邀请（{}）：{}", i.use_name, i.relationship.category().label(), to.label()), AuditOutcome::Success).await?;
    let fresh = ctx.store.invitation(i.id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &fresh, &viewer).await
}

fn h5_of(v: InvitationView) -> H5InvitationCard {
    H5InvitationCard {
        id: v.id,
        version: v.version,
        direct_name: v.direct_name,
        direct_code: v.direct_code,
        relationship: v.relationship,
        category: v.category,
        use_tax_office: v.use_tax_office,
        status: v.status.label().into(),
        reason: v.status.reason().unwrap_or_default().into(),
        next_actor: v.next_actor.unwrap_or_default(),
        proof_material_id: v.proof_material_id,
        authorization: v
            .authorization
            .map(|a| format!("开票人员：{} · 开票安全验证时间：{}", a.invoicers.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("、"), a.period.label))
            .unwrap_or_default(),
        timeline: v
            .timeline
            .into_iter()
            .map(|t| format!("{} {}：{} → {}{}", t.at, t.actor, t.action, t.to, t.reason.map(|r| format!("（{r}）")).unwrap_or_default()))
            .collect(),
        actions: v.actions,
        invoicers: vec![],
        periods: vec![],
    }
}

/// The card, with the 授权 choices when 授权 is offered.
async fn h5_card(ctx: &Ctx, i: &StoredInvitation, v: InvitationView) -> AppResult<H5InvitationCard> {
    let authorize = v.actions.iter().any(|a| a == "授权");
    let mut card = h5_of(v);
    if authorize {
        card.invoicers = invoicers_of(ctx, i.use_enterprise_id).await?.into_iter().map(|c| (c.link_id, c.name)).collect();
        card.periods = periods_for(ctx, i).await?.into_iter().map(|p| (p.code, p.label)).collect();
    }
    Ok(card)
}

/// The H5 detail: only the use unit's own invitation (the H5 app is the use unit's).
pub async fn h5_invitation(ctx: &Ctx, id: i64) -> AppResult<H5InvitationCard> {
    let (i, t) = received_one(ctx, id).await?;
    let v = view(ctx, &i, &Viewer::UseUnit(t)).await?;
    h5_card(ctx, &i, v).await
}

pub async fn h5_act(ctx: &Ctx, id: i64, version: i64, action: &str, reason: String, invoicer_link_ids: Vec<i64>, period_code: String) -> AppResult<H5InvitationCard> {
    let (i, _) = received_one(ctx, id).await?;
    let v = match action {
        "confirm" => respond(ctx, id, version, true, reason).await?,
        "refuse" if i.relationship.category() == UseCategory::Joint => refuse_authorization(ctx, id, version, reason).await?,
        "refuse" => respond(ctx, id, version, false, reason).await?,
        "authorize" => authorize(ctx, id, version, invoicer_link_ids, period_code).await?,
        _ => return Err(AppError::Refused("不支持的操作".into())),
    };
    h5_card(ctx, &i, v).await
}
