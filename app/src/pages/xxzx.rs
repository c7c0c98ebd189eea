//! 【消息中心】, 【版本升级通知】 and 【管理措施】 of a unit as their own bundle (`xxzx.html`,
//! assets at `/xxzx/`): the portal is at its size budget. Same addresses as the portal's other
//! 乐企 pages ([`XXZX_PAGES`]); see `pages::account` for how the bundles hand over.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::session::Session;
use crate::pages::account::LeaveHere;
use crate::pages::leqi::{Menus, TaxpayerOnly};

/// The paths this bundle shows (the server serves its `index.html` at each).
pub const XXZX_PAGES: [&str; 3] = ["/leqi/messages", "/leqi/notices", "/leqi/measures"];

#[component]
fn Frame(children: ChildrenFn) -> impl IntoView {
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <Menus />
                {children()}
            </div>
        </TaxpayerOnly>
    }
}

#[component]
pub fn XxzxApp() -> impl IntoView {
    Session::provide();
    crate::pages::account::provide_arrival();
    view! {
        <Router>
            <crate::pages::portal::Header />
            <main class="page">
                <Routes fallback=|| view! { <LeaveHere /> }>
                    <Route path=path!("/leqi/messages") view=|| view! { <Frame><crate::pages::messages::MessagesPage /></Frame> } />
                    <Route path=path!("/leqi/notices") view=|| view! { <Frame><crate::pages::notices::NoticesPage /></Frame> } />
                    <Route path=path!("/leqi/measures") view=|| view! { <Frame><crate::pages::measures::MyMeasuresPage /></Frame> } />
                </Routes>
            </main>
        </Router>
    }
}
