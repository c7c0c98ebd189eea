//! The one transition path (`server::store::transition`): every workflow's state
//! change is stored with its timeline event and its audit record in ONE
//! transaction. Here the audit insert is made to fail (a trigger or a check on
//! one actor's records) and each workflow's change must be rolled back with it —
//! access applications (提交, a decision, 保存草稿), invitations (a batch, a step,
//! 授权 with its 开票人员登记, 变更关系证明材料) and 开票人员登记, 授权申请 (申请, 拒绝, 同意 with the invitation it becomes),
//! the lifecycle requests (资格延续, 终止服务备案, the end of service) — on
//! SQLite and on PostgreSQL.

mod common;

use app::context::store_traits::*;
use app::access::rules::ApplicationStatus;
use app::audit::rules::{AuditOutcome, AuditRecord};
use app::invitation::rules::{AuthorizationRecord, InvitationStatus, InvoicerChoice, Relationship, VerificationPeriod};
use app::invoicers::rules::RegistrationState;
use app::kernel::{Identity, Timestamp};
use app::access::store::*;
use app::auth_request::store::*;
use app::invitation::store::*;
use app::invoicers::store::*;
use app::kernel::storage::*;
use app::lifecycle::store::*;
use app::materials::store::*;
use common::*;
use server::store::{Backend, SqlStore};

/// Audit records by this actor cannot be written.
const FAULTY: &str = "审计故障";

async fn fail_audits_of_faulty_actor(store: &SqlStore) {
    let sql = match store.backend() {
        Backend::Sqlite => format!("CREATE TRIGGER audit_fault BEFORE INSERT ON audit_log WHEN NEW.actor = '{FAULTY}' BEGIN SELECT RAISE(ABORT, 'audit insert failed'); END"),
        Backend::Postgres => format!("ALTER TABLE audit_log ADD CONSTRAINT audit_fault CHECK (actor <> '{FAULTY}')"),
    };
    sqlx::query(&sql).execute(store.pool()).await.unwrap();
}

fn audit(actor: &str, kind: &str) -> AuditRecord {
    AuditRecord::new(Timestamp(T0), actor, "测试单位", kind, format!("{kind}（测试）"), AuditOutcome::Success)
}

fn event(action: &str, from: &str, to: &str) -> ApplicationEvent {
    ApplicationEvent { at: Timestamp(T0), actor: "测试".into(), actor_unit: "测试单位".into(), action: action.into(), from: from.into(), to: to.into(), reason: None }
}

fn is_unavailable<T: std::fmt::Debug>(r: StoreResult<T>) -> bool {
    matches!(r, Err(StoreError::Unavailable(_)))
}

async fn audited(store: &SqlStore, kind: &str) -> usize {
    store.recent_audit(500).await.unwrap().iter().filter(|a| a.kind == kind).count()
}

async fn access_changes_roll_back_with_their_audit(store: &SqlStore) {
    seeded(store).await;
    fail_audits_of_faulty_actor(store).await;
    let a = store.create_application(9, 2, "51", r#"{"contact":"高远"}"#, None, Timestamp(T0)).await.unwrap();
    // 保存草稿: the form stays as it was.
    assert!(is_unavailable(store.save_form(a.id, 9, r#"{"contact":"林小雨"}"#, a.version, Timestamp(T0), &audit(FAULTY, "保存接入申请草稿")).await));
    let same = store.application(a.id).await.unwrap().unwrap();
    assert_eq!((same.form.as_str(), same.version), (r#"{"contact":"高远"}"#, a.version));
    // 提交: still a draft, no timeline entry.
    let pending = ApplicationStatus::PendingAcceptance;
    let ev = event("提交接入申请", "草稿", "待受理");
    assert!(is_unavailable(store.transition(a.id, a.version, &pending, &ev, None, &audit(FAULTY, "提交接入申请"), &[]).await));
    let same = store.application(a.id).await.unwrap().unwrap();
    assert_eq!((same.status, same.version, same.submitted_at), (ApplicationStatus::Draft, a.version, None));
    assert!(store.events(a.id).await.unwrap().is_empty());
    assert_eq!(audited(store, "提交接入申请").await, 0);
    // With its audit record, the same change is stored — together with the record.
    let v = store.transition(a.id, a.version, &pending, &ev, None, &audit("高远", "提交接入申请"), &[]).await.unwrap();
    assert_eq!(store.application(a.id).await.unwrap().unwrap().status, pending);
    assert_eq!((store.events(a.id).await.unwrap().len(), audited(store, "提交接入申请").await), (1, 1));
    // 确认通过 would make the unit a direct unit: not without the audit record.
    let c = Confirmation { access_type: app::kernel::AccessType::Joint, qualification_end: "2027-12-31".into() };
    assert!(is_unavailable(store.transition(a.id, v, &ApplicationStatus::Confirmed, &event("确认通过", "待受理", "确认通过"), Some(&c), &audit(FAULTY, "确认通过"), &[]).await));
    assert_eq!(store.registry_profile(9).await.unwrap().unwrap().direct_unit, None);
    assert_eq!(store.application(a.id).await.unwrap().unwrap().version, v);
}

/// 青禾 invited by 蜀乐科技 (联用类, 待使用单位授权), stored directly.
async fn joint_invitation(store: &SqlStore, actor: &str) -> StoreResult<i64> {
    let qinghe = store.registry_by_codes(&["91510104MA6CLQ0158".into()]).await.unwrap().remove(0);
    let inv = NewInvitation {
        use_enterprise_id: qinghe.enterprise_id,
        use_code: qinghe.credit_code.clone(),
        use_name: qinghe.name.clone(),
        use_tax_office_id: qinghe.tax_office_id,
        province_code: qinghe.province_code.clone(),
        relationship: Relationship::NoControl,
        pre_authorize: false,
        filing: Some(vec![]),
        status: InvitationStatus::AwaitingAuthorization,
        previous_id: None,
    };
    let batch = NewBatch { direct_enterprise_id: 1, source: BatchSource::Form, file_name: String::new(), proof_material_id: None, created_by: "王建国".into(), rows_total: 1, failures: vec![] };
    store.create_batch(&batch, &[inv], Timestamp(T0), &audit(actor, "发起接入邀请"), None).await?;
    Ok(store.invitations_of_use_unit(qinghe.enterprise_id).await.unwrap()[0].id)
}

async fn invitation_changes_roll_back_with_their_audit(store: &SqlStore) {
    seeded(store).await;
    fail_audits_of_faulty_actor(store).await;
    // A batch: nothing of it is stored.
    assert!(is_unavailable(joint_invitation(store, FAULTY).await));
    assert!(store.batches(1, None, 10).await.unwrap().is_empty());
    let id = joint_invitation(store, "王建国").await.unwrap();
    let before = store.invitation(id).await.unwrap().unwrap();
    assert_eq!(before.filing, Some(vec![]), "typed 接入备案 lines come back");

    // 授权 with its 开票人员登记: neither the status, the configuration, the event nor the registrations.
    let qinghe = before.use_enterprise_id;
    let ma = store.enterprise_users(qinghe).await.unwrap().into_iter().find(|u| u.identity == Identity::InvoiceClerk).unwrap();
    let record = AuthorizationRecord {
        invoicers: vec![InvoicerChoice { link_id: ma.link_id, name: ma.name.clone() }],
        period: VerificationPeriod { code: "7d".into(), label: "7天".into(), minutes: 7 * 24 * 60 },
        authorized_by: "何青（法定代表人）".into(),
        authorized_at: "2025-11-25 00:00:00".into(),
    };
    let registration = NewRegistration { invitation_id: id, use_enterprise_id: qinghe, direct_enterprise_id: 1, link_id: ma.link_id, person_name: ma.name.clone(), registered_by: "何青（法定代表人，授权）".into() };
    let ev = event("授权", "待使用单位授权", "确认通过");
    let faulty = audit(FAULTY, "授权");
    let change = InvitationChange { to: &InvitationStatus::Confirmed, event: &ev, audit: &faulty, authorization: Some(&record), registrations: std::slice::from_ref(&registration), notes: &[], effects: &[] };
    assert!(is_unavailable(store.transition_invitation(id, before.version, &change).await));
    let same = store.invitation(id).await.unwrap().unwrap();
    assert_eq!((same.status, same.version, same.authorization), (InvitationStatus::AwaitingAuthorization, before.version, None));
    assert!(store.invitation_events(id).await.unwrap().is_empty());
    assert!(store.registrations_of_use_unit(qinghe).await.unwrap().is_empty());
    assert_eq!(audited(store, "授权").await, 0);

    // The same with its audit record: all of it, typed on the way back.
    let good = audit("何青", "授权");
    let change = InvitationChange { audit: &good, ..change };
    let v = store.transition_invitation(id, before.version, &change).await.unwrap();
    let bound = store.invitation(id).await.unwrap().unwrap();
    assert_eq!((bound.status, bound.authorization), (InvitationStatus::Confirmed, Some(record)));
    assert_eq!((store.invitation_events(id).await.unwrap().len(), store.registrations_of_use_unit(qinghe).await.unwrap().len(), audited(store, "授权").await), (1, 1, 1));

    // 变更关系证明材料: the invitation keeps its material and version.
    let m = store
        .insert_material(
            &NewMaterial { enterprise_id: 1, kind: app::materials::rules::MaterialKind::RelationshipProof, file_name: "p.pdf".into(), file_type: app::materials::rules::FileType::Pdf, size: 5, sha256: "x".into(), object_key: "k".into(), uploaded_by: "王建国".into() },
            Timestamp(T0),
        )
        .await
        .unwrap();
    let ev = event("变更关系证明材料", "确认通过", "确认通过");
    let attach = Some((1, app::materials::rules::MaterialOwner::InvitationBatch(bound.batch_id)));
    assert!(is_unavailable(store.set_invitation_proof(id, v, m.id, attach, &ev, &audit(FAULTY, "变更关系证明材料")).await));
    let same = store.invitation(id).await.unwrap().unwrap();
    assert_eq!((same.proof_material_id, same.version), (None, v));
    assert_eq!(store.material(m.id).await.unwrap().unwrap().owner, app::materials::rules::MaterialOwner::Unattached, "the material stays unattached");
    store.set_invitation_proof(id, v, m.id, attach, &ev, &audit("王建国", "变更关系证明材料")).await.unwrap();
    assert_eq!(store.invitation(id).await.unwrap().unwrap().proof_material_id, Some(m.id));
}

async fn registration_changes_roll_back_with_their_audit(store: &SqlStore) {
    seeded(store).await;
    fail_audits_of_faulty_actor(store).await;
    let id = joint_invitation(store, "王建国").await.unwrap();
    let qinghe = store.invitation(id).await.unwrap().unwrap().use_enterprise_id;
    let ma = store.enterprise_users(qinghe).await.unwrap().into_iter().find(|u| u.identity == Identity::InvoiceClerk).unwrap();
    let new = NewRegistration { invitation_id: id, use_enterprise_id: qinghe, direct_enterprise_id: 1, link_id: ma.link_id, person_name: ma.name.clone(), registered_by: "何青（法定代表人）".into() };
    // 新增登记
    assert!(is_unavailable(store.register_invoicer(&new, Timestamp(T0), &audit(FAULTY, "开票人员登记")).await));
    assert!(store.registrations_of_use_unit(qinghe).await.unwrap().is_empty());
    let reg = store.register_invoicer(&new, Timestamp(T0), &audit("何青", "开票人员登记")).await.unwrap();
    // 解除登记
    let ended = RegistrationState::Unregistered { by: "马超（开票员）".into(), reason: "调岗".into(), at: Timestamp(T0) };
    assert!(is_unavailable(store.end_registration(reg, 1, &ended, Timestamp(T0), &audit(FAULTY, "解除开票人员登记")).await));
    let same = store.registration(reg).await.unwrap().unwrap();
    assert_eq!((same.state, same.version), (RegistrationState::Registered, 1));
    assert_eq!(audited(store, "解除开票人员登记").await, 0);
    store.end_registration(reg, 1, &ended, Timestamp(T0), &audit("马超", "解除开票人员登记")).await.unwrap();
    assert_eq!(store.registration(reg).await.unwrap().unwrap().state, ended);
    assert_eq!(audited(store, "解除开票人员登记").await, 1);
}

async fn auth_request_changes_roll_back_with_their_audit(store: &SqlStore) {
    use app::auth_request::rules::AuthRequestStatus;
    seeded(store).await;
    fail_audits_of_faulty_actor(store).await;
    let qinghe = store.registry_by_codes(&["91510104MA6CLQ0158".into()]).await.unwrap().remove(0);
    let req = |by: &str| NewAuthRequest {
        use_enterprise_id: qinghe.enterprise_id,
        direct_enterprise_id: 1,
        relationship: Relationship::NoControl,
        proof_material_id: None,
        checks: None,
        created_by: by.into(),
    };
    // 申请授权: nothing stored.
    assert!(is_unavailable(store.create_auth_request(&req(FAULTY), &audit(FAULTY, "申请授权"), Timestamp(T0), &[]).await));
    assert!(store.auth_requests_of_use_unit(qinghe.enterprise_id, 10).await.unwrap().is_empty());
    let r = store.create_auth_request(&req("何青"), &audit("何青", "申请授权"), Timestamp(T0), &[]).await.unwrap();
    // 拒绝: still pending at its version.
    let refused = AuthRequestStatus::Refused { reason: "无证明".into() };
    assert!(is_unavailable(store.decide_auth_request(r.id, r.version, &refused, FAULTY, &audit(FAULTY, "拒绝授权申请"), Timestamp(T0), &[]).await));
    let same = store.auth_request(r.id).await.unwrap().unwrap();
    assert_eq!((same.status, same.version), (AuthRequestStatus::Pending, r.version));
    // 同意: no invitation either.
    let inv = NewInvitation {
        use_enterprise_id: qinghe.enterprise_id,
        use_code: qinghe.credit_code.clone(),
        use_name: qinghe.name.clone(),
        use_tax_office_id: qinghe.tax_office_id,
        province_code: qinghe.province_code.clone(),
        relationship: Relationship::NoControl,
        pre_authorize: false,
        filing: Some(vec![]),
        status: InvitationStatus::AwaitingAuthorization,
        previous_id: None,
    };
    let batch = NewBatch { direct_enterprise_id: 1, source: BatchSource::Request, file_name: String::new(), proof_material_id: None, created_by: "王建国".into(), rows_total: 1, failures: vec![] };
    assert!(is_unavailable(store.agree_auth_request(r.id, r.version, FAULTY, &batch, &inv, &audit(FAULTY, "同意授权申请"), Timestamp(T0), &[]).await));
    assert_eq!(store.auth_request(r.id).await.unwrap().unwrap().status, AuthRequestStatus::Pending);
    assert!(store.invitations_of_use_unit(qinghe.enterprise_id).await.unwrap().is_empty());
    assert!(store.batches(1, None, 10).await.unwrap().is_empty());
    let id = store.agree_auth_request(r.id, r.version, "王建国", &batch, &inv, &audit("王建国", "同意授权申请"), Timestamp(T0), &[]).await.unwrap();
    assert_eq!(store.auth_request(r.id).await.unwrap().unwrap().status, AuthRequestStatus::Agreed { invitation_id: id });
    assert_eq!((audited(store, "申请授权").await, audited(store, "同意授权申请").await, audited(store, "拒绝授权申请").await), (1, 1, 0));
}

async fn a_corrupt_stored_record_is_an_error_not_a_gap(store: &SqlStore) {
    seeded(store).await;
    let id = joint_invitation(store, "王建国").await.unwrap();
    sqlx::query("UPDATE invitations SET \"authorization\" = '{\"invoicers\": 3}' WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    assert!(is_unavailable(store.invitation(id).await), "the authorization decodes with an error, never silently as none");
    sqlx::query("UPDATE invitations SET \"authorization\" = NULL, filing = 'not json' WHERE id = $1").bind(id).execute(store.pool()).await.unwrap();
    assert!(is_unavailable(store.invitation(id).await), "so do the 接入备案 lines");
}

/// 资格延续 / 终止服务备案 (issue #13): filing, deciding (the new term) and ending a
/// unit's service are rolled back with their audit record.
async fn lifecycle_changes_roll_back_with_their_audit(store: &SqlStore) {
    use app::lifecycle::rules::{RequestBody, RequestStatus, Term};
    use app::kernel::{ExitKind, ExitRecord};
    seeded(store).await;
    fail_audits_of_faulty_actor(store).await;
    let shule = store.registry_by_codes(&["91510104MA6CLQ001T".into()]).await.unwrap().remove(0);
    let (unit, office) = (shule.enterprise_id, shule.tax_office_id);
    let ext = RequestBody::Extension { term: Term::Long, reason: "继续使用".into() };
    let ev = event("提交资格延续请求", "", "待受理");
    assert!(is_unavailable(store.file_request(unit, office, &ext, None, None, &ev, &audit(FAULTY, "提交资格延续请求")).await));
    assert!(store.requests_of(unit, 10).await.unwrap().is_empty());
    let id = store.file_request(unit, office, &ext, None, None, &ev, &audit("王建国", "提交资格延续请求")).await.unwrap();
    let end = store.registry_profile(unit).await.unwrap().unwrap().qualification_end;
    let new_term = RequestEffect::NewTerm("2099-12-31".into());
    let confirm = event("确认通过", "待受理", "确认通过");
    assert!(is_unavailable(store.decide_request(id, 1, &RequestStatus::Confirmed, Some("2099-12-31"), Some(&new_term), &confirm, &audit(FAULTY, "资格延续确认通过"), &[]).await));
    let same = store.request(id).await.unwrap().unwrap();
    assert_eq!((same.status, same.version, same.granted_end), (RequestStatus::PendingAcceptance, 1, None));
    assert_eq!(store.registry_profile(unit).await.unwrap().unwrap().qualification_end, end, "the term stays");
    assert_eq!(store.request_events(id).await.unwrap().len(), 1);
    // 终止服务备案: the unit is not marked terminating without the record.
    let term = RequestBody::Termination { end_date: "2099-01-31".into(), reason: "业务调整".into() };
    assert!(is_unavailable(store.file_request(unit, office, &term, Some("2099-01-31"), None, &ev, &audit(FAULTY, "提交终止服务备案请求")).await));
    assert_eq!(store.registry_profile(unit).await.unwrap().unwrap().terminating_on, None);
    // The end of service: the unit stays a direct unit, no exit is recorded.
    let exit = ExitRecord { kind: ExitKind::Voluntary, filed_at: Timestamp(T0), effective_at: Timestamp(T0) };
    assert!(is_unavailable(store.end_service(unit, &exit, "系统", "终止服务", &audit(FAULTY, "终止服务"), &[], None).await));
    let p = store.registry_profile(unit).await.unwrap().unwrap();
    assert!(p.direct_unit.is_some() && p.exit.is_none());
    assert_eq!(store.end_service(unit, &exit, "系统", "终止服务", &audit("系统", "终止服务"), &[], None).await.unwrap(), 0);
    assert_eq!(store.registry_profile(unit).await.unwrap().unwrap().exit, Some(exit));
    assert_eq!(store.end_service(unit, &exit, "系统", "终止服务", &audit("系统", "终止服务"), &[], None).await, Err(StoreError::Conflict), "once");
}

/// Issue #25: a step's effects are applied by the one dispatcher in the step's own transaction,
/// so an effect that fails rolls the whole step back — the end of service (its bindings end by
/// the invitation rules' transition, the use units are told) and 解除绑定 (the 关系变化报告 owed,
/// the parties told). Here an invitation event of one actor, and a report of one kind of
/// change, cannot be written.
async fn an_effect_failing_rolls_back_the_whole_step(store: &SqlStore) {
    use app::effect::Effect;
    use app::kernel::{ExitKind, ExitRecord, Module};
    use app::message::rules::{MessageKind, NewMessage};
    use sqlx::Row;
    seeded(store).await;
    let faults = match store.backend() {
        Backend::Sqlite => [
            format!("CREATE TRIGGER invitation_event_fault BEFORE INSERT ON invitation_events WHEN NEW.actor = '{FAULTY}' BEGIN SELECT RAISE(ABORT, 'event insert failed'); END"),
            format!("CREATE TRIGGER report_fault BEFORE INSERT ON relationship_reports WHEN NEW.what_changed = '{FAULTY}' BEGIN SELECT RAISE(ABORT, 'report insert failed'); END"),
        ],
        Backend::Postgres => [
            format!("ALTER TABLE invitation_events ADD CONSTRAINT invitation_event_fault CHECK (actor <> '{FAULTY}')"),
            format!("ALTER TABLE relationship_reports ADD CONSTRAINT report_fault CHECK (what_changed <> '{FAULTY}')"),
        ],
    };
    for f in faults {
        sqlx::query(&f).execute(store.pool()).await.unwrap();
    }
    let count = |table: &'static str| async move { sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}")).fetch_one(store.pool()).await.unwrap().get::<i64, _>("n") };
    let direct = 1;
    assert!(store.registry_profile(direct).await.unwrap().unwrap().direct_unit.is_some());
    let id = joint_invitation(store, "王建国").await.unwrap();
    let bind = event("授权", "待使用单位授权", "确认通过");
    let ok = audit("何青", "授权");
    store.transition_invitation(id, 1, &InvitationChange { to: &InvitationStatus::Confirmed, event: &bind, audit: &ok, authorization: None, registrations: &[], notes: &[], effects: &[] }).await.unwrap();
    let bound = store.invitation(id).await.unwrap().unwrap();
    let told = |to: i64| NewMessage { enterprise_id: to, module: Module::LeqiAccess, kind: MessageKind::StatusChange, title: "测试".into(), body: "测试".into(), link: None, at: Timestamp(T0), once_key: None };
    let (events, messages, audits) = (store.invitation_events(id).await.unwrap().len(), count("messages").await, count("audit_log").await);
    let unchanged = || async {
        let same = store.invitation(id).await.unwrap().unwrap();
        assert_eq!((same.status, same.version), (InvitationStatus::Confirmed, bound.version));
        assert_eq!((store.invitation_events(id).await.unwrap().len(), count("messages").await, count("audit_log").await), (events, messages, audits));
        assert!(store.relationship_reports_of(direct, 10).await.unwrap().is_empty());
    };

    // The end of service whose binding cannot end: the unit stays a direct unit, no exit, nobody told.
    let exit = ExitRecord { kind: ExitKind::Voluntary, filed_at: Timestamp(T0), effective_at: Timestamp(T0) };
    assert!(is_unavailable(store.end_service(direct, &exit, FAULTY, "终止服务", &audit("系统", "终止服务"), &[told(direct)], Some(&told(0))).await));
    let p = store.registry_profile(direct).await.unwrap().unwrap();
    assert!(p.direct_unit.is_some() && p.exit.is_none());
    unchanged().await;

    // 解除绑定 whose report cannot be written: still bound, no event, no message, no audit record.
    let unbound = InvitationStatus::Unbound { by: "直连单位".into(), reason: String::new() };
    let ev = event("直连单位解除绑定", "确认通过", "已解除绑定");
    let record = audit("王建国", "直连单位解除绑定");
    let report = NewRelationshipReport {
        enterprise_id: direct,
        tax_office_id: bound.use_tax_office_id,
        invitation_id: id,
        use_unit_name: bound.use_name.clone(),
        use_credit_code: bound.use_code.clone(),
        what_changed: FAULTY.into(),
        changed_on: "2026-01-01".into(),
        due: "2026-01-04".into(),
    };
    let effects = [Effect::Tell(told(bound.use_enterprise_id)), Effect::OweRelationshipReport { report: report.clone(), at: Timestamp(T0) }];
    let step = InvitationChange { to: &unbound, event: &ev, audit: &record, authorization: None, registrations: &[], notes: &[], effects: &effects };
    assert!(is_unavailable(store.transition_invitation(id, bound.version, &step).await));
    unchanged().await;
    // The same with a report that can be written: all of it.
    let effects = [Effect::Tell(told(bound.use_enterprise_id)), Effect::OweRelationshipReport { report: NewRelationshipReport { what_changed: "直连单位解除绑定".into(), ..report }, at: Timestamp(T0) }];
    store.transition_invitation(id, bound.version, &InvitationChange { effects: &effects, ..step }).await.unwrap();
    assert_eq!(store.invitation(id).await.unwrap().unwrap().status, unbound);
    assert_eq!((store.invitation_events(id).await.unwrap().len(), count("messages").await, count("audit_log").await), (events + 1, messages + 1, audits + 1));
    assert_eq!(store.relationship_reports_of(direct, 10).await.unwrap().len(), 1);

    // The end of service that can end its bindings: an open (pending) invitation ends by the
    // invitation rules (已解除绑定 by the system, for the reason), its use unit told once.
    let pending = joint_invitation(store, "王建国").await.unwrap();
    let messages = count("messages").await;
    assert_eq!(store.end_service(direct, &exit, "系统", "终止服务", &audit("系统", "终止服务"), &[told(direct)], Some(&told(0))).await.unwrap(), 1);
    let ended = store.invitation(pending).await.unwrap().unwrap();
    assert_eq!(ended.status, InvitationStatus::Unbound { by: "系统".into(), reason: "终止服务".into() });
    let last = store.invitation_events(pending).await.unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.from.as_str(), last.to.as_str(), last.reason.as_deref()), ("终止服务", "待使用单位授权", "已解除绑定", Some("终止服务")));
    assert_eq!(count("messages").await, messages + 2, "the unit and its one use unit");
    assert_eq!(store.registry_profile(direct).await.unwrap().unwrap().exit, Some(exit));
}

on_both_backends!(
    lifecycle_changes_roll_back_with_their_audit,
    access_changes_roll_back_with_their_audit,
    invitation_changes_roll_back_with_their_audit,
    registration_changes_roll_back_with_their_audit,
    auth_request_changes_roll_back_with_their_audit,
    a_corrupt_stored_record_is_an_error_not_a_gap,
    an_effect_failing_rolls_back_the_whole_step,
);
