//! 【接入管理】's less frequent pages as their own bundle (`jrgl_admin.html`,
//! assets at `/jrgl_admin/`): 授权申请 (received and sent), the 接口凭证 of
//! 接入邀请, and the 审计日志 — so the daily invitation pages (the `jrgl`
//! bundle) stay small. Same addresses as before: the server answers each path
//! of [`JRGL_ADMIN_PAGES`] with this bundle; see `pages::account` for how the
//! bundles hand over to each other.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use super::{invite, requests, Frame};
use crate::components::session::Session;
use crate::pages::account::LeaveHere;

/// The paths this bundle shows, as axum routes (`{id}`: a number).
pub const JRGL_ADMIN_PAGES: [&str; 6] =
    ["/jrgl/invite/api", "/jrgl/invite/requests", "/jrgl/invite/requests/{id}", "/jrgl/respond/apply", "/jrgl/respond/requests/{id}", "/jrgl/audit"];

#[component]
pub fn JrglAdminApp() -> impl IntoView {
    Session::provide();
    crate::pages::account::provide_arrival();
    view! {
        <Router>
            <crate::pages::portal::Header />
            <main class="page">
                <Routes fallback=|| view! { <LeaveHere /> }>
                    <Route path=path!("/jrgl/invite/api") view=invite::ApiPage />
                    <Route path=path!("/jrgl/invite/requests") view=requests::ReceivedRequestsPage />
                    <Route path=path!("/jrgl/invite/requests/:id") view=requests::RequestPage />
                    <Route path=path!("/jrgl/respond/apply") view=requests::ApplyPage />
                    <Route path=path!("/jrgl/respond/requests/:id") view=requests::RequestPage />
                    <Route path=path!("/jrgl/audit") view=|| view! { <Frame><crate::pages::audit::AuditLogView /></Frame> } />
                </Routes>
            </main>
        </Router>
    }
}
