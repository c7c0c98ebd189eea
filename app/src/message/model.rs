//! The data `message::api`'s server fns exchange (【消息中心】).

use serde::{Deserialize, Serialize};

use crate::message::rules::MessageKind;

/// One message as the reader sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub kind: MessageKind,
    pub title: String,
    pub body: String,
    /// The item's page on this site.
    pub link: Option<String>,
    /// Beijing time, "YYYY-MM-DD HH:MM:SS".
    pub at: String,
    pub read: bool,
}

/// A page of the list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub rows: Vec<MessageRow>,
    /// The reader's unread count (all kinds), capped at `UNREAD_CAP + 1`.
    pub unread: u32,
    /// The next page: pass as `before`.
    pub next_before: Option<i64>,
}
