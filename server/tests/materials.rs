//! 申请材料 on SQLite and PostgreSQL: metadata and contents in storage, and the
//! HTTP upload/download with its checks — the type read from the bytes, the
//! size limit, the owning unit, and officers only for cases that are theirs.

mod common;

use common::http::officer;
use app::context::store_traits::*;
use app::access::api::*;
use app::materials::api::{DeleteMaterial, MaterialInfo};
use app::materials::rules::{FileType, MaterialKind, MaterialOwner, MAX_FILE_BYTES};
use app::kernel::{CreditCode, Timestamp};
use app::error::AppError;
use app::materials::store::*;
use axum::http::{header, StatusCode};
use common::http::{call_json, call_typed, get, login, upload, upload_required, NOT_A_PDF, PDF, PNG, TEXT_PNG};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;
use server::store::materials::ObjectBlobStore;

const TIANFU_SM: &str = "91510100MA6CLQ0301";

async fn enterprise_id(store: &SqlStore, code: &str) -> i64 {
    store.enterprise_by_code(&CreditCode::parse(code).unwrap()).await.unwrap().unwrap().id
}

fn new_material(enterprise_id: i64, kind: MaterialKind, key: &str) -> NewMaterial {
    NewMaterial { enterprise_id, kind, file_name: "报告.pdf".into(), file_type: FileType::Pdf, size: 593, sha256: "ab".repeat(32), object_key: key.into(), uploaded_by: "高远".into() }
}

async fn metadata_attach_copy_and_delete(store: &SqlStore) {
    seeded(store).await;
    let unit = enterprise_id(store, TIANFU_SM).await;
    let other = enterprise_id(store, "91510100MA6CLQ014B").await;
    let m = store.insert_material(&new_material(unit, MaterialKind::ProjectReport, "k1"), Timestamp(T0)).await.unwrap();
    assert_eq!((m.owner, m.kind, m.file_type, m.size, m.created_at), (MaterialOwner::Unattached, MaterialKind::ProjectReport, FileType::Pdf, 593, Timestamp(T0)));
    assert_eq!(store.material(m.id).await.unwrap().as_ref(), Some(&m));
    // Only the uploading unit attaches, and only once.
    assert!(!store.attach_material(m.id, other, MaterialOwner::Application(1)).await.unwrap());
    assert!(store.attach_material(m.id, unit, MaterialOwner::Application(1)).await.unwrap());
    assert!(!store.attach_material(m.id, unit, MaterialOwner::Application(2)).await.unwrap(), "already attached");
    let m2 = store.insert_material(&new_material(unit, MaterialKind::NetworkFiling, "k2"), Timestamp(T0 + 1)).await.unwrap();
    assert!(store.attach_material(m2.id, unit, MaterialOwner::Application(1)).await.unwrap());
    let batch = store.insert_material(&new_material(unit, MaterialKind::RelationshipProof, "k3"), Timestamp(T0)).await.unwrap();
    assert!(store.attach_material(batch.id, unit, MaterialOwner::InvitationBatch(1)).await.unwrap());
    let listed: Vec<_> = store.materials_of(MaterialOwner::Application(1)).await.unwrap().into_iter().map(|m| m.kind).collect();
    assert_eq!(listed, [MaterialKind::ProjectReport, MaterialKind::NetworkFiling], "an invitation batch with the same id is another owner");
    // Copies share the contents: deleting one keeps the object, deleting the last frees it.
    assert_eq!(store.copy_materials(MaterialOwner::Application(1), MaterialOwner::Application(2), Timestamp(T0 + 5)).await.unwrap(), 2);
    let copies = store.materials_of(MaterialOwner::Application(2)).await.unwrap();
    assert_eq!(copies.iter().map(|c| c.object_key.as_str()).collect::<Vec<_>>(), ["k1", "k2"]);
    assert_eq!(store.delete_material(copies[0].id).await.unwrap(), None, "k1 is still used by application 1");
    assert_eq!(store.delete_material(m.id).await.unwrap().as_deref(), Some("k1"));
    assert_eq!(store.delete_material(m.id).await.unwrap(), None, "already gone");
    assert!(store.material(m.id).await.unwrap().is_none());
}

on_both_backends!(metadata_attach_copy_and_delete);

#[tokio::test]
async fn blobs_in_a_local_folder() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = ObjectBlobStore::local(&dir.path().join("materials")).unwrap();
    blobs.put("7/abc", PDF.to_vec()).await.unwrap();
    assert_eq!(blobs.get("7/abc").await.unwrap().as_deref(), Some(PDF));
    assert!(dir.path().join("materials/7/abc").is_file());
    blobs.delete("7/abc").await.unwrap();
    assert_eq!(blobs.get("7/abc").await.unwrap(), None);
    blobs.delete("7/abc").await.unwrap();
}


fn complete_form() -> serde_json::Value {
    json!({
        "access_type": "Joint", "contact": "高远", "phone": "13908000020", "email": "it@tianfu-sm.example", "address": "成都市高新区天府大道100号",
        "qualifications": { "1": "1", "2": "AAA", "3": "30000张", "4": "5500", "5": "是", "6": "否", "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [ { "credit_code": "91510100MA6CLQ014B", "name": "四川天府数字交通投资有限公司", "relationship": "同一监管部门" } ],
        "system_name": "天府数智发票管理系统", "deployment": "成都", "test_ips": "10.1.2.3", "production_ips": "203.0.113.10",
        "protocol": "HTTPS", "port": "443", "period": "long"
    })
}

fn field_message(body: &str, field: &str) -> Option<String> {
    serde_json::from_str::<AppError>(body).unwrap_or_else(|e| panic!("{e}: {body}")).message_for(field)
}

async fn upload_view_and_keep_others_out(s: &Site) {
    let r = &s.router;
    let me = login(r, TIANFU_SM, "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    let draft = check.draft.unwrap();
    assert!(draft.materials.is_empty());
    assert_eq!(draft.material_rules.required.len(), 5, "四川: {:?}", draft.material_rules);

    // A real PDF and a real PNG are accepted, whatever the name says.
    let (status, body) = upload(r, Some(&me), draft.id, "access_info_form", "接入信息表.pdf", PDF.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let pdf: MaterialInfo = serde_json::from_str(&body).unwrap();
    assert_eq!((pdf.kind, pdf.file_name.as_str(), pdf.content_type.as_str(), pdf.size), (MaterialKind::AccessInfoForm, "接入信息表.pdf", "application/pdf", PDF.len() as u64));
    let (status, body) = upload(r, Some(&me), draft.id, "network_filing", "scan.pdf", PNG.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let png: MaterialInfo = serde_json::from_str(&body).unwrap();
    assert_eq!(png.content_type, "image/png", "sniffed, not taken from the name");

    // A program or a text file renamed is refused, next to its material.
    let (status, body) = upload(r, Some(&me), draft.id, "project_report", "项目报告.pdf", NOT_A_PDF.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_message(&body, "material.project_report").as_deref(), Some("仅支持PDF、JPG、PNG格式的文件"));
    let (_, body) = upload(r, Some(&me), draft.id, "software_right", "证明.png", TEXT_PNG.to_vec()).await;
    assert_eq!(field_message(&body, "material.software_right").as_deref(), Some("仅支持PDF、JPG、PNG格式的文件"));
    let (_, body) = upload(r, Some(&me), draft.id, "software_right", "empty.pdf", vec![]).await;
    assert_eq!(field_message(&body, "material.software_right").as_deref(), Some("文件为空，请重新选择"));
    // Over 10 MB is refused without reading it all.
    let mut big = PDF.to_vec();
    big.resize(MAX_FILE_BYTES + 1, b' ');
    let (status, body) = upload(r, Some(&me), draft.id, "project_report", "big.pdf", big).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_message(&body, "material.project_report").as_deref(), Some("文件大小不能超过10MB"));
    // A kind the province does not ask for, an unknown kind, no session.
    let (_, body) = upload(r, Some(&me), draft.id, "fixed_ip_proof", "ip.pdf", PDF.to_vec()).await;
    assert_eq!(field_message(&body, "material.fixed_ip_proof").as_deref(), Some("本省接入申请不需要《固定IP专属使用证明》"));
    let (status, _) = upload(r, Some(&me), draft.id, "exe", "a.pdf", PDF.to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = upload(r, None, draft.id, "project_report", "a.pdf", PDF.to_vec()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The unit views its file inline with the sniffed type.
    let (status, headers, bytes) = get(r, &pdf.url(), Some(&me)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("inline; "));
    assert_eq!(get(r, &png.url(), Some(&me)).await.1[header::CONTENT_TYPE], "image/png");

    // Another unit: not found, for viewing, uploading to the draft and deleting.
    let other = login(r, "91510100MA6CLQ014B", "杨帆", "LegalRepresentative").await.unwrap();
    assert_eq!(get(r, &pdf.url(), Some(&other)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(r, &pdf.url(), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(r, "/api/materials/999999", Some(&me)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(upload(r, Some(&other), draft.id, "project_report", "a.pdf", PDF.to_vec()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call_typed::<()>(r, DeleteMaterial::PATH, &[("id", &pdf.id.to_string())], &other).await.unwrap_err(), AppError::NotFound);
    // Officers see nothing of a draft, even their own office's.
    let gx = officer(r, "sc_gx_shouli").await;
    assert_eq!(get(r, &pdf.url(), Some(&gx)).await.0, StatusCode::NOT_FOUND);

    // The unit deletes while it is a draft; the list follows.
    call_typed::<()>(r, DeleteMaterial::PATH, &[("id", &png.id.to_string())], &me).await.unwrap();
    assert_eq!(get(r, &png.url(), Some(&me)).await.0, StatusCode::NOT_FOUND);
    let now: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let current = now.current.unwrap();
    assert_eq!(current.materials.iter().map(|m| m.id).collect::<Vec<_>>(), [pdf.id]);

    // 提交 names each missing material; with everything uploaded it goes.
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": current.version, "form": complete_form() }), &me).await.unwrap_err();
    assert_eq!(e.message_for("material.network_filing").as_deref(), Some("请上传《网络地址备案表》"));
    assert_eq!(e.message_for("material.access_info_form"), None);
    let mut authorized = complete_form();
    authorized["built_by_authorized"] = json!(true);
    authorized["builder_code"] = json!("91510100MA6CLQ014B");
    authorized["builder_name"] = json!("四川天府数字交通投资有限公司");
    let now: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let e = call_json::<ApplicationView>(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": now.current.unwrap().version, "form": authorized }), &me).await.unwrap_err();
    // 乐企联用 has no 被授权单位 (填表说明 1), so no 授权委托书 either: the builder is refused instead.
    assert_eq!(e.message_for("built_by_authorized").as_deref(), Some("乐企联用申请接入企业无需填写被授权单位相关信息，请清除被授权单位信息"));
    assert_eq!(e.message_for("material.power_of_attorney"), None);
    upload_required(r, &me, &current).await;
    let now: AccessSummary = call_typed(r, AccessOverview::PATH, &[], &me).await.unwrap();
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": now.current.unwrap().version, "form": complete_form() }), &me).await.unwrap();
    assert_eq!(sent.status.label(), "待受理");
    assert_eq!(sent.materials.len(), 6);

    // Submitted: no more changes.
    let e = call_typed::<()>(r, DeleteMaterial::PATH, &[("id", &pdf.id.to_string())], &me).await.unwrap_err();
    assert_eq!(e, AppError::Refused("申请已待受理，材料不能删除".into()));
    assert_eq!(upload(r, Some(&me), draft.id, "other", "a.pdf", PDF.to_vec()).await.0, StatusCode::UNPROCESSABLE_ENTITY);

    // The officers whose jurisdiction covers the case see its materials; others do not.
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &sent.id.to_string())], &gx).await.unwrap();
    assert_eq!(case.application.materials.len(), 6);
    let (status, headers, bytes) = get(r, &pdf.url(), Some(&gx)).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PDF));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(get(r, &pdf.url(), Some(&officer(r, "sc_queren").await)).await.0, StatusCode::OK, "the province's confirmation desk");
    assert_eq!(get(r, &pdf.url(), Some(&officer(r, "sc_jj_shouli").await)).await.0, StatusCode::NOT_FOUND, "another office");
    assert_eq!(get(r, &pdf.url(), Some(&officer(r, "nm_queren").await)).await.0, StatusCode::NOT_FOUND, "another province");

    // Every upload and delete left an audit record.
    let audit = s.db.store.recent_audit(200).await.unwrap();
    let kinds = |k: &str, ok: bool| audit.iter().filter(|a| a.kind == k && (a.outcome == app::audit::rules::AuditOutcome::Success) == ok).count();
    assert_eq!(kinds("上传材料", true), 2 + 5);
    assert!(kinds("上传材料", false) >= 3, "refused files are recorded too");
    assert_eq!(kinds("删除材料", true), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_view_and_keep_others_out_sqlite() {
    upload_view_and_keep_others_out(&site().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upload_view_and_keep_others_out_postgres() {
    if let Some(db) = postgres().await {
        upload_view_and_keep_others_out(&site_on(db, app::context::Mode::Demo, &[("index.html", "x")]).await).await;
    }
}
