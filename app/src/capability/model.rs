//! The data that `capability::api`'s server fns exchange (no server fn and no I/O here).

use serde::{Deserialize, Serialize};

use crate::capability::rules::{CapabilityAction, CapabilityStatus, CaseFieldError};
use crate::kernel::TimelineEntry;

/// One capability on 【能力中心】 with its 开通状态 and 有效期.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityRow {
    pub code: String,
    pub name: String,
    pub group: String,
    /// 公用基础能力
    pub public: bool,
    pub qualification: Option<String>,
    /// As of today (已开通 past its 有效期 is 已到期).
    pub status: CapabilityStatus,
    /// 有效期至 ("YYYY-MM-DD"): a public capability's is the unit's qualification term.
    pub valid_until: Option<String>,
    /// The subscription's version (0 before the first 订阅).
    pub version: i64,
    pub actions: Vec<CapabilityAction>,
    /// Why 【订阅】 is not offered (e.g. the unit lacks the qualification).
    pub refusal: Option<String>,
}

/// 【能力中心】 of the signed-in direct unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityCenter {
    pub enterprise_name: String,
    pub credit_code: String,
    /// 乐企资格有效期至
    pub qualification_end: Option<String>,
    pub rows: Vec<CapabilityRow>,
}

/// One test case of the 测试中心 with its latest call in the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub code: String,
    pub name: String,
    pub doc: String,
    /// None: not called yet in this round.
    pub passed: Option<bool>,
    pub request_id: Option<String>,
    pub request_body: Option<String>,
    pub errors: Vec<CaseFieldError>,
    pub at: Option<String>,
    /// Where the unit's system sends this case (signed POST, body {capability, case, request}).
    pub path: String,
}

/// 测试报告: the cases, when each passed and its request id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestReport {
    pub enterprise_name: String,
    pub credit_code: String,
    pub capability_code: String,
    pub capability_name: String,
    pub generated_at: String,
    pub cases: Vec<ReportCase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportCase {
    pub code: String,
    pub name: String,
    pub request_id: String,
    pub at: String,
}

/// One capability's page: the documentation, the 测试中心, the report, the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityPage {
    pub row: CapabilityRow,
    /// 能力说明文档
    pub doc: String,
    pub cases: Vec<CaseView>,
    pub report: Option<TestReport>,
    pub timeline: Vec<TimelineEntry>,
    /// The latest 有效期 the unit may choose (its qualification term).
    pub qualification_end: Option<String>,
}

/// A submitted report waiting at the tax office (the officer's queue and detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityReview {
    pub id: i64,
    pub version: i64,
    pub enterprise_name: String,
    pub credit_code: String,
    pub capability_name: String,
    pub status: CapabilityStatus,
    pub valid_until: Option<String>,
    pub since: String,
    pub report: Option<TestReport>,
    pub actions: Vec<CapabilityAction>,
}

/// 能力授权: one grant as either side sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantView {
    pub id: i64,
    pub version: i64,
    pub capability_code: String,
    pub capability_name: String,
    /// The direct unit the use unit uses the capability through.
    pub direct_name: String,
    pub direct_code: String,
    pub use_name: String,
    pub use_code: String,
    pub status: crate::capability_grant::rules::GrantStatus,
    /// The use unit may use the capability now (已授权, bound, and open for the direct unit).
    pub usable: bool,
    pub since: String,
    pub actions: Vec<crate::capability_grant::rules::GrantAction>,
    pub timeline: Vec<TimelineEntry>,
}

/// A use unit bound to the direct unit (确认通过), to grant capabilities to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundUnit {
    pub invitation_id: i64,
    pub name: String,
    pub credit_code: String,
}

/// 能力授权 of the signed-in unit: as a direct unit (its opened capabilities, bound use
/// units and the grants it made) and as a use unit (the grants it received).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GrantCenter {
    /// Capabilities (code, name) the unit may grant: opened for it as a direct unit.
    pub grantable: Vec<(String, String)>,
    pub bound: Vec<BoundUnit>,
    pub made: Vec<GrantView>,
    pub received: Vec<GrantView>,
}

/// One use unit's result of 【授权】.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRowResult {
    pub invitation_id: i64,
    pub name: String,
    /// None: granted (待确认); else why not.
    pub refusal: Option<String>,
}

/// H5: one grant the use unit received, as a line (the H5 bundle stays lean).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5Grant {
    pub id: i64,
    pub version: i64,
    /// "蓝字发票开具 · 四川蜀乐科技集团有限公司"
    pub text: String,
    /// 开通状态 of the grant (its label).
    pub status: String,
    /// 待确认: 【确认授权】/【拒绝】 are offered.
    pub pending: bool,
}
