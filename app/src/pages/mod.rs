//! Pages: one module per route group. Each bundle of `bundles.json` has its root here
//! (`PortalApp`, `TaxApp`, … mounted by `bin/<name>.rs`): the routed ones inside
//! `components::shell::AppShell`, the H5 ones inside `h5_shell::H5Shell`.

pub mod access;
pub mod account;
pub mod api_credentials;
pub mod audit;
pub mod login;
pub mod h5;
pub mod h5_invite;
pub mod h5_shell;
pub mod invitation_act;
pub mod jrgl;
pub mod leqi;
pub mod lifecycle;
pub mod materials;
pub mod measures;
pub mod messages;
pub mod nlzx;
pub mod notices;
pub mod me;
pub mod outbox;
pub mod portal;
pub mod relationship_reports;
pub mod print;
pub mod register;
pub mod forgot;
pub mod tax;
pub mod tax_admin;
pub mod tax_desk;
pub mod tax_measures;
pub mod tax_notices;
pub mod xxzx;
pub mod zgzl;
