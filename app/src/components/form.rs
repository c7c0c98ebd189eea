//! The form kit: a labelled field with its message, the SMS-code field with its
//! resend countdown, the 【获取验证码】 sender, a notice line, the approver
//! choice and the stepper of multi-step flows (注册, 忘记密码, 授权信息).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::accounts::api::{send_phone_code, Approver, PhonePurpose};
use crate::auth::api::SmsSent;
use crate::error::AppError;

use super::captcha::{CaptchaField, CaptchaState};
use super::FieldMsg;

pub const PASSWORD_HINT: &str = "8-32位，须同时包含字母和数字";

/// One labelled input; `name` is also the field name the server uses in its errors.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "")] placeholder: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] maxlength: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input name=name type=kind placeholder=placeholder autocomplete=autocomplete maxlength=maxlength inputmode=inputmode bind:value=value />
            <FieldMsg error field=name />
        </label>
    }
}

/// A resend countdown. It ticks in quarter seconds and starts one quarter late, so it never
/// ends before the server allows the next code (the interval is not aligned with `set`).
#[derive(Clone, Copy)]
pub struct Countdown {
    quarters: RwSignal<u32>,
}

impl Default for Countdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Countdown {
    pub fn new() -> Self {
        let quarters = RwSignal::new(0u32);
        let handle = set_interval_with_handle(
            move || {
                if quarters.get_untracked() > 0 {
                    quarters.update(|q| *q -= 1);
                }
            },
            std::time::Duration::from_millis(250),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
        Countdown { quarters }
    }

    pub fn set(self, secs: u32) {
        self.quarters.set(secs * 4 + 1);
    }

    /// Whole seconds left (reactive).
    pub fn get(self) -> u32 {
        self.quarters.get().div_ceil(4)
    }

    pub fn running(self) -> bool {
        self.quarters.get_untracked() > 0
    }
}

/// An SMS code input with its 【获取验证码】 button and countdown.
#[component]
pub fn SmsField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<AppError>>,
    wait: Countdown,
    sending: RwSignal<bool>,
    on_send: Callback<()>,
    #[prop(default = "获取验证码")] button: &'static str,
) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <div class="sms-row">
                <input name=name inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="请输入短信验证码" bind:value=value />
                <button type="button" class="secondary" name="send_sms" disabled=move || { wait.get() > 0 || sending.get() }
                    on:click=move |_| on_send.run(())>
                    {move || if wait.get() > 0 { format!("{}秒后重新获取", wait.get()) } else { button.to_string() }}
                </button>
            </div>
            <FieldMsg error field=name />
        </label>
    }
}

/// Applies the answer to a "send code" call: the notice and countdown, or the error.
/// 【获取验证码】 for the phone typed in `phone`: one request at a time, none
/// while the resend countdown runs; the outcome goes to `notice`/`error`.
/// No session here: each send takes the captcha shown above it (then a new one).
pub fn phone_code_sender(
    phone: RwSignal<String>,
    purpose: PhonePurpose,
    captcha: CaptchaState,
    wait: Countdown,
    sending: RwSignal<bool>,
    notice: RwSignal<Option<String>>,
    error: RwSignal<Option<AppError>>,
) -> Callback<()> {
    Callback::new(move |_| {
        if wait.running() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let r = send_phone_code(phone.get_untracked(), purpose, captcha.id.get_untracked(), captcha.answer.get_untracked()).await;
            sending.set(false);
            captcha.refresh();
            after_send(r, wait, notice, error);
        });
    })
}

pub fn after_send(r: Result<SmsSent, AppError>, wait: Countdown, notice: RwSignal<Option<String>>, error: RwSignal<Option<AppError>>) -> bool {
    match r {
        Ok(s) => {
            error.set(None);
            notice.set(Some(format!("验证码已发送至{}", s.phone_masked)));
            wait.set(s.resend_after_secs);
            true
        }
        Err(e) => {
            if let AppError::TooFrequent { seconds } = e {
                wait.set(seconds);
            }
            notice.set(None);
            error.set(Some(e));
            reveal_error();
            false
        }
    }
}

/// Scrolls the first message into view (on a phone the submit button is far below the first field).
pub fn reveal_error() {
    #[cfg(feature = "csr")]
    request_animation_frame(|| {
        if let Ok(Some(el)) = document().query_selector(".field-error, .form-error") {
            let target = el.parent_element().filter(|p| p.class_list().contains("field")).unwrap_or(el);
            target.scroll_into_view_with_bool(false);
        }
    });
}

/// A notice line (e.g. "验证码已发送至…").
#[component]
pub fn Notice(notice: RwSignal<Option<String>>) -> impl IntoView {
    move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })
}

/// The radio list of 认证人员 / 短信验证码接收人.
#[component]
pub fn ApproverChoice(
    legend: &'static str,
    approvers: Vec<Approver>,
    chosen: RwSignal<Option<i64>>,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    if approvers.is_empty() {
        return view! { <p class="empty">"该企业暂无可进行认证的法定代表人或财务负责人"</p> }.into_any();
    }
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {approvers.into_iter().map(|a| {
                let id = a.link_id;
                view! {
                    <label class="choice" class:active=move || chosen.get() == Some(id)>
                        <input type="radio" name="approver" value=id.to_string()
                            prop:checked=move || chosen.get() == Some(id)
                            on:change=move |_| chosen.set(Some(id)) />
                        <span class="name">{a.name_masked.clone()}</span>
                        <span class="identity">{a.identity.label()}</span>
                        <span class="phone">{a.phone_masked.clone()}</span>
                    </label>
                }
            }).collect_view()}
            <FieldMsg error field="approver" />
        </fieldset>
    }
    .into_any()
}

/// The steps of a flow; `current` counts from 1.
#[component]
pub fn Stepper(labels: &'static [&'static str], current: Signal<usize>) -> impl IntoView {
    view! {
        <ol class="stepper" aria-label="步骤">
            {labels.iter().enumerate().map(|(i, label)| {
                let n = i + 1;
                view! {
                    <li class:active=move || current.get() == n class:done=move || { current.get() > n }
                        aria-current=move || (current.get() == n).then_some("step")>
                        <span class="num">{n}</span>
                        <span class="label">{*label}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// What a natural person types in 自然人注册, 忘记密码--自然人 and 企业用户注册:
/// the phone with its SMS code, the real-name data and a new password.
#[derive(Clone, Copy)]
pub struct PersonFields {
    pub phone: RwSignal<String>,
    pub sms_code: RwSignal<String>,
    pub name: RwSignal<String>,
    pub id_number: RwSignal<String>,
    pub password: RwSignal<String>,
    pub confirm: RwSignal<String>,
    pub error: RwSignal<Option<AppError>>,
    pub notice: RwSignal<Option<String>>,
    pub sending: RwSignal<bool>,
    pub wait: Countdown,
}

impl PersonFields {
    /// Empty, or prefilled with (phone, name, ID number).
    pub fn new(prefill: Option<(String, String, String)>) -> Self {
        let (phone, name, id_number) = prefill.unwrap_or_default();
        PersonFields {
            phone: RwSignal::new(phone),
            sms_code: RwSignal::new(String::new()),
            name: RwSignal::new(name),
            id_number: RwSignal::new(id_number),
            password: RwSignal::new(String::new()),
            confirm: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            notice: RwSignal::new(None),
            sending: RwSignal::new(false),
            wait: Countdown::new(),
        }
    }

    /// (phone, SMS code, name, ID number, password, confirmation) as sent: trimmed, the ID number upper case.
    pub fn values(self) -> (String, String, String, String, String, String) {
        (
            self.phone.get_untracked().trim().to_string(),
            self.sms_code.get_untracked().trim().to_string(),
            self.name.get_untracked().trim().to_string(),
            self.id_number.get_untracked().trim().to_uppercase(),
            self.password.get_untracked(),
            self.confirm.get_untracked(),
        )
    }
}

/// The phone, its SMS code (【获取验证码】 for `purpose`) and the notice.
#[component]
pub fn PhoneFields(f: PersonFields, purpose: PhonePurpose, placeholder: &'static str) -> impl IntoView {
    let captcha = CaptchaState::new();
    let send = phone_code_sender(f.phone, purpose, captcha, f.wait, f.sending, f.notice, f.error);
    view! {
        <Field label="手机号码" name="phone" value=f.phone error=f.error kind="tel" inputmode="numeric" maxlength="11" autocomplete="tel" placeholder />
        <CaptchaField state=captcha error=f.error />
        <SmsField label="短信验证码" name="sms_code" value=f.sms_code error=f.error wait=f.wait sending=f.sending on_send=send />
        <Notice notice=f.notice />
    }
}

/// 姓名 and 证件号码（居民身份证）.
#[component]
pub fn IdentityFields(f: PersonFields) -> impl IntoView {
    view! {
        <Field label="姓名" name="name" value=f.name error=f.error autocomplete="name" placeholder="请输入姓名" />
        <Field label="证件号码（居民身份证）" name="id_number" value=f.id_number error=f.error maxlength="18" placeholder="请输入18位居民身份证号码" />
    }
}

/// A new password and its confirmation.
#[component]
pub fn NewPasswordFields(f: PersonFields, label: &'static str, again: &'static str) -> impl IntoView {
    view! {
        <Field label=label name="password" value=f.password error=f.error kind="password" autocomplete="new-password" placeholder=PASSWORD_HINT />
        <Field label="确认密码" name="confirm" value=f.confirm error=f.error kind="password" autocomplete="new-password" placeholder=again />
    }
}

/// The two tabs of 账户注册 and 忘记密码.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountTab {
    Person,
    Enterprise,
}

/// The card of 账户注册 / 忘记密码: its title, the 自然人 / 企业 tabs
/// (`?tab=enterprise` opens the second), the tab's form, and the links below.
#[component]
pub fn AccountTabs(
    title: &'static str,
    labels: [&'static str; 2],
    tab: RwSignal<AccountTab>,
    #[prop(into)] person: ViewFn,
    #[prop(into)] enterprise: ViewFn,
    children: Children,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    if query.with_untracked(|q| q.get("tab").as_deref() == Some("enterprise")) {
        tab.set(AccountTab::Enterprise);
    }
    let button = move |t: AccountTab, label: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" class:active=move || tab.get() == t
                aria-selected=move || (tab.get() == t).to_string()
                on:click=move |_| tab.set(t)>{label}</button>
        }
    };
    view! {
        <div class="account-page">
            <section class="card account">
                <h2>{title}</h2>
                <div class="tabs" role="tablist">
                    {button(AccountTab::Person, labels[0])}
                    {button(AccountTab::Enterprise, labels[1])}
                </div>
                {move || match tab.get() {
                    AccountTab::Person => person.run(),
                    AccountTab::Enterprise => enterprise.run(),
                }}
            </section>
            <p class="muted small account-links">{children()}</p>
        </div>
    }
}
