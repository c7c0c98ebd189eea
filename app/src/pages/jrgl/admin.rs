//! 【接入管理】's less frequent pages as their own bundle (`jrgl_admin`,
//! assets at `/jrgl_admin/`): 授权申请 (received and sent), the 接口凭证 of
//! 接入邀请, and the 审计日志 — so the daily invitation pages (the `jrgl`
//! bundle) stay small. Same addresses as before: the server answers each of
//! its paths (`bundles.json`) with this bundle; see `components::shell` for how
//! the bundles hand over to each other.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use super::{invite, requests, Frame};
use crate::components::shell::{AppShell, LeaveHere};

#[component]
pub fn JrglAdminApp() -> impl IntoView {
    view! {
        <AppShell>
            <Routes fallback=|| view! { <LeaveHere /> }>
                <Route path=path!("/jrgl/invite/api") view=invite::ApiPage />
                <Route path=path!("/jrgl/invite/requests") view=requests::ReceivedRequestsPage />
                <Route path=path!("/jrgl/invite/requests/:id") view=requests::RequestPage />
                <Route path=path!("/jrgl/respond/apply") view=requests::ApplyPage />
                <Route path=path!("/jrgl/respond/requests/:id") view=requests::RequestPage />
                <Route path=path!("/jrgl/audit") view=|| view! { <Frame><crate::pages::audit::AuditLogView /></Frame> } />
            </Routes>
        </AppShell>
    }
}
