//! The data the server fns exchange: plain serde types, one module per `api`
//! module. `api` (the server fns) and `services` (their bodies) both import them
//! from here, so neither imports the other's types (no `api ↔ services` circle).

pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod audit;
pub mod auth;
pub mod auth_request;
pub mod capability;
pub mod invitation;
pub mod invite_link;
pub mod invoicers;
pub mod leqi;
pub mod lifecycle;
pub mod materials;
pub mod measure;
pub mod message;
pub mod relationship_report;
pub mod tax_desk;
pub mod upgrade_notice;

use serde::{Deserialize, Serialize};

/// The answer to a workflow's `act` server fn: the record's new version and
/// status (its label, for the notice). Pages reload their own view of it, so
/// the web pages and the lean H5 page share one `act` per workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acted {
    /// The record acted on, or the new one (重新发起邀请).
    pub id: i64,
    pub version: i64,
    pub status: String,
}

