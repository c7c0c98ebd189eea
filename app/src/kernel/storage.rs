//! The storage error every store trait returns.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Optimistic versioning: somebody changed the row first.
    #[error("conflict")]
    Conflict,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
