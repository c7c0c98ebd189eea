//! 【消息中心】: messages to a unit's people and each person's read markers.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::kernel::Module;
use crate::message::rules::{MessageKind, NewMessage};
use crate::kernel::Timestamp;

/// A message as one person of the unit sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub id: i64,
    pub module: Module,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub at: Timestamp,
    /// Read by this person.
    pub read: bool,
}

/// The messages one person of one unit may read.
#[derive(Debug, Clone)]
pub struct Reader {
    pub enterprise_id: i64,
    pub person_id: i64,
    /// The modules the person uses (never empty: no module, no messages).
    pub modules: Vec<Module>,
}

/// Newest first, keyset paging.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub kind: Option<MessageKind>,
    pub unread_only: bool,
    /// Only ids below this.
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[async_trait]
pub trait MessageStore: Send + Sync {
    async fn messages(&self, reader: &Reader, filter: &MessageFilter) -> StoreResult<Vec<StoredMessage>>;
    /// Unread messages of the reader, counted up to `cap + 1` (the header shows "99+").
    async fn unread_count(&self, reader: &Reader, cap: u32) -> StoreResult<u32>;
    /// 标为已读: those of `ids` the reader may read; returns how many became read.
    async fn mark_read(&self, reader: &Reader, ids: &[i64], now: Timestamp) -> StoreResult<u32>;
    /// 全部标为已读: every message of the reader up to `up_to_id` (what the page showed).
    async fn mark_all_read(&self, reader: &Reader, up_to_id: i64, now: Timestamp) -> StoreResult<u32>;
    /// Messages that report no state change of their own (a scheduler's reminder, a
    /// notice): written together, each `once_key` at most once per unit; returns how
    /// many were new. Messages about a state change are written by that change's
    /// transaction instead.
    async fn post_messages(&self, messages: &[NewMessage]) -> StoreResult<u32>;
}
