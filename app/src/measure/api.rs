//! 税务管理措施: officers take measures and decide 整改反馈 / 恢复; the unit sees its measures
//! and answers a 责令限期改正.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use crate::measure::rules::{MeasureAction, MeasureKind};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::measure::service as svc;
#[cfg(feature = "ssr")]
use crate::context::ctx;
pub use crate::measure::model::*;

/// Tax console: a unit's measures (by 统一社会信用代码, within the officer's jurisdiction).
#[server(endpoint = "measure_unit")]
pub async fn measure_unit(credit_code: String) -> Result<UnitMeasures, AppError> {
    svc::unit_file(&ctx()?, &credit_code).await
}

/// Tax console: 【下达】 (`months`: 责令限期改正's 1 to 3).
#[server(endpoint = "measure_take", input = Json)]
pub async fn measure_take(credit_code: String, kind: MeasureKind, months: u32, note: String) -> Result<MeasureView, AppError> {
    svc::take(&ctx()?, &credit_code, kind, months, &note).await
}

/// Tax console: 整改反馈 waiting at the officer's office.
#[server(endpoint = "measure_queue")]
pub async fn measure_queue() -> Result<Vec<MeasureView>, AppError> {
    svc::queue(&ctx()?).await
}

/// The unit's 【管理措施】.
#[server(endpoint = "my_measures")]
pub async fn my_measures() -> Result<UnitMeasures, AppError> {
    svc::mine(&ctx()?).await
}

/// One step of a measure, by whoever may take it (`MeasureView::actions`); a 整改反馈 with the
/// ids of its uploaded materials (`/api/materials?kind=rectification_report|other`).
#[server(endpoint = "measure_act", input = Json)]
pub async fn measure_act(id: i64, version: i64, action: MeasureAction, text: String, deadline: String, #[server(default)] material_ids: Vec<i64>) -> Result<MeasureView, AppError> {
    svc::act(&ctx()?, id, version, action, &text, &deadline, &material_ids).await
}
