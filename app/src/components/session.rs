//! Who is signed in, shared by every page through context.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::auth::{current_principal, PersonSelection};
use crate::domain::Principal;

#[derive(Clone, Copy)]
pub struct Session {
    pub principal: RwSignal<Option<Principal>>,
    /// False until the first answer from the server.
    pub loaded: RwSignal<bool>,
    /// Set by 切换身份: the login continues at 办税人员选择.
    pub resume: RwSignal<Option<PersonSelection>>,
    /// The server could not be reached.
    pub offline: RwSignal<bool>,
}

impl Session {
    pub fn provide() -> Self {
        let s = Session { principal: RwSignal::new(None), loaded: RwSignal::new(false), resume: RwSignal::new(stored_resume()), offline: RwSignal::new(false) };
        provide_context(s);
        s.reload();
        s
    }

    /// For a page that is only ever shown signed out (the H5 login bundle):
    /// no call to the server, nobody signed in.
    pub fn provide_signed_out() -> Self {
        let s = Session { principal: RwSignal::new(None), loaded: RwSignal::new(true), resume: RwSignal::new(None), offline: RwSignal::new(false) };
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

/// The tab's storage key of a 切换身份 in progress: the login may be on
/// another bundle (a full page load), so the selection survives it.
#[cfg(feature = "csr")]
const RESUME_KEY: &str = "leqi_resume";

fn stored_resume() -> Option<PersonSelection> {
    #[cfg(feature = "csr")]
    {
        let storage = web_sys::window()?.session_storage().ok()??;
        let value = storage.get_item(RESUME_KEY).ok()??;
        serde_json::from_str(&value).ok()
    }
    #[cfg(not(feature = "csr"))]
    None
}

impl Session {
    /// 切换身份: the login continues at 办税人员选择, in this page or the next.
    pub fn resume_with(self, selection: PersonSelection) {
        #[cfg(feature = "csr")]
        if let (Some(storage), Ok(value)) = (web_sys::window().and_then(|w| w.session_storage().ok().flatten()), serde_json::to_string(&selection)) {
            let _ = storage.set_item(RESUME_KEY, &value);
        }
        self.resume.set(Some(selection));
    }

    /// The selection to continue with, once (the login took it).
    pub fn take_resume(self) -> Option<PersonSelection> {
        #[cfg(feature = "csr")]
        if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = storage.remove_item(RESUME_KEY);
        }
        let r = self.resume.get_untracked();
        self.resume.set(None);
        r
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
