//! The data that `auth::api`'s server fns exchange (shared by the pages,
//! the server fns and `services`; no server fn and no I/O here).

use serde::{Deserialize, Serialize};
use crate::kernel::Identity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptchaImage {
    pub id: String,
    /// `data:image/png;base64,…`
    pub image: String,
}

/// One row of 办税人员选择.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChoice {
    pub link_id: i64,
    pub name: String,
    pub identity: Identity,
    pub phone_masked: String,
    pub has_password: bool,
    /// False: 未绑定企业 (every permission was removed).
    pub bound: bool,
}

/// The enterprise password was right: choose who you are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSelection {
    pub flow_id: String,
    pub enterprise_name: String,
    pub people: Vec<PersonChoice>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSent {
    pub phone_masked: String,
    pub resend_after_secs: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFacts {
    pub demo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub phone: String,
    pub text: String,
    pub sent_at: String,
}

/// Who is signed in, as the H5 app shows it (lean: the H5 bundle carries no
/// `Principal` decoder; a flat struct decodes with less code than an enum).
/// `None` from `h5_me` when nobody is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct H5Who {
    /// A tax officer (the H5 pages are for taxpayers only).
    pub officer: bool,
    pub enterprise_name: String,
    pub person_name: String,
    /// The person's 身份 (法定代表人 …), as its label.
    pub identity: String,
}

impl H5Who {
    pub fn of(p: &crate::kernel::Principal) -> Self {
        match p {
            crate::kernel::Principal::Taxpayer(t) => H5Who {
                officer: false,
                enterprise_name: t.enterprise_name.clone(),
                person_name: t.person_name.clone(),
                identity: t.identity.label().to_string(),
            },
            crate::kernel::Principal::Officer(o) => H5Who { officer: true, enterprise_name: o.unit_name.clone(), person_name: o.name.clone(), identity: String::new() },
        }
    }
}
