//! 导入邀请 over HTTP: 【下载模版】, an import of a real .xlsx with good and bad
//! rows, the 邀请失败记录 read back cell by cell, refusals that change nothing,
//! and another direct unit kept out.

mod common;

use std::io::Cursor;

use app::invitation::api::*;
use app::error::AppError;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use common::http::{call_json, call_typed, login};
use common::*;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::json;
use tower::ServiceExt;

const SHULE: &str = "91510104MA6CLQ001T";
const CAOYUAN: &str = "91150105MA0NCY0024";
const SC: &str = "国家税务总局四川省税务局";

async fn raw(r: &axum::Router, method: &str, path: &str, cookie: &str, body: Vec<u8>) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder().method(method).uri(path).header(header::COOKIE, cookie).header(header::CONTENT_TYPE, "application/octet-stream").body(Body::from(body)).unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ct = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (status, ct, res.into_body().collect().await.unwrap().to_bytes().to_vec())
}

/// A workbook as a user fills the template: header row, then `rows`.
fn workbook(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("邀请信息").unwrap();
    for (c, h) in server::invite_xlsx::HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let name = x.sheet_names()[0].clone();
    let range = x.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.iter().map(|c| match c { Data::String(s) => s.clone(), Data::Empty => String::new(), other => other.to_string() }).collect()).collect()
}

#[tokio::test]
async fn import_with_good_and_bad_rows_and_the_failure_file() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();

    let (status, ct, tpl) = raw(r, "GET", "/api/invitations/template.xlsx", &me, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.contains("spreadsheetml"));
    assert_eq!(cells(&tpl)[0], server::invite_xlsx::HEADERS.map(String::from).to_vec());

    // Not an xlsx: refused next to the file field, nothing stored.
    let (status, _, body) = raw(r, "POST", "/api/invitations/import?file_name=a.pdf", &me, b"%PDF-1.7 not a workbook".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let e: AppError = serde_json::from_slice(&body).unwrap();
    assert_eq!(e.message_for("file").as_deref(), Some("仅支持Excel（.xlsx）文件"));
    let batches: Vec<BatchRow> = call_typed(r, InvitationBatches::PATH, &[], &me).await.unwrap();
    assert!(batches.is_empty(), "a refused file writes nothing");

    let file = workbook(&[
        ["91510104MA6CLQ0132", "四川蜀乐物业服务有限公司", SC, "其他控制关系", "是"],
        ["91510104MA6CLQ0133", "错误的校验码公司", SC, "母子公司关系", "否"],
        ["91510100MA6CLQ0125", "成都蜀乐软件有限公司（名称不符）", SC, "母子公司关系", "否"],
        ["91510100MA6CLQ014B", "四川天府数字交通投资有限公司", "国家税务总局内蒙古自治区税务局", "同一监管部门", "否"],
        ["91510104MA6CLQ0132", "四川蜀乐物业服务有限公司", SC, "其他控制关系", "是"],
        ["91510104MA6CLQ0158", "成都青禾餐饮管理有限公司", SC, "不具有控制关系", "否"],
    ]);
    let (status, _, body) = raw(r, "POST", "/api/invitations/import?file_name=%E9%82%80%E8%AF%B7.xlsx", &me, file).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let out: BatchOutcome = serde_json::from_slice(&body).unwrap();
    assert_eq!(out.invited, 2, "{out:?}");
    let reasons: Vec<(u32, &str)> = out.failed.iter().map(|f| (f.row_no, f.reason.as_str())).collect();
    assert_eq!(reasons.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3, 4, 5, 6], "Excel row numbers (header is row 1)");
    assert!(reasons[0].1.starts_with("统一社会信用代码"), "{reasons:?}");
    assert_eq!(reasons[1].1, "单位名称与统一社会信用代码登记信息不一致");
    assert!(reasons[2].1.starts_with("省级税务机关与该单位登记信息不一致"));
    assert_eq!(reasons[3].1, "与第2行的使用单位重复");

    // 导入记录 and the failure file, cell by cell.
    let batches: Vec<BatchRow> = call_typed(r, InvitationBatches::PATH, &[], &me).await.unwrap();
    assert_eq!((batches[0].source.as_str(), batches[0].file_name.as_str(), batches[0].rows_total, batches[0].rows_ok, batches[0].rows_failed, batches[0].status.as_str()), ("导入邀请", "邀请.xlsx", 6, 2, 4, "部分成功"));
    let (status, _, xlsx) = raw(r, "GET", &format!("/api/invitations/batches/{}/failures.xlsx", out.batch_id), &me, vec![]).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = cells(&xlsx);
    assert_eq!(sheet[0].first().map(String::as_str), Some("行号"));
    assert_eq!(sheet[0].last().map(String::as_str), Some("失败原因"));
    assert_eq!(sheet.len(), 5);
    assert_eq!(sheet[2][1..4], ["91510100MA6CLQ0125".to_string(), "成都蜀乐软件有限公司（名称不符）".into(), SC.into()]);
    assert_eq!(sheet[2].last().unwrap(), "单位名称与统一社会信用代码登记信息不一致");
    assert_eq!(sheet[4][0], "6");

    // Importing the same units again: already invited.
    let again = workbook(&[["91510104MA6CLQ0132", "四川蜀乐物业服务有限公司", SC, "其他控制关系", "是"]]);
    let (_, _, body) = raw(r, "POST", "/api/invitations/import", &me, again).await;
    let out2: BatchOutcome = serde_json::from_slice(&body).unwrap();
    assert_eq!((out2.invited, out2.failed[0].reason.as_str()), (0, "该单位已与本单位绑定或有待处理的邀请"));

    // The list shows what was invited: 自用类 waits for the use unit, 联用类 for its authorization (备案通过).
    let page: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": {} }), &me).await.unwrap();
    let st: Vec<(&str, &str)> = page.rows.iter().map(|x| (x.credit_code.as_str(), x.status.as_str())).collect();
    assert!(st.contains(&("91510104MA6CLQ0132", "待使用单位响应")) && st.contains(&("91510104MA6CLQ0158", "待使用单位授权")), "{st:?}");

    // Another direct unit: not its batch, not its template rights over 蜀乐's data.
    let other = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let (status, _, _) = raw(r, "GET", &format!("/api/invitations/batches/{}/failures.xlsx", out.batch_id), &other, vec![]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let e = call_typed::<Vec<FailedRowView>>(r, BatchFailures::PATH, &[("batch_id", &out.batch_id.to_string())], &other).await.unwrap_err();
    assert_eq!(e, AppError::NotFound);
    let theirs: InvitationPage = call_json(r, ListInvitations::PATH, json!({ "query": {} }), &other).await.unwrap();
    assert!(theirs.rows.is_empty());
    let id = page.rows[0].id;
    assert_eq!(call_typed::<InvitationView>(r, InvitationDetail::PATH, &[("id", &id.to_string())], &other).await.unwrap_err(), AppError::NotFound);
    assert_eq!(call_json::<Vec<FailedRowView>>(r, UnbindUseUnits::PATH, json!({ "ids": [id], "reason": "" }), &other).await.unwrap()[0].reason, "未找到相关记录");

    // Without a session nothing is served.
    let (status, _, _) = raw(r, "GET", "/api/invitations/template.xlsx", "leqi_sid=nope", vec![]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_form_takes_at_most_fifty_rows() {
    let s = site().await;
    let r = &s.router;
    let me = login(r, SHULE, "王建国", "LegalRepresentative").await.unwrap();
    let row = json!({ "credit_code": "91510104MA6CLQ0132", "name": "四川蜀乐物业服务有限公司", "province": SC, "relationship": "其他控制关系", "pre_authorize": "否" });
    let rows: Vec<_> = (0..51).map(|_| row.clone()).collect();
    let e = call_json::<BatchOutcome>(r, SubmitInvitations::PATH, json!({ "rows": rows, "proof_material_id": null }), &me).await.unwrap_err();
    assert!(e.message_for("rows").unwrap().contains("最多添加50家"), "{e:?}");
    let ok: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [row], "proof_material_id": null }), &me).await.unwrap();
    assert_eq!(ok.invited, 1);
    // A 自用 direct unit cannot invite 联用类.
    let nm = login(r, CAOYUAN, "巴特尔", "LegalRepresentative").await.unwrap();
    let opts: InviteChoices = call_typed(r, InviteOptions::PATH, &[], &nm).await.unwrap();
    assert!(!opts.relationships.contains(&"不具有控制关系".to_string()));
    let out: BatchOutcome = call_json(r, SubmitInvitations::PATH, json!({ "rows": [{ "credit_code": "91510104MA6CLQ0158", "name": "成都青禾餐饮管理有限公司", "province": SC, "relationship": "不具有控制关系", "pre_authorize": "否" }], "proof_material_id": null }), &nm).await.unwrap();
    assert!(out.failed[0].reason.contains("不能邀请联用类"), "{out:?}");
}
