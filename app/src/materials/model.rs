//! The data that `materials::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::materials::rules::MaterialKind;

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
