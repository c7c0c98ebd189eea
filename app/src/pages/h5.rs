//! The H5 mobile entry at /kkjrh5/ (manual §4.3.1.2): login, then
//! 【接入确认】→【待确认】. Built for touch at 360 px.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api::auth::logout;
use crate::components::session::{use_session, Session};
use crate::domain::Principal;
use crate::pages::login::EnterpriseLoginFlow;

#[component]
pub fn H5App() -> impl IntoView {
    Session::provide();
    crate::components::register_service_worker("/kkjrh5/sw.js");
    view! {
        <Router base="/kkjrh5">
            <div class="h5">
                <Routes fallback=|| view! { <H5Home /> }>
                    <Route path=path!("/") view=H5Home />
                </Routes>
            </div>
        </Router>
    }
}

#[component]
fn H5Home() -> impl IntoView {
    let session = use_session();
    let done = Callback::new(move |p: Principal| session.principal.set(Some(p)));
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading">"正在加载…"</p> }.into_any();
        }
        if session.offline.get() && session.principal.get().is_none() {
            return view! { <NoNetwork /> }.into_any();
        }
        match session.principal.get() {
            Some(Principal::Taxpayer(t)) => view! { <Pending name=t.enterprise_name identity=t.identity.label() person=t.person_name /> }.into_any(),
            _ => view! {
                <header class="h5-bar"><h1>"乐企移动端"</h1></header>
                <div class="h5-body"><EnterpriseLoginFlow on_done=done /></div>
            }
            .into_any(),
        }
    }
}

#[component]
fn NoNetwork() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="h5-bar"><h1>"乐企移动端"</h1></header>
        <section class="card no-network" role="alert">
            <h2>"无网络"</h2>
            <p>"当前无法连接服务器，请检查网络后重试。"</p>
            <button class="primary" on:click=move |_| session.reload()>"重试"</button>
        </section>
    }
}

#[component]
fn Pending(name: String, identity: &'static str, person: String) -> impl IntoView {
    let session = use_session();
    let out = move |_| {
        spawn_local(async move {
            let _ = logout().await;
            session.principal.set(None);
        });
    };
    view! {
        <header class="h5-bar">
            <h1>"接入确认"</h1>
            <button class="link light" on:click=out>"退出"</button>
        </header>
        <div class="h5-body">
            <p class="h5-who" data-testid="who">{name}<br/><small>{person}" · "{identity}</small></p>
            <nav class="h5-tabs" role="tablist">
                <span class="tab active" role="tab">"待确认"</span>
            </nav>
            <section class="card">
                <p class="empty">"暂无待确认的接入邀请"</p>
            </section>
        </div>
    }
}
