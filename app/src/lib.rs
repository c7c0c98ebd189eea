#![recursion_limit = "512"]
//! Leqi Portal app: the domain (pure), the server-fn declarations shared by
//! client and server, and the pages (web portal, H5, tax console).

pub mod api;
pub mod domain;
pub mod error;
pub mod models;
#[cfg(feature = "ssr")]
pub mod ports;
#[cfg(feature = "ssr")]
pub mod services;

pub mod components;
pub mod pages;
