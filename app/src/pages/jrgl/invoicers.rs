//! 【接入管理】→【开票人员登记及管理】 (manual §4.5), for a 联用类 use unit bound
//! to a direct platform: the 法定代表人 or 财务负责人 registers 开票员 (person and
//! direct platform) and 解除登记; an 开票员 sees and 解除登记 their own, with a
//! reason. Anyone else gets the server's refusal, explained.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Frame;
use crate::invoicers::api::*;
use crate::components::{FieldMsg, FormMsg, ReasonDialog};
use crate::invoicers::rules::{InvoicerAccess, RegistrationAction};
use crate::error::AppError;

#[component]
pub fn InvoicersPage() -> impl IntoView {
    let data = RwSignal::new(None::<Result<InvoicersView, AppError>>);
    spawn_local(async move { data.set(Some(invoicer_registrations().await)) });
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let message = RwSignal::new(None::<String>);
    let adding = RwSignal::new(false);
    let platform = RwSignal::new(String::new());
    let person = RwSignal::new(String::new());
    // The registration being ended: (id, version, name, the action, reason required).
    let ending = RwSignal::new(None::<(i64, i64, String, RegistrationAction, bool)>);
    let settle = move |r: Result<InvoicersView, AppError>, ok: String| match r {
        Ok(v) => {
            data.set(Some(Ok(v)));
            message.set(Some(ok));
            error.set(None);
            adding.set(false);
            ending.set(None);
        }
        Err(e) => error.set(Some(e)),
    };
    let add = move |_| {
        let (p, l) = (platform.get_untracked().parse::<i64>().ok(), person.get_untracked().parse::<i64>().ok());
        let mut missing = vec![];
        if p.is_none() {
            missing.push(crate::error::FieldError { field: "invitation_id".into(), message: "请选择绑定直连平台".into() });
        }
        if l.is_none() {
            missing.push(crate::error::FieldError { field: "link_id".into(), message: "请选择开票人员".into() });
        }
        if !missing.is_empty() {
            error.set(Some(AppError::Invalid(missing)));
            return;
        }
        spawn_local(async move { settle(register_invoicer(p.unwrap_or_default(), l.unwrap_or_default()).await, "登记成功".into()) });
    };
    let end = Callback::new(move |r: String| {
        let Some((id, version, name, action, _)) = ending.get_untracked() else { return };
        spawn_local(async move { settle(registration_act(id, version, action, r).await, format!("已解除{name}的登记")) });
    });
    view! {
        <Frame>
            <section class="card invoicers">
                <h2>"开票人员登记及管理"</h2>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || match data.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! {
                        <div class="refused">
                            <p class="form-error" role="alert">{e.to_string()}</p>
                            <p class="muted small">"本功能只针对“联用类”使用单位：与直连单位确认通过（建立绑定关系）后，由法定代表人或财务负责人为本企业开票人员登记绑定直连平台；开票人员可解除本人的登记。"</p>
                        </div>
                    }.into_any(),
                    Some(Ok(v)) => {
                        let manage = v.access == InvoicerAccess::Manage;
                        let platforms = v.platforms.clone();
                        let staff = v.staff.clone();
                        view! {
                            <p class="muted small">{if manage { "法定代表人或财务负责人可为本企业开票人员新增登记（选择开票人员及绑定直连平台）或解除登记。" } else { "您可以查看本人的登记，并说明原因后解除登记。" }}</p>
                            {manage.then(|| view! {
                                <div class="actions"><button class="primary" on:click=move |_| { error.set(None); adding.set(true) }>"新增登记"</button></div>
                            })}
                            <Show when=move || adding.get()>
                                <div class="confirm" role="dialog" aria-label="新增登记">
                                    <label class="field"><span>"开票人员"</span>
                                        <select name="link_id" aria-label="开票人员" on:change=move |ev| person.set(event_target_value(&ev))>
                                            <option value="">"请选择"</option>
                                            {staff.iter().map(|s| view! { <option value=s.link_id>{s.name.clone()}</option> }).collect_view()}
                                        </select></label>
                                    <FieldMsg error=error field="link_id" />
                                    <label class="field"><span>"绑定直连平台"</span>
                                        <select name="invitation_id" aria-label="绑定直连平台" on:change=move |ev| platform.set(event_target_value(&ev))>
                                            <option value="">"请选择"</option>
                                            {platforms.iter().map(|p| view! { <option value=p.invitation_id>{format!("{}（{}）", p.direct_name, p.direct_code)}</option> }).collect_view()}
                                        </select></label>
                                    <FieldMsg error=error field="invitation_id" />
                                    <div class="actions">
                                        <button class="secondary" on:click=move |_| adding.set(false)>"取消"</button>
                                        <button class="primary" on:click=add>"确定"</button>
                                    </div>
                                </div>
                            </Show>
                            {if v.rows.is_empty() {
                                view! { <p class="empty">"暂无开票人员登记"</p> }.into_any()
                            } else {
                                view! {
                                    <table class="list registrations">
                                        <thead><tr><th>"开票人员"</th><th>"直连平台"</th><th>"状态"</th><th>"登记人"</th><th>"登记时间"</th><th>"操作"</th></tr></thead>
                                        <tbody>
                                            {v.rows.into_iter().map(|r| {
                                                let (id, version, name, required) = (r.id, r.version, r.person_name.clone(), r.reason_required);
                                                view! {
                                                    <tr class="registration" data-name=r.person_name.clone() data-active=r.active.to_string()>
                                                        <td data-label="开票人员">{r.person_name.clone()}</td>
                                                        <td data-label="直连平台">{r.direct_name.clone()}</td>
                                                        <td data-label="状态"><span class="status">{r.state.clone()}</span>
                                                            {r.ended_by.clone().map(|b| view! { <span class="reason small">{format!(" {} 由{}解除{}", r.ended_at.clone().unwrap_or_default(), b, r.ended_reason.clone().map(|x| format!("，原因：{x}")).unwrap_or_default())}</span> })}</td>
                                                        <td data-label="登记人">{r.registered_by.clone()}</td>
                                                        <td data-label="登记时间">{r.registered_at.clone()}</td>
                                                        <td data-label="操作">{r.actions.iter().map(|&a| { let name = name.clone(); view! {
                                                            <button class="link danger" on:click=move |_| { error.set(None); ending.set(Some((id, version, name.clone(), a, required))) }>{a.label()}</button>
                                                        }}).collect_view()}</td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                        }.into_any()
                    }
                }}
                {move || ending.get().map(|(_, _, name, _, required)| {
                    view! {
                        <ReasonDialog title="解除登记" text=format!("确定解除{name}的开票人员登记吗？") label=if required { "解除原因" } else { "解除原因（选填）" }
                            required confirm="确认解除" error busy=Signal::derive(|| false) on_confirm=end on_cancel=Callback::new(move |_: ()| ending.set(None)) missing="请填写解除原因" />
                    }
                })}
                <FormMsg error=error />
            </section>
        </Frame>
    }
}
