//! capability_grant: rules (pure), model (what its server fns exchange), api (the server fns),
//! and on the server its service and store.

pub mod rules;
#[cfg(feature = "ssr")]
pub mod service;
