//! Materials' metadata (see `app::materials::store::MaterialStore`) and their contents in
//! object storage (`app::materials::store::BlobStore` over the `object_store` crate).

use std::sync::Arc;

use app::materials::rules::{FileType, MaterialKind, MaterialOwner};
use app::kernel::Timestamp;
use app::kernel::storage::*;
use app::materials::store::*;
use async_trait::async_trait;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::store::{unavailable, SqlStore};

const SELECT: &str = "SELECT id, enterprise_id, owner_kind, owner_id, kind, file_name, content_type, size, sha256, object_key, uploaded_by, created_at FROM materials";

fn material(r: AnyRow) -> StoreResult<StoredMaterial> {
    let corrupt = |what: &str, v: String| StoreError::Unavailable(format!("stored material {what}: {v}"));
    let owner_kind: String = r.get("owner_kind");
    let kind: String = r.get("kind");
    let content_type: String = r.get("content_type");
    Ok(StoredMaterial {
        id: r.get("id"),
        enterprise_id: r.get("enterprise_id"),
        owner: MaterialOwner::from_parts(&owner_kind, r.get("owner_id")).ok_or_else(|| corrupt("owner", owner_kind.clone()))?,
        kind: MaterialKind::from_code(&kind).ok_or_else(|| corrupt("kind", kind.clone()))?,
        file_name: r.get("file_name"),
        file_type: FileType::from_mime(&content_type).ok_or_else(|| corrupt("type", content_type.clone()))?,
        size: r.get::<i64, _>("size").max(0) as u64,
        sha256: r.get("sha256"),
        object_key: r.get("object_key"),
        uploaded_by: r.get("uploaded_by"),
        created_at: Timestamp(r.get("created_at")),
    })
}

#[async_trait]
impl MaterialStore for SqlStore {
    async fn insert_material(&self, m: &NewMaterial, now: Timestamp) -> StoreResult<StoredMaterial> {
        let (owner_kind, owner_id) = MaterialOwner::Unattached.to_parts();
        let row = sqlx::query(
            "INSERT INTO materials (enterprise_id, owner_kind, owner_id, kind, file_name, content_type, size, sha256, object_key, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(m.enterprise_id)
        .bind(owner_kind)
        .bind(owner_id)
        .bind(m.kind.code())
        .bind(&m.file_name)
        .bind(m.file_type.mime())
        .bind(m.size as i64)
        .bind(&m.sha256)
        .bind(&m.object_key)
        .bind(&m.uploaded_by)
        .bind(now.0)
        .fetch_one(self.pool())
        .await
        .map_err(unavailable)?;
        let id: i64 = row.get("id");
        self.material(id).await?.ok_or_else(|| StoreError::Unavailable("material vanished".into()))
    }

    async fn material(&self, id: i64) -> StoreResult<Option<StoredMaterial>> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1")).bind(id).fetch_optional(self.pool()).await.map_err(unavailable)?;
        row.map(material).transpose()
    }

    async fn materials_of(&self, owner: MaterialOwner) -> StoreResult<Vec<StoredMaterial>> {
        let (kind, id) = owner.to_parts();
        let rows = sqlx::query(&format!("{SELECT} WHERE owner_kind = $1 AND owner_id = $2 ORDER BY id"))
            .bind(kind)
            .bind(id.unwrap_or(0))
            .fetch_all(self.pool())
            .await
            .map_err(unavailable)?;
        rows.into_iter().map(material).collect()
    }

    async fn attach_material(&self, id: i64, enterprise_id: i64, owner: MaterialOwner) -> StoreResult<bool> {
        let mut conn = self.pool().acquire().await.map_err(unavailable)?;
        attach_in(&mut conn, id, enterprise_id, owner).await
    }

    async fn copy_materials(&self, from: MaterialOwner, to: MaterialOwner, now: Timestamp) -> StoreResult<u64> {
        let (from_kind, from_id) = from.to_parts();
        let (to_kind, to_id) = to.to_parts();
        let done = sqlx::query(
            "INSERT INTO materials (enterprise_id, owner_kind, owner_id, kind, file_name, content_type, size, sha256, object_key, uploaded_by, created_at) \
             SELECT enterprise_id, $1, $2, kind, file_name, content_type, size, sha256, object_key, uploaded_by, $3 FROM materials \
             WHERE owner_kind = $4 AND owner_id = $5 ORDER BY id",
        )
        .bind(to_kind)
        .bind(to_id)
        .bind(now.0)
        .bind(from_kind)
        .bind(from_id.unwrap_or(0))
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected())
    }

    async fn delete_material(&self, id: i64) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query("DELETE FROM materials WHERE id = $1 RETURNING object_key").bind(id).fetch_optional(&mut *tx).await.map_err(unavailable)? else {
            return Ok(None);
        };
        let key: String = row.get("object_key");
        let others: i64 = sqlx::query("SELECT COUNT(*) AS n FROM materials WHERE object_key = $1").bind(&key).fetch_one(&mut *tx).await.map_err(unavailable)?.get("n");
        tx.commit().await.map_err(unavailable)?;
        Ok((others == 0).then_some(key))
    }
}

/// Materials' contents in any `object_store` backend; by default a local folder
/// (`LEQI_DATA_DIR/materials`).
#[derive(Clone)]
pub struct ObjectBlobStore {
    inner: Arc<dyn ObjectStore>,
}

impl ObjectBlobStore {
    pub fn new(inner: Arc<dyn ObjectStore>) -> Self {
        ObjectBlobStore { inner }
    }

    /// A folder on the local disk, created when missing.
    pub fn local(dir: &std::path::Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
        Ok(Self::new(Arc::new(fs)))
    }
}

fn blob_error(e: object_store::Error) -> StoreError {
    StoreError::Unavailable(format!("object store: {e}"))
}

fn object_path(key: &str) -> StoreResult<ObjectPath> {
    ObjectPath::parse(key).map_err(|e| StoreError::Unavailable(format!("object key {key}: {e}")))
}

#[async_trait]
impl BlobStore for ObjectBlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> StoreResult<()> {
        self.inner.put(&object_path(key)?, PutPayload::from(bytes)).await.map_err(blob_error)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        match self.inner.get(&object_path(key)?).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(blob_error)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(blob_error(e)),
        }
    }

    async fn delete(&self, key: &str) -> StoreResult<()> {
        match self.inner.delete(&object_path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(blob_error(e)),
        }
    }
}

/// Attaches an unattached material of `enterprise_id` to `owner` (inside the caller's transaction when given one).
pub(crate) async fn attach_in(conn: &mut sqlx::AnyConnection, id: i64, enterprise_id: i64, owner: MaterialOwner) -> StoreResult<bool> {
    let (kind, owner_id) = owner.to_parts();
    let done = sqlx::query("UPDATE materials SET owner_kind = $1, owner_id = $2 WHERE id = $3 AND enterprise_id = $4 AND owner_kind = 'unattached'")
        .bind(kind)
        .bind(owner_id)
        .bind(id)
        .bind(enterprise_id)
        .execute(conn)
        .await
        .map_err(unavailable)?;
    Ok(done.rows_affected() == 1)
}
