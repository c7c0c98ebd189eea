//! The tax console's less frequent pages as their own bundle (`tax_admin`, assets at
//! `/tax_admin/`): 版本升级通知, 管理措施, 已办 and 单位查询 → 单位档案, so the daily queues (the `tax` bundle) stay small.
//! Same addresses (`bundles.json`); see `components::shell` for how the bundles hand over.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use crate::components::shell::{AppShell, LeaveHere, OfficerOnly};

#[component]
pub fn TaxAdminApp() -> impl IntoView {
    view! {
        <AppShell>
            <Routes fallback=|| view! { <LeaveHere /> }>
                <Route path=path!("/tax/notices") view=|| view! { <OfficerOnly><crate::pages::tax_notices::TaxNoticesPage /></OfficerOnly> } />
                <Route path=path!("/tax/notices/:id") view=|| view! { <OfficerOnly><crate::pages::tax_notices::TaxNoticePage /></OfficerOnly> } />
                <Route path=path!("/tax/measures") view=|| view! { <OfficerOnly><crate::pages::tax_measures::TaxMeasuresPage /></OfficerOnly> } />
                <Route path=path!("/tax/done") view=|| view! { <OfficerOnly><crate::pages::tax_desk::TaxDonePage /></OfficerOnly> } />
                <Route path=path!("/tax/units") view=|| view! { <OfficerOnly><crate::pages::tax_desk::TaxUnitsPage /></OfficerOnly> } />
            </Routes>
        </AppShell>
    }
}
