//! 单位关系证明材料 of invitations: one batch of proof for the whole batch, seen by
//! both parties and the use unit's tax office only, replaced by the use unit
//! while it responds and by either side once bound.

mod common;

use common::http::officer;
use app::invitation::api::*;
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::http::{call_json, call_typed, get, login, urlencode, PDF, PNG};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::json;
use tower::ServiceExt;

const SC: &str = "国家税务总局四川省税务局";

async fn proof(r: &axum::Router, cookie: &str, name: &str, bytes: &[u8]) -> (StatusCode, serde_json::Value) {
    let uri = format!("/api/materials?kind=relationship_proof&name={}", urlencode(name));
    let req = Request::post(uri).header(header::CONTENT_TYPE, "application/octet-stream").header(header::COOKIE, cookie).body(Body::from(bytes.to_vec())).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}


#[tokio::test]
async fn proof_material_travels_with_the_invitation() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, "91510104MA6CLQ001T", "王建国", "LegalRepresentative").await.unwrap();
    let (status, info) = proof(r, &me, "关系证明.pdf", PDF).await;
    assert_eq!(status, StatusCode::CREATED, "{info}");
    let pid = info["id"].as_i64().unwrap();
    // Any other kind without an application is refused; a text file is refused by its bytes.
    assert_ne!(proof(r, &me, "x.pdf", b"hello").await.0, StatusCode::CREATED);

    let row = json!({ "credit_code": "91510100MA6CLQ0125", "name": "成都蜀乐软件有限公司", "province": SC, "relationship": "母子公司关系", "pre_authorize": "否" });
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [row], "proof_material_id": pid }), &me).await.unwrap();
    assert_eq!(out.invited, 1);
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": {} }), &me).await.unwrap();
    let id = page.rows[0].id;
    let v: InvitationView = call_typed(r, InvitationDetail::PATH, &[("id", &id.to_string())], &me).await.unwrap();
    assert_eq!(v.proof_material_id, Some(pid));

    // Seen by both parties and the use unit's office (高新), nobody else.
    let soft = login(r, "91510100MA6CLQ0125", "郑浩", "LegalRepresentative").await.unwrap();
    let other = login(r, "91150105MA0NCY0024", "巴特尔", "LegalRepresentative").await.unwrap();
    let gx = officer(r, "sc_gx_shouli").await;
    let jj = officer(r, "sc_jj_shouli").await;
    let path = format!("/api/materials/{pid}");
    let (st, h, body) = get(r, &path, Some(&soft)).await;
    assert_eq!((st, h[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "application/pdf"));
    assert_eq!(body, PDF);
    assert_eq!(get(r, &path, Some(&gx)).await.0, StatusCode::OK);
    assert_eq!(get(r, &path, Some(&other)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(r, &path, Some(&jj)).await.0, StatusCode::NOT_FOUND);

    // A proof of another unit cannot be passed off as one's own.
    let (_, theirs) = proof(r, &other, "their.pdf", PDF).await;
    let e = call_json::<BatchOutcome>(r, SubmitInvitations::PATH, json!({ "rows": [row], "proof_material_id": theirs["id"] }), &me).await.unwrap_err();
    assert!(e.message_for("proof").is_some(), "{e:?}");

    // The direct unit may replace it only once bound; the use unit while it responds.
    let (_, mine2) = proof(r, &me, "新证明.pdf", PDF).await;
    let e = call_typed::<InvitationView>(r, ReplaceInvitationProof::PATH, &[("id", &id.to_string()), ("version", &v.version.to_string()), ("material_id", &mine2["id"].to_string())], &me).await.unwrap_err();
    assert!(matches!(e, AppError::Refused(ref m) if m.contains("确认通过")), "{e:?}");
    let (_, own) = proof(r, &soft, "补充证明.png", PNG).await;
    let v2: InvitationView = call_typed(r, ReplaceInvitationProof::PATH, &[("id", &id.to_string()), ("version", &v.version.to_string()), ("material_id", &own["id"].to_string())], &soft).await.unwrap();
    let new_id = own["id"].as_i64().unwrap();
    assert_eq!(v2.proof_material_id, Some(new_id));
    assert!(v2.timeline.iter().any(|t| t.action == "变更关系证明材料"));
    // The direct unit now sees the use unit's material through the invitation.
    let (st, h, _) = get(r, &format!("/api/materials/{new_id}"), Some(&me)).await;
    assert_eq!((st, h[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "image/png"));
    // A stale version is a conflict.
    let e = call_typed::<InvitationView>(r, ReplaceInvitationProof::PATH, &[("id", &id.to_string()), ("version", &v.version.to_string()), ("material_id", &new_id.to_string())], &soft).await.unwrap_err();
    assert_eq!(e, AppError::Conflict);
}
