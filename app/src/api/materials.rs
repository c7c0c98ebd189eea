//! 申请材料: the files a workflow asks for. Uploads and downloads are plain
//! HTTP (`POST /api/materials?kind=…&name=…[&application=…]` with the file as
//! the body; `GET /api/materials/{id}`), served by the server's router with the
//! same session cookie as the server fns; deleting is a server fn.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::materials::MaterialKind;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::services::{ctx, materials as svc};

/// The upload/download URL prefix.
pub const MATERIALS_PATH: &str = "/api/materials";

/// One uploaded file as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialInfo {
    pub id: i64,
    pub kind: MaterialKind,
    pub file_name: String,
    /// As sniffed from the contents.
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

impl MaterialInfo {
    /// Where the file is viewed (inline).
    pub fn url(&self) -> String {
        format!("{MATERIALS_PATH}/{}", self.id)
    }
}

/// 删除: only the uploading unit, and only while its workflow still allows changes (a draft).
#[server(endpoint = "delete_material")]
pub async fn delete_material(id: i64) -> Result<(), AppError> {
    let ctx = ctx()?;
    let who = crate::services::auth::require_principal(&ctx).await?;
    svc::delete(&ctx, &who, id).await
}
