//! 【接入管理】→【响应邀请】 (manual §4.3–4.4): the use unit's invitations, one
//! invitation with its facts, proof material and timeline, and the actions the
//! server offers the viewer (`InvitationView::actions`): 自用类 【确认】 / 【拒绝】,
//! 联用类 【授权】 (开票人员配置, 开票安全验证时间配置) / 【拒绝】, 解除绑定.
//!
//! The relationship proof material can be replaced (§4.3.1.1 "可按需修改并提交")
//! while responding and once bound.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::invite::{InvitationFacts, Steps};
use super::Frame;
use crate::api::invitation::*;
use crate::components::{FieldMsg, FormMsg};
use crate::error::AppError;

/// 【响应邀请】: every invitation received, with its status and reason.
#[component]
pub fn RespondListPage() -> impl IntoView {
    let rows = RwSignal::new(None::<Result<Vec<InvitationRow>, AppError>>);
    spawn_local(async move { rows.set(Some(received_invitations().await)) });
    view! {
        <Frame>
            <section class="card respond-list">
                <h2>"响应邀请"</h2>
                <p class="actions"><A href="/jrgl/respond/apply" attr:class="button secondary">"申请授权"</A></p>
                {move || match rows.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"暂无接入邀请"</p> }.into_any(),
                    Some(Ok(list)) => view! {
                        <table class="list invitations received">
                            <thead><tr><th>"直连单位"</th><th>"统一社会信用代码"</th><th>"单位关系"</th><th>"邀请状态"</th><th>"更新时间"</th><th>"操作"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|r| view! {
                                    <tr data-code=r.credit_code.clone() data-id=r.id>
                                        <td data-label="直连单位">{r.name.clone()}</td>
                                        <td data-label="统一社会信用代码" class="text">{r.credit_code.clone()}</td>
                                        <td data-label="单位关系">{r.relationship.clone()}"（"{r.category.clone()}"）"</td>
                                        <td data-label="邀请状态"><span class="status" data-status=r.status.clone()>{r.status.clone()}</span>
                                            {r.reason.clone().map(|x| view! { <span class="reason small">" 原因："{x}</span> })}</td>
                                        <td data-label="更新时间">{r.updated_at.clone()}</td>
                                        <td data-label="操作"><A href=format!("/jrgl/respond/{}", r.id)>"查看详情"</A></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }}
            </section>
        </Frame>
    }
}

/// Which form is open on the invitation page.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    None,
    Confirm,
    Refuse,
    Authorize,
    Unbind,
}

/// One invitation received: facts, timeline and the viewer's actions.
#[component]
pub fn RespondPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = RwSignal::new(None::<Result<InvitationView, AppError>>);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let open = RwSignal::new(Open::None);
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id();
        spawn_local(async move { data.set(Some(invitation_detail(id).await)) });
    });
    let proof = NodeRef::<leptos::html::Input>::new();
    let replace = Callback::new(move |version: i64| {
        spawn_local(async move {
            error.set(None);
            match super::invite::send_proof(proof).await {
                Ok(Some(m)) => match replace_invitation_proof(id(), version, m).await {
                    Ok(v) => {
                        message.set(Some("单位关系证明材料已变更".into()));
                        data.set(Some(Ok(v)));
                    }
                    Err(e) => error.set(Some(e)),
                },
                Ok(None) => error.set(Some(AppError::field("proof", "请选择证明材料文件"))),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let done = Callback::new(move |(r, what): (Result<InvitationView, AppError>, &'static str)| match r {
        Ok(v) => {
            message.set(Some(format!("{what}成功，当前状态：{}", v.status.label())));
            error.set(None);
            open.set(Open::None);
            data.set(Some(Ok(v)));
        }
        Err(e) => error.set(Some(e)),
    });
    view! {
        <Frame>
            <section class="card invitation respond">
                <h2>"邀请详情"</h2>
                <p><A href="/jrgl/respond">"返回响应邀请"</A></p>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || match data.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(v)) => {
                        let has = |a: &str| v.actions.iter().any(|x| x == a);
                        let joint = v.category == "联用类";
                        let (confirm, refuse, authorize, unbind) = (has("确认"), has("拒绝"), has("授权"), has("解除绑定"));
                        let v2 = v.clone();
                        view! {
                            <InvitationFacts v=v.clone() />
                            {v.proof_material_id.is_none().then(|| view! { <p class="muted small">"直连单位未上传单位关系证明材料。"</p> })}
                            {(v.status.is_bound() || v.status == crate::domain::invitation::InvitationStatus::AwaitingResponse).then(|| { let version = v.version; view! {
                                <div class="replace-proof">
                                    <super::invite::ProofInput input=proof error=error label="上传或变更单位关系证明材料（PDF/JPG/PNG，不超过10MB）" />
                                    <button class="secondary" on:click=move |_| replace.run(version)>"上传并变更"</button>
                                </div>
                            }})}
                            <h3>"办理过程"</h3>
                            <Steps entries=v.timeline.clone() />
                            <div class="actions">
                                {confirm.then(|| view! { <button class="primary" on:click=move |_| { error.set(None); open.set(Open::Confirm) }>"确认"</button> })}
                                {authorize.then(|| view! { <button class="primary" on:click=move |_| { error.set(None); open.set(Open::Authorize) }>"授权"</button> })}
                                {refuse.then(|| view! { <button class="secondary danger" on:click=move |_| { error.set(None); open.set(Open::Refuse) }>"拒绝"</button> })}
                                {unbind.then(|| view! { <button class="secondary danger" on:click=move |_| { error.set(None); open.set(Open::Unbind) }>"解除绑定"</button> })}
                            </div>
                            {move || match open.get() {
                                Open::None => ().into_any(),
                                Open::Confirm => view! { <ConfirmForm v=v2.clone() error=error open=open done=done /> }.into_any(),
                                Open::Refuse => view! { <ReasonForm v=v2.clone() kind=if joint { ReasonKind::RefuseAuthorization } else { ReasonKind::Refuse } error=error open=open done=done /> }.into_any(),
                                Open::Unbind => view! { <ReasonForm v=v2.clone() kind=ReasonKind::Unbind error=error open=open done=done /> }.into_any(),
                                Open::Authorize => view! { <AuthorizeForm v=v2.clone() error=error open=open done=done /> }.into_any(),
                            }}
                        }.into_any()
                    }
                }}
                <FormMsg error=error />
            </section>
        </Frame>
    }
}

/// 自用类 【确认】: the 主管税务机关 and the relationship shown before sending.
#[component]
fn ConfirmForm(v: InvitationView, error: RwSignal<Option<AppError>>, open: RwSignal<Open>, done: Callback<(Result<InvitationView, AppError>, &'static str)>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let (id, version) = (v.id, v.version);
    let send = move |_| {
        busy.set(true);
        spawn_local(async move {
            done.run((respond_invitation(id, version, true, String::new()).await, "确认"));
            busy.set(false);
        });
    };
    let _ = error;
    view! {
        <div class="confirm" role="dialog" aria-label="确认接入邀请">
            <p>"请确认以下信息，确认后接入邀请将提交主管税务机关受理："</p>
            <dl class="facts">
                <dt>"直连单位"</dt><dd>{v.direct_name.clone()}</dd>
                <dt>"主管税务机关"</dt><dd data-testid="confirm-office">{v.use_tax_office.clone()}</dd>
                <dt>"单位关系"</dt><dd data-testid="confirm-relationship">{v.relationship.clone()}"（"{v.category.clone()}"）"</dd>
            </dl>
            <div class="actions">
                <button class="secondary" on:click=move |_| open.set(Open::None)>"取消"</button>
                <button class="primary" disabled=move || busy.get() on:click=send>"确认提交"</button>
            </div>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReasonKind {
    Refuse,
    RefuseAuthorization,
    Unbind,
}

/// 【拒绝】 (reason optional) or 解除绑定 (reason required, with a confirm step).
#[component]
fn ReasonForm(v: InvitationView, kind: ReasonKind, error: RwSignal<Option<AppError>>, open: RwSignal<Open>, done: Callback<(Result<InvitationView, AppError>, &'static str)>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let (id, version) = (v.id, v.version);
    let (title, text, label, button) = match kind {
        ReasonKind::Unbind => (
            "确认解除绑定",
            format!("确定解除与直连单位{}的绑定关系吗？解除后将不能再通过该直连单位使用乐企服务。", v.direct_name),
            "解除原因",
            "确认解除",
        ),
        _ => ("确认拒绝", format!("确定拒绝{}的接入邀请吗？", v.direct_name), "拒绝原因（选填）", "确认拒绝"),
    };
    let send = move |_| {
        let r = reason.get_untracked();
        if kind == ReasonKind::Unbind && r.trim().is_empty() {
            error.set(Some(AppError::field("reason", "请填写原因")));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let out = match kind {
                ReasonKind::Refuse => (respond_invitation(id, version, false, r).await, "拒绝"),
                ReasonKind::RefuseAuthorization => (refuse_authorization(id, version, r).await, "拒绝"),
                ReasonKind::Unbind => (unbind_direct_unit(id, version, r).await, "解除绑定"),
            };
            done.run(out);
            busy.set(false);
        });
    };
    view! {
        <div class="confirm" role="dialog" aria-label=title>
            <p>{text}</p>
            <label class="field"><span>{label}</span>
                <textarea name="reason" aria-label=label maxlength="500" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea></label>
            <FieldMsg error=error field="reason" />
            <div class="actions">
                <button class="secondary" on:click=move |_| open.set(Open::None)>"取消"</button>
                <button class="primary" disabled=move || busy.get() on:click=send>{button}</button>
            </div>
        </div>
    }
}

/// 联用类 【授权】: 开票人员配置 (at least one 开票员) and 开票安全验证时间配置.
#[component]
fn AuthorizeForm(v: InvitationView, error: RwSignal<Option<AppError>>, open: RwSignal<Open>, done: Callback<(Result<InvitationView, AppError>, &'static str)>) -> impl IntoView {
    let (id, version) = (v.id, v.version);
    let options = RwSignal::new(None::<Result<AuthorizeChoices, AppError>>);
    spawn_local(async move { options.set(Some(authorize_options(id).await)) });
    let chosen = RwSignal::new(Vec::<i64>::new());
    let period = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let send = move |_| {
        busy.set(true);
        spawn_local(async move {
            done.run((authorize_invitation(id, version, chosen.get_untracked(), period.get_untracked()).await, "授权"));
            busy.set(false);
        });
    };
    view! {
        <div class="confirm authorize" role="dialog" aria-label="授权">
            <p>{format!("授权直连单位{}为本单位提供乐企联用服务。授权后双方正式建立绑定关系。", v.direct_name)}</p>
            {move || match options.get() {
                None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(o)) => view! {
                    <fieldset class="field invoicers">
                        <legend>"开票人员配置"</legend>
                        {o.invoicers.is_empty().then(|| view! { <p class="muted small">"本单位暂无开票员，请先在【我的信息】→【用户管理】中添加开票员。"</p> })}
                        {o.invoicers.into_iter().map(|i| {
                            let lid = i.link_id;
                            view! {
                                <label class="check"><input type="checkbox" name="invoicer" value=lid
                                    prop:checked=move || chosen.with(|c| c.contains(&lid))
                                    on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.retain(|x| *x != lid); if on { c.push(lid) } }) } />
                                    {i.name}</label>
                            }
                        }).collect_view()}
                        <FieldMsg error=error field="invoicers" />
                    </fieldset>
                    <label class="field"><span>"开票安全验证时间配置"</span>
                        <select name="period" aria-label="开票安全验证时间" on:change=move |ev| period.set(event_target_value(&ev))>
                            <option value="">"请选择"</option>
                            {o.periods.into_iter().map(|p| view! { <option value=p.code.clone()>{p.label.clone()}</option> }).collect_view()}
                        </select></label>
                    <FieldMsg error=error field="period" />
                }.into_any(),
            }}
            <div class="actions">
                <button class="secondary" on:click=move |_| open.set(Open::None)>"取消"</button>
                <button class="primary" disabled=move || busy.get() on:click=send>"确认授权"</button>
            </div>
        </div>
    }
}
