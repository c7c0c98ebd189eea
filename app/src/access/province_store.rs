//! The province rules, read by every workflow that needs them.

#[allow(unused_imports)]
use crate::kernel::storage::*;

use async_trait::async_trait;

use crate::access::rules::ProvinceRules;
use crate::kernel::Timestamp;

/// The province rules (conditions, materials, filing, verification periods),
/// read by every workflow that needs them.
#[async_trait]
pub trait RulesStore: Send + Sync {
    async fn province_rules(&self, province_code: &str) -> StoreResult<Option<ProvinceRules>>;
    async fn put_province_rules(&self, rules: &ProvinceRules, now: Timestamp) -> StoreResult<()>;
}
