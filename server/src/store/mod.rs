//! The storage adapter: one portable SQL dialect over `sqlx::Any`, so the
//! same statements run on SQLite (default) and PostgreSQL (`DATABASE_URL`).
//! Schema differences live only in the two migration folders. Each workflow's
//! store is `store/<workflow>.rs` (its child modules below); this file holds the `SqlStore` itself.

pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod audit;
pub mod auth_request;
pub mod capability;
pub mod capability_grant;
pub mod effects;
pub mod invitation;
pub mod invite_link;
pub mod invoicers;
pub mod lifecycle;
pub mod materials;
pub mod measure;
pub mod message;
pub mod province_rules;
pub mod relationship_report;
pub mod security;
pub mod tax_desk;
pub mod transition;
pub mod upgrade_notice;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::auth::rules::SessionClock;
use app::kernel::Principal;
use app::kernel::storage::*;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use tokio::sync::OwnedMutexGuard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    sessions: Arc<SessionCache>,
    /// SQLite: one writing transaction at a time in this process (see [`SqlStore::begin_write`]).
    write_gate: Option<Arc<tokio::sync::Mutex<()>>>,
}

/// The signed-in sessions this process looked up lately (issue #16: every
/// logged-in call needs its principal). An entry serves for at most `ttl`
/// (`LEQI_SESSION_CACHE_MS`, 0 = off, the default of a bare [`SqlStore`]).
/// A change made through this process — 退出, a person unbound, grants or
/// identity changed, sessions ended — empties it at once (`invalidate`, a
/// generation: a lookup that raced the change is not kept); a change made by
/// another server process is seen here within `ttl`.
pub struct SessionCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<HashMap<String, CachedSession>>,
}

struct CachedSession {
    at: Instant,
    generation: u64,
    principal: Principal,
    clock: SessionClock,
}

/// More entries than this and the cache starts over (a bound on memory).
const SESSION_CACHE_MAX: usize = 50_000;

impl SessionCache {
    fn new(ttl: Duration) -> Self {
        SessionCache { ttl, generation: AtomicU64::new(0), entries: Mutex::new(HashMap::new()) }
    }

    pub(crate) fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// The generation to pass to `put` for a lookup that starts now.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub(crate) fn get(&self, token_hash: &str) -> Option<(Principal, SessionClock)> {
        if !self.enabled() {
            return None;
        }
        let now = self.generation();
        let entries = self.entries.lock().ok()?;
        let e = entries.get(token_hash)?;
        (e.generation == now && e.at.elapsed() < self.ttl).then(|| (e.principal.clone(), e.clock))
    }

    pub(crate) fn put(&self, token_hash: &str, generation: u64, principal: &Principal, clock: SessionClock) {
        if !self.enabled() || generation != self.generation() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= SESSION_CACHE_MAX {
                entries.clear();
            }
            entries.insert(token_hash.to_owned(), CachedSession { at: Instant::now(), generation, principal: principal.clone(), clock });
        }
    }

    /// The session's last use moved on (written to the database by `touch_session`).
    pub(crate) fn touched(&self, token_hash: &str, now: app::kernel::Timestamp) {
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(e) = entries.get_mut(token_hash) {
                e.clock.last_seen_at = now;
            }
        }
    }

    /// Something a principal is read from changed in this process: forget every entry.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }
}

/// A writing transaction ([`SqlStore::begin_write`]): the transaction, and on
/// SQLite this process's write gate until it commits or is dropped.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

/// How long a writer waits for the gate before it answers 系统繁忙 (as SQLite's own busy timeout).
const WRITE_GATE_WAIT: Duration = Duration::from_secs(5);

pub(crate) fn unavailable(e: sqlx::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// A unique-constraint violation is a conflict; anything else is an outage.
pub(crate) fn conflict_or_unavailable(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict,
        _ => unavailable(e),
    }
}

/// A stored value that no longer parses.
pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("stored {what}: {e}"))
}

impl SqlStore {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") { Backend::Postgres } else { Backend::Sqlite };
        let pool = match backend {
            Backend::Sqlite => {
                // WAL, foreign keys and a busy timeout on every connection.
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA busy_timeout = 5000").execute(&mut *conn).await?;
                            sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                            Ok(())
                        })
                    })
                    .connect(&sqlite_url(url))
                    .await?
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).connect(url).await?,
        };
        let write_gate = (backend == Backend::Sqlite).then(|| Arc::new(tokio::sync::Mutex::new(())));
        let store = SqlStore { pool, backend, sessions: Arc::new(SessionCache::new(Duration::ZERO)), write_gate };
        store.migrate().await?;
        crate::store::audit::seal_unchained(&store.pool).await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Keeps looked-up sessions for `ttl` (see [`SessionCache`]); zero turns it off.
    pub fn with_session_cache(mut self, ttl: Duration) -> Self {
        self.sessions = Arc::new(SessionCache::new(ttl));
        self
    }

    pub(crate) fn session_cache(&self) -> &SessionCache {
        &self.sessions
    }

    /// Begins a transaction that writes. SQLite lets one connection write at a
    /// time and makes the others wait in its busy handler, which sleeps in
    /// growing steps (up to 100 ms) — under load most of a write's time. So on
    /// SQLite the writers of this process queue here first, and each finds the
    /// database free (issue #16: ≥ 1,000 transitions/s). PostgreSQL locks rows,
    /// not the database: no gate.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let gate = match &self.write_gate {
            Some(g) => Some(
                tokio::time::timeout(WRITE_GATE_WAIT, g.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Unavailable("write gate: waited too long".into()))?,
            ),
            None => None,
        };
        let tx = self.pool.begin().await.map_err(unavailable)?;
        Ok(WriteTx { tx, _gate: gate })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// `sqlite://path` with the file created when missing.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}
