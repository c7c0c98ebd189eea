//! 【首页】→【登录】→【忘记密码】 (etax-login-guide §4): 【自然人】 resets a
//! natural person's password; 【企业】 resets the enterprise password with the
//! SMS code of its 法定代表人 or 财务负责人.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::accounts::api::{
    forgot_enterprise_reset, forgot_enterprise_send, forgot_enterprise_start, reset_person_password, EnterpriseApprovers,
    PhonePurpose, ResetPersonForm,
};
use crate::components::captcha::{CaptchaField, CaptchaState};
use crate::components::{FieldMsg, FormMsg};
use crate::error::AppError;
use crate::components::form::{after_send, AccountTab, AccountTabs, reveal_error, ApproverChoice, Countdown, Field, IdentityFields, NewPasswordFields, Notice, PersonFields, PhoneFields, SmsField, Stepper, PASSWORD_HINT};
use crate::components::use_submit;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let tab = RwSignal::new(AccountTab::Person);
    view! {
        <AccountTabs title="忘记密码" labels=["自然人", "企业"] tab person=|| view! { <PersonReset /> } enterprise=|| view! { <EnterpriseReset /> }>
            <a href="/login">"返回登录"</a>
            " · "
            <a href="/register">"注册"</a>
        </AccountTabs>
    }
}

#[component]
fn Done(text: &'static str) -> impl IntoView {
    view! {
        <div class="success" role="status">
            <h3>"密码重置成功"</h3>
            <p>{text}</p>
            <div class="actions">
                <a class="button-link" href="/login">"去登录"</a>
            </div>
        </div>
    }
}

/// 【忘记密码】--自然人
#[component]
fn PersonReset() -> impl IntoView {
    let f = PersonFields::new(None);
    let done = RwSignal::new(false);
    let submit = use_submit(
        f.error,
        move |_: ()| {
            let (phone, sms_code, name, id_number, password, confirm) = f.values();
            reset_person_password(ResetPersonForm { phone, sms_code, name, id_number, password, confirm })
        },
        move |()| done.set(true),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !submit.busy() {
            submit.run(());
        }
    };
    view! {
        <Show when=move || done.get() fallback=move || view! {
            <form class="reset-person" on:submit=on_submit novalidate>
                <PhoneFields f purpose=PhonePurpose::ResetPassword placeholder="请输入已注册的手机号码" />
                <h3 class="section">"实名核验"</h3>
                <p class="muted small">"演示环境：以姓名和证件号码核验代替微信/支付宝扫码实名认证。"</p>
                <IdentityFields f />
                <h3 class="section">"重新设置密码"</h3>
                <NewPasswordFields f label="新密码" again="请再次输入新密码" />
                <FormMsg error=f.error />
                <button class="primary" type="submit" disabled=move || submit.busy()>{move || if submit.busy() { "提交中…" } else { "重置密码" }}</button>
            </form>
        }>
            <Done text="请使用新密码登录。企业登录时，办税人员身份验证使用此密码。" />
        </Show>
    }
}

const ENTERPRISE_STEPS: &[&str] = &["输入税号", "验证并重置"];

/// 【忘记密码】--企业
#[component]
fn EnterpriseReset() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let captcha = CaptchaState::new();
    let flow: RwSignal<Option<EnterpriseApprovers>> = RwSignal::new(None);
    let chosen: RwSignal<Option<i64>> = RwSignal::new(None);
    let verified = RwSignal::new(false);
    let sms_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let done = RwSignal::new(false);
    let wait = Countdown::new();

    let fail = move |e: AppError| {
        error.set(Some(e));
        reveal_error();
    };

    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = forgot_enterprise_start(code.get_untracked().trim().to_uppercase(), captcha.id.get_untracked(), captcha.answer.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(ea) => {
                    error.set(None);
                    notice.set(None);
                    chosen.set(None);
                    flow.set(Some(ea));
                }
                Err(e) => {
                    captcha.refresh();
                    fail(e);
                }
            }
        });
    };

    let flow_id = move || flow.with_untracked(|f| f.as_ref().map(|f| f.flow_id.clone()).unwrap_or_default());

    let send = Callback::new(move |_| {
        let Some(link_id) = chosen.get_untracked() else {
            fail(AppError::field("approver", "请选择短信验证码接收人"));
            return;
        };
        if wait.running() || sending.get_untracked() {
            return;
        }
        sending.set(true);
        spawn_local(async move {
            let r = forgot_enterprise_send(flow_id(), link_id).await;
            sending.set(false);
            after_send(r, wait, notice, error);
        });
    });

    let reset = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if !verified.get_untracked() {
            fail(AppError::field("real_person", "请先完成法定代表人/财务负责人实人认证"));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = forgot_enterprise_reset(flow_id(), sms_code.get_untracked().trim().to_string(), password.get_untracked(), confirm.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(()) => {
                    error.set(None);
                    done.set(true);
                }
                Err(e) => fail(e),
            }
        });
    };

    let restart = move |_: leptos::ev::MouseEvent| {
        flow.set(None);
        chosen.set(None);
        verified.set(false);
        sms_code.set(String::new());
        error.set(None);
        notice.set(None);
        captcha.refresh();
    };

    let step1 = move || {
        view! {
            <form class="forgot-enterprise" on:submit=start novalidate>
                <label class="field">
                    <span>"税号（统一社会信用代码）"</span>
                    <input name="code" maxlength="20" autocomplete="username" placeholder="请输入统一社会信用代码/纳税人识别号" bind:value=code />
                    <FieldMsg error field="code" />
                </label>
                <CaptchaField state=captcha error />
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "查询中…" } else { "下一步" }}</button>
            </form>
        }
    };

    let step2 = move |f: EnterpriseApprovers| {
        view! {
            <form class="forgot-reset" on:submit=reset novalidate>
                <ApproverChoice legend="短信验证码接收人（法定代表人或财务负责人）" approvers=f.approvers.clone() chosen error />
                <SmsField label="短信验证码" name="sms_code" value=sms_code error wait sending on_send=send />
                <Notice notice />
                <label class="check">
                    <input type="checkbox" name="real_person" bind:checked=verified />
                    <span>"已完成法定代表人/财务负责人实人认证（演示）"</span>
                </label>
                <FieldMsg error field="real_person" />
                <Field label="新密码" name="password" value=password error kind="password" autocomplete="new-password" placeholder=PASSWORD_HINT />
                <Field label="确认密码" name="confirm" value=confirm error kind="password" autocomplete="new-password" placeholder="请再次输入新密码" />
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "提交中…" } else { "重置密码" }}</button>
                <p class="restart"><button type="button" class="link" on:click=restart>"重新开始"</button></p>
            </form>
        }
    };

    view! {
        {move || if done.get() {
            view! { <Done text="企业密码已重置，请使用新密码登录。" /> }.into_any()
        } else {
            view! {
                <div class="forgot-enterprise-flow">
                    <Stepper labels=ENTERPRISE_STEPS current=Signal::derive(move || if flow.with(Option::is_some) { 2 } else { 1 }) />
                    {move || match flow.get() {
                        None => step1().into_any(),
                        Some(f) => step2(f).into_any(),
                    }}
                </div>
            }.into_any()
        }}
    }
}
