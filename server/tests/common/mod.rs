//! Test support: a store on SQLite (temp file) or PostgreSQL (the server the
//! test script starts; `LEQI_TEST_PG_URL`), a clock the test moves, and a Ctx.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use app::kernel::Timestamp;
use app::context::outside::Clock;
use app::context::{Ctx, Mode};
use server::adapters::{OsSecrets, OutboxSmsGateway, PngCaptcha};
use server::store::SqlStore;

pub const CAPTCHA: &str = "7K3P";
pub const T0: i64 = 1_764_000_000_000;
pub const TEST_API_MASTER_KEY: &str = "test-api-master-key-0123456789abcdef";

pub struct TestClock(pub AtomicI64);

impl TestClock {
    pub fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

pub struct TestDb {
    pub store: SqlStore,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    TestDb { store: with_cache(SqlStore::connect(&url).await.expect("sqlite store")), _dir: Some(dir) }
}

/// The session cache as the server runs it (`LEQI_SESSION_CACHE_MS` default): every
/// storage test then also shows that a change through this process counts at once.
fn with_cache(store: SqlStore) -> SqlStore {
    store.with_session_cache(std::time::Duration::from_millis(1000))
}

/// A fresh database on the test PostgreSQL, or None when there is none and
/// none is required (`LEQI_REQUIRE_PG=1` makes its absence a failure).
pub async fn postgres() -> Option<TestDb> {
    let Ok(base) = std::env::var("LEQI_TEST_PG_URL") else {
        assert!(std::env::var("LEQI_REQUIRE_PG").is_err(), "LEQI_REQUIRE_PG is set but LEQI_TEST_PG_URL is not");
        eprintln!("LEQI_TEST_PG_URL not set: PostgreSQL variant skipped");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!("t_{}", OsSecrets::new().random_hex(8));
    let admin = sqlx::AnyPool::connect(&base).await.expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    admin.close().await;
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    Some(TestDb { store: with_cache(SqlStore::connect(&url).await.expect("postgres store")), _dir: None })
}

/// The URL of a fresh, empty database on the test PostgreSQL (for a server
/// process started by the test), or None as [`postgres`].
pub async fn postgres_url() -> Option<String> {
    let Ok(base) = std::env::var("LEQI_TEST_PG_URL") else {
        assert!(std::env::var("LEQI_REQUIRE_PG").is_err(), "LEQI_REQUIRE_PG is set but LEQI_TEST_PG_URL is not");
        return None;
    };
    sqlx::any::install_default_drivers();
    let name = format!("t_{}", OsSecrets::new().random_hex(8));
    let admin = sqlx::AnyPool::connect(&base).await.expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    admin.close().await;
    Some(format!("{}/{name}", base.rsplit_once('/').unwrap().0))
}

pub fn ctx(store: &SqlStore, clock: Arc<TestClock>, mode: Mode) -> Ctx {
    let shared = Arc::new(store.clone());
    // Each context gets its own folder for materials' contents (kept for the test run).
    let blobs = tempfile::tempdir().unwrap().keep();
    Ctx {
        store: shared.clone(),
        blobs: Arc::new(server::store::materials::ObjectBlobStore::local(&blobs).unwrap()),
        sms: Arc::new(OutboxSmsGateway { store: shared }),
        captcha: Arc::new(PngCaptcha { fixed_answer: Some(CAPTCHA.into()) }),
        secrets: Arc::new(OsSecrets::new()),
        clock,
        real_person: Arc::new(server::adapters::ConfiguredRealPerson { demo: true }),
        mode,
        secure_cookies: false,
        api: app::api_credentials::store::ApiSettings { master_key: TEST_API_MASTER_KEY.as_bytes().into(), trust_forwarded_for: false },
        links: app::invite_link::store::LinkSettings { public_url: "http://127.0.0.1:3000".into(), ttl_days: 7 },
    }
}

pub fn clock() -> Arc<TestClock> {
    Arc::new(TestClock(AtomicI64::new(T0)))
}

pub async fn seeded(store: &SqlStore) {
    server::demo::seed(store, &OsSecrets::new(), T0).await.unwrap();
}

/// A router over a fresh seeded SQLite database (with the province rules) and a
/// site folder holding `files` (path, contents).
pub struct Site {
    pub router: axum::Router,
    pub dir: tempfile::TempDir,
    pub db: TestDb,
}

pub async fn site_with(mode: Mode, files: &[(&str, &str)]) -> Site {
    site_on(sqlite().await, mode, files).await
}

/// The same over a given database (e.g. `postgres()`).
pub async fn site_on(db: TestDb, mode: Mode, files: &[(&str, &str)]) -> Site {
    let dir = tempfile::tempdir().unwrap();
    for (path, contents) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    seeded(&db.store).await;
    server::load_province_rules(&db.store, std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules"))).await.unwrap();
    let router = server::http::router(ctx(&db.store, clock(), mode), dir.path());
    Site { router, dir, db }
}

pub async fn site() -> Site {
    site_with(Mode::Demo, &[("index.html", "x")]).await
}

/// Runs one async scenario against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let db = $crate::common::sqlite().await;
                super::$name(&db.store).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                if let Some(db) = $crate::common::postgres().await {
                    super::$name(&db.store).await;
                }
            }
        }
    )*};
}

pub mod http {
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use axum::Router;
    use http_body_util::BodyExt;
    use leptos::server_fn::ServerFn;
    use tower::ServiceExt;

    pub fn urlencode(s: &str) -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    /// Calls a server fn as the browser does (POST, url-encoded arguments).
    pub async fn call(router: &Router, path: &str, form: &[(&str, &str)], cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, String) {
        let body = form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&");
        let mut req = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = router.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.unwrap().to_bytes();
        (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The typed result of a server fn call.
    pub async fn call_typed<T: serde::de::DeserializeOwned>(router: &Router, path: &str, form: &[(&str, &str)], cookie: &str) -> Result<T, app::error::AppError> {
        let (status, _, body) = call(router, path, form, Some(cookie)).await;
        if status.is_success() {
            Ok(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
        } else {
            Err(serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not an AppError ({e}): {body}")))
        }
    }

    /// Calls a JSON-input server fn.
    pub async fn call_json<T: serde::de::DeserializeOwned>(router: &Router, path: &str, body: serde_json::Value, cookie: &str) -> Result<T, app::error::AppError> {
        let req = Request::post(path).header(header::CONTENT_TYPE, "application/json").header(header::COOKIE, cookie).body(Body::from(body.to_string())).unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes);
        if status.is_success() {
            Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}")))
        } else {
            Err(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not an AppError ({e}): {text}")))
        }
    }

    /// `POST /api/materials`: uploads `bytes` as a material of the application.
    pub async fn upload(router: &Router, cookie: Option<&str>, application: i64, kind: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
        let uri = format!("/api/materials?kind={kind}&name={}&application={application}", urlencode(name));
        let mut req = Request::post(uri).header(header::CONTENT_TYPE, "application/octet-stream");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = router.clone().oneshot(req.body(Body::from(bytes)).unwrap()).await.unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A GET with an optional cookie.
    pub async fn get(router: &Router, path: &str, cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::get(path);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let res = router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let (parts, body) = res.into_parts();
        (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
    }

    pub const PDF: &[u8] = include_bytes!("../../../end2end/fixtures/material.pdf");
    pub const PNG: &[u8] = include_bytes!("../../../end2end/fixtures/material.png");
    pub const NOT_A_PDF: &[u8] = include_bytes!("../../../end2end/fixtures/not-a-pdf.pdf");
    pub const TEXT_PNG: &[u8] = include_bytes!("../../../end2end/fixtures/text.png");

    /// Uploads a PDF for every material the application requires.
    pub async fn upload_required(router: &Router, cookie: &str, app: &app::access::api::ApplicationView) {
        for slot in app.material_rules.slots(app.form.built_by_authorized).into_iter().filter(|s| s.required) {
            let (status, body) = upload(router, Some(cookie), app.id, slot.kind.code(), &format!("{}.pdf", slot.kind.label()), PDF.to_vec()).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
    }

    /// Logs an officer in (username, the demo password, the fixed captcha); the cookie pair.
    pub async fn officer(r: &Router, username: &str) -> String {
        let (_, _, body) = call(r, app::auth::api::NewCaptcha::PATH, &[], None).await;
        let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
        let (status, headers, body) = call(r, app::auth::api::OfficerLogin::PATH, &[("username", username), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", super::CAPTCHA)], None).await;
        assert!(status.is_success(), "{body}");
        headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string()
    }

    /// Logs in by enterprise password + person password; returns the cookie pair.
    pub async fn login(router: &Router, code: &str, person: &str, identity: &str) -> Result<String, app::error::AppError> {
        let (_, _, body) = call(router, app::auth::api::NewCaptcha::PATH, &[], None).await;
        let cid = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_str().unwrap().to_string();
        let (_, _, body) = call(router, app::auth::api::EnterpriseLogin::PATH, &[("code", code), ("password", "Demo1234"), ("captcha_id", &cid), ("captcha", super::CAPTCHA)], None).await;
        let sel: serde_json::Value = serde_json::from_str(&body).unwrap();
        let link = sel["people"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .find(|p| p["name"] == person && p["identity"] == identity)
            .unwrap_or_else(|| panic!("{person} {identity} in {body}"))["link_id"]
            .as_i64()
            .unwrap()
            .to_string();
        let flow = sel["flow_id"].as_str().unwrap().to_string();
        let (status, headers, body) = call(router, app::auth::api::PersonLoginPassword::PATH, &[("flow_id", &flow), ("link_id", &link), ("password", "Demo1234")], None).await;
        if !status.is_success() {
            return Err(serde_json::from_str(&body).unwrap());
        }
        Ok(headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string())
    }
}
