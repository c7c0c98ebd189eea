//! The account bundle (`/account/`, `bin/account.rs`): 【注册】, 【忘记密码】,
//! 【我的信息】 (用户管理, 修改密码, 登录设备) and the demo's SMS outbox
//! (`/dev/outbox`, where the codes those pages send arrive) — pages opened now and then,
//! kept out of the portal's bundle so the pages used every day load faster.
//!
//! The server answers each path of [`ACCOUNT_PAGES`] with this bundle's
//! `index.html`; the other apps route those paths to [`LeaveHere`] (a full
//! page load, which the server answers with this bundle), and this app sends
//! every other path back the same way. So links between the apps are plain
//! `<A href>` and an address never depends on which bundle shows it.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::session::Session;
use crate::pages::forgot::ForgotPage;
use crate::pages::me::{MePage, PasswordPage, SessionsPage, UsersPage};
use crate::pages::portal::Header;
use crate::pages::register::RegisterPage;

/// The paths this bundle shows (the server serves its `index.html` at each).
pub const ACCOUNT_PAGES: [&str; 7] = ["/register", "/forgot", "/me", "/me/users", "/me/password", "/me/sessions", "/dev/outbox"];

#[component]
pub fn AccountApp() -> impl IntoView {
    Session::provide();
    crate::pages::portal::register_service_worker();
    view! {
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=|| view! { <LeaveHere /> }>
                    <Route path=path!("/register") view=RegisterPage />
                    <Route path=path!("/forgot") view=ForgotPage />
                    <Route path=path!("/me") view=MePage />
                    <Route path=path!("/me/users") view=UsersPage />
                    <Route path=path!("/me/password") view=PasswordPage />
                    <Route path=path!("/me/sessions") view=SessionsPage />
                    <Route path=path!("/dev/outbox") view=crate::pages::outbox::Outbox />
                </Routes>
            </main>
        </Router>
    }
}

/// A path another bundle shows: load that address afresh (the server answers
/// with the right bundle). Offline the service worker would answer with this
/// same shell, so then say 无网络; and a path that comes back here at once (no
/// bundle has it) says 页面不存在 instead of loading in a loop.
///
/// The address is the router's (the browser's may still be the previous page
/// while the route renders), and the load waits for the router to finish the
/// navigation; `replace` keeps one history entry for the page.
#[component]
pub fn LeaveHere() -> impl IntoView {
    #[derive(Clone, Copy, PartialEq)]
    #[cfg_attr(not(feature = "csr"), allow(dead_code))]
    enum Leaving {
        Loading,
        Offline,
        Missing,
    }
    let state = RwSignal::new(Leaving::Loading);
    let loc = leptos_router::hooks::use_location();
    let path = loc.pathname.get_untracked();
    let search = loc.search.get_untracked();
    let target = if search.is_empty() || search.starts_with('?') { format!("{path}{search}") } else { format!("{path}?{search}") };
    #[cfg(feature = "csr")]
    set_timeout(
        move || {
            let Some(w) = web_sys::window() else { return };
            if !w.navigator().on_line() {
                return state.set(Leaving::Offline);
            }
            let storage = w.session_storage().ok().flatten();
            let now = js_sys::Date::now();
            // "path|time" of the last full load this component asked for.
            let last = storage.as_ref().and_then(|s| s.get_item(LEFT_KEY).ok().flatten()).unwrap_or_default();
            let looped = last.split_once('|').is_some_and(|(p, t)| p == path && t.parse::<f64>().is_ok_and(|t| now - t < 10_000.0));
            if looped {
                if let Some(s) = &storage {
                    let _ = s.remove_item(LEFT_KEY);
                }
                return state.set(Leaving::Missing);
            }
            if let Some(s) = &storage {
                let _ = s.set_item(LEFT_KEY, &format!("{path}|{now}"));
            }
            let _ = w.location().replace(&target);
        },
        std::time::Duration::ZERO,
    );
    #[cfg(not(feature = "csr"))]
    let _ = (target, path);
    move || match state.get() {
        Leaving::Loading => view! { <p class="loading">"正在加载…"</p> }.into_any(),
        Leaving::Missing => view! { <section class="card"><h2>"页面不存在"</h2><p><a href="/leqi" rel="external">"返回首页"</a></p></section> }.into_any(),
        Leaving::Offline => view! {
            <section class="card no-network" role="alert">
                <h2>"无网络"</h2>
                <p>"当前无法连接服务器，请检查网络后重试。"</p>
            </section>
        }
        .into_any(),
    }
}

#[cfg(feature = "csr")]
const LEFT_KEY: &str = "leqi_left";
