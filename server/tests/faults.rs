//! Fault tests (issue #14), bounded in time:
//!
//! - the server process is killed (SIGKILL) while a 10,000-row 导入邀请 runs:
//!   no partial batch is ever left, and the next start is clean (SQLite and
//!   PostgreSQL);
//! - 100 officers' conflicting decisions on one application at the same moment:
//!   exactly one wins, 99 get the conflict message, one audit record.

mod common;

use common::http::officer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use app::access::api::*;
use app::access::rules::{AccessAction, ApplicationStatus};
use app::kernel::CreditCode;
use app::error::AppError;
use app::accounts::store::AuditStore;
use app::audit::store::SecurityStore;
use common::http::{call_json, call_typed, login};
use common::*;
use leptos::server_fn::ServerFn;
use serde_json::json;
use server::store::SqlStore;
use sqlx::Row;

const ROWS: usize = 10_000;
const SHULE: &str = "91510104MA6CLQ001T";

// ---- a tiny HTTP/1.1 client over a socket (the server is another process) ----

fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// (status, headers, body) of one request.
fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    s.write_all(&request(addr, method, path, headers, body)).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = out[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut plain = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..line_end]).unwrap().trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            plain.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest = &rest[line_end + 2 + size + 2..];
        }
        body = plain;
    }
    (status, head, body)
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs.iter().map(|(k, v)| format!("{}={}", common::http::urlencode(k), common::http::urlencode(v))).collect::<Vec<_>>().join("&").into_bytes()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

fn login_over_socket(addr: &str) -> String {
    let (_, _, body) = http(addr, "POST", "/api/new_captcha", &[FORM], b"");
    let cid = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
    let (status, _, body) = http(addr, "POST", "/api/enterprise_login", &[FORM], &form(&[("code", SHULE), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", CAPTCHA)]));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let sel: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let link = sel["people"][0]["link_id"].as_i64().unwrap().to_string();
    let (status, head, body) = http(addr, "POST", "/api/person_login_password", &[FORM], &form(&[("flow_id", sel["flow_id"].as_str().unwrap()), ("link_id", &link), ("password", "Demo1234")]));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let line = head.lines().find(|l| l.to_ascii_lowercase().starts_with("set-cookie:")).expect("a session cookie");
    line.split_once(':').unwrap().1.trim().split(';').next().unwrap().to_string()
}

struct Running {
    child: Child,
    addr: String,
}

fn start(url: &str, dir: &std::path::Path) -> Running {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_leqi-server"))
        .env("LEQI_MODE", "demo")
        .env("LEQI_FIXED_CAPTCHA", CAPTCHA)
        .env("LEQI_SECURE_COOKIES", "0")
        .env("LEQI_ADDR", &addr)
        .env("DATABASE_URL", url)
        .env("LEQI_DATA_DIR", dir)
        .env("LEQI_SITE_DIR", dir)
        .env("LEQI_RULES_DIR", concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut r = Running { child, addr };
    for _ in 0..600 {
        if TcpStream::connect(&r.addr).is_ok() {
            return r;
        }
        if let Ok(Some(status)) = r.child.try_wait() {
            panic!("the server exited: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = r.child.kill();
    panic!("the server did not start");
}

/// 10,000 registered units to invite and the workbook that invites them.
async fn prepare(store: &SqlStore) -> Vec<u8> {
    seeded(store).await;
    server::load_province_rules(store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let office: i64 = sqlx::query("SELECT tax_office_id FROM enterprises WHERE credit_code = '91510104MA6CLQ0132'").fetch_one(store.pool()).await.unwrap().get("tax_office_id");
    let units: Vec<(String, String)> = (0..ROWS).map(|i| (CreditCode::from_first17(&format!("91510100MB{i:07}")).unwrap().to_string(), format!("故障测试单位{i}有限公司"))).collect();
    for chunk in units.chunks(500) {
        let values: Vec<String> = (0..chunk.len()).map(|k| format!("(${}, ${}, '', {office}, 0, 'A', 1)", k * 2 + 1, k * 2 + 2)).collect();
        let sql = format!("INSERT INTO enterprises (credit_code, name, password_hash, tax_office_id, created_at, credit_grade, digital_invoice_pilot) VALUES {}", values.join(", "));
        let mut q = sqlx::query(&sql);
        for (code, name) in chunk {
            q = q.bind(code).bind(name);
        }
        q.execute(store.pool()).await.unwrap();
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in server::invite_xlsx::HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (code, name)) in units.iter().enumerate() {
        let row = r as u32 + 1;
        ws.write_string(row, 0, code).unwrap();
        ws.write_string(row, 1, name).unwrap();
        ws.write_string(row, 2, "国家税务总局四川省税务局").unwrap();
        ws.write_string(row, 3, "其他控制关系").unwrap();
        ws.write_string(row, 4, "否").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Every import batch is whole: its invitations are exactly its successful rows.
async fn batches_are_whole(url: &str) -> usize {
    let store = SqlStore::connect(url).await.expect("the database opens cleanly after the kill");
    let batches = sqlx::query("SELECT id, rows_total, rows_ok, rows_failed FROM invitation_batches WHERE source = 'import'").fetch_all(store.pool()).await.unwrap();
    for b in &batches {
        let id: i64 = b.get("id");
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM invitations WHERE batch_id = $1").bind(id).fetch_one(store.pool()).await.unwrap().get("n");
        let (total, ok, failed): (i64, i64, i64) = (b.get("rows_total"), b.get("rows_ok"), b.get("rows_failed"));
        assert_eq!(n, ok, "batch {id}: {n} invitations stored for {ok} successful rows");
        assert_eq!(ok + failed, total);
        assert_eq!(total, ROWS as i64);
    }
    let stray: i64 = sqlx::query("SELECT COUNT(*) AS n FROM invitations WHERE batch_id NOT IN (SELECT id FROM invitation_batches)").fetch_one(store.pool()).await.unwrap().get("n");
    assert_eq!(stray, 0);
    let v = store.verify_audit().await.unwrap();
    assert_eq!(v.first_broken, None, "the audit chain survives the kill");
    store.pool().close().await;
    batches.len()
}

async fn killed_mid_import(url: String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "x").unwrap();
    let workbook = {
        let store = SqlStore::connect(&url).await.unwrap();
        let wb = prepare(&store).await;
        store.pool().close().await;
        wb
    };
    // Kill at growing delays after the upload: while the rows are checked, while
    // they are stored, and at last (the longest) after it may have finished.
    let mut killed_without_batch = 0;
    for delay_ms in [200u64, 1_000, 3_000, 8_000] {
        let mut server = start(&url, dir.path());
        let cookie = login_over_socket(&server.addr);
        let mut s = TcpStream::connect(&server.addr).unwrap();
        let req = request(&server.addr, "POST", "/api/invitations/import?file_name=faults.xlsx", &[("Cookie", &cookie), ("Content-Type", "application/octet-stream")], &workbook);
        s.write_all(&req).unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        drop(s);
        let batches = batches_are_whole(&url).await;
        if batches == 0 {
            killed_without_batch += 1;
        } else {
            break;
        }
    }
    eprintln!("killed before the batch was stored: {killed_without_batch} time(s)");
    // The next start is clean and works: the import runs to the end.
    let mut server = start(&url, dir.path());
    let cookie = login_over_socket(&server.addr);
    let (status, _, body) = http(&server.addr, "POST", "/api/invitations/import?file_name=again.xlsx", &[("Cookie", &cookie), ("Content-Type", "application/octet-stream")], &workbook);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert!(batches_are_whole(&url).await >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_import_leaves_no_partial_batch_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_mid_import(format!("sqlite://{}", dir.path().join("leqi.db").display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_import_leaves_no_partial_batch_postgres() {
    if let Some(url) = common::postgres_url().await {
        killed_mid_import(url).await;
    }
}

// ---- 100 conflicting decisions ------------------------------------------------


fn complete_form() -> serde_json::Value {
    json!({
        "access_type": "Joint", "gov_or_association": false,
        "contact": "高远", "phone": "13908000020", "email": "it@tianfu-sm.example", "address": "成都市高新区天府大道100号",
        "qualifications": { "1": "1", "2": "AAA", "3": "开票30000张，受票0张，开票金额4000万元", "4": "5500", "5": "是", "6": "否",
                             "7": "查账征收", "8": "12%", "9": "5000万元", "10": "80", "11": "否", "12": "无" },
        "use_units": [ { "credit_code": "91510100MA6CLQ014B", "name": "四川天府数字交通投资有限公司", "relationship": "同一监管部门" } ],
        "system_name": "天府数智发票管理系统", "built_by_authorized": false, "builder_code": "", "builder_name": "",
        "deployment": "成都高新区数据中心", "test_ips": "10.1.2.3", "production_ips": "203.0.113.10, 203.0.113.11",
        "protocol": "HTTPS", "port": "443", "period": "long"
    })
}

async fn hundred_officers_one_winner(db: TestDb) {
    let s = site_on(db, app::context::Mode::Demo, &[("index.html", "x")]).await;
    let r = &s.router;
    let me = login(r, "91510100MA6CLQ0301", "高远", "LegalRepresentative").await.unwrap();
    let check: UnitCheck = call_typed(r, ConfirmUnit::PATH, &[("access_type", "Joint"), ("gov_or_association", "false"), ("confirmed", "true")], &me).await.unwrap();
    let draft = check.draft.unwrap();
    common::http::upload_required(r, &me, &draft).await;
    let sent: ApplicationView = call_json(r, SubmitAccessApplication::PATH, json!({ "id": draft.id, "version": draft.version, "form": complete_form() }), &me).await.unwrap();
    assert_eq!(sent.status, ApplicationStatus::PendingAcceptance);
    let gx = officer(r, "sc_gx_shouli").await;
    let case: CaseFile = call_typed(r, OfficerCase::PATH, &[("id", &sent.id.to_string())], &gx).await.unwrap();
    let version = case.application.version;
    let before = s.db.store.recent_audit(10_000).await.unwrap().len();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let (r, gx, id) = (r.clone(), gx.clone(), sent.id);
        // Half accept, half refuse: conflicting decisions on one item.
        let action = if i % 2 == 0 { AccessAction::Accept } else { AccessAction::NotAccept };
        tasks.push(tokio::spawn(async move {
            call_json::<app::kernel::Acted>(&r, AccessAct::PATH, json!({ "id": id, "version": version, "action": action, "reason": "材料不齐" }), &gx).await
        }));
    }
    let (mut won, mut conflicts) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(AppError::Conflict) => conflicts += 1,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((won, conflicts), (1, 99));
    assert_eq!(AppError::Conflict.to_string(), "该记录已被他人处理，请刷新后查看最新状态");
    let after = s.db.store.recent_audit(10_000).await.unwrap();
    let decisions: Vec<_> = after[..after.len() - before].iter().filter(|a| a.description.contains("四川天府数智商贸有限公司的接入申请")).collect();
    assert_eq!(decisions.len(), 1, "one audit record: {decisions:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_conflicting_decisions_sqlite() {
    hundred_officers_one_winner(sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_conflicting_decisions_postgres() {
    if let Some(db) = postgres().await {
        hundred_officers_one_winner(db).await;
    }
}
