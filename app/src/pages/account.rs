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
    provide_arrival();
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
/// same shell, so then say 无网络; and a page that was loaded for this very
/// path by a `LeaveHere` and comes back to it (no bundle has the path) says
/// 页面不存在 instead of loading in a loop.
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
    let arrived_for = use_context::<Arrival>().and_then(|a| a.0);
    #[cfg(feature = "csr")]
    set_timeout(
        move || {
            let Some(w) = web_sys::window() else { return };
            if !w.navigator().on_line() {
                return state.set(Leaving::Offline);
            }
            if arrived_for.as_deref() == Some(path.as_str()) {
                return state.set(Leaving::Missing);
            }
            if let Some(s) = w.session_storage().ok().flatten() {
                let _ = s.set_item(LEFT_KEY, &path);
            }
            let _ = w.location().replace(&target);
        },
        std::time::Duration::ZERO,
    );
    #[cfg(not(feature = "csr"))]
    let _ = (target, path, arrived_for);
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

/// The path a `LeaveHere` of the previous page loaded this page for, if any
/// (taken once, when a bundle starts: [`provide_arrival`]).
#[derive(Clone)]
pub struct Arrival(pub Option<String>);

/// Called by every bundle that routes to [`LeaveHere`], before its router.
pub fn provide_arrival() {
    #[cfg(feature = "csr")]
    let left = web_sys::window().and_then(|w| w.session_storage().ok().flatten()).and_then(|s| {
        let v = s.get_item(LEFT_KEY).ok().flatten();
        let _ = s.remove_item(LEFT_KEY);
        v
    });
    #[cfg(not(feature = "csr"))]
    let left = None;
    provide_context(Arrival(left));
}

#[cfg(feature = "csr")]
const LEFT_KEY: &str = "leqi_left";
