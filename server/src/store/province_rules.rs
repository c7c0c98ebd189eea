//! Storage of the province rules (see `app::access::province_store::RulesStore`): one JSON
//! document per province, loaded from `rules/` at start.

use app::access::rules::ProvinceRules;
use app::kernel::Timestamp;
use app::access::province_store::*;
use app::kernel::storage::*;
use async_trait::async_trait;
use sqlx::Row;

use crate::store::{corrupt, unavailable, SqlStore};

#[async_trait]
impl RulesStore for SqlStore {
    async fn province_rules(&self, province_code: &str) -> StoreResult<Option<ProvinceRules>> {
        let row = sqlx::query("SELECT rules FROM province_rules WHERE province_code = $1")
            .bind(province_code)
            .fetch_optional(self.pool())
            .await
            .map_err(unavailable)?;
        row.map(|r| serde_json::from_str(&r.get::<String, _>("rules")).map_err(|e| corrupt("province rules", e))).transpose()
    }

    async fn put_province_rules(&self, rules: &ProvinceRules, now: Timestamp) -> StoreResult<()> {
        let json = serde_json::to_string(rules).map_err(|e| corrupt("province rules", e))?;
        sqlx::query(
            "INSERT INTO province_rules (province_code, rules, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (province_code) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at",
        )
        .bind(&rules.province_code)
        .bind(json)
        .bind(now.0)
        .execute(self.pool())
        .await
        .map_err(unavailable)?;
        Ok(())
    }
}
