use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::auth::new_captcha;
use crate::error::AppError;

/// A server-generated captcha image with its input; click the image for a new one.
#[derive(Clone, Copy)]
pub struct CaptchaState {
    pub id: RwSignal<String>,
    pub image: RwSignal<String>,
    pub answer: RwSignal<String>,
}

impl CaptchaState {
    pub fn new() -> Self {
        let s = CaptchaState { id: RwSignal::new(String::new()), image: RwSignal::new(String::new()), answer: RwSignal::new(String::new()) };
        s.refresh();
        s
    }

    /// Fetches a new image (each captcha is single use).
    pub fn refresh(self) {
        self.answer.set(String::new());
        spawn_local(async move {
            if let Ok(c) = new_captcha().await {
                self.id.set(c.id);
                self.image.set(c.image);
            }
        });
    }
}

impl Default for CaptchaState {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn CaptchaField(state: CaptchaState, error: RwSignal<Option<AppError>>) -> impl IntoView {
    view! {
        <label class="field">
            <span>"图形验证码"</span>
            <div class="captcha-row">
                <input name="captcha" autocomplete="off" maxlength="6" placeholder="请输入图形验证码" bind:value=state.answer />
                <img class="captcha" alt="图形验证码，点击刷新" title="看不清？点击刷新"
                    src=move || state.image.get()
                    on:click=move |_| state.refresh() />
            </div>
            <super::FieldMsg error=error field="captcha" />
        </label>
    }
}
