//! The data that `invite_link::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};

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
