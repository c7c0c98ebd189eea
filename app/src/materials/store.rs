//! Uploaded materials: metadata in the store, contents in a `BlobStore`.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::materials::rules::{FileType, MaterialKind, MaterialOwner};
use crate::kernel::Timestamp;

/// An uploaded material's metadata (the contents are in the `BlobStore`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMaterial {
    pub id: i64,
    /// The uploader's unit: the only unit that may read or delete it.
    pub enterprise_id: i64,
    pub owner: MaterialOwner,
    pub kind: MaterialKind,
    pub file_name: String,
    /// Sniffed from the bytes at upload.
    pub file_type: FileType,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_by: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMaterial {
    pub enterprise_id: i64,
    pub kind: MaterialKind,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    pub sha256: String,
    pub object_key: String,
    pub uploaded_by: String,
}

#[async_trait]
pub trait MaterialStore: Send + Sync {
    /// A new material, unattached.
    async fn insert_material(&self, m: &NewMaterial, now: Timestamp) -> StoreResult<StoredMaterial>;
    async fn material(&self, id: i64) -> StoreResult<Option<StoredMaterial>>;
    /// The materials attached to an owner, in upload order.
    async fn materials_of(&self, owner: MaterialOwner) -> StoreResult<Vec<StoredMaterial>>;
    /// Attaches an unattached material of `enterprise_id` to `owner`; false when
    /// there is no such unattached material of that unit.
    async fn attach_material(&self, id: i64, enterprise_id: i64, owner: MaterialOwner) -> StoreResult<bool>;
    /// Attaches copies of `from`'s materials (same contents) to `to`; returns how many.
    async fn copy_materials(&self, from: MaterialOwner, to: MaterialOwner, now: Timestamp) -> StoreResult<u64>;
    /// Removes a material's row. Returns its object key when no other row uses it
    /// (the contents may then go), None otherwise.
    async fn delete_material(&self, id: i64) -> StoreResult<Option<String>>;
}

/// Where materials' contents live: object storage (a local folder by default).
#[async_trait]
pub trait BlobStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> StoreResult<()>;
    /// None when there is no such object.
    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>>;
    async fn delete(&self, key: &str) -> StoreResult<()>;
}
