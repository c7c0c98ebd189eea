//! What every routed bundle shares (the web bundles of `bundles.json`; the H5 ones have no
//! router and use `pages::h5_shell`): [`AppShell`] — the session, the router, the header and
//! the page — and how the bundles hand over to each other ([`LeaveHere`], [`leave_for`]).
//!
//! Each bundle shows some paths (its `Routes`; the server answers each with the bundle's
//! `index.html`, by `bundles.json`). Another bundle's path is routed to [`LeaveHere`] (a full
//! page load, which the server answers with the right bundle), so links between the bundles are
//! plain `<A href>` and an address never depends on which bundle shows it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Router, A};
use leptos_router::hooks::use_navigate;

use crate::kernel::Module;
use crate::auth::api::logout;
use crate::components::session::{use_session, Session};
use crate::kernel::Principal;

/// The frame of a routed bundle: provides the [`Session`] and the [`Arrival`], registers the
/// site's service worker when asked (`/sw.js`, scope `/`), and shows the [`Header`] above the
/// bundle's `Routes` (`children`).
#[component]
pub fn AppShell(
    /// Register `/sw.js` (the portal's app shell cache).
    #[prop(optional)]
    service_worker: bool,
    children: Children,
) -> impl IntoView {
    Session::provide();
    provide_arrival();
    if service_worker {
        crate::components::register_service_worker("/sw.js");
    }
    view! {
        <Router>
            <Header />
            <main class="page">{children()}</main>
        </Router>
    }
}

/// 页面不存在, with the way back to the bundle's home (a full page load when `external`).
#[component]
pub fn NotFound(href: &'static str, label: &'static str, #[prop(optional)] external: bool) -> impl IntoView {
    let rel = external.then_some("external");
    view! { <section class="card"><h2>"页面不存在"</h2><p><a href=href rel=rel>{label}</a></p></section> }
}

/// A full page load into another app of the site (the tax console, the H5 app).
pub fn leave_for(_url: &str) {
    #[cfg(feature = "csr")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(_url);
    }
}

/// The header of every routed bundle: who is signed in, 未读, 我的信息, 切换身份, 退出.
#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let nav2 = navigate.clone();
    let do_logout = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let officer = matches!(session.principal.get_untracked(), Some(Principal::Officer(_)));
            let _ = logout().await;
            session.principal.set(None);
            if officer {
                leave_for("/tax/login");
            } else {
                navigate("/login", Default::default());
            }
        });
    };
    // 切换身份 happens on the portal's login page (whichever bundle this is:
    // the others hand `/login?switch=1` over with a full page load).
    let do_switch = move |_| nav2("/login?switch=1", Default::default());
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"乐企数字开放平台"</A>
            {move || session.offline.get().then(|| view! { <span class="offline-badge">"无网络"</span> })}
            {move || match session.principal.get() {
                Some(Principal::Taxpayer(t)) => {
                    let reads_messages = t.may_use(Module::LeqiMessages);
                    view! {
                    <div class="who" data-testid="who">
                        <span class="enterprise">{t.enterprise_name}</span>
                        <span class="person">{t.person_name}</span>
                        <span class="identity">{t.identity.label()}</span>
                        {reads_messages.then(|| view! { <crate::components::unread::UnreadLink session /> })}
                        <A href="/me" attr:class="link">"我的信息"</A>
                        <button class="link" on:click=do_switch.clone()>"切换身份"</button>
                        <button class="link" on:click=do_logout.clone()>"退出"</button>
                    </div>
                }.into_any()
                }
                Some(Principal::Officer(o)) => view! {
                    <div class="who" data-testid="who">
                        <span class="enterprise">{o.unit_name}</span>
                        <span class="person">{o.name}</span>
                        <span class="identity">{o.role.label()}</span>
                        <button class="link" on:click=do_logout.clone()>"退出"</button>
                    </div>
                }.into_any(),
                None => ().into_any(),
            }}
        </header>
    }
}

/// Only a signed-in taxpayer sees these pages; anyone else goes to the login.
#[component]
pub fn TaxpayerOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded.get() {
            view! { <p class="loading">"正在加载…"</p> }.into_any()
        } else if matches!(session.principal.get(), Some(Principal::Taxpayer(_))) {
            children().into_any()
        } else {
            view! { <Redirect path="/login" /> }.into_any()
        }
    }
}

/// Only officers; anyone else goes to 税务人员登录.
#[component]
pub fn OfficerOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded.get() {
            view! { <p class="loading">"正在加载…"</p> }.into_any()
        } else if matches!(session.principal.get(), Some(Principal::Officer(_))) {
            children().into_any()
        } else {
            view! { <Redirect path="/tax/login" /> }.into_any()
        }
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

/// Called by [`AppShell`] before its router.
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
