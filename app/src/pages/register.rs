//! 【注册】→【账户注册】 (etax-login-guide §2): 【自然人注册】 and
//! 【企业用户注册】（办税人绑定企业）. The small form pieces at the top are
//! shared with 【忘记密码】 (`pages::forgot`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

use crate::api::accounts::{
    binding_approve, binding_find_enterprise, binding_send_approval, binding_start, binding_verify_person, register_natural_person,
    send_phone_code, tax_office_options, Approver, BindingStartForm, EnterpriseApprovers, PhonePurpose, RegisterForm,
};
use crate::api::auth::SmsSent;
use crate::components::captcha::{CaptchaField, CaptchaState};
use crate::components::{FieldMsg, FormMsg};
use crate::error::AppError;

// ---------------------------------------------------------------------------
// Shared pieces (also used by pages::forgot)
// ---------------------------------------------------------------------------

pub(crate) const PASSWORD_HINT: &str = "8-32位，须同时包含字母和数字";

/// One labelled input; `name` is also the field name the server uses in its errors.
#[component]
pub(crate) fn Field(
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
pub(crate) fn SmsField(
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
pub(crate) fn phone_code_sender(
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

pub(crate) fn after_send(r: Result<SmsSent, AppError>, wait: Countdown, notice: RwSignal<Option<String>>, error: RwSignal<Option<AppError>>) -> bool {
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
pub(crate) fn reveal_error() {
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
pub(crate) fn Notice(notice: RwSignal<Option<String>>) -> impl IntoView {
    move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })
}

/// The radio list of 认证人员 / 短信验证码接收人.
#[component]
pub(crate) fn ApproverChoice(
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
pub(crate) fn Stepper(labels: &'static [&'static str], current: Signal<usize>) -> impl IntoView {
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

// ---------------------------------------------------------------------------
// 【账户注册】
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Person,
    Enterprise,
}

/// What 自然人注册 carries over to 企业用户注册: phone, name, ID number.
type Prefill = Option<(String, String, String)>;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let first = if query.with_untracked(|q| q.get("tab").as_deref() == Some("enterprise")) { Tab::Enterprise } else { Tab::Person };
    let tab = RwSignal::new(first);
    let prefill: RwSignal<Prefill> = RwSignal::new(None);
    let tab_button = move |t: Tab, label: &'static str| {
        view! {
            <button type="button" role="tab" class="tab" class:active=move || tab.get() == t
                aria-selected=move || (tab.get() == t).to_string()
                on:click=move |_| tab.set(t)>{label}</button>
        }
    };
    view! {
        <div class="account-page">
            <section class="card account">
                <h2>"账户注册"</h2>
                <div class="tabs" role="tablist">
                    {tab_button(Tab::Person, "自然人注册")}
                    {tab_button(Tab::Enterprise, "企业用户注册")}
                </div>
                {move || match tab.get() {
                    Tab::Person => view! { <PersonRegister tab prefill /> }.into_any(),
                    Tab::Enterprise => view! { <EnterpriseRegister prefill /> }.into_any(),
                }}
            </section>
            <p class="muted small account-links">
                <a href="/login">"已有账户，去登录"</a>
                " · "
                <a href="/forgot">"忘记密码"</a>
            </p>
        </div>
    }
}

/// 【自然人注册】
#[component]
fn PersonRegister(tab: RwSignal<Tab>, prefill: RwSignal<Prefill>) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let office = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let wait = Countdown::new();
    let offices = LocalResource::new(tax_office_options);

    let captcha = CaptchaState::new();
    let send = phone_code_sender(phone, PhonePurpose::Register, captcha, wait, sending, notice, error);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let form = RegisterForm {
            phone: phone.get_untracked().trim().to_string(),
            sms_code: sms_code.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            id_number: id_number.get_untracked().trim().to_uppercase(),
            tax_office_id: office.get_untracked(),
            password: password.get_untracked(),
            confirm: confirm.get_untracked(),
        };
        spawn_local(async move {
            let r = register_natural_person(form.clone()).await;
            busy.set(false);
            match r {
                Ok(()) => {
                    error.set(None);
                    prefill.set(Some((form.phone, form.name, form.id_number)));
                    done.set(true);
                }
                Err(e) => {
                    error.set(Some(e));
                    reveal_error();
                }
            }
        });
    };

    let office_options = move || match offices.get() {
        None => view! { <option value="" disabled>"正在加载…"</option> }.into_any(),
        Some(Err(_)) => view! { <option value="" disabled>"税务机关加载失败，请刷新重试"</option> }.into_any(),
        Some(Ok(list)) => list
            .into_iter()
            .map(|o| view! { <option value=o.id.to_string()>{format!("{} · {}", o.province_name, o.name)}</option> })
            .collect_view()
            .into_any(),
    };

    view! {
        <Show when=move || done.get() fallback=move || view! {
            <form class="register-person" on:submit=submit novalidate>
                <Field label="手机号码" name="phone" value=phone error kind="tel" inputmode="numeric" maxlength="11" autocomplete="tel" placeholder="请输入手机号码" />
                <CaptchaField state=captcha error />
                <SmsField label="短信验证码" name="sms_code" value=sms_code error wait sending on_send=send />
                <Notice notice />
                <Field label="姓名" name="name" value=name error autocomplete="name" placeholder="请输入姓名" />
                <Field label="证件号码（居民身份证）" name="id_number" value=id_number error maxlength="18" placeholder="请输入18位居民身份证号码" />
                <label class="field">
                    <span>"所属税务机关"</span>
                    <select name="tax_office_id" bind:value=office>
                        <option value="">"请选择所属税务机关"</option>
                        {office_options}
                    </select>
                    <FieldMsg error field="tax_office_id" />
                </label>
                <Field label="密码" name="password" value=password error kind="password" autocomplete="new-password" placeholder=PASSWORD_HINT />
                <Field label="确认密码" name="confirm" value=confirm error kind="password" autocomplete="new-password" placeholder="请再次输入密码" />
                <p class="muted small">"演示环境：实名认证以证件号码校验代替微信/支付宝扫码。"</p>
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "提交中…" } else { "注册" }}</button>
            </form>
        }>
            <div class="success" role="status">
                <h3>"注册成功"</h3>
                <p>"您已完成自然人注册。如需以办税人员身份登录企业，请继续【企业用户注册】绑定企业。"</p>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| tab.set(Tab::Enterprise)>"企业用户注册"</button>
                    <a class="button-link" href="/login">"去登录"</a>
                </div>
            </div>
        </Show>
    }
}

const BINDING_STEPS: &[&str] = &["验证手机", "实人认证", "选择企业", "企业授权"];

/// 【企业用户注册】: 办税人（自然人）绑定企业, in four steps.
#[component]
fn EnterpriseRegister(prefill: RwSignal<Prefill>) -> impl IntoView {
    let (p_phone, p_name, p_id) = prefill.get_untracked().unwrap_or_default();
    let phone = RwSignal::new(p_phone);
    let sms_code = RwSignal::new(String::new());
    let name = RwSignal::new(p_name);
    let id_number = RwSignal::new(p_id);
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let credit_code = RwSignal::new(String::new());
    let approval_code = RwSignal::new(String::new());

    let step = RwSignal::new(1usize);
    let flow_id = RwSignal::new(String::new());
    let found: RwSignal<Option<EnterpriseApprovers>> = RwSignal::new(None);
    let chosen: RwSignal<Option<i64>> = RwSignal::new(None);
    let bound_to: RwSignal<Option<String>> = RwSignal::new(None);

    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let wait_phone = Countdown::new();
    let wait_approval = Countdown::new();

    let go = move |n: usize| {
        error.set(None);
        notice.set(None);
        step.set(n);
    };
    let fail = move |e: AppError| {
        error.set(Some(e));
        reveal_error();
    };
    let restart = move |_: leptos::ev::MouseEvent| {
        flow_id.set(String::new());
        sms_code.set(String::new());
        found.set(None);
        chosen.set(None);
        approval_code.set(String::new());
        go(1);
    };

    // Step 1
    let captcha = CaptchaState::new();
    let send_phone = phone_code_sender(phone, PhonePurpose::BindEnterprise, captcha, wait_phone, sending, notice, error);
    let submit_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let form = BindingStartForm {
            phone: phone.get_untracked().trim().to_string(),
            sms_code: sms_code.get_untracked().trim().to_string(),
            name: name.get_untracked().trim().to_string(),
            id_number: id_number.get_untracked().trim().to_uppercase(),
            password: password.get_untracked(),
            confirm: confirm.get_untracked(),
        };
        spawn_local(async move {
            let r = binding_start(form).await;
            busy.set(false);
            match r {
                Ok(id) => {
                    flow_id.set(id);
                    sms_code.set(String::new());
                    go(2);
                }
                Err(e) => fail(e),
            }
        });
    };

    // Step 2
    let confirm_person = move |_: leptos::ev::MouseEvent| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = binding_verify_person(flow_id.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(()) => go(3),
                Err(e) => fail(e),
            }
        });
    };

    // Step 3
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = binding_find_enterprise(flow_id.get_untracked(), credit_code.get_untracked().trim().to_uppercase()).await;
            busy.set(false);
            match r {
                Ok(ea) => {
                    error.set(None);
                    chosen.set(None);
                    found.set(Some(ea));
                }
                Err(e) => {
                    found.set(None);
                    fail(e)
                }
            }
        });
    };
    let send_approval = Callback::new(move |_| {
        let Some(link_id) = chosen.get_untracked() else {
            fail(AppError::field("approver", "请选择认证人员"));
            return;
        };
        if wait_approval.running() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let r = binding_send_approval(flow_id.get_untracked(), link_id).await;
            sending.set(false);
            if after_send(r, wait_approval, notice, error) {
                step.set(4);
            }
        });
    });

    // Step 4
    let submit_approval = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = binding_approve(flow_id.get_untracked(), approval_code.get_untracked().trim().to_string()).await;
            busy.set(false);
            match r {
                Ok(ent) => {
                    error.set(None);
                    notice.set(None);
                    bound_to.set(Some(ent));
                }
                Err(e) => fail(e),
            }
        });
    };

    let chosen_approver = move || {
        let id = chosen.get()?;
        found.with(|f| f.as_ref().and_then(|f| f.approvers.iter().find(|a| a.link_id == id).cloned()))
    };

    let body = move || match step.get() {
        1 => view! {
            <form class="binding-start" on:submit=submit_start novalidate>
                <Field label="手机号码" name="phone" value=phone error kind="tel" inputmode="numeric" maxlength="11" autocomplete="tel" placeholder="请输入手机号码" />
                <CaptchaField state=captcha error />
                <SmsField label="短信验证码" name="sms_code" value=sms_code error wait=wait_phone sending on_send=send_phone />
                <Notice notice />
                <Field label="姓名" name="name" value=name error autocomplete="name" placeholder="请输入姓名" />
                <Field label="证件号码（居民身份证）" name="id_number" value=id_number error maxlength="18" placeholder="请输入18位居民身份证号码" />
                <p class="note">"若已完成自然人注册，密码须与自然人注册时设置的密码一致"</p>
                <Field label="密码" name="password" value=password error kind="password" autocomplete="new-password" placeholder=PASSWORD_HINT />
                <Field label="确认密码" name="confirm" value=confirm error kind="password" autocomplete="new-password" placeholder="请再次输入密码" />
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "提交中…" } else { "下一步" }}</button>
            </form>
        }
        .into_any(),
        2 => view! {
            <div class="binding-person">
                <div class="demo-auth">
                    <h3>"实人认证"</h3>
                    <p>"演示环境：模拟微信/支付宝扫码实人认证"</p>
                    <p class="muted small">{move || format!("认证人：{}", name.get())}</p>
                </div>
                <FormMsg error />
                <button type="button" class="primary" disabled=move || busy.get() on:click=confirm_person>"确认本人认证"</button>
                <p class="restart"><button type="button" class="link" on:click=restart>"重新开始"</button></p>
            </div>
        }
        .into_any(),
        3 => view! {
            <div class="binding-enterprise">
                <form class="search" on:submit=search novalidate>
                    <label class="field">
                        <span>"统一社会信用代码"</span>
                        <div class="sms-row">
                            <input name="code" maxlength="18" autocomplete="off" placeholder="请输入统一社会信用代码" bind:value=credit_code />
                            <button type="submit" class="secondary" disabled=move || busy.get()>"查询"</button>
                        </div>
                        <FieldMsg error field="code" />
                    </label>
                </form>
                {move || found.get().map(|f| view! {
                    <div class="found">
                        <p class="enterprise-name" data-testid="enterprise-name">{f.enterprise_name.clone()}</p>
                        <ApproverChoice legend="选择认证人员（法定代表人或财务负责人）" approvers=f.approvers.clone() chosen error />
                        <button type="button" class="primary" name="send_approval" disabled=move || { wait_approval.get() > 0 || sending.get() }
                            on:click=move |_| send_approval.run(())>
                            {move || if wait_approval.get() > 0 { format!("{}秒后可重新发送", wait_approval.get()) } else { "发送验证码".to_string() }}
                        </button>
                    </div>
                })}
                <FormMsg error />
                <p class="restart"><button type="button" class="link" on:click=restart>"重新开始"</button></p>
            </div>
        }
        .into_any(),
        _ => view! {
            <form class="binding-approve" on:submit=submit_approval novalidate>
                <p class="muted">
                    {move || found.get().map(|f| f.enterprise_name).unwrap_or_default()}
                </p>
                <p>{move || chosen_approver().map(|a| format!("请输入认证人员 {}（{}，{}）收到的短信验证码", a.name_masked, a.identity.label(), a.phone_masked))}</p>
                <Notice notice />
                <SmsField label="认证人员短信验证码" name="approval_code" value=approval_code error wait=wait_approval sending on_send=send_approval button="重新发送" />
                <FormMsg error />
                <div class="actions">
                    <button type="button" class="link" on:click=move |_| go(3)>"重新选择认证人员"</button>
                    <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "提交中…" } else { "完成注册" }}</button>
                </div>
                <p class="restart"><button type="button" class="link" on:click=restart>"重新开始"</button></p>
            </form>
        }
        .into_any(),
    };

    view! {
        {move || match bound_to.get() {
            Some(ent) => view! {
                <div class="success" role="status">
                    <h3>"注册成功"</h3>
                    <p>{format!("注册成功，已绑定{ent}，可在办税人员选择中选择本人登录")}</p>
                    <div class="actions">
                        <a class="button-link" href="/login">"去登录"</a>
                    </div>
                </div>
            }
            .into_any(),
            None => view! {
                <div class="binding">
                    <Stepper labels=BINDING_STEPS current=Signal::derive(move || step.get()) />
                    {body}
                </div>
            }
            .into_any(),
        }}
    }
}
