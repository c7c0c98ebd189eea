//! The storage adapter: one portable SQL dialect over `sqlx::Any`, so the
//! same statements run on SQLite (default) and PostgreSQL (`DATABASE_URL`).
//! Schema differences live only in the two migration folders. Each workflow's
//! store is `store_<workflow>.rs`; this file holds the `SqlStore` itself.

use app::ports::*;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

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
        let store = SqlStore { pool, backend };
        store.migrate().await?;
        crate::store_audit::seal_unchained(&store.pool).await?;
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
