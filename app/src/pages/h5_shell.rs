//! What the H5 bundles (`h5`, `h5invite`, `h5login`; see `pages::h5`) share: their
//! addresses ([`H5Route`]), the frame of a signed-in page ([`H5Shell`]: the session, the
//! service worker, the 【接入确认】 bar) and the online flag with its 无网络 ([`Offline`]).
//! The H5 bundles have no router; a page goes to another with a full page load.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::api::{h5_me, logout, H5Who};
use crate::error::AppError;

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

/// What every signed-in H5 page has: the session (`h5_me`), the service
/// worker, the online flag, the 【接入确认】 bar with 【退出】, and the page
/// (`children`) for a signed-in taxpayer — or 无网络, or the way back to the login.
#[component]
pub fn H5Shell(children: ChildrenFn) -> impl IntoView {
    provide_context(H5Session::load());
    crate::components::register_service_worker("/kkjrh5/sw.js");
    provide_online();
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
/// with the login bundle (see `pages::h5`).
pub fn reload_page() {
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

/// Whether the browser is online, kept by the `online` / `offline` events.
#[derive(Clone, Copy)]
pub struct Online(pub RwSignal<bool>);

pub fn provide_online() -> RwSignal<bool> {
    #[cfg(feature = "csr")]
    let now = web_sys::window().map(|w| w.navigator().on_line()).unwrap_or(true);
    #[cfg(not(feature = "csr"))]
    let now = true;
    let online = RwSignal::new(now);
    let on = window_event_listener(leptos::ev::online, move |_| online.set(true));
    let off = window_event_listener(leptos::ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    provide_context(Online(online));
    online
}

/// The online flag of [`provide_online`].
pub fn online() -> RwSignal<bool> {
    expect_context::<Online>().0
}

/// 无网络: what replaces any data while offline.
#[component]
pub fn Offline(retry: Callback<()>) -> impl IntoView {
    view! {
        <section class="card no-network" role="alert">
            <h2>"无网络"</h2>
            <p>"当前无法连接服务器，请检查网络后重试。离线时不显示邀请状态，也不能办理。"</p>
            <button class="primary" on:click=move |_| retry.run(())>"重试"</button>
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
