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
//! full page load (plain `<a href>`), so no bundle carries a router.
//! `/kkjrh5/?invitation=ID` (older links) is redirected by the server.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::api::{h5_me, logout, H5Who};
use crate::error::AppError;
use crate::pages::h5_invite::InviteList;

/// The pages of the H5 app, below [`H5Route::BASE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum H5Route {
    /// `/kkjrh5/`: login, then 【接入确认】→【待确认】. Unknown paths land here too.
    Home,
    /// `/kkjrh5/invitation/ID`: one invitation (its own bundle); opened from a
    /// link, it asks for login first and then shows the invitation.
    Invitation(i64),
}

impl H5Route {
    pub const BASE: &'static str = "/kkjrh5";

    /// The route for a `location.pathname` (with or without the base).
    pub fn parse(pathname: &str) -> Self {
        let rest = pathname.strip_prefix(Self::BASE).unwrap_or(pathname);
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["invitation", id] => id.parse().map(H5Route::Invitation).unwrap_or(H5Route::Home),
            _ => H5Route::Home,
        }
    }

    /// The absolute path, for `href`.
    pub fn path(&self) -> String {
        match self {
            H5Route::Home => format!("{}/", Self::BASE),
            H5Route::Invitation(id) => format!("{}/invitation/{id}", Self::BASE),
        }
    }

    /// The route of the page the browser shows now.
    pub fn current() -> Self {
        #[cfg(feature = "csr")]
        if let Some(l) = web_sys::window().map(|w| w.location()) {
            return Self::parse(&l.pathname().unwrap_or_default());
        }
        H5Route::Home
    }
}

/// The home: 待确认, 未读消息, 能力授权, 我的授权申请.
#[component]
pub fn H5App() -> impl IntoView {
    view! {
        <H5Shell>
            <LinkNotice /><UnreadMessages /><InviteList /><GrantLines /><RequestLines />
        </H5Shell>
    }
}

/// What every signed-in H5 page has: the session (`h5_me`), the service
/// worker, the online flag, the 【接入确认】 bar with 【退出】, and the page
/// (`children`) for a signed-in taxpayer — or 无网络, or the way back to the login.
#[component]
pub fn H5Shell(children: ChildrenFn) -> impl IntoView {
    provide_context(H5Session::load());
    crate::components::register_service_worker("/kkjrh5/sw.js");
    crate::pages::h5_invite::provide_online();
    view! {
        <div class="h5">
            <H5Home page=children />
        </div>
    }
}

/// Who is signed in, for the H5 app: `None` until the server answered.
#[derive(Clone, Copy)]
pub struct H5Session {
    pub who: RwSignal<Option<Result<Option<H5Who>, AppError>>>,
}

impl H5Session {
    fn load() -> Self {
        let s = H5Session { who: RwSignal::new(None) };
        s.reload();
        s
    }
    pub fn reload(self) {
        spawn_local(async move { self.who.set(Some(h5_me().await)) });
    }
}

fn use_h5_session() -> H5Session {
    expect_context::<H5Session>()
}

/// A full page load of the current address: signed out, the server answers
/// with the login bundle (see the module note).
fn reload_page() {
    #[cfg(feature = "csr")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

#[component]
fn H5Home(page: ChildrenFn) -> impl IntoView {
    let session = use_h5_session();
    move || match session.who.get() {
        None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
        Some(Err(AppError::Network)) => view! { <NoNetwork /> }.into_any(),
        Some(Ok(Some(H5Who { officer: false, enterprise_name, person_name, identity }))) => {
            let page = page.clone();
            view! { <Pending name=enterprise_name identity person=person_name>{page()}</Pending> }.into_any()
        }
        Some(Ok(Some(H5Who { officer: true, .. }))) => view! {
            <header class="h5-bar"><h1>"乐企移动端"</h1></header>
            <section class="card"><p class="form-error" role="alert">"乐企移动端仅供纳税人使用，请退出税务人员账号后以企业身份登录。"</p></section>
        }.into_any(),
        // Signed out meanwhile (the server sent this app for a live session).
        Some(_) => view! {
            <header class="h5-bar"><h1>"乐企移动端"</h1></header>
            <div class="h5-body">
                <section class="card"><p>"登录已失效，请重新登录。"</p>
                <button class="primary" on:click=move |_| reload_page()>"登录"</button></section>
            </div>
        }
        .into_any(),
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
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&H5Route::Home.path()));
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

#[component]
fn NoNetwork() -> impl IntoView {
    let session = use_h5_session();
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
fn Pending(name: String, identity: String, person: String, children: Children) -> impl IntoView {
    let out = move |_| {
        spawn_local(async move {
            let _ = logout().await;
            reload_page();
        });
    };
    view! {
        <header class="h5-bar">
            <h1>"接入确认"</h1>
            <button class="link light" on:click=out>"退出"</button>
        </header>
        <div class="h5-body">
            <p class="h5-who" data-testid="who">{name}<br/><small>{person}" · "{identity}</small></p>
            {children()}
        </div>
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

#[cfg(test)]
mod tests {
    use super::H5Route;

    #[test]
    fn routes_round_trip_through_their_paths() {
        for r in [H5Route::Home, H5Route::Invitation(42)] {
            assert_eq!(H5Route::parse(&r.path()), r);
        }
        assert_eq!(H5Route::parse("/kkjrh5/invitation/abc"), H5Route::Home);
        assert_eq!(H5Route::parse("/kkjrh5/nothing"), H5Route::Home);
    }
}
