//! 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)): the use unit's request to a direct unit,
//! decided by the direct unit; 同意 turns it into an invitation that continues as one
//! answered by the use unit. Every change is a domain transition stored in one transaction
//! with its audit record and optimistic versioning.

use crate::auth_request::model::{AuthRequestView, DirectUnitCard};
use crate::access::rules::{CheckLine, CheckOutcome};
use crate::kernel::AccessType;
use crate::kernel::Module;
use crate::audit::rules::{AuditOutcome, AuditRecord};
use crate::auth_request::rules::{self as ar, DirectUnitFacts, AuthRequestAction, RequestParty, AuthRequestStatus};
use crate::invitation::rules::{may_invite, Filing, Relationship, UseCategory};
use crate::materials::rules::{MaterialKind, MaterialOwner};
use crate::message::rules::{status_change_text, status_title, tell_parties, MessageKind, Party};
use crate::message::rules::SiteLink;
use crate::kernel::{CreditCode, TaxpayerSession};
use crate::error::{AppError, AppResult, DomainError, Refusal};
use crate::invitation::store::{BatchSource, NewBatch, NewInvitation};
use crate::context::Ctx;
use crate::auth_request::store::{NewAuthRequest, StoredAuthRequest};

use crate::accounts::service::require_module;
use crate::invitation::service::{inviter_from_session, Inviter};

impl DomainError for ar::RequestError {
    fn refusal(&self) -> Refusal {
        match self {
            ar::RequestError::ReasonRequired => Refusal::Field("reason"),
            ar::RequestError::ProofRequired => Refusal::Field("proof"),
            ar::RequestError::CategoryNotAllowed(..) => Refusal::Field("relationship"),
            ar::RequestError::NotDirectUnit | ar::RequestError::DirectUnitLeaving | ar::RequestError::SelfRequest => Refusal::Field("direct_code"),
            ar::RequestError::WrongStatus(_) => Refusal::Conflict,
            _ => Refusal::Refused,
        }
    }
}

fn record(ctx: &Ctx, actor: &str, unit: &str, kind: &str, description: String) -> AuditRecord {
    AuditRecord { at: ctx.clock.now(), actor: actor.into(), unit: unit.into(), kind: kind.into(), description, outcome: AuditOutcome::Success }
}

/// The direct unit behind a credit code: its enterprise id, name, access type, leaving.
async fn direct_unit(ctx: &Ctx, code: &str) -> AppResult<(i64, String, String, DirectUnitFacts)> {
    let code = CreditCode::parse(code).map_err(|e| AppError::field("direct_code", e.to_string()))?;
    let unit = ctx.store.registry_by_codes(&[code.to_string()]).await?.into_iter().next().ok_or_else(|| AppError::field("direct_code", "未查询到该统一社会信用代码的税务登记信息"))?;
    let profile = ctx.store.registry_profile(unit.enterprise_id).await?.ok_or(AppError::NotFound)?;
    Ok((unit.enterprise_id, unit.name, code.to_string(), DirectUnitFacts { access_type: profile.direct_unit, leaving: profile.terminating_on.is_some() }))
}

/// 【消息中心】: one unit's people of 【接入管理】 hear of a step of the request.
fn tell(enterprise_id: i64, link: &str, kind: MessageKind, title: &str, body: &str, ctx: &Ctx) -> Vec<crate::message::rules::NewMessage> {
    let party = Party { enterprise_id, module: Module::LeqiAccess, link: SiteLink::parse(link).ok() };
    tell_parties(&[party], None, kind, title, body, ctx.clock.now())
}

fn relationships_for(t: AccessType) -> Vec<String> {
    Relationship::ALL.into_iter().filter(|r| may_invite(t, r.category())).map(|r| r.label().to_string()).collect()
}

pub async fn find_direct_unit(ctx: &Ctx, code: &str) -> AppResult<DirectUnitCard> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let (id, name, code, facts) = direct_unit(ctx, code).await?;
    if id == t.enterprise_id {
        return Err(ar::RequestError::SelfRequest.into());
    }
    let Some(access_type) = facts.access_type else { return Err(ar::RequestError::NotDirectUnit.into()) };
    if facts.leaving {
        return Err(ar::RequestError::DirectUnitLeaving.into());
    }
    Ok(DirectUnitCard { name, credit_code: code, access_type: access_type.label().into(), relationships: relationships_for(access_type) })
}

/// 自用类: the use unit's province's use-unit conditions (item 5 of issue 15); Err with every unmet line.
async fn self_use_checks(ctx: &Ctx, use_code: &str, relationship: Relationship) -> AppResult<Option<Vec<CheckLine>>> {
    if relationship.category() != UseCategory::SelfUse {
        return Ok(None);
    }
    let unit = ctx.store.registry_by_codes(&[use_code.to_string()]).await?.into_iter().next().ok_or(AppError::NotFound)?;
    let Some(rules) = ctx.store.province_rules(&unit.province_code).await? else { return Ok(None) };
    let (ok, lines) = rules.self_use_unit_check(&unit.applicant, relationship);
    if !ok {
        let unmet: Vec<String> = lines.iter().filter(|l| l.outcome != CheckOutcome::Pass).map(|l| format!("{}（本单位：{}；要求：{}）", l.label, l.unit_value, l.threshold)).collect();
        return Err(AppError::Refused(format!("不符合使用单位接入条件：{}", unmet.join("；"))));
    }
    Ok(Some(lines))
}

pub async fn send(ctx: &Ctx, direct_code: &str, relationship: &str, proof_material_id: Option<i64>) -> AppResult<AuthRequestView> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let relationship = Relationship::parse(relationship).map_err(|e| AppError::field("relationship", e))?;
    let (direct_id, direct_name, direct_code, facts) = direct_unit(ctx, direct_code).await?;
    // The proof: the use unit's own, not yet attached to anything.
    if let Some(m) = proof_material_id {
        let ok = ctx.store.material(m).await?.is_some_and(|m| m.enterprise_id == t.enterprise_id && m.kind == MaterialKind::RelationshipProof && m.owner == MaterialOwner::Unattached);
        if !ok {
            return Err(AppError::field("proof", "单位关系证明材料无效，请重新上传"));
        }
    }
    let pending = ctx.store.auth_requests_of_use_unit(t.enterprise_id, 500).await?.iter().any(|r| r.direct_enterprise_id == direct_id && r.status.is_open());
    ar::request(&facts, direct_id == t.enterprise_id, relationship, proof_material_id.is_some(), pending)?;
    if !ctx.store.open_invitation_codes(direct_id, std::slice::from_ref(&t.credit_code)).await?.is_empty() {
        return Err(AppError::Refused("本单位已与该直连单位绑定或有待处理的邀请".into()));
    }
    let checks = self_use_checks(ctx, &t.credit_code, relationship).await?;
    let new = NewAuthRequest {
        use_enterprise_id: t.enterprise_id,
        direct_enterprise_id: direct_id,
        relationship,
        proof_material_id,
        checks: checks.map(|l| serde_json::to_string(&l)).transpose().map_err(|_| AppError::Internal)?,
        created_by: format!("{}（{}）", t.person_name, t.identity.label()),
    };
    let audit = record(ctx, &t.person_name, &t.credit_code, "发起授权申请", format!("向{direct_name}（{direct_code}）申请授权：{}（{}）", relationship.label(), relationship.category().label()));
    let (title, body) = (
        format!("{}申请成为贵单位的使用单位", t.enterprise_name),
        format!("{}（{}）向贵单位发起了授权申请（{}），请在【接入管理】→【接入邀请】→【授权申请】中处理。", t.enterprise_name, t.credit_code, relationship.label()),
    );
    let told = tell(direct_id, "/jrgl/invite/requests", MessageKind::Invitation, &title, &body, ctx);
    let stored = ctx.store.create_auth_request(&new, &audit, ctx.clock.now(), &told).await.map_err(|e| match e {
        crate::kernel::storage::StoreError::Conflict => AppError::Refused(ar::RequestError::AlreadyPending.to_string()),
        other => other.into(),
    })?;
    view(ctx, &stored, RequestParty::UseUnit).await
}

pub async fn mine(ctx: &Ctx) -> AppResult<Vec<AuthRequestView>> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let mut out = Vec::new();
    for r in ctx.store.auth_requests_of_use_unit(t.enterprise_id, 200).await? {
        out.push(view(ctx, &r, RequestParty::UseUnit).await?);
    }
    Ok(out)
}

/// The requests a direct unit received (portal and API).
pub async fn received_by(ctx: &Ctx, direct_enterprise_id: i64, status: &str, before_id: Option<i64>, limit: u32) -> AppResult<Vec<AuthRequestView>> {
    let status = status.trim();
    if !status.is_empty() && !AuthRequestStatus::FILTERS.iter().any(|(c, _)| *c == status) {
        return Err(AppError::field("status", "申请状态无效"));
    }
    let mut out = Vec::new();
    for r in ctx.store.auth_requests_to(direct_enterprise_id, (!status.is_empty()).then_some(status), before_id, limit).await? {
        out.push(view(ctx, &r, RequestParty::DirectUnit).await?);
    }
    Ok(out)
}

pub async fn received(ctx: &Ctx, status: &str) -> AppResult<Vec<AuthRequestView>> {
    let (by, _) = inviter_from_session(ctx).await?;
    received_by(ctx, by.enterprise_id, status, None, 200).await
}

/// The request if the caller's unit is one of its two parties; NotFound for anyone else.
async fn visible(ctx: &Ctx, id: i64) -> AppResult<(StoredAuthRequest, RequestParty, TaxpayerSession)> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let r = ctx.store.auth_request(id).await?.ok_or(AppError::NotFound)?;
    let party = if r.use_enterprise_id == t.enterprise_id {
        RequestParty::UseUnit
    } else if r.direct_enterprise_id == t.enterprise_id {
        RequestParty::DirectUnit
    } else {
        return Err(AppError::NotFound);
    };
    Ok((r, party, t))
}

pub async fn detail(ctx: &Ctx, id: i64) -> AppResult<AuthRequestView> {
    let (r, party, _) = visible(ctx, id).await?;
    view(ctx, &r, party).await
}

async fn fresh(ctx: &Ctx, id: i64, party: RequestParty) -> AppResult<AuthRequestView> {
    let r = ctx.store.auth_request(id).await?.ok_or(AppError::NotFound)?;
    view(ctx, &r, party).await
}

/// The direct unit deciding: the signed-in unit must be the request's direct unit (and still one).
async fn as_direct_unit(ctx: &Ctx, id: i64) -> AppResult<(StoredAuthRequest, Inviter)> {
    let (r, party, _) = visible(ctx, id).await?;
    if party != RequestParty::DirectUnit {
        return Err(ar::RequestError::NotDirectUnitParty.into());
    }
    let (by, _) = inviter_from_session(ctx).await?;
    Ok((r, by))
}

/// Applies `action` (what `actions_for` offers the caller's party; the domain refuses the rest).
pub async fn act(ctx: &Ctx, id: i64, version: i64, action: AuthRequestAction, reason: &str) -> AppResult<AuthRequestView> {
    match action {
        AuthRequestAction::Agree => agree(ctx, id, version).await,
        AuthRequestAction::Refuse => refuse(ctx, id, version, reason).await,
        AuthRequestAction::Withdraw => withdraw(ctx, id, version).await,
    }
}

pub async fn agree(ctx: &Ctx, id: i64, version: i64) -> AppResult<AuthRequestView> {
    let (r, by) = as_direct_unit(ctx, id).await?;
    ar::agree(&r.status, RequestParty::DirectUnit, 0)?;
    if let Some(why) = crate::measure::service::restrictions(ctx, by.enterprise_id).await?.invitation_refusal() {
        return Err(AppError::Refused(why.into()));
    }
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let use_ent = ctx.store.enterprise_by_id(r.use_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let code = use_ent.credit_code.to_string();
    let unit = ctx.store.registry_by_codes(std::slice::from_ref(&code)).await?.into_iter().next().ok_or(AppError::NotFound)?;
    if !ar::request(&DirectUnitFacts { access_type: Some(by.access_type), leaving: false }, false, r.relationship, true, false).is_ok() {
        return Err(AppError::Refused(format!("{}直连单位不能接入{}使用单位", by.access_type.label(), r.relationship.category().label())));
    }
    if !ctx.store.open_invitation_codes(by.enterprise_id, std::slice::from_ref(&code)).await?.is_empty() {
        return Err(AppError::Refused("该单位已与本单位绑定或有待处理的邀请".into()));
    }
    let category = r.relationship.category();
    let rules = ctx.store.province_rules(&unit.province_code).await?;
    let (filing, filing_outcome) = match category {
        // Checked again now: the registry may have changed since the request.
        UseCategory::SelfUse => (self_use_checks(ctx, &code, r.relationship).await?, None),
        UseCategory::Joint => {
            let (outcome, lines) = match &rules {
                Some(rules) => rules.filing(&unit.applicant),
                None => (Filing::Failed, vec![]),
            };
            (Some(lines), Some(outcome))
        }
    };
    let status = ar::invitation_status_on_agreement(category, filing_outcome);
    let invitation = NewInvitation {
        use_enterprise_id: unit.enterprise_id,
        use_code: code.clone(),
        use_name: unit.name.clone(),
        use_tax_office_id: unit.tax_office_id,
        province_code: unit.province_code.clone(),
        relationship: r.relationship,
        pre_authorize: false,
        filing,
        status: status.clone(),
        previous_id: None,
    };
    let batch = NewBatch {
        direct_enterprise_id: by.enterprise_id,
        source: BatchSource::Request,
        file_name: String::new(),
        proof_material_id: r.proof_material_id,
        created_by: by.actor.clone(),
        rows_total: 1,
        failures: vec![],
    };
    let audit = record(ctx, &by.actor, &by.credit_code, "同意授权申请", format!("同意{}（{}）的授权申请：{}，邀请状态{}", unit.name, code, r.relationship.label(), status.label()));
    let told = tell(
        r.use_enterprise_id,
        &format!("/jrgl/respond/requests/{}", r.id),
        MessageKind::StatusChange,
        &status_title("授权申请", "已同意"),
        &format!("{}已同意贵单位的授权申请，接入邀请状态为「{}」。", by.enterprise_name, status.label()),
        ctx,
    );
    ctx.store.agree_auth_request(r.id, version, &by.actor, &batch, &invitation, &audit, ctx.clock.now(), &told).await?;
    fresh(ctx, r.id, RequestParty::DirectUnit).await
}

pub async fn refuse(ctx: &Ctx, id: i64, version: i64, reason: &str) -> AppResult<AuthRequestView> {
    let (r, by) = as_direct_unit(ctx, id).await?;
    let to = ar::refuse(&r.status, RequestParty::DirectUnit, reason)?;
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let use_ent = ctx.store.enterprise_by_id(r.use_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let audit = record(ctx, &by.actor, &by.credit_code, "拒绝授权申请", format!("拒绝{}（{}）的授权申请：{}", use_ent.name, use_ent.credit_code, to.reason().unwrap_or_default()));
    let told = tell(
        r.use_enterprise_id,
        &format!("/jrgl/respond/requests/{}", r.id),
        MessageKind::StatusChange,
        &status_title("授权申请", to.label()),
        &format!("{}的授权申请{}。", by.enterprise_name, status_change_text(r.status.label(), to.label(), to.reason())),
        ctx,
    );
    ctx.store.decide_auth_request(r.id, version, &to, &by.actor, &audit, ctx.clock.now(), &told).await?;
    fresh(ctx, r.id, RequestParty::DirectUnit).await
}

pub async fn withdraw(ctx: &Ctx, id: i64, version: i64) -> AppResult<AuthRequestView> {
    let (r, party, t) = visible(ctx, id).await?;
    let to = ar::withdraw(&r.status, party)?;
    if r.version != version {
        return Err(AppError::Conflict);
    }
    let direct = ctx.store.enterprise_by_id(r.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let audit = record(ctx, &t.person_name, &t.credit_code, "撤回授权申请", format!("撤回向{}（{}）的授权申请", direct.name, direct.credit_code));
    let told = tell(
        r.direct_enterprise_id,
        &format!("/jrgl/invite/requests/{}", r.id),
        MessageKind::StatusChange,
        &status_title("授权申请", to.label()),
        &format!("{}（{}）撤回了授权申请。", t.enterprise_name, t.credit_code),
        ctx,
    );
    ctx.store.decide_auth_request(r.id, version, &to, &t.person_name, &audit, ctx.clock.now(), &told).await?;
    fresh(ctx, r.id, RequestParty::UseUnit).await
}

async fn view(ctx: &Ctx, r: &StoredAuthRequest, party: RequestParty) -> AppResult<AuthRequestView> {
    let use_ent = ctx.store.enterprise_by_id(r.use_enterprise_id).await?.ok_or(AppError::NotFound)?;
    let direct = ctx.store.enterprise_by_id(r.direct_enterprise_id).await?.ok_or(AppError::NotFound)?;
    Ok(AuthRequestView {
        id: r.id,
        version: r.version,
        use_name: use_ent.name,
        use_code: use_ent.credit_code.to_string(),
        direct_name: direct.name,
        direct_code: direct.credit_code.to_string(),
        relationship: r.relationship.label().into(),
        category: r.relationship.category().label().into(),
        status: r.status.clone(),
        proof_material_id: r.proof_material_id,
        checks: r.checks.as_deref().and_then(|c| serde_json::from_str(c).ok()).unwrap_or_default(),
        created_by: r.created_by.clone(),
        created_at: r.created_at.beijing_time(),
        decided_by: r.decided_by.clone(),
        updated_at: r.updated_at.beijing_time(),
        invitation_id: if let AuthRequestStatus::Agreed { invitation_id } = r.status { Some(invitation_id) } else { None },
        party,
        actions: ar::actions_for(&r.status, party),
    })
}

/// H5: one text line per request (the H5 bundle carries no new types).
pub async fn h5_lines(ctx: &Ctx) -> AppResult<Vec<String>> {
    Ok(mine(ctx)
        .await?
        .into_iter()
        .map(|v| format!("{} · {}（{}）· {}{} · {}", v.direct_name, v.relationship, v.category, v.status.label(), v.status.reason().map(|r| format!("（{r}）")).unwrap_or_default(), v.created_at))
        .collect())
}
