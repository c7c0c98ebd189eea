//! The H5 mobile entry at /kkjrh5/ (manual §4.3.1.2): login, then
//! 【接入确认】→【待确认】. Built for touch at 360 px.
//!
//! Three bundles share these URLs, so each stays small on a phone (issue #16:
//! H5 ≤ 120 KB gzip):
//! - signed out, the server answers any H5 page with the login bundle
//!   ([`H5LoginApp`], `bin/h5login.rs`, built into `/kkjrh5/login/`); once the
//!   login succeeds the page reloads and the server answers with one of the two
//!   others;
//! - `/kkjrh5/`: the home ([`H5App`], `bin/h5.rs`): 待确认 list, 未读消息,
//!   能力授权, 授权申请;
//! - `/kkjrh5/invitation/ID`: one invitation with 确认 / 拒绝 / 授权
//!   ([`crate::pages::h5_invite::H5InviteApp`], `bin/h5invite.rs`, built into
//!   `/kkjrh5/invite/`).
//!
//! The list links to an invitation and the invitation back to the list with a
//! full page load (plain `<a href>`), so no bundle carries a router. What the
//! three share (addresses, the signed-in frame, 无网络) is `pages::h5_shell`.
//! `/kkjrh5/?invitation=ID` (older links) is redirected by the server.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::h5_invite::InviteList;
use crate::pages::h5_shell::{reload_page, H5Shell};

/// The home: 待确认, 未读消息, 能力授权, 我的授权申请.
#[component]
pub fn H5App() -> impl IntoView {
    view! {
        <H5Shell>
            <LinkNotice /><UnreadMessages /><InviteList /><GrantLines /><RequestLines />
        </H5Shell>
    }
}

/// The login bundle at `/kkjrh5/login/`, shown by the server for any H5 page
/// while signed out: 【登录】 as on the web portal, then a reload of the same
/// address (a deep link goes on to its invitation).
#[component]
pub fn H5LoginApp() -> impl IntoView {
    crate::components::session::Session::provide_signed_out();
    crate::components::register_service_worker("/kkjrh5/sw.js");
    let done = Callback::new(move |_: crate::kernel::Principal| reload_page());
    view! {
        <div class="h5">
            <header class="h5-bar"><h1>"乐企移动端"</h1></header>
            <div class="h5-body"><LinkNotice /><crate::pages::login::EnterpriseLoginFlow on_done=done /></div>
        </div>
    }
}

/// An 邀请链接 that did not open its invitation (`/kkjrh5/?link=expired` …, set
/// by the server's `/kkjrh5/i/TOKEN`): why, and 【接入确认】 (the 待确认 list).
#[component]
fn LinkNotice() -> impl IntoView {
    use crate::invite_link::rules::LinkRefusal;
    let refusal = RwSignal::new(crate::components::query_param("link").and_then(|c| LinkRefusal::from_code(&c)));
    // The notice goes, and the address becomes the list's (the list is already below).
    let to_list = move |_| {
        refusal.set(None);
        #[cfg(feature = "csr")]
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&crate::pages::h5_shell::H5Route::Home.path()));
        }
    };
    move || {
        refusal.get().map(|r| {
            view! {
                <section class="card link-notice" role="alert">
                    <p>{r.message()}</p>
                    <button class="primary" on:click=to_list>"接入确认"</button>
                </section>
            }
        })
    }
}

/// 【消息中心】's unread messages of the unit for this person, each 【已读】 with a tap;
/// the whole list on the web portal.
#[component]
fn UnreadMessages() -> impl IntoView {
    use crate::message::api::{h5_messages, message_read};
    let data = RwSignal::new((0u32, Vec::<(i64, String)>::new()));
    spawn_local(async move { data.set(h5_messages().await.unwrap_or_default()) });
    let read = move |id: i64| {
        spawn_local(async move {
            if let Ok(n) = message_read(vec![id]).await {
                data.update(|(count, lines)| {
                    *count = n;
                    lines.retain(|(i, _)| *i != id);
                });
            }
        })
    };
    move || {
        let (n, lines) = data.get();
        (n > 0).then(|| view! {
            <section class="card h5-messages" aria-label="未读消息">
                <h2>"未读消息"<span class="badge" data-testid="h5-unread">{crate::message::rules::unread_badge(n)}</span></h2>
                <ul>{lines.into_iter().map(|(id, line)| view! {
                    <li data-testid="h5-message">{line}<button class="link" on:click=move |_| read(id)>"已读"</button></li>
                }).collect_view()}</ul>
                <a href="/leqi/messages" rel="external">"消息中心"</a>
            </section>
        })
    }
}

/// 能力授权 (guideline-sichuan 第四章 四): the capabilities direct units granted this use
/// unit; 【确认授权】/【拒绝】 a pending one (revoking is on the web 能力中心).
#[component]
fn GrantLines() -> impl IntoView {
    use crate::capability::api::{h5_capability_grants, h5_grant_answer};
    let lines = RwSignal::new(Vec::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let load = move || spawn_local(async move { lines.set(h5_capability_grants().await.unwrap_or_default()) });
    load();
    let answer = move |id: i64, version: i64, confirm: bool| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            if let Err(e) = h5_grant_answer(id, version, confirm).await {
                error.set(Some(e.to_string()));
            }
            busy.set(false);
            load();
        });
    };
    move || (!lines.with(|l| l.is_empty())).then(|| view! {
        <section class="card h5-grants">
            <h2>"能力授权"</h2>
            {move || error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <ul>{move || lines.get().into_iter().map(|g| {
                let (id, version) = (g.id, g.version);
                view! {
                    <li class="h5-grant" data-id=id>
                        {g.text}" "<span class="status">{g.status}</span>
                        {g.pending.then(|| view! {
                            <span class="actions h5-actions">
                                <button class="primary" disabled=move || busy.get() on:click=move |_| answer(id, version, true)>"确认授权"</button>
                                <button class="secondary danger" disabled=move || busy.get() on:click=move |_| answer(id, version, false)>"拒绝"</button>
                            </span>
                        })}
                    </li>
                }
            }).collect_view()}</ul>
        </section>
    })
}

/// 我的授权申请 (guideline-sichuan ch. 3 一(二)1.(2)) as text lines; sent from the web page.
#[component]
fn RequestLines() -> impl IntoView {
    let lines = RwSignal::new(Vec::<String>::new());
    spawn_local(async move { lines.set(crate::auth_request::api::h5_auth_requests().await.unwrap_or_default()) });
    view! {
        <section class="card h5-requests">
            <h2>"我的授权申请"</h2>
            <ul>{move || lines.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            <a href="/jrgl/respond/apply" rel="external">"申请授权"</a>
        </section>
    }
}
