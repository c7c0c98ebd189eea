//! The data that `accounts::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::kernel::Grants;
use crate::kernel::Identity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxOfficeOption {
    pub id: i64,
    pub name: String,
    pub province_name: String,
}

/// What an SMS code sent to a phone is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhonePurpose {
    /// 自然人注册: the phone must not be registered yet.
    Register,
    /// 企业用户注册: any phone.
    BindEnterprise,
    /// 忘记密码（自然人）: the phone must be registered.
    ResetPassword,
}

impl PhonePurpose {
    pub fn code(self) -> &'static str {
        match self {
            PhonePurpose::Register => "register",
            PhonePurpose::BindEnterprise => "bind",
            PhonePurpose::ResetPassword => "reset",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterForm {
    pub phone: String,
    pub sms_code: String,
    pub name: String,
    pub id_number: String,
    pub tax_office_id: String,
    pub password: String,
    pub confirm: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingStartForm {
    pub phone: String,
    pub sms_code: String,
    pub name: String,
    pub id_number: String,
    pub password: String,
    pub confirm: String,
}

/// A 法定代表人 or 财务负责人 who can approve (认证人员).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approver {
    pub link_id: i64,
    pub name_masked: String,
    pub identity: Identity,
    pub phone_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseApprovers {
    pub flow_id: String,
    pub enterprise_name: String,
    pub approvers: Vec<Approver>,
}

/// One row of 授权信息.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub link_id: i64,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub identity: Identity,
    pub grants: Grants,
    pub bound: bool,
    pub source: String,
    /// Whether the signed-in principal may change this user's grants.
    pub manageable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisteredPerson {
    pub name_masked: String,
    pub id_number_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub id: String,
    pub enterprise_name: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub device: String,
    pub current: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPersonForm {
    pub phone: String,
    pub sms_code: String,
    pub name: String,
    pub id_number: String,
    pub password: String,
    pub confirm: String,
}
