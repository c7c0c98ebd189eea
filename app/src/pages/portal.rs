//! The web portal's root (the `portal` bundle): its routes, the landing and the login.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use crate::auth::api::switch_identity;
use crate::components::session::use_session;
use crate::components::shell::{leave_for, AppShell, LeaveHere, NotFound};
use crate::kernel::Principal;
use crate::pages::leqi::{LeqiHome, LeqiPage};
use crate::pages::login::EnterpriseLoginFlow;

#[component]
pub fn PortalApp() -> impl IntoView {
    view! {
        <AppShell service_worker=true>
            <Routes fallback=|| view! { <NotFound href="/" label="返回首页" /> }>
                <Route path=path!("/") view=Landing />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/leqi") view=LeqiHome />
                <Route path=path!("/leqi/access/print/:kind") view=crate::pages::print::PrintPage />
                // The xxzx bundle's pages (bundles.json).
                <Route path=path!("/leqi/messages") view=LeaveHere />
                <Route path=path!("/leqi/notices") view=LeaveHere />
                <Route path=path!("/leqi/measures") view=LeaveHere />
                <Route path=path!("/leqi/:section/:page") view=LeqiPage />
                <Route path=path!("/leqi/:section") view=LeqiPage />
                // The account bundle's pages (bundles.json).
                <Route path=path!("/register") view=LeaveHere />
                <Route path=path!("/forgot") view=LeaveHere />
                <Route path=path!("/me") view=LeaveHere />
                <Route path=path!("/me/users") view=LeaveHere />
                <Route path=path!("/me/password") view=LeaveHere />
                <Route path=path!("/me/sessions") view=LeaveHere />
                <Route path=path!("/dev/outbox") view=LeaveHere />
            </Routes>
        </AppShell>
    }
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
