//! Use-unit invitations (manual §3.4–3.5, ch. 4). Every row is checked before
//! anything is written; a batch is stored in one transaction; every status
//! change is a domain transition stored with optimistic versioning, a timeline
//! entry and an audit record.

use std::collections::{HashMap, HashSet};

use crate::kernel::TimelineEntry;
use crate::invitation::model::*;
use crate::kernel::Acted;
use crate::access::rules::CheckOutcome;
use crate::kernel::AccessType;
use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::invitation::rules::{
    self as inv, ActInput, AuthorizationRecord, Filing, InvitationAction, InvitationStatus, InvitationViewer, InviteRowInput, Relationship, UseCategory, FORM_MAX_ROWS,
};
use crate::materials::rules::{MaterialKind, MaterialOwner};
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, NewMessage, Party, SiteLink};
use crate::kernel::{OfficerSession, Principal, TaxpayerSession};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::access::store::ApplicationEvent;
use crate::invitation::store::{BatchSource, FailedRow, InvitationChange, InvitationFilter, NewBatch, NewInvitation, StoredInvitation};
use crate::context::Ctx;
use crate::invoicers::store::NewRegistration;
use crate::effect::Effect;

use crate::accounts::service::require_module;
use crate::auth::service::{audit_record, require_principal};

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
/// Counting stops here (a list of a million shows "1000+"; the filters and the search narrow it).
/// Each list call counts up to this many index entries, so it bounds a large unit's read cost.
pub const COUNT_CAP: u32 = 1_000;

impl DomainError for inv::InvitationError {
    fn refusal(&self) -> Refusal {
        match self {
            inv::InvitationError::ReasonRequired => Refusal::Field("reason"),
            inv::InvitationError::NoInvoicer => Refusal::Field("invoicers"),
            inv::InvitationError::NoPeriod => Refusal::Field("period"),
            inv::InvitationError::WrongStatus(_) => Refusal::Conflict,
            inv::InvitationError::NotYours => Refusal::NotFound,
            _ => Refusal::Refused,
        }
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
    match crate::auth::service::principal_for(ctx, token).await?.ok_or(AppError::NotAuthenticated)? {
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
pub async fn upload_proof(ctx: &Ctx, who: &Principal, kind: MaterialKind, file_name: &str, bytes: Vec<u8>) -> AppResult<crate::materials::model::MaterialInfo> {
    // A 单位关系证明材料 for an invitation, the newly signed 服务协议书 of a 事项变更, or the
    // materials of a 整改反馈 (整改情况报告, 其他材料).
    if !matches!(kind, MaterialKind::RelationshipProof | MaterialKind::ServiceAgreement) && !crate::measure::rules::FEEDBACK_MATERIAL_KINDS.contains(&kind) {
        return Err(AppError::Refused("请选择接入申请后再上传申请材料".into()));
    }
    let m = crate::materials::service::upload(ctx, who, kind, file_name, bytes).await?;
    Ok(crate::materials::service::info(&m))
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
    let attach = check_proof(ctx, unit_id, material_id).await?.then_some((unit_id, MaterialOwner::InvitationBatch(i.batch_id)));
    let ev = ApplicationEvent { at: ctx.clock.now(), actor: who.clone(), actor_unit: unit_name, action: "变更关系证明材料".into(), from: i.status.label().into(), to: i.status.label().into(), reason: None };
    let record = audit_record(ctx, &who, &unit_code, "变更关系证明材料", format!("{}（{}）的接入邀请", i.use_name, i.use_code), AuditOutcome::Success);
    ctx.store.set_invitation_proof(i.id, version, material_id, attach, &ev, &record).await?;
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
        if profile.exit.is_some_and(|e| e.kind == crate::kernel::ExitKind::Ordered) {
            return Err(AppError::Refused("本单位已被税务机关责令退出乐企，不能新增使用单位".into()));
        }
        return Err(AppError::Refused("本单位还不是乐企直连单位，请先完成接入申请".into()));
    };
    if let Some(end) = &profile.terminating_on {
        return Err(AppError::Refused(format!("本单位已进行终止服务备案（{end}终止服务），不能新增使用单位")));
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
    // 税务管理措施 in force (暂停新增使用单位, 暂停接入服务): no new use units, whatever the channel.
    if let Some(why) = crate::measure::service::restrictions(ctx, by.enterprise_id).await?.invitation_refusal() {
        return Err(AppError::Refused(why.into()));
    }
    if let Some(m) = proof_material_id {
        check_proof(ctx, by.enterprise_id, m).await?;
    }
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
    let registry: HashMap<String, crate::invitation::store::RegistryUnit> = ctx.store.registry_by_codes(&codes).await?.into_iter().map(|u| (u.credit_code.clone(), u)).collect();
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
                ((!lines.is_empty()).then_some(lines), inv::initial_status(UseCategory::SelfUse, None))
            }
            UseCategory::Joint => {
                let (outcome, lines) = match rules_cache.get(&unit.province_code).and_then(|r| r.as_ref()) {
                    Some(rules) => rules.filing(&unit.applicant),
                    None => (Filing::Failed, vec![]),
                };
                (Some(lines), inv::initial_status(UseCategory::Joint, Some(outcome)))
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
    let record = audit_record(
        ctx,
        &by.actor,
        &by.credit_code,
        "发起接入邀请",
        format!("{}：{}家，成功{}家，失败{}家", source.label(), rows.len(), invitations.len(), failures.len()),
        if invitations.is_empty() { AuditOutcome::Failure } else { AuditOutcome::Success },
    );
    let (title, body) = crate::message::rules::invitation_received(&by.enterprise_name, &by.credit_code);
    let notice = crate::invitation::store::InviteeNotice { title, body };
    let batch_id = ctx.store.create_batch(&batch, &invitations, now, &record, Some(&notice)).await?;
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
            kind: b.source,
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
        awaits_use_unit: i.status.awaits_use_unit(),
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
    let (mut found, total) = ctx.store.invitations_page(enterprise_id, &filter, COUNT_CAP).await?;
    let more = found.len() > PAGE_SIZE as usize;
    found.truncate(PAGE_SIZE as usize);
    Ok(InvitationPage {
        next_before: if more { found.last().map(|i| i.id) } else { None },
        rows: found.iter().map(|i| row_of(i, i.use_code.clone(), i.use_name.clone())).collect(),
        total,
        total_cap: COUNT_CAP,
    })
}

/// 【邀请列表】 of the signed-in unit. Its own invitations stay listed whatever the unit is now
/// (终止服务备案 filed, exited): only 新增 asks whether the unit may invite.
pub async fn list(ctx: &Ctx, q: InvitationQuery) -> AppResult<InvitationPage> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    page_for(ctx, t.enterprise_id, q).await
}

/// Who is looking at an invitation.
pub(crate) enum Viewer {
    Direct,
    UseUnit(TaxpayerSession),
    Officer(OfficerSession),
}

impl Viewer {
    fn domain(&self) -> InvitationViewer {
        match self {
            Viewer::Direct => InvitationViewer::DirectUnit,
            Viewer::UseUnit(t) => InvitationViewer::UseUnit(t.identity),
            Viewer::Officer(o) => InvitationViewer::Officer(o.role),
        }
    }
}

/// The invitation if the caller is one of its parties or an officer of the use
/// unit's tax office; NotFound for anyone else.
pub(crate) async fn visible(ctx: &Ctx, id: i64) -> AppResult<(StoredInvitation, Viewer)> {
    // Who asks first: an anonymous caller gets 请先登录 for every id, so the
    // answer never tells which ids exist.
    let who = require_principal(ctx).await?;
    let i = ctx.store.invitation(id).await?.ok_or(AppError::NotFound)?;
    let viewer = match who {
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
    let category = i.relationship.category();
    let filing_result = i.filing.as_deref().map(crate::access::rules::filing_outcome);
    // An invitation made by agreeing to a 授权申请 starts where the use unit's request left off.
    let from_request = batch.source == BatchSource::Request;
    let first = if from_request { crate::auth_request::rules::invitation_status_on_agreement(category, filing_result) } else { inv::initial_status(category, filing_result) };
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
        to: first.label().into(),
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
        filing: i.filing.clone().unwrap_or_default(),
        proof_material_id: i.proof_material_id,
        authorization: i.authorization.clone(),
        timeline,
        actions: inv::actions_for(&i.status, &viewer.domain()),
    })
}

pub async fn detail(ctx: &Ctx, id: i64) -> AppResult<InvitationView> {
    let (i, viewer) = visible(ctx, id).await?;
    view(ctx, &i, &viewer).await
}

fn event(actor: &str, unit: &str, action: &str, from: &InvitationStatus, to: &InvitationStatus, at: crate::kernel::Timestamp) -> ApplicationEvent {
    ApplicationEvent { at, actor: actor.into(), actor_unit: unit.into(), action: action.into(), from: from.label().into(), to: to.label().into(), reason: to.reason().map(String::from) }
}

/// 重新发起邀请: a new invitation of the same pair, continuing `prev`.
async fn reinvite(ctx: &Ctx, by: &Inviter, prev: &StoredInvitation) -> AppResult<StoredInvitation> {
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
    let out = invite_rows_after(ctx, by, vec![(1, row)], BatchSource::Form, "", prev.proof_material_id.or(prev_batch.and_then(|b| b.proof_material_id)), Some(prev.id)).await?;
    if let Some(f) = out.failed.first() {
        return Err(AppError::Refused(f.reason.clone()));
    }
    ctx.store
        .invitations(by.enterprise_id, &InvitationFilter { batch_id: Some(out.batch_id), limit: 1, ..Default::default() })
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::Internal)
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
    let actor = Actor { name: by.actor.clone(), unit_name: by.enterprise_name.clone(), unit_code: by.credit_code.clone(), office: None };
    let input = ActInput { reason: reason.to_string(), ..Default::default() };
    transition(ctx, &i, i.version, &actor, &InvitationViewer::DirectUnit, InvitationAction::UnbindUseUnit, input, None).await.map_err(|e| match e {
        AppError::Conflict => AppError::Refused(format!("当前状态为{}，不能解除绑定", i.status.label())),
        other => other,
    })?;
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
    Ok(ctx.store.received_invitations(t.enterprise_id).await?.iter().map(|(i, code, name)| row_of(i, code.clone(), name.clone())).collect())
}

async fn periods_for(ctx: &Ctx, i: &StoredInvitation) -> AppResult<Vec<inv::VerificationPeriod>> {
    Ok(ctx.store.province_rules(&i.province_code).await?.map(|r| r.verification_periods).unwrap_or_default())
}

async fn invoicers_of(ctx: &Ctx, enterprise_id: i64) -> AppResult<Vec<InvoicerChoice>> {
    crate::invoicers::service::invoice_clerks(ctx, enterprise_id).await
}

pub async fn authorize_options(ctx: &Ctx, id: i64) -> AppResult<AuthorizeChoices> {
    let (i, t) = received_one(ctx, id).await?;
    Ok(AuthorizeChoices { invoicers: invoicers_of(ctx, t.enterprise_id).await?, periods: periods_for(ctx, &i).await? })
}

/// Who acts, as the timeline and the audit log name them.
struct Actor {
    name: String,
    unit_name: String,
    /// The audit log's unit: a credit code, or the tax office's name.
    unit_code: String,
    /// An officer's tax office.
    office: Option<i64>,
}

/// 授权's configuration, checked: the chosen 开票员 must be the unit's, the period one offered.
async fn authorization_of(ctx: &Ctx, i: &StoredInvitation, t: &TaxpayerSession, link_ids: &[i64], period_code: &str) -> AppResult<(ActInput, Option<AuthorizationRecord>)> {
    // Non-principals are refused before anything about the staff is read.
    if !t.identity.is_principal() {
        return Err(inv::InvitationError::NotPrincipal.into());
    }
    let staff = invoicers_of(ctx, t.enterprise_id).await?;
    let chosen: Vec<InvoicerChoice> = staff.into_iter().filter(|s| link_ids.contains(&s.link_id)).collect();
    if chosen.len() != link_ids.iter().collect::<HashSet<_>>().len() {
        return Err(AppError::field("invoicers", "所选开票人员不是本单位的开票员"));
    }
    let period = periods_for(ctx, i).await?.into_iter().find(|p| p.code == period_code);
    let input = ActInput { reason: String::new(), invoicers: chosen.len(), period: period.clone() };
    let record = period.map(|period| AuthorizationRecord {
        invoicers: chosen,
        period,
        authorized_by: format!("{}（{}）", t.person_name, t.identity.label()),
        authorized_at: ctx.clock.now().beijing_time(),
    });
    Ok((input, record))
}

/// The one way an invitation changes: the domain decides (`inv::apply`), then the
/// store writes the status, the timeline event and the audit record (and for 授权
/// the configuration and the registrations) in one transaction.
#[allow(clippy::too_many_arguments)]
async fn transition(
    ctx: &Ctx,
    i: &StoredInvitation,
    version: i64,
    actor: &Actor,
    viewer: &InvitationViewer,
    action: InvitationAction,
    input: ActInput,
    authorization: Option<AuthorizationRecord>,
) -> AppResult<(InvitationStatus, i64)> {
    if i.version != version {
        return Err(AppError::Conflict);
    }
    let category = i.relationship.category();
    let to = inv::apply(&i.status, category, viewer, actor.office, i.use_tax_office_id, action, &input).map_err(|e| match e {
        // Another party's step: an officer's is forbidden to a taxpayer; a unit's is
        // not found for anyone but that unit (as its own lists would not show it).
        inv::InvitationError::NotYours if action.decision().is_some() => AppError::Forbidden,
        inv::InvitationError::NotYours => AppError::NotFound,
        e => e.into(),
    })?;
    let ev = event(&actor.name, &actor.unit_name, action.event_label(), &i.status, &to, ctx.clock.now());
    let description = match viewer {
        InvitationViewer::Officer(_) => format!("{}的接入邀请（{}）：{}", i.use_name, category.label(), to.label()),
        InvitationViewer::DirectUnit => format!("解除与{}（{}）的绑定关系", i.use_name, i.use_code),
        InvitationViewer::UseUnit(_) => {
            let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
            match &authorization {
                Some(a) => format!(
                    "{}的接入邀请：{}；开票人员：{}；开票安全验证时间：{}",
                    direct,
                    to.label(),
                    a.invoicers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("、"),
                    a.period.label
                ),
                None => format!("{}的接入邀请：{}", direct, to.label()),
            }
        }
    };
    // 能力预授权 (manual §3.4.1.1): at binding, pending grants in this same transaction;
    // a binding that ends ends its grants.
    let (grants, notes, said) = if crate::capability_grant::service::binds(&to) && !crate::capability_grant::service::binds(&i.status) && i.pre_authorize {
        crate::capability_grant::service::pre_authorized(ctx, i, ev.at).await?
    } else {
        (vec![], vec![], String::new())
    };
    let description = description + &said;
    let end_grants = (crate::capability_grant::service::binds(&i.status) && !crate::capability_grant::service::binds(&to)).then(|| crate::capability_grant::service::ending(ev.at, crate::capability_grant::rules::ENDED_UNBOUND));
    let record = audit_record(ctx, &actor.name, &actor.unit_code, action.event_label(), description, AuditOutcome::Success);
    // The chosen 开票员 become 开票人员登记 (manual §4.5) of this binding, in the same transaction.
    let registrations: Vec<NewRegistration> = authorization
        .iter()
        .flat_map(|a| a.invoicers.iter())
        .map(|c| NewRegistration {
            invitation_id: i.id,
            use_enterprise_id: i.use_enterprise_id,
            direct_enterprise_id: i.direct_enterprise_id,
            link_id: c.link_id,
            person_name: c.name.clone(),
            registered_by: a_by(&authorization),
        })
        .collect();
    let mut messages = tell_of_step(ctx, i, viewer, &ev, &to).await?;
    if !grants.is_empty() {
        messages.push(crate::capability_grant::service::pre_authorized_message(ctx, i, grants.len(), ev.at).await?);
    }
    // A binding that ends: the direct unit owes its 关系变化报告 within 3 days (written with the step).
    let report = crate::relationship_report::service::owed_by(ctx, i, &to, ev.at).await?.map(|(report, told)| {
        messages.push(told);
        report
    });
    // What else the step makes happen, applied by the one dispatcher in the step's transaction.
    let effects: Vec<Effect> = grants
        .into_iter()
        .map(Effect::GrantPending)
        .chain(end_grants.map(|ending| Effect::EndGrants { invitation_id: i.id, ending }))
        .chain(report.map(|report| Effect::OweRelationshipReport { report, at: ev.at }))
        .chain(messages.into_iter().map(Effect::Tell))
        .collect();
    let change = InvitationChange { to: &to, event: &ev, audit: &record, authorization: authorization.as_ref(), registrations: &registrations, notes: &notes, effects: &effects };
    let version = ctx.store.transition_invitation(i.id, version, &change).await?;
    Ok((to, version))
}

/// 【消息中心】: both units hear of an officer's step; of a unit's step, the other unit.
async fn tell_of_step(ctx: &Ctx, i: &StoredInvitation, viewer: &InvitationViewer, ev: &ApplicationEvent, to: &InvitationStatus) -> AppResult<Vec<NewMessage>> {
    let (acting, kind) = match viewer {
        InvitationViewer::Officer(_) => (None, MessageKind::Decision),
        InvitationViewer::DirectUnit => (Some(i.direct_enterprise_id), MessageKind::StatusChange),
        InvitationViewer::UseUnit(_) => (Some(i.use_enterprise_id), MessageKind::StatusChange),
    };
    let direct = ctx.store.enterprise_by_id(i.direct_enterprise_id).await?.map(|e| e.name).unwrap_or_default();
    let link = |p: String| SiteLink::parse(&p).ok();
    let parties = [
        Party { enterprise_id: i.direct_enterprise_id, module: Module::LeqiAccess, link: link(format!("/jrgl/invite/{}", i.id)) },
        Party { enterprise_id: i.use_enterprise_id, module: Module::LeqiAccess, link: link(format!("/jrgl/respond/{}", i.id)) },
    ];
    let body = format!(
        "{direct}与{}（{}）的接入邀请（{}）{}。",
        i.use_name,
        i.use_code,
        i.relationship.category().label(),
        status_change_text(&ev.from, &ev.to, ev.reason.as_deref())
    );
    Ok(tell_parties(&parties, acting, kind, &status_title("接入邀请", to.label()), &body, ev.at))
}

/// "姓名（身份，授权）": who registered the 开票员 chosen at 授权.
fn a_by(a: &Option<AuthorizationRecord>) -> String {
    let by = a.as_ref().map(|a| a.authorized_by.as_str()).unwrap_or_default();
    match by.strip_suffix('）') {
        Some(b) => format!("{b}，授权）"),
        None => format!("{by}（授权）"),
    }
}

/// One action on an invitation (`InvitationView::actions`), by whoever may take it:
/// the direct unit (重新发起邀请, 解除绑定), the use unit (确认, 拒绝, 授权 with its
/// configuration, 解除绑定) or an officer of the use unit's office (受理 / 确认).
/// Web and H5 pages both call it.
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: InvitationAction, reason: String, invoicer_link_ids: Vec<i64>, period_code: String) -> AppResult<Acted> {
    let (i, viewer) = visible(ctx, id).await?;
    let (actor, by) = match &viewer {
        Viewer::Direct => {
            let (by, _) = inviter_from_session(ctx).await?;
            (Actor { name: by.actor.clone(), unit_name: by.enterprise_name.clone(), unit_code: by.credit_code.clone(), office: None }, Some(by))
        }
        Viewer::UseUnit(t) => (Actor { name: t.person_name.clone(), unit_name: t.enterprise_name.clone(), unit_code: t.credit_code.clone(), office: None }, None),
        Viewer::Officer(o) => (Actor { name: o.name.clone(), unit_name: o.unit_name.clone(), unit_code: o.unit_name.clone(), office: o.tax_office_id }, None),
    };
    if action == InvitationAction::Reinvite {
        let Some(by) = by else { return Err(AppError::NotFound) };
        let created = reinvite(ctx, &by, &i).await?;
        return Ok(Acted { id: created.id, version: created.version, status: created.status.label().into() });
    }
    let (input, authorization) = match (&viewer, action) {
        (Viewer::UseUnit(t), InvitationAction::Authorize) => authorization_of(ctx, &i, t, &invoicer_link_ids, &period_code).await?,
        (Viewer::Direct | Viewer::Officer(_), InvitationAction::Authorize)
        | (
            _,
            InvitationAction::Reinvite
            | InvitationAction::UnbindUseUnit
            | InvitationAction::Confirm
            | InvitationAction::Decline
            | InvitationAction::RefuseAuthorization
            | InvitationAction::UnbindDirectUnit
            | InvitationAction::Accept
            | InvitationAction::NotAccept
            | InvitationAction::ConfirmPass
            | InvitationAction::ConfirmReject,
        ) => (ActInput { reason, ..Default::default() }, None),
    };
    let (to, version) = transition(ctx, &i, version, &actor, &viewer.domain(), action, input, authorization).await?;
    Ok(Acted { id: i.id, version, status: to.label().into() })
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
        crate::kernel::OfficerRole::Acceptance => InvitationStatus::PendingAcceptance,
        crate::kernel::OfficerRole::Review => InvitationStatus::PendingConfirmation,
        crate::kernel::OfficerRole::Confirmation => return Ok(vec![]),
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

/// The H5 detail: only the use unit's own invitation (the H5 app is the use unit's),
/// with the 授权 choices when 授权 is offered.
pub async fn h5_invitation(ctx: &Ctx, id: i64) -> AppResult<H5InvitationCard> {
    let (i, t) = received_one(ctx, id).await?;
    let v = view(ctx, &i, &Viewer::UseUnit(t)).await?;
    let authorize = v.actions.contains(&InvitationAction::Authorize);
    let mut card = h5_of(v);
    if authorize {
        card.invoicers = invoicers_of(ctx, i.use_enterprise_id).await?.into_iter().map(|c| (c.link_id, c.name)).collect();
        card.periods = periods_for(ctx, &i).await?.into_iter().map(|p| (p.code, p.label)).collect();
    }
    Ok(card)
}
