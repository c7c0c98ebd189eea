//! The data that `invoicers::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::invitation::rules::InvoicerChoice;
use crate::invoicers::rules::{InvoicerAccess, RegistrationAction};

/// A direct platform the unit is bound to as a 联用类 use unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformChoice {
    pub invitation_id: i64,
    pub direct_name: String,
    pub direct_code: String,
}

/// One registration as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationRow {
    pub id: i64,
    pub version: i64,
    pub invitation_id: i64,
    pub direct_name: String,
    pub direct_code: String,
    pub link_id: i64,
    pub person_name: String,
    /// 已登记 / 已解除登记
    pub state: String,
    pub active: bool,
    pub registered_by: String,
    pub registered_at: String,
    pub ended_by: Option<String>,
    pub ended_reason: Option<String>,
    pub ended_at: Option<String>,
    /// What the viewer may do to it now (`invoicers::rules::actions_for`).
    pub actions: Vec<RegistrationAction>,
    /// An 开票员 must give a reason.
    pub reason_required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicersView {
    pub access: InvoicerAccess,
    pub platforms: Vec<PlatformChoice>,
    /// The unit's 开票员 (for 新增登记; empty for an 开票员).
    pub staff: Vec<InvoicerChoice>,
    pub rows: Vec<RegistrationRow>,
}
