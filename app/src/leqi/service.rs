use crate::leqi::model::AccessHomeInfo;
use crate::kernel::Module;
use crate::error::AppResult;
use crate::context::Ctx;

use crate::accounts::service::require_module;

pub async fn access_home(ctx: &Ctx) -> AppResult<AccessHomeInfo> {
    let t = require_module(ctx, Module::LeqiAccess).await?;
    let direct_unit = ctx.store.direct_unit_type(t.enterprise_id).await?.map(|c| match c.as_str() {
        "lianyong" => "乐企联用".to_string(),
        "ziyong" => "乐企自用".to_string(),
        "tayong" => "乐企他用".to_string(),
        other => other.to_string(),
    });
    Ok(AccessHomeInfo { enterprise_name: t.enterprise_name, credit_code: t.credit_code, direct_unit })
}
