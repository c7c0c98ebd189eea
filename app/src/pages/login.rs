//! 【登录】→【企业用户】→【用户名登录】 (etax-login-guide §1): the same three
//! steps on the web portal and on the H5 page.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::auth::api::{enterprise_login, person_login_password, person_login_sms, send_login_sms, PersonChoice, PersonSelection};
use crate::components::captcha::{LoginKind, PasswordLogin};
use crate::components::session::use_session;
use crate::components::{FieldMsg, FormMsg};
use crate::kernel::Principal;
use crate::error::AppError;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Password,
    Sms,
}

/// The whole login. `on_done` runs once the person is verified.
#[component]
pub fn EnterpriseLoginFlow(on_done: Callback<Principal>) -> impl IntoView {
    let session = use_session();
    let selection: RwSignal<Option<PersonSelection>> = RwSignal::new(session.take_resume());
    let chosen: RwSignal<Option<PersonChoice>> = RwSignal::new(None);

    view! {
        {move || match (selection.get(), chosen.get()) {
            (None, _) => view! { <Credentials selection /> }.into_any(),
            (Some(sel), None) => view! { <ChoosePerson sel chosen /> }.into_any(),
            (Some(sel), Some(person)) => view! { <VerifyPerson sel person chosen selection on_done /> }.into_any(),
        }}
    }
}

#[component]
fn Credentials(selection: RwSignal<Option<PersonSelection>>) -> impl IntoView {
    let kind = LoginKind {
        title: "企业用户登录",
        label: "统一社会信用代码/纳税人识别号",
        name: "code",
        placeholder: "请输入统一社会信用代码/纳税人识别号",
        maxlength: Some("20"),
    };
    view! {
        <PasswordLogin kind send=enterprise_login done=move |sel| selection.set(Some(sel))>
            <p class="tabs"><span class="tab active">"用户名登录"</span></p>
        </PasswordLogin>
    }
}

#[component]
fn ChoosePerson(sel: PersonSelection, chosen: RwSignal<Option<PersonChoice>>) -> impl IntoView {
    let people = sel.people.clone();
    view! {
        <section class="card choose">
            <h2>"办税人员选择"</h2>
            <p class="muted">{sel.enterprise_name.clone()}</p>
            {if people.is_empty() {
                view! { <p class="empty">"该企业暂无可登录的办税人员，请先通过【企业用户注册】绑定企业。"</p> }.into_any()
            } else {
                view! {
                    <ul class="person-list">
                        {people.into_iter().map(|p| {
                            let pick = p.clone();
                            view! {
                                <li>
                                    <button type="button" class="person" class:unbound=!p.bound on:click=move |_| chosen.set(Some(pick.clone()))>
                                        <span class="name">{p.name.clone()}</span>
                                        <span class="identity">{p.identity.label()}</span>
                                        <span class="phone">{p.phone_masked.clone()}{(!p.bound).then(|| view! { <span class="tag warn">"未绑定企业"</span> })}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn VerifyPerson(
    sel: PersonSelection,
    person: PersonChoice,
    chosen: RwSignal<Option<PersonChoice>>,
    selection: RwSignal<Option<PersonSelection>>,
    on_done: Callback<Principal>,
) -> impl IntoView {
    let method = RwSignal::new(if person.has_password { Method::Password } else { Method::Sms });
    let secret = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let wait = RwSignal::new(0u32);
    let busy = RwSignal::new(false);
    let flow_id = StoredValue::new(sel.flow_id.clone());
    let link_id = person.link_id;

    let handle = set_interval_with_handle(move || wait.update(|w| *w = w.saturating_sub(1)), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });

    let finish = move |r: Result<Principal, AppError>| match r {
        Ok(p) => on_done.run(p),
        Err(AppError::Expired(_)) => {
            // The login expired: start again from the enterprise password.
            chosen.set(None);
            selection.set(None);
        }
        Err(e) => error.set(Some(e)),
    };

    let send_code = move |_: leptos::ev::MouseEvent| {
        if wait.get_untracked() > 0 {
            return;
        }
        spawn_local(async move {
            match send_login_sms(flow_id.get_value(), link_id).await {
                Ok(s) => {
                    error.set(None);
                    notice.set(Some(format!("验证码已发送至{}", s.phone_masked)));
                    wait.set(s.resend_after_secs);
                }
                Err(AppError::TooFrequent { seconds }) => wait.set(seconds),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = match method.get_untracked() {
                Method::Password => person_login_password(flow_id.get_value(), link_id, secret.get_untracked()).await,
                Method::Sms => person_login_sms(flow_id.get_value(), link_id, sms_code.get_untracked()).await,
            };
            busy.set(false);
            secret.set(String::new());
            finish(r);
        });
    };

    view! {
        <form class="card verify" on:submit=submit novalidate>
            <h2>"身份验证"</h2>
            <p class="who">
                <span class="name">{person.name.clone()}</span>
                <span class="identity">{person.identity.label()}</span>
                <span class="muted">{sel.enterprise_name.clone()}</span>
            </p>
            <div class="tabs" role="tablist">
                <button type="button" role="tab" class="tab" class:active=move || method.get() == Method::Password
                    disabled=!person.has_password
                    on:click=move |_| { error.set(None); method.set(Method::Password) }>"密码验证"</button>
                <button type="button" role="tab" class="tab" class:active=move || method.get() == Method::Sms
                    on:click=move |_| { error.set(None); method.set(Method::Sms) }>"短信验证"</button>
            </div>
            <Show when=move || method.get() == Method::Password>
                <label class="field">
                    <span>"办税人员密码"</span>
                    <input name="person_password" type="password" autocomplete="current-password" placeholder="请输入自然人登录密码" bind:value=secret />
                    <FieldMsg error field="person_password" />
                </label>
            </Show>
            <Show when=move || method.get() == Method::Sms>
                <label class="field">
                    <span>"短信验证码（发送至 "{person.phone_masked.clone()}"）"</span>
                    <div class="sms-row">
                        <input name="sms_code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="请输入短信验证码" bind:value=sms_code />
                        <button type="button" class="secondary" name="send_sms" disabled=move || { wait.get() > 0 } on:click=send_code>
                            {move || if wait.get() > 0 { format!("{}秒后重新获取", wait.get()) } else { "获取验证码".to_string() }}
                        </button>
                    </div>
                    <FieldMsg error field="sms_code" />
                </label>
            </Show>
            {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
            <FormMsg error />
            <div class="actions">
                <button type="button" class="link" on:click=move |_| chosen.set(None)>"重新选择办税人员"</button>
                <button class="primary" type="submit" disabled=move || busy.get()>"登录"</button>
            </div>
        </form>
    }
}
