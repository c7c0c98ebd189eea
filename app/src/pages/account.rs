//! The account bundle (`/account/`, `bin/account.rs`): 【注册】, 【忘记密码】,
//! 【我的信息】 (用户管理, 修改密码, 登录设备) and the demo's SMS outbox
//! (`/dev/outbox`, where the codes those pages send arrive) — pages opened now and then,
//! kept out of the portal's bundle so the pages used every day load faster.
//!
//! The server answers each of its paths (`bundles.json`) with this bundle's `index.html`; the
//! other bundles route them to `LeaveHere` (see `components::shell`).

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::path;

use crate::components::shell::{AppShell, LeaveHere};
use crate::pages::forgot::ForgotPage;
use crate::pages::me::{MePage, PasswordPage, SessionsPage, UsersPage};
use crate::pages::register::RegisterPage;

#[component]
pub fn AccountApp() -> impl IntoView {
    view! {
        <AppShell service_worker=true>
            <Routes fallback=|| view! { <LeaveHere /> }>
                <Route path=path!("/register") view=RegisterPage />
                <Route path=path!("/forgot") view=ForgotPage />
                <Route path=path!("/me") view=MePage />
                <Route path=path!("/me/users") view=UsersPage />
                <Route path=path!("/me/password") view=PasswordPage />
                <Route path=path!("/me/sessions") view=SessionsPage />
                <Route path=path!("/dev/outbox") view=crate::pages::outbox::Outbox />
            </Routes>
        </AppShell>
    }
}
