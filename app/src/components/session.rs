//! Who is signed in, shared by every page through context.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::api::{current_principal, PersonSelection};
use crate::kernel::Principal;

#[derive(Clone, Copy)]
pub struct Session {
    pub principal: RwSignal<Option<Principal>>,
    /// False until the first answer from the server.
    pub loaded: RwSignal<bool>,
    /// Set by 切换身份: the login continues at 办税人员选择.
    pub resume: RwSignal<Option<PersonSelection>>,
    /// The server could not be reached.
    pub offline: RwSignal<bool>,
    /// 【消息中心】's 未读 count (the header's badge), kept fresh by polling
    /// (`components::unread`); `None` until known or for a person without 消息中心.
    pub unread: RwSignal<Option<u32>>,
    /// The polling loop runs (one per page load).
    pub polling: RwSignal<bool>,
}

impl Session {
    pub fn provide() -> Self {
        let s = Session { principal: RwSignal::new(None), loaded: RwSignal::new(false), resume: RwSignal::new(None), offline: RwSignal::new(false), unread: RwSignal::new(None), polling: RwSignal::new(false) };
        provide_context(s);
        s.reload();
        s
    }

    /// For a page that is only ever shown signed out (the H5 login bundle):
    /// no call to the server, nobody signed in.
    pub fn provide_signed_out() -> Self {
        let s = Session { principal: RwSignal::new(None), loaded: RwSignal::new(true), resume: RwSignal::new(None), offline: RwSignal::new(false), unread: RwSignal::new(None), polling: RwSignal::new(false) };
        provide_context(s);
        s
    }

    pub fn reload(self) {
        spawn_local(async move {
            match current_principal().await {
                Ok(p) => {
                    self.principal.set(p);
                    self.offline.set(false);
                }
                Err(crate::error::AppError::Network) => self.offline.set(true),
                Err(_) => self.principal.set(None),
            }
            self.loaded.set(true);
        });
    }
}

impl Session {
    /// The selection to continue with, once (the login took it).
    pub fn take_resume(self) -> Option<PersonSelection> {
        let r = self.resume.get_untracked();
        self.resume.set(None);
        r
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
