use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::api::new_captcha;
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

/// Who logs in with a password and a captcha: the enterprise (统一社会信用代码/
/// 纳税人识别号) or an officer (用户名).
#[derive(Clone, Copy)]
pub struct LoginKind {
    pub title: &'static str,
    pub label: &'static str,
    pub name: &'static str,
    pub placeholder: &'static str,
    pub maxlength: Option<&'static str>,
}

/// The first step of a login: the account, its password and the captcha. A
/// refused attempt clears the password and takes a fresh captcha (each is single use).
#[component]
pub fn PasswordLogin<O, Fut, D>(
    kind: LoginKind,
    /// (account, password, captcha id, captcha answer) → the answer.
    send: fn(String, String, String, String) -> Fut,
    /// What follows a successful login.
    done: D,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView
where
    O: 'static,
    Fut: std::future::Future<Output = Result<O, AppError>> + 'static,
    D: Fn(O) + 'static,
{
    // A link may name the account (`?code=` from an 邀请链接): pre-filled.
    let account = RwSignal::new(crate::components::query_param(kind.name).unwrap_or_default());
    let password = RwSignal::new(String::new());
    let captcha = CaptchaState::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let submit = super::use_submit(
        error,
        move |_: ()| {
            let fut = send(account.get_untracked(), password.get_untracked(), captcha.id.get_untracked(), captcha.answer.get_untracked());
            async move {
                let r = fut.await;
                if r.is_err() {
                    password.set(String::new());
                    captcha.refresh();
                }
                r
            }
        },
        done,
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !submit.busy() {
            submit.run(());
        }
    };
    view! {
        <form class="card login" on:submit=on_submit novalidate>
            <h2>{kind.title}</h2>
            {children.map(|c| c())}
            <label class="field">
                <span>{kind.label}</span>
                <input name=kind.name autocomplete="username" maxlength=kind.maxlength placeholder=kind.placeholder bind:value=account />
                <super::FieldMsg error field=kind.name />
            </label>
            <label class="field">
                <span>"密码"</span>
                <input name="password" type="password" autocomplete="current-password" placeholder="请输入密码" bind:value=password />
                <super::FieldMsg error field="password" />
            </label>
            <CaptchaField state=captcha error />
            <super::FormMsg error />
            <button class="primary" type="submit" disabled=move || submit.busy()>{move || if submit.busy() { "登录中…" } else { "登录" }}</button>
        </form>
    }
}
