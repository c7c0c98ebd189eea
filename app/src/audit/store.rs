//! What the hardening (issue #14) needs from storage: atomic attempt counters,
//! sessions ended as a group, upload quotas and clean-up, the material delete
//! that checks the draft in the same statement, and the tamper-evident audit
//! log (its chain check and the viewer's queries).

use async_trait::async_trait;

use crate::auth::rules::FailureCounter;
use crate::kernel::Timestamp;
use crate::kernel::storage::StoreResult;

/// What happened to a material delete that checks the owner in the same statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftDelete {
    /// Gone; the object key when no other row shares the contents.
    Deleted(Option<String>),
    /// No such material of that unit.
    NotFound,
    /// It is attached to something that is no longer a draft (submitted meanwhile).
    NotDraft,
}

/// One record of the audit log as the viewer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor: String,
    pub unit: String,
    pub kind: String,
    pub description: String,
    pub success: bool,
}

/// The viewer's query: the units it may show, filters, keyset paging (newest first).
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// The `unit` values (credit codes) the caller may see; never empty.
    pub units: AuditScope,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// Part of the actor's name.
    pub actor: Option<String>,
    /// Exact kind, e.g. 企业登录.
    pub kind: Option<String>,
    /// Only ids below this (the previous page's last id).
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Whose records: one unit, or every unit of a tax office / province.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AuditScope {
    #[default]
    Nobody,
    Unit(String),
    TaxOffice(i64),
    Province(String),
}

/// The first link of the audit chain that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The chain (one per day, Beijing time: "2026-11-30").
    pub stream: String,
    /// Position in the chain (1-based).
    pub seq: i64,
    /// The record's id, when the record is there (None: it was deleted).
    pub id: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuditVerification {
    pub streams: u64,
    pub records: u64,
    pub first_broken: Option<BrokenLink>,
}

#[async_trait]
pub trait SecurityStore: Send + Sync {
    /// Counts one attempt under `key` in one atomic statement and returns the
    /// counter as it is after counting. A lock that ran out starts afresh, and
    /// with `window_ms` so does a count older than the window.
    async fn count_attempt(&self, key: &str, now: Timestamp, window_ms: Option<i64>) -> StoreResult<FailureCounter>;
    /// Locks `key` until `until` (a lock already running is kept).
    async fn lock_attempts(&self, key: &str, until: Timestamp, now: Timestamp) -> StoreResult<()>;
    /// Takes one counted attempt back (it succeeded; address counters).
    async fn refund_attempt(&self, key: &str) -> StoreResult<()>;
    /// Forgets the key (the account's owner got in).
    async fn clear_attempts(&self, key: &str) -> StoreResult<()>;

    /// Ends every session of the person except `keep_token_hash`; how many ended.
    async fn delete_other_sessions_of_person(&self, person_id: i64, keep_token_hash: &str) -> StoreResult<u64>;

    /// Bytes of uploads the unit holds (every row, attached or not).
    async fn material_bytes_of(&self, enterprise_id: i64) -> StoreResult<u64>;
    /// Deletes the unit's material only if it is unattached or its application
    /// is still a draft — checked in the DELETE itself, so a 提交 running at the
    /// same moment cannot lose a material it has just validated.
    async fn delete_draft_material(&self, id: i64, enterprise_id: i64) -> StoreResult<DraftDelete>;
    /// Removes unattached uploads older than `before`; the object keys no row uses any more.
    async fn purge_unattached_materials(&self, before: Timestamp) -> StoreResult<Vec<String>>;

    /// Checks every chain of the audit log; the first broken link, if any.
    async fn verify_audit(&self) -> StoreResult<AuditVerification>;
    /// Removes whole days older than `before` (never younger than the
    /// retention), keeping each day's head so the rest stays verifiable.
    async fn prune_audit(&self, before: Timestamp, now: Timestamp) -> StoreResult<u64>;
    /// A page of the audit log for the viewer.
    async fn audit_entries(&self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>>;
}
