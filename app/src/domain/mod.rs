//! The domain: validated values, state machines and rules. Pure — no I/O,
//! no clock, no randomness; callers pass `Timestamp`s and random material in.

pub mod access;
pub mod api_signing;
pub mod access_form;
pub mod accounts;
pub mod audit;
pub mod auth_request;
pub mod capability;
pub mod capability_grant;
pub mod auth;
pub mod codes;
pub mod invitation;
pub mod invite_link;
pub mod invoicers;
pub mod lifecycle;
pub mod materials;
pub mod measure;
pub mod message;
pub mod people;
mod sample_pack;
pub mod tax_desk;
pub mod taxpayer_number;
pub mod time;
pub mod upgrade_notice;

pub use codes::*;
pub use people::*;
pub use time::Timestamp;
