//! The tax console: 税务人员登录 and the officer's work queue.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

use crate::api::auth::officer_login;
use crate::components::captcha::{CaptchaField, CaptchaState};
use crate::components::session::use_session;
use crate::components::{FieldMsg, FormMsg};
use crate::domain::Principal;
use crate::error::AppError;

#[component]
pub fn OfficerLoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let captcha = CaptchaState::new();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let r = officer_login(username.get_untracked(), password.get_untracked(), captcha.id.get_untracked(), captcha.answer.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(p) => {
                    session.principal.set(Some(p));
                    navigate("/tax", Default::default());
                }
                Err(e) => {
                    password.set(String::new());
                    captcha.refresh();
                    error.set(Some(e));
                }
            }
        });
    };

    view! {
        <div class="login-page">
            <form class="card login" on:submit=submit novalidate>
                <h2>"税务人员登录"</h2>
                <label class="field">
                    <span>"用户名"</span>
                    <input name="username" autocomplete="username" placeholder="请输入用户名" bind:value=username />
                    <FieldMsg error field="username" />
                </label>
                <label class="field">
                    <span>"密码"</span>
                    <input name="password" type="password" autocomplete="current-password" placeholder="请输入密码" bind:value=password />
                    <FieldMsg error field="password" />
                </label>
                <CaptchaField state=captcha error />
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || busy.get()>"登录"</button>
            </form>
            <p class="muted small"><a href="/login">"企业用户登录"</a></p>
        </div>
    }
}

#[component]
pub fn OfficerQueue() -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading">"正在加载…"</p> }.into_any();
        }
        match session.principal.get() {
            Some(Principal::Officer(o)) => view! {
                <section class="card queue">
                    <h2>{format!("{}待办", o.role.label())}</h2>
                    <p class="muted">{o.unit_name.clone()}</p>
                    <table class="list">
                        <thead><tr><th>"事项"</th><th>"单位"</th><th>"提交时间"</th><th>"状态"</th></tr></thead>
                        <tbody></tbody>
                    </table>
                    <p class="empty">"暂无待办事项"</p>
                </section>
            }
            .into_any(),
            _ => view! { <Redirect path="/tax/login" /> }.into_any(),
        }
    }
}
