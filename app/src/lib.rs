#![recursion_limit = "512"]
//! Leqi Portal app. One folder per workflow (`invitation/`, `access/`, …): its rules (pure,
//! compiled to wasm and native), model (what its server fns exchange), api (the server fns),
//! and under `ssr` its service and storage trait. `kernel` holds what every workflow shares;
//! `context` (server side) is what every server fn reaches; `pages` and `components` the UI.

pub mod kernel;
pub mod error;
pub mod access;
pub mod accounts;
pub mod api_credentials;
pub mod audit;
pub mod auth;
pub mod auth_request;
pub mod capability;
pub mod capability_grant;
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
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod effect;
#[cfg(feature = "ssr")]
pub mod server_fns;

pub mod components;
pub mod pages;
