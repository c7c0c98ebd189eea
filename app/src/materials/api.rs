//! 申请材料: the files a workflow asks for. Uploads and downloads are plain
//! HTTP (`POST /api/materials?kind=…&name=…[&application=…]` with the file as
//! the body; `GET /api/materials/{id}`), served by the server's router with the
//! same session cookie as the server fns; deleting is a server fn.

use leptos::prelude::*;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::materials::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::materials::model::*;

/// 删除: only the uploading unit, and only while its workflow still allows changes (a draft).
#[server(endpoint = "delete_material")]
pub async fn delete_material(id: i64) -> Result<(), AppError> {
    let ctx = ctx()?;
    let who = crate::auth::service::require_principal(&ctx).await?;
    svc::delete(&ctx, &who, id).await
}
