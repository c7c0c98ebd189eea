//! 【注册】→【账户注册】 (etax-login-guide §2): 【自然人注册】 and
//! 【企业用户注册】（办税人绑定企业）, built on the form kit (`components::form`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::accounts::api::{
    binding_approve, binding_find_enterprise, binding_send_approval, binding_start, binding_verify_person, register_natural_person,
    tax_office_options, BindingStartForm, EnterpriseApprovers, PhonePurpose, RegisterForm,
};
use crate::components::form::{after_send, AccountTab, AccountTabs, reveal_error, ApproverChoice, Countdown, IdentityFields, NewPasswordFields, Notice, PersonFields, PhoneFields, SmsField, Stepper};
use crate::components::use_submit;
use crate::components::{FieldMsg, FormMsg};
use crate::error::AppError;

// ---------------------------------------------------------------------------
// 【账户注册】
// ---------------------------------------------------------------------------

/// What 自然人注册 carries over to 企业用户注册: phone, name, ID number.
type Prefill = Option<(String, String, String)>;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let tab = RwSignal::new(AccountTab::Person);
    let prefill: RwSignal<Prefill> = RwSignal::new(None);
    view! {
        <AccountTabs title="账户注册" labels=["自然人注册", "企业用户注册"] tab
            person=move || view! { <PersonRegister tab prefill /> } enterprise=move || view! { <EnterpriseRegister prefill /> }>
            <a href="/login">"已有账户，去登录"</a>
            " · "
            <a href="/forgot">"忘记密码"</a>
        </AccountTabs>
    }
}

/// 【自然人注册】
#[component]
fn PersonRegister(tab: RwSignal<AccountTab>, prefill: RwSignal<Prefill>) -> impl IntoView {
    let f = PersonFields::new(None);
    let office = RwSignal::new(String::new());
    let done = RwSignal::new(false);
    let offices = LocalResource::new(tax_office_options);
    let submit = use_submit(
        f.error,
        move |_: ()| {
            let (phone, sms_code, name, id_number, password, confirm) = f.values();
            let form = RegisterForm { phone, sms_code, name, id_number, tax_office_id: office.get_untracked(), password, confirm };
            async move { register_natural_person(form.clone()).await.map(|()| form) }
        },
        move |form: RegisterForm| {
            prefill.set(Some((form.phone, form.name, form.id_number)));
            done.set(true);
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !submit.busy() {
            submit.run(());
        }
    };
    let error = f.error;

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
            <form class="register-person" on:submit=on_submit novalidate>
                <PhoneFields f purpose=PhonePurpose::Register placeholder="请输入手机号码" />
                <IdentityFields f />
                <label class="field">
                    <span>"所属税务机关"</span>
                    <select name="tax_office_id" bind:value=office>
                        <option value="">"请选择所属税务机关"</option>
                        {office_options}
                    </select>
                    <FieldMsg error field="tax_office_id" />
                </label>
                <NewPasswordFields f label="密码" again="请再次输入密码" />
                <p class="muted small">"演示环境：实名认证以证件号码校验代替微信/支付宝扫码。"</p>
                <FormMsg error />
                <button class="primary" type="submit" disabled=move || submit.busy()>{move || if submit.busy() { "提交中…" } else { "注册" }}</button>
            </form>
        }>
            <div class="success" role="status">
                <h3>"注册成功"</h3>
                <p>"您已完成自然人注册。如需以办税人员身份登录企业，请继续【企业用户注册】绑定企业。"</p>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| tab.set(AccountTab::Enterprise)>"企业用户注册"</button>
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
    let f = PersonFields::new(prefill.get_untracked());
    let (sms_code, name) = (f.sms_code, f.name);
    let credit_code = RwSignal::new(String::new());
    let approval_code = RwSignal::new(String::new());

    let step = RwSignal::new(1usize);
    let flow_id = RwSignal::new(String::new());
    let found: RwSignal<Option<EnterpriseApprovers>> = RwSignal::new(None);
    let chosen: RwSignal<Option<i64>> = RwSignal::new(None);
    let bound_to: RwSignal<Option<String>> = RwSignal::new(None);

    let (error, notice, sending) = (f.error, f.notice, f.sending);
    let busy = RwSignal::new(false);
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
    let submit_start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (phone, code, person, id_number, password, confirm) = f.values();
        let form = BindingStartForm { phone, sms_code: code, name: person, id_number, password, confirm };
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
                <PhoneFields f purpose=PhonePurpose::BindEnterprise placeholder="请输入手机号码" />
                <IdentityFields f />
                <p class="note">"若已完成自然人注册，密码须与自然人注册时设置的密码一致"</p>
                <NewPasswordFields f label="密码" again="请再次输入密码" />
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
