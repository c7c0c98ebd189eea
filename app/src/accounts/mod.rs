//! accounts: rules (pure), model (what its server fns exchange), api (the server fns),
//! and on the server its service and store.

pub mod rules;
pub mod model;
pub mod api;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
