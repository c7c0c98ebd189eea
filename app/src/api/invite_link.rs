//! 邀请链接 (domain::invite_link): the link and QR code of an invitation that
//! waits for its use unit, and 【重新生成】.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{ctx, invite_link as svc};

/// The link as the invitation pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLinkView {
    /// `https://…/kkjrh5/i/TOKEN`
    pub url: String,
    /// The link as a QR code (SVG, drawn by the server).
    pub qr_svg: String,
    /// 有效期至, China Standard Time.
    pub expires_at: String,
    pub expired: bool,
}

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
