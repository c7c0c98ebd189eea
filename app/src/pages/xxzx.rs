//! 【消息中心】, 【版本升级通知】 and 【管理措施】 of a unit as their own bundle (`xxzx`, assets at
//! `/xxzx/`): the portal is at its size budget. Same addresses as the portal's other 乐企 pages
//! (`bundles.json`); see `components::shell` for how the bundles hand over.

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use crate::components::shell::{AppShell, LeaveHere, TaxpayerOnly};
use crate::pages::leqi::Menus;

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
    view! {
        <AppShell>
            <Routes fallback=|| view! { <LeaveHere /> }>
                <Route path=path!("/leqi/messages") view=|| view! { <Frame><crate::pages::messages::MessagesPage /></Frame> } />
                <Route path=path!("/leqi/notices") view=|| view! { <Frame><crate::pages::notices::NoticesPage /></Frame> } />
                <Route path=path!("/leqi/measures") view=|| view! { <Frame><crate::pages::measures::MyMeasuresPage /></Frame> } />
            </Routes>
        </AppShell>
    }
}
