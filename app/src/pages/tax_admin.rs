//! The tax console's less frequent pages as their own bundle (`tax_admin.html`, assets at
//! `/tax_admin/`): 版本升级通知, 管理措施, 已办 and 单位查询 → 单位档案, so the daily queues (the `tax` bundle) stay small.
//! Same addresses ([`TAX_ADMIN_PAGES`]); see `pages::account` for how the bundles hand over.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::session::Session;
use crate::pages::account::LeaveHere;
use crate::pages::tax::OfficerOnly;

/// The paths this bundle shows, as axum routes (`{id}`: a number).
pub const TAX_ADMIN_PAGES: [&str; 5] = ["/tax/notices", "/tax/notices/{id}", "/tax/measures", "/tax/done", "/tax/units"];

#[component]
pub fn TaxAdminApp() -> impl IntoView {
    Session::provide();
    crate::pages::account::provide_arrival();
    view! {
        <Router>
            <crate::pages::portal::Header />
            <main class="page">
                <Routes fallback=|| view! { <LeaveHere /> }>
                    <Route path=path!("/tax/notices") view=|| view! { <OfficerOnly><crate::pages::tax_notices::TaxNoticesPage /></OfficerOnly> } />
                    <Route path=path!("/tax/notices/:id") view=|| view! { <OfficerOnly><crate::pages::tax_notices::TaxNoticePage /></OfficerOnly> } />
                    <Route path=path!("/tax/measures") view=|| view! { <OfficerOnly><crate::pages::tax_measures::TaxMeasuresPage /></OfficerOnly> } />
                    <Route path=path!("/tax/done") view=|| view! { <OfficerOnly><crate::pages::tax_desk::TaxDonePage /></OfficerOnly> } />
                    <Route path=path!("/tax/units") view=|| view! { <OfficerOnly><crate::pages::tax_desk::TaxUnitsPage /></OfficerOnly> } />
                </Routes>
            </main>
        </Router>
    }
}
