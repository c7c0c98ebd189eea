//! Test support: a store on SQLite (temp file) or PostgreSQL (the server the
//! test script starts; `LEQI_TEST_PG_URL`), a clock the test moves, and a Ctx.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use app::domain::Timestamp;
use app::ports::{Clock, Ctx, Mode};
use server::adapters::{OsSecrets, OutboxSmsGateway, PngCaptcha};
use server::store::SqlStore;

pub const CAPTCHA: &str = "7K3P";
pub const T0: i64 = 1_764_000_000_000;

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
    TestDb { store: SqlStore::connect(&url).await.expect("sqlite store"), _dir: Some(dir) }
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
    Some(TestDb { store: SqlStore::connect(&url).await.expect("postgres store"), _dir: None })
}

pub fn ctx(store: &SqlStore, clock: Arc<TestClock>, mode: Mode) -> Ctx {
    let shared = Arc::new(store.clone());
    Ctx {
        store: shared.clone(),
        sms: Arc::new(OutboxSmsGateway { store: shared }),
        captcha: Arc::new(PngCaptcha { fixed_answer: Some(CAPTCHA.into()) }),
        secrets: Arc::new(OsSecrets::new()),
        clock,
        mode,
        secure_cookies: false,
    }
}

pub fn clock() -> Arc<TestClock> {
    Arc::new(TestClock(AtomicI64::new(T0)))
}

pub async fn seeded(store: &SqlStore) {
    server::demo::seed(store, &OsSecrets::new(), T0).await.unwrap();
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
