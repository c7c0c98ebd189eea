//! The data that `auth_request::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::access::rules::CheckLine;
use crate::auth_request::rules::{AuthRequestAction, RequestParty, AuthRequestStatus};

/// A direct unit found by its credit code, with the relationships a request to it may declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectUnitCard {
    pub name: String,
    pub credit_code: String,
    /// e.g. 乐企联用
    pub access_type: String,
    pub relationships: Vec<String>,
}

/// One 授权申请 as either party sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequestView {
    pub id: i64,
    pub version: i64,
    pub use_name: String,
    pub use_code: String,
    pub direct_name: String,
    pub direct_code: String,
    pub relationship: String,
    /// 自用类 / 联用类
    pub category: String,
    pub status: AuthRequestStatus,
    pub proof_material_id: Option<i64>,
    /// 自用类: the use-unit conditions as checked on request.
    pub checks: Vec<CheckLine>,
    pub created_by: String,
    pub created_at: String,
    pub decided_by: Option<String>,
    pub updated_at: String,
    /// Once 已同意: the invitation it became.
    pub invitation_id: Option<i64>,
    /// Which party is looking.
    pub party: RequestParty,
    /// What the viewer may do now.
    pub actions: Vec<AuthRequestAction>,
}
