//! 邀请链接 and their SMS queue.

#[allow(unused_imports)]
use crate::kernel::storage::*;
use std::sync::Arc;

use async_trait::async_trait;

use crate::kernel::Timestamp;

/// 邀请链接 (`invite_link::rules`): where the site is reached from outside, and for how long a link works.
#[derive(Clone)]
pub struct LinkSettings {
    /// The site's address as users' phones reach it, without a trailing slash
    /// (`LEQI_PUBLIC_URL`, default `http://` + `LEQI_ADDR`).
    pub public_url: Arc<str>,
    /// `LEQI_INVITE_LINK_DAYS` (default 7).
    pub ttl_days: u32,
}

/// One SMS waiting in the queue (邀请链接 notices; sent by the notifier job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedSms {
    pub id: i64,
    pub phone: String,
    pub text: String,
    pub attempts: u32,
}

/// 邀请链接 and their SMS queue (see `invite_link::rules`).
#[async_trait]
pub trait InviteLinkStore: Send + Sync {
    /// Stores the link of its invitation, replacing the one before (【重新生成】:
    /// the old token stops working at once).
    async fn put_invite_link(&self, link: &crate::invite_link::rules::InviteLink, token_hash: &str) -> StoreResult<()>;
    /// Stores the link unless the invitation already has one for the same step;
    /// false when it had (another server process got there first).
    async fn add_invite_link(&self, link: &crate::invite_link::rules::InviteLink, token_hash: &str) -> StoreResult<bool>;
    async fn invite_link(&self, invitation_id: i64) -> StoreResult<Option<crate::invite_link::rules::InviteLink>>;
    async fn invite_link_by_hash(&self, token_hash: &str) -> StoreResult<Option<crate::invite_link::rules::InviteLink>>;
    /// Ids of invitations that wait for their use unit and have no link for that step yet, oldest first.
    async fn invitations_without_link(&self, limit: u32) -> StoreResult<Vec<i64>>;
    /// Queues an SMS unless `phone` already got one for this invitation on `day`:
    /// false then (at most one per person per invitation per day).
    async fn queue_invite_sms(&self, invitation_id: i64, phone: &str, day: i64, text: &str, now: Timestamp) -> StoreResult<bool>;
    /// Queued SMS not yet sent, oldest first, tried fewer than `max_attempts` times.
    async fn queued_sms(&self, limit: u32, max_attempts: u32) -> StoreResult<Vec<QueuedSms>>;
    /// Sent: the text (it holds a link) is cleared.
    async fn sms_sent(&self, id: i64, now: Timestamp) -> StoreResult<()>;
    async fn sms_failed(&self, id: i64, now: Timestamp) -> StoreResult<()>;
    /// Counts one more miss for `key` (atomically) and returns the count.
    async fn count_link_miss(&self, key: &str, now: Timestamp) -> StoreResult<u32>;
    /// Takes or renews the lease of a periodic job until `until`: true when
    /// `holder` has it (one server process runs the job at a time).
    async fn take_lease(&self, job: &str, holder: &str, now: Timestamp, until: Timestamp) -> StoreResult<bool>;
}
