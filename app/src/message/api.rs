//! 【消息中心】: the signed-in person's messages (web portal and H5 page), the header's
//! unread count (polled by the pages), 标为已读 and 全部标为已读.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::message::rules::MessageKind;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::message::model::*;

/// A page of messages, newest first: `kind` filters by 消息类型, `before` pages on.
#[server(endpoint = "message_list", input = Json)]
pub async fn message_list(kind: Option<MessageKind>, unread_only: bool, before: Option<i64>) -> Result<MessagePage, AppError> {
    svc::list(&ctx()?, kind, unread_only, before).await
}

/// The header's 未读 count.
#[server(endpoint = "message_unread")]
pub async fn message_unread() -> Result<u32, AppError> {
    svc::unread(&ctx()?).await
}

/// 标为已读; the new unread count.
#[server(endpoint = "message_read", input = Json)]
pub async fn message_read(ids: Vec<i64>) -> Result<u32, AppError> {
    svc::mark_read(&ctx()?, &ids).await
}

/// 全部标为已读 up to `up_to` (the newest message shown); the new unread count.
#[server(endpoint = "message_read_all")]
pub async fn message_read_all(up_to: i64) -> Result<u32, AppError> {
    svc::mark_all_read(&ctx()?, up_to).await
}

/// The H5 page's lean view: the unread count and up to 20 unread messages as
/// (id, "【消息类型】标题 · 时间") lines; (0, []) for a person without 消息中心.
#[server(endpoint = "h5_messages")]
pub async fn h5_messages() -> Result<(u32, Vec<(i64, String)>), AppError> {
    svc::h5_lines(&ctx()?).await
}
