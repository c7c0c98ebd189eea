//! 邀请链接 (invite_link::rules): the link and QR code of an invitation that
//! waits for its use unit, and 【重新生成】.

use leptos::prelude::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::invite_link::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::invite_link::model::*;

/// The invitation's link for its direct unit or use unit; None once the
/// invitation no longer waits for the use unit.
#[server(endpoint = "invitation_link")]
pub async fn invitation_link(id: i64) -> Result<Option<InviteLinkView>, AppError> {
    svc::invitation_link(&ctx()?, id).await
}

/// 【重新生成】 (direct unit): a new link; the old one stops working.
#[server(endpoint = "regenerate_invitation_link")]
pub async fn regenerate_invitation_link(id: i64) -> Result<InviteLinkView, AppError> {
    svc::regenerate(&ctx()?, id).await
}
