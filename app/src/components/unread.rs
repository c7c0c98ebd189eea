//! The header's 【消息中心】 link with its 未读 count. New messages appear without a
//! reload: the count is polled (every `POLL_SECS`, doubled after each failure up to
//! `POLL_MAX_SECS`; skipped while the tab is hidden). Polling reads the database, so it is
//! right whichever of several server processes answers.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::message::api::message_unread;
use crate::components::session::Session;
use crate::kernel::Module;
use crate::message::rules::{poll_delay_secs, unread_badge};
use crate::kernel::Principal;
use crate::error::AppError;

pub const POLL_SECS: u32 = 10;
pub const POLL_MAX_SECS: u32 = 160;

fn reads_messages(s: Session) -> bool {
    matches!(s.principal.get_untracked(), Some(Principal::Taxpayer(t)) if t.may_use(Module::LeqiMessages))
}

fn hidden() -> bool {
    #[cfg(feature = "csr")]
    {
        web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
    }
    #[cfg(not(feature = "csr"))]
    false
}

/// Asks for the count now (after a page read some messages, or a change).
pub fn refresh_unread(s: Session) {
    if !reads_messages(s) {
        return;
    }
    spawn_local(async move {
        if let Ok(n) = message_unread().await {
            s.unread.set(Some(n));
        }
    });
}

/// Starts the polling loop once per page load.
pub fn start_polling(s: Session) {
    if s.polling.get_untracked() {
        return;
    }
    s.polling.set(true);
    tick(s, 0);
}

fn tick(s: Session, failures: u32) {
    if !reads_messages(s) {
        s.polling.set(false);
        s.unread.set(None);
        return;
    }
    spawn_local(async move {
        let failures = if hidden() {
            failures
        } else {
            match message_unread().await {
                Ok(n) => {
                    s.unread.set(Some(n));
                    0
                }
                // Signed out meanwhile: stop (the next login starts it again).
                Err(AppError::NotAuthenticated) => {
                    s.polling.set(false);
                    s.unread.set(None);
                    return;
                }
                Err(_) => failures + 1,
            }
        };
        let delay = poll_delay_secs(POLL_SECS, POLL_MAX_SECS, failures);
        set_timeout(move || tick(s, failures), Duration::from_secs(delay as u64));
    });
}

/// 【消息中心】 with the unread badge, for the header.
#[component]
pub fn UnreadLink(session: Session) -> impl IntoView {
    start_polling(session);
    view! {
        <a href="/leqi/messages" rel="external" class="link messages-link" data-testid="messages-link">
            "消息中心"
            {move || session.unread.get().filter(|n| *n > 0).map(|n| view! {
                <span class="badge" data-testid="unread" aria-label=format!("未读{}条", n)>{unread_badge(n)}</span>
            })}
        </a>
    }
}
