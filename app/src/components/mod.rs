//! Shared UI pieces: field messages, the captcha, the session context, the
//! routed bundles' shell (`shell`: `AppShell`, the header, `LeaveHere`, the
//! guards), and the kit (`kit`): loaded values, submissions, timeline, dialogs.

pub mod captcha;
pub mod form;
pub mod kit;
pub mod session;
pub mod shell;
pub mod unread;

pub use kit::{failed, loading, use_load, use_submit, ConfirmDialog, Loaded, Loader, ReasonDialog, Submit, Timeline};

use leptos::prelude::*;

use crate::error::AppError;

/// The message for one field, shown right under it.
#[component]
pub fn FieldMsg(error: RwSignal<Option<AppError>>, #[prop(into)] field: String) -> impl IntoView {
    move || {
        let field = field.clone();
        error.with(|e| e.as_ref().and_then(|e| e.message_for(&field))).map(|m| {
            view! { <p class="field-error" role="alert" data-field=field>{m}</p> }
        })
    }
}

/// The message for the whole form (anything not tied to a field).
#[component]
pub fn FormMsg(error: RwSignal<Option<AppError>>) -> impl IntoView {
    move || {
        error.with(|e| e.as_ref().and_then(|e| e.form_message())).map(|m| {
            let offline = error.with(|e| matches!(e, Some(AppError::Network)));
            view! {
                <p class="form-error" class:offline=offline role="alert">{m}</p>
            }
        })
    }
}

/// A page that is in the menu but not built yet — said plainly.
#[component]
pub fn NotYetOpen(title: String) -> impl IntoView {
    view! {
        <section class="card not-yet">
            <h2>{title}</h2>
            <p>"该功能尚未开放，敬请期待。"</p>
        </section>
    }
}

/// Registers a service worker (app shell cache). Failing only means no offline shell.
pub fn register_service_worker(_url: &str) {
    #[cfg(feature = "csr")]
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().service_worker().register(_url);
    }
}

/// A parameter of the page's query string (`?code=…`), as given (for plain values).
pub fn query_param(name: &str) -> Option<String> {
    #[cfg(feature = "csr")]
    {
        let search = web_sys::window()?.location().search().ok()?;
        search.trim_start_matches('?').split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')).filter(|v| !v.is_empty()).map(str::to_string)
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = name;
        None
    }
}
