//! 授权申请 (guideline-sichuan ch. 3 一(二)1.(2)): the use unit's 【申请授权】 under
//! 【响应邀请】 (find a direct unit by credit code, relationship, proof, 提交; its own
//! requests with 撤回), and the direct unit's 【授权申请】 tab under 【接入邀请】 (同意 / 拒绝).
//! The pages show exactly the actions the server offers (`AuthRequestView::actions`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::invite::{ProofInput, Tabs};
use super::Frame;
use crate::auth_request::api::*;
use crate::components::{FieldMsg, FormMsg};
use crate::access::rules::CheckOutcome;
use crate::auth_request::rules::{AuthRequestAction, RequestParty, AuthRequestStatus};
use crate::error::AppError;

/// A list of requests; `direct`: the direct unit's view (the other party is the use unit).
#[component]
fn RequestTable(list: Vec<AuthRequestView>, direct: bool) -> impl IntoView {
    let base = if direct { "/jrgl/invite/requests" } else { "/jrgl/respond/requests" };
    view! {
        <table class="list auth-requests">
            <thead><tr><th>{if direct { "使用单位" } else { "直连单位" }}</th><th>"统一社会信用代码"</th><th>"单位关系"</th><th>"申请状态"</th><th>"申请时间"</th><th>"操作"</th></tr></thead>
            <tbody>
                {list.into_iter().map(|r| {
                    let (name, code) = if direct { (r.use_name.clone(), r.use_code.clone()) } else { (r.direct_name.clone(), r.direct_code.clone()) };
                    view! {
                        <tr data-code=code.clone() data-id=r.id>
                            <td data-label="单位名称">{name}</td>
                            <td data-label="统一社会信用代码" class="text">{code.clone()}</td>
                            <td data-label="单位关系">{r.relationship.clone()}"（"{r.category.clone()}"）"</td>
                            <td data-label="申请状态"><span class="status" data-status=r.status.label()>{r.status.label()}</span>
                                {r.status.reason().map(|x| view! { <span class="reason small">" 原因："{x.to_string()}</span> })}</td>
                            <td data-label="申请时间">{r.created_at.clone()}</td>
                            <td data-label="操作"><A href=format!("{base}/{}", r.id)>"查看详情"</A></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// 【接入邀请】→【授权申请】: the requests use units sent to this direct unit.
#[component]
pub fn ReceivedRequestsPage() -> impl IntoView {
    let status = RwSignal::new("pending".to_string());
    let rows = RwSignal::new(None::<Result<Vec<AuthRequestView>, AppError>>);
    Effect::new(move |_| {
        let s = status.get();
        spawn_local(async move { rows.set(Some(received_auth_requests(s).await)) });
    });
    view! {
        <Frame>
            <section class="card auth-requests-received">
                <h2>"接入邀请"</h2>
                <Tabs active="授权申请" />
                <p class="muted small">"使用单位通过乐企平台向本单位发起的授权申请；同意后，自用类提交其主管税务机关受理，联用类进入接入备案并待使用单位授权。"</p>
                <label class="field inline"><span>"申请状态"</span>
                    <select name="request_status" prop:value=move || status.get() on:change=move |ev| status.set(event_target_value(&ev))>
                        {AuthRequestStatus::FILTERS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                        <option value="">"全部"</option>
                    </select>
                </label>
                {move || match rows.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"暂无授权申请"</p> }.into_any(),
                    Some(Ok(list)) => view! { <RequestTable list direct=true /> }.into_any(),
                }}
            </section>
        </Frame>
    }
}

/// 【响应邀请】→【申请授权】: find a direct unit, declare the relationship, attach the proof.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let code = RwSignal::new(String::new());
    let card = RwSignal::new(None::<DirectUnitCard>);
    let relationship = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let mine = RwSignal::new(None::<Result<Vec<AuthRequestView>, AppError>>);
    let reload = move || spawn_local(async move { mine.set(Some(my_auth_requests().await)) });
    reload();
    let proof = NodeRef::<leptos::html::Input>::new();
    let find = move |_| {
        error.set(None);
        message.set(None);
        spawn_local(async move {
            match find_direct_unit(code.get_untracked()).await {
                Ok(c) => {
                    relationship.set(c.relationships.first().cloned().unwrap_or_default());
                    card.set(Some(c));
                }
                Err(e) => {
                    card.set(None);
                    error.set(Some(e));
                }
            }
        })
    };
    let submit = move |_| {
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let sent = match super::invite::send_proof(proof).await {
                Ok(m) => send_auth_request(code.get_untracked(), relationship.get_untracked(), m).await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(v) => {
                    message.set(Some(format!("授权申请已提交，当前状态：{}", v.status.label())));
                    card.set(None);
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        })
    };
    view! {
        <Frame>
            <section class="card apply-authorization">
                <h2>"申请授权"</h2>
                <p><A href="/jrgl/respond">"返回响应邀请"</A></p>
                <p class="muted small">"向直连单位发起授权申请，取得直连单位同意后再向本单位主管税务机关发起使用请求。"</p>
                <label class="field"><span>"直连单位统一社会信用代码"</span>
                    <input name="direct_code" maxlength="18" autocomplete="off" placeholder="请输入直连单位统一社会信用代码" bind:value=code />
                    <FieldMsg error field="direct_code" /></label>
                <div class="actions"><button class="secondary" name="find" on:click=find>"查询"</button></div>
                {move || card.get().map(|c| view! {
                    <dl class="facts direct-unit">
                        <dt>"直连单位名称"</dt><dd>{c.name.clone()}</dd>
                        <dt>"接入类型"</dt><dd>{c.access_type.clone()}</dd>
                    </dl>
                    <label class="field"><span>"与直连单位的关系"</span>
                        <select name="relationship" prop:value=move || relationship.get() on:change=move |ev| relationship.set(event_target_value(&ev))>
                            {c.relationships.iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                        </select>
                        <FieldMsg error field="relationship" /></label>
                    <ProofInput input=proof error=error label="单位关系证明材料（PDF/JPG/PNG，不超过10MB；同一监管部门无需提供）" />
                    <div class="actions"><button class="primary" name="send" disabled=move || busy.get() on:click=submit>"提交"</button></div>
                })}
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                <FormMsg error />
                <h3>"我的授权申请"</h3>
                {move || match mine.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"暂无授权申请"</p> }.into_any(),
                    Some(Ok(list)) => view! { <RequestTable list direct=false /> }.into_any(),
                }}
            </section>
        </Frame>
    }
}

/// One request, for either party, with the actions the server offers.
#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data = RwSignal::new(None::<Result<AuthRequestView, AppError>>);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let message = RwSignal::new(None::<String>);
    let refusing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    Effect::new(move |_| {
        let id = id();
        spawn_local(async move { data.set(Some(auth_request_detail(id).await)) });
    });
    let act = move |action: AuthRequestAction, version: i64| {
        error.set(None);
        spawn_local(async move {
            let id = id();
            let reason = if action == AuthRequestAction::Refuse { reason.get_untracked() } else { String::new() };
            let r = auth_request_act(id, version, action, reason).await;
            match r {
                Ok(v) => {
                    message.set(Some(format!("{}成功，当前状态：{}", action.label(), v.status.label())));
                    refusing.set(false);
                    data.set(Some(Ok(v)));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        <Frame>
            <section class="card auth-request">
                <h2>"授权申请详情"</h2>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || match data.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(v)) => {
                        let version = v.version;
                        let direct_side = v.party == RequestParty::DirectUnit;
                        let invitation = v.invitation_id.map(|i| if direct_side { format!("/jrgl/invite/{i}") } else { format!("/jrgl/respond/{i}") });
                        view! {
                            <dl class="facts">
                                <dt>"使用单位"</dt><dd>{v.use_name.clone()}" · "{v.use_code.clone()}</dd>
                                <dt>"直连单位"</dt><dd>{v.direct_name.clone()}" · "{v.direct_code.clone()}</dd>
                                <dt>"单位关系"</dt><dd>{v.relationship.clone()}"（"{v.category.clone()}"）"</dd>
                                <dt>"申请人"</dt><dd>{v.created_by.clone()}" · "{v.created_at.clone()}</dd>
                                <dt>"申请状态"</dt><dd><strong class="status" data-status=v.status.label()>{v.status.label()}</strong></dd>
                            </dl>
                            {v.status.reason().map(|r| view! { <p class="reason">"原因："{r.to_string()}</p> })}
                            {v.decided_by.clone().map(|d| view! { <p class="muted small">"处理人："{d}" · "{v.updated_at.clone()}</p> })}
                            {(!v.checks.is_empty()).then(|| view! {
                                <h3>"使用单位接入条件核验"</h3>
                                <ul class="checks">
                                    {v.checks.iter().map(|l| {
                                        let ok = l.outcome == CheckOutcome::Pass;
                                        view! { <li class:fail=!ok>{if ok { "✓ " } else { "✗ " }}{l.label.clone()}"："{l.unit_value.clone()}"（要求："{l.threshold.clone()}"）"</li> }
                                    }).collect_view()}
                                </ul>
                            })}
                            {v.proof_material_id.map(|m| view! { <p>"单位关系证明材料："<a href=format!("/api/materials/{m}") target="_blank" rel="external">"查看"</a></p> })}
                            {invitation.map(|href| view! { <p>"已生成接入邀请："<A href=href>"查看邀请"</A></p> })}
                            <div class="actions">
                                {v.actions.iter().map(|a| {
                                    let a = *a;
                                    match a {
                                        AuthRequestAction::Refuse => view! { <button class="secondary danger" on:click=move |_| refusing.set(true)>{a.label()}</button> }.into_any(),
                                        AuthRequestAction::Agree | AuthRequestAction::Withdraw => view! { <button class="primary" on:click=move |_| act(a, version)>{a.label()}</button> }.into_any(),
                                    }
                                }).collect_view()}
                            </div>
                            <Show when=move || refusing.get()>
                                <div class="refuse" role="dialog" aria-label="拒绝授权申请">
                                    <label class="field"><span>"拒绝原因"</span>
                                        <textarea name="reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                        <FieldMsg error field="reason" /></label>
                                    <div class="actions">
                                        <button class="secondary" on:click=move |_| refusing.set(false)>"取消"</button>
                                        <button class="primary danger" on:click=move |_| act(AuthRequestAction::Refuse, version)>"确认拒绝"</button>
                                    </div>
                                </div>
                            </Show>
                        }.into_any()
                    }
                }}
                <FormMsg error />
            </section>
        </Frame>
    }
}
