//! The web portal's root: routes, header, guards.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::auth::api::{logout, switch_identity};
use crate::components::session::{use_session, Session};
use crate::kernel::Principal;
use crate::pages::leqi::{LeqiHome, LeqiPage};
use crate::pages::account::LeaveHere;
use crate::pages::login::EnterpriseLoginFlow;

/// A full page load into another app of the site (the tax console, the H5 app).
pub fn leave_for(_url: &str) {
    #[cfg(feature = "csr")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(_url);
    }
}

#[component]
pub fn PortalApp() -> impl IntoView {
    Session::provide();
    crate::pages::account::provide_arrival();
    register_service_worker();
    view! {
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=|| view! { <section class="card"><h2>"页面不存在"</h2><p><a href="/">"返回首页"</a></p></section> }>
                    <Route path=path!("/") view=Landing />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/leqi") view=LeqiHome />
                    <Route path=path!("/leqi/access/print/:kind") view=crate::pages::print::PrintPage />
                    // The xxzx bundle's pages (pages::xxzx::XXZX_PAGES).
                    <Route path=path!("/leqi/messages") view=LeaveHere />
                    <Route path=path!("/leqi/notices") view=LeaveHere />
                    <Route path=path!("/leqi/measures") view=LeaveHere />
                    <Route path=path!("/leqi/:section/:page") view=LeqiPage />
                    <Route path=path!("/leqi/:section") view=LeqiPage />
                    // The account bundle's pages (pages::account::ACCOUNT_PAGES).
                    <Route path=path!("/register") view=LeaveHere />
                    <Route path=path!("/forgot") view=LeaveHere />
                    <Route path=path!("/me") view=LeaveHere />
                    <Route path=path!("/me/users") view=LeaveHere />
                    <Route path=path!("/me/password") view=LeaveHere />
                    <Route path=path!("/me/sessions") view=LeaveHere />
                    <Route path=path!("/dev/outbox") view=LeaveHere />
                </Routes>
            </main>
        </Router>
    }
}

/// Registers /sw.js (app shell cache). Failures only mean no offline shell.
pub fn register_service_worker() {
    crate::components::register_service_worker("/sw.js");
}

/// `/`: send each person where they belong.
#[component]
fn Landing() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.loaded.get() {
            match session.principal.get() {
                Some(Principal::Taxpayer(_)) => navigate("/leqi", Default::default()),
                // The tax console is its own app (bundle) at /tax.
                Some(Principal::Officer(_)) => leave_for("/tax"),
                None => navigate("/login", Default::default()),
            }
        }
    });
    view! { <p class="loading">"正在加载…"</p> }
}

#[component]
fn LoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let query = leptos_router::hooks::use_query_map();
    let nav2 = navigate.clone();
    let done = Callback::new(move |p: Principal| {
        session.principal.set(Some(p));
        // Back to where a page of another bundle sent us (only our own paths).
        match query.with_untracked(|q| q.get("next")) {
            Some(next) if next.starts_with('/') && !next.starts_with("//") => leave_for(&next),
            _ => navigate("/leqi", Default::default()),
        }
    });
    // 切换身份 (`?switch=1`, from the header of any bundle): end the session and
    // go on at 办税人员选择 of the same enterprise.
    let switching = RwSignal::new(query.with_untracked(|q| q.get("switch").is_some()));
    if switching.get_untracked() {
        spawn_local(async move {
            if let Ok(sel) = switch_identity().await {
                session.principal.set(None);
                session.resume.set(Some(sel));
            }
            nav2("/login", leptos_router::NavigateOptions { replace: true, ..Default::default() });
            switching.set(false);
        });
    }
    view! {
        <div class="login-page">
            {move || if switching.get() {
                view! { <p class="loading">"正在切换身份…"</p> }.into_any()
            } else {
                view! { <EnterpriseLoginFlow on_done=done /> }.into_any()
            }}
            <p class="muted small links">
                <a href="/register">"注册"</a>
                " · "
                <a href="/forgot">"忘记密码"</a>
                " · "
                <a href="/tax/login" rel="external">"税务人员登录"</a>
                " · "
                <a href="/kkjrh5/">"移动端（H5）"</a>
            </p>
        </div>
    }
}

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
                    let reads_messages = t.may_use(crate::kernel::Module::LeqiMessages);
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
