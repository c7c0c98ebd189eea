//! 申请材料: storing an upload (contents in the blob store, metadata in the
//! database), reading it back and deleting it, each checked against the caller.
//! Who may see a material depends on what it is attached to (`MaterialOwner`):
//! the uploading unit always; officers when the workflow's object is theirs.

use sha2::{Digest, Sha256};

use crate::materials::model::MaterialInfo;
use crate::kernel::Module;
use crate::audit::rules::AuditOutcome;
use crate::materials::rules::{size_label, MaterialKind, MaterialOwner, Upload, UNIT_QUOTA_BYTES};
use crate::access::rules::ApplicationStatus;
use crate::kernel::{Principal, TaxpayerSession};
use crate::error::{AppError, AppResult};
use crate::context::Ctx;
use crate::audit::store::DraftDelete;
use crate::materials::store::{NewMaterial, StoredMaterial};

use crate::auth::service::audit;

pub fn info(m: &StoredMaterial) -> MaterialInfo {
    MaterialInfo {
        id: m.id,
        kind: m.kind,
        file_name: m.file_name.clone(),
        content_type: m.file_type.mime().to_string(),
        size: m.size,
        uploaded_by: m.uploaded_by.clone(),
        uploaded_at: m.created_at.beijing_time(),
    }
}

/// A taxpayer with 【接入管理】, or a clear refusal.
pub fn taxpayer(who: &Principal) -> AppResult<&TaxpayerSession> {
    match who {
        Principal::Taxpayer(t) if t.may_use(Module::LeqiAccess) => Ok(t),
        Principal::Taxpayer(_) => Err(AppError::Refused(format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiAccess.label()))),
        Principal::Officer(_) => Err(AppError::Forbidden),
    }
}

/// Stores a checked upload, unattached. The type comes from the bytes only.
pub async fn upload(ctx: &Ctx, who: &Principal, kind: MaterialKind, file_name: &str, bytes: Vec<u8>) -> AppResult<StoredMaterial> {
    let t = taxpayer(who)?;
    let upload = match Upload::parse(kind, file_name, bytes) {
        Ok(u) => u,
        Err(e) => {
            audit(ctx, &t.person_name, &t.credit_code, "上传材料", format!("《{}》{}：{}", kind.label(), file_name, e), AuditOutcome::Failure).await?;
            return Err(AppError::field(&kind.field(), e.to_string()));
        }
    };
    let held = ctx.store.material_bytes_of(t.enterprise_id).await?;
    if held.saturating_add(upload.size()) > UNIT_QUOTA_BYTES {
        let e = format!("本单位已上传的材料超过存储上限（{}），请删除不需要的材料后再上传", size_label(UNIT_QUOTA_BYTES));
        audit(ctx, &t.person_name, &t.credit_code, "上传材料", format!("《{}》{}：{}", kind.label(), file_name, e), AuditOutcome::Failure).await?;
        return Err(AppError::field(&kind.field(), e));
    }
    let sha256: String = Sha256::digest(upload.bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let object_key = format!("{}/{}", t.enterprise_id, ctx.secrets.random_token());
    let new = NewMaterial {
        enterprise_id: t.enterprise_id,
        kind,
        file_name: upload.file_name().to_string(),
        file_type: upload.file_type(),
        size: upload.size(),
        sha256,
        object_key: object_key.clone(),
        uploaded_by: t.person_name.clone(),
    };
    ctx.blobs.put(&object_key, upload.into_bytes()).await?;
    let stored = match ctx.store.insert_material(&new, ctx.clock.now()).await {
        Ok(m) => m,
        Err(e) => {
            let _ = ctx.blobs.delete(&object_key).await;
            return Err(e.into());
        }
    };
    audit(ctx, &t.person_name, &t.credit_code, "上传材料", format!("《{}》{}（{}）", kind.label(), stored.file_name, size_label(stored.size)), AuditOutcome::Success).await?;
    Ok(stored)
}

/// Whether `who` may see the material: the uploading unit; an officer whose
/// jurisdiction covers the submitted application it is attached to.
pub async fn may_read(ctx: &Ctx, who: &Principal, m: &StoredMaterial) -> AppResult<bool> {
    match who {
        Principal::Taxpayer(t) if !t.may_use(Module::LeqiAccess) => Ok(false),
        Principal::Taxpayer(t) if t.enterprise_id == m.enterprise_id => Ok(true),
        // A 单位关系证明材料: both parties of an invitation that carries it.
        Principal::Taxpayer(t) => match m.owner {
            MaterialOwner::InvitationBatch(_) => Ok(ctx.store.proof_visible(m.id, Some(t.enterprise_id), None).await?),
            // A use unit's proof sent with its 授权申请: the direct unit asked sees it.
            MaterialOwner::Unattached if m.kind == crate::materials::rules::MaterialKind::RelationshipProof => Ok(ctx.store.auth_request_proof_visible(m.id, t.enterprise_id).await?),
            _ => Ok(false),
        },
        Principal::Officer(o) => match m.owner {
            MaterialOwner::InvitationBatch(_) if !o.role.is_provincial() => Ok(ctx.store.proof_visible(m.id, None, o.tax_office_id).await?),
            MaterialOwner::Application(id) => {
                Ok(ctx.store.application(id).await?.is_some_and(|a| a.enterprise_id == m.enterprise_id && crate::access::rules::officer_may_see(o, a.tax_office_id, &a.province_code, &a.status)))
            }
            MaterialOwner::Request(id) => Ok(!o.role.is_provincial() && ctx.store.request(id).await?.is_some_and(|r| r.enterprise_id == m.enterprise_id && o.tax_office_id == Some(r.tax_office_id))),
            // A 整改反馈's materials: the officers who see the measure (its office, its province).
            MaterialOwner::MeasureFeedback(id) => Ok(ctx.store.measure(id).await?.is_some_and(|x| x.enterprise_id == m.enterprise_id && crate::measure::rules::officer_viewer(o, x.tax_office_id, &x.province_code).is_some())),
            MaterialOwner::Unattached | MaterialOwner::InvitationBatch(_) => Ok(false),
        },
    }
}

/// The material and its contents, or NotFound for anyone who may not see it.
pub async fn download(ctx: &Ctx, who: &Principal, id: i64) -> AppResult<(StoredMaterial, Vec<u8>)> {
    let m = ctx.store.material(id).await?.ok_or(AppError::NotFound)?;
    if !may_read(ctx, who, &m).await? {
        return Err(AppError::NotFound);
    }
    let Some(bytes) = ctx.blobs.get(&m.object_key).await? else {
        tracing::error!(id, key = %m.object_key, "material contents missing");
        return Err(AppError::NotFound);
    };
    Ok((m, bytes))
}

/// 删除: only while unattached or while its application is a draft — checked
/// by the DELETE statement itself, so a 提交 at the same moment cannot lose it.
pub async fn delete(ctx: &Ctx, who: &Principal, id: i64) -> AppResult<()> {
    let t = taxpayer(who)?;
    let m = ctx.store.material(id).await?.filter(|m| m.enterprise_id == t.enterprise_id).ok_or(AppError::NotFound)?;
    match ctx.store.delete_draft_material(id, t.enterprise_id).await? {
        DraftDelete::Deleted(key) => {
            if let Some(key) = key {
                ctx.blobs.delete(&key).await?;
            }
        }
        DraftDelete::NotFound => return Err(AppError::NotFound),
        DraftDelete::NotDraft => {
            let why = match m.owner {
                MaterialOwner::Application(app_id) => match ctx.store.application(app_id).await? {
                    Some(a) if a.status != ApplicationStatus::Draft => format!("申请已{}，材料不能删除", a.status.label()),
                    _ => "申请已提交，材料不能删除".to_string(),
                },
                MaterialOwner::MeasureFeedback(_) => "该材料已随整改反馈提交，不能删除".to_string(),
                _ => "该材料已随邀请提交，不能删除".to_string(),
            };
            return Err(AppError::Refused(why));
        }
    }
    audit(ctx, &t.person_name, &t.credit_code, "删除材料", format!("《{}》{}", m.kind.label(), m.file_name), AuditOutcome::Success).await?;
    Ok(())
}

/// Removes uploads nobody attached within a day (a 单位关系证明材料 uploaded and
/// never sent); returns how many stored objects went.
pub async fn purge_unattached(ctx: &Ctx) -> AppResult<usize> {
    let before = ctx.clock.now().plus_mins(-crate::materials::rules::UNATTACHED_KEEP_HOURS * 60);
    let keys = ctx.store.purge_unattached_materials(before).await?;
    for k in &keys {
        ctx.blobs.delete(k).await?;
    }
    Ok(keys.len())
}
