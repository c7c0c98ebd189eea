//! The qualification lifecycle on 【接入申请】 (issue #13): the unit's status with
//! its next deadline, the buttons the domain offers (【申请延续】, 【事项变更】,
//! 【终止服务备案】), their forms, and the unit's requests with their timeline.
//! The tax console shows the same status (`UnitStatusLine`) and decides requests.

use leptos::prelude::*;

use crate::lifecycle::api::{file_termination, lifecycle_overview, request_change, request_extension, ChangeInput, ChangeItem, RequestView, Term, UnitLifecycle};
use crate::components::{use_load, use_submit, FieldMsg, FormMsg, Timeline};
use crate::lifecycle::rules::{RequestBody, UnitAction, UnitStatus};
use crate::error::AppError;

/// "状态：即将到期 · 资格有效期至：2027-12-31".
#[component]
pub fn UnitStatusLine(l: UnitLifecycle) -> impl IntoView {
    view! {
        <p class="unit-status-line">
            "乐企资格状态："<strong class="unit-status" data-status=format!("{:?}", l.status)>{l.status.label()}</strong>
            {l.deadline.map(|d| view! { " · "{d.what}"："<span class="deadline">{d.day}</span> })}
        </p>
        {l.rate_limit.map(|n| view! { <p class="notice rate-limit">{format!("接口已限制并发：每分钟不超过{n}次。请尽快提交资格延续请求。")}</p> })}
    }
}

/// 【资格管理】 (`/zgzl`, its own small bundle): the status, the buttons, their forms and
/// the requests. `initial` opens a form at once (the buttons on 【接入申请】 link here).
#[component]
pub fn LifecyclePanel(#[prop(default = None)] initial: Option<UnitAction>) -> impl IntoView {
    let data = use_load(lifecycle_overview);
    let open: RwSignal<Option<UnitAction>> = RwSignal::new(initial);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    data.view(move |l: UnitLifecycle| {
        if l.status == UnitStatus::NotJoined {
            return ().into_any();
        }
        let actions = l.actions.clone();
        let requests = l.requests.clone();
        view! {
            <section class="card lifecycle">
                <h2>"资格管理"</h2>
                <UnitStatusLine l=l.clone() />
                {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                <div class="actions lifecycle-actions">
                    {actions.into_iter().map(|a| view! {
                        <button class="secondary" data-action=format!("{a:?}") on:click=move |_| { notice.set(None); open.set(Some(a)) }>{a.label()}</button>
                    }).collect_view()}
                </div>
                {move || open.get().map(|a| {
                    let done = move |label: String| {
                        open.set(None);
                        notice.set(Some(label));
                        data.reload();
                    };
                    match a {
                        UnitAction::RequestExtension => view! { <ExtensionForm open done /> }.into_any(),
                        UnitAction::RequestChange => view! { <ChangeForm open done /> }.into_any(),
                        UnitAction::FileTermination => view! { <TerminationForm open done /> }.into_any(),
                    }
                })}
                {(!requests.is_empty()).then(|| view! {
                    <h4>"资格管理请求"</h4>
                    <ul class="requests">{requests.into_iter().map(|r| view! { <RequestItem r /> }).collect_view()}</ul>
                })}
            </section>
        }
        .into_any()
    })
}

/// One line of what a request asks for.
pub fn summary(body: &RequestBody) -> String {
    match body {
        RequestBody::Extension { term, .. } => format!("请求期限：{}", term.label()),
        RequestBody::Change(c) => format!("变更事项：{}；{}", c.items.iter().map(|i| i.label()).collect::<Vec<_>>().join("、"), c.details),
        RequestBody::Termination { end_date, reason } => format!("终止日期：{end_date}；终止原因：{reason}"),
    }
}

#[component]
fn RequestItem(r: RequestView) -> impl IntoView {
    view! {
        <li class="request" data-kind=format!("{:?}", r.kind)>
            <p><strong>{r.kind.label()}</strong>" · "{r.filed_at.clone()}" · 状态："<strong class="status">{r.status.label()}</strong></p>
            <p class="muted">{summary(&r.body)}</p>
            {r.granted_end.clone().map(|g| view! { <p class="granted">"延续后资格有效期至："<span class="granted-end">{g}</span></p> })}
            {r.status.reason().map(|x| view! { <p class="reason">"退回原因："{x.to_string()}</p> })}
            <Timeline entries=r.timeline.clone() />
        </li>
    }
}

fn form_shell(title: &'static str, error: RwSignal<Option<AppError>>, busy: impl Fn() -> bool + Send + Sync + Copy + 'static, open: RwSignal<Option<UnitAction>>, submit: impl Fn() + Send + Sync + Copy + 'static, body: AnyView) -> impl IntoView {
    view! {
        <div class="request-form card" role="dialog" aria-label=title>
            <h4>{title}</h4>
            {body}
            <FormMsg error />
            <div class="actions">
                <button class="secondary" on:click=move |_| open.set(None)>"取消"</button>
                <button class="primary submit-request" disabled=busy on:click=move |_| submit()>"提交"</button>
            </div>
        </div>
    }
}

#[component]
fn ExtensionForm(open: RwSignal<Option<UnitAction>>, done: impl Fn(String) + Send + Sync + Copy + 'static) -> impl IntoView {
    let term = RwSignal::new(Term::Long);
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let submit = use_submit(error, move |_: ()| request_extension(term.get_untracked(), reason.get_untracked()), move |_: RequestView| done("资格延续请求已提交，待主管税务机关受理".into()));
    let body = view! {
        <fieldset class="field term">
            <legend>"请求期限"</legend>
            {[Term::Short, Term::Long].into_iter().map(|t| view! {
                <label class="radio"><input type="radio" name="term" checked=move || term.get() == t on:change=move |_| term.set(t) />{t.label()}</label>
            }).collect_view()}
        </fieldset>
        <label class="field"><span>"延续原因"</span><textarea name="reason" rows="2" bind:value=reason></textarea></label>
    }
    .into_any();
    form_shell("申请延续", error, move || submit.busy(), open, move || submit.run(()), body)
}

#[component]
fn ChangeForm(open: RwSignal<Option<UnitAction>>, done: impl Fn(String) + Send + Sync + Copy + 'static) -> impl IntoView {
    let items: RwSignal<Vec<ChangeItem>> = RwSignal::new(vec![]);
    let details = RwSignal::new(String::new());
    let production = RwSignal::new(String::new());
    let test = RwSignal::new(String::new());
    let agreement: RwSignal<Option<i64>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let has = move |i: ChangeItem| items.with(|l| l.contains(&i));
    let submit = use_submit(
        error,
        move |_: ()| {
            request_change(ChangeInput {
                items: items.get_untracked(),
                details: details.get_untracked(),
                production_ips: production.get_untracked(),
                test_ips: test.get_untracked(),
                agreement_material_id: agreement.get_untracked(),
            })
        },
        move |_: RequestView| done("事项变更请求已提交，待主管税务机关受理；确认通过后生效".into()),
    );
    let pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "csr")]
        {
            use wasm_bindgen::JsCast;
            let Some(file) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
            leptos::task::spawn_local(async move {
                match crate::pages::materials::send(None, crate::materials::rules::MaterialKind::ServiceAgreement, file).await {
                    Ok(m) => agreement.set(Some(m.id)),
                    Err(e) => error.set(Some(AppError::field("agreement", e.to_string()))),
                }
            });
        }
        #[cfg(not(feature = "csr"))]
        let _ = ev;
    };
    let body = view! {
        <fieldset class="field items">
            <legend>"变更事项"</legend>
            {ChangeItem::ALL.into_iter().map(|i| view! {
                <label class="check"><input type="checkbox" name="items" data-item=format!("{i:?}") on:change=move |_| items.update(|l| if l.contains(&i) { l.retain(|x| *x != i) } else { l.push(i) }) />{i.label()}</label>
            }).collect_view()}
            <FieldMsg error field="items" />
        </fieldset>
        <label class="field"><span>"变更内容及原因"</span><textarea name="details" rows="2" bind:value=details></textarea><FieldMsg error field="details" /></label>
        <Show when=move || has(ChangeItem::Ips)>
            <label class="field"><span>"生产环境IP"</span><input name="production_ips" bind:value=production /></label>
            <label class="field"><span>"测试环境IP"</span><input name="test_ips" bind:value=test /></label>
            <FieldMsg error field="ips" />
        </Show>
        <Show when=move || has(ChangeItem::LegalRepresentative)>
            <label class="field"><span>"重新签订的《服务协议书》"</span>
                <input type="file" name="agreement" accept=".pdf,.jpg,.jpeg,.png" on:change=pick />
                {move || agreement.get().map(|_| view! { <small class="muted">"已上传"</small> })}
            </label>
        </Show>
        <FieldMsg error field="agreement" />
    }
    .into_any();
    form_shell("事项变更", error, move || submit.busy(), open, move || submit.run(()), body)
}

#[component]
fn TerminationForm(open: RwSignal<Option<UnitAction>>, done: impl Fn(String) + Send + Sync + Copy + 'static) -> impl IntoView {
    let end_date = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let submit = use_submit(error, move |_: ()| file_termination(end_date.get_untracked(), reason.get_untracked()), move |_: RequestView| done("终止服务备案已提交：自即日起不能新增使用单位".into()));
    let body = view! {
        <p class="muted small">"终止日期应至少提前30日；备案后不能新增使用单位，到期后所有使用单位的绑定关系解除。"</p>
        <label class="field"><span>"终止日期"</span><input type="date" name="end_date" bind:value=end_date /><FieldMsg error field="end_date" /></label>
        <label class="field"><span>"终止原因"</span><textarea name="reason" rows="2" bind:value=reason></textarea><FieldMsg error field="reason" /></label>
    }
    .into_any();
    form_shell("终止服务备案", error, move || submit.busy(), open, move || submit.run(()), body)
}

/// The tax console's 待办 of requests (资格延续, 事项变更, 终止服务备案).
#[component]
pub fn RequestQueueList() -> impl IntoView {
    use crate::lifecycle::api::{officer_requests, RequestQueueItem};
    let items = use_load(officer_requests);
    items.view(|list: Vec<RequestQueueItem>| {
        if list.is_empty() {
            return view! { <p class="empty">"暂无待办事项"</p> }.into_any();
        }
        view! {
            <table class="list queue-list">
                <thead><tr><th>"企业名称"</th><th>"统一社会信用代码"</th><th>"请求类型"</th><th>"状态"</th><th>"提交时间"</th><th>"操作"</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|q| { let (id, code) = (q.id.to_string(), q.credit_code.clone()); view! {
                        <tr class="request-item" data-id=id data-credit-code=code>
                            <td class="name">{q.enterprise_name}</td>
                            <td class="code" data-label="统一社会信用代码">{q.credit_code}</td>
                            <td data-label="请求类型">{q.kind.label()}</td>
                            <td class="state" data-label="状态">{q.status.label()}</td>
                            <td data-label="提交时间">{q.filed_at}</td>
                            <td class="ops"><a href=format!("/tax/request/{}", q.id)>"办理"</a></td>
                        </tr>
                    } }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    })
}

/// `/tax/request/:id`: the request, the unit's status, and this desk's decision.
#[component]
pub fn OfficerRequestPage() -> impl IntoView {
    use crate::lifecycle::api::{officer_request, request_act, RequestCase};
    use crate::lifecycle::rules::RequestAction;
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let reload = RwSignal::new(0u32);
    let case = LocalResource::new(move || {
        reload.get();
        let id = id();
        async move { officer_request(id.ok_or(AppError::NotFound)?).await }
    });
    let decided: RwSignal<Option<String>> = RwSignal::new(None);
    let reason = RwSignal::new(String::new());
    let granted = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let submit = use_submit(
        error,
        move |(id, version, action): (i64, i64, RequestAction)| request_act(id, version, action, reason.get_untracked(), granted.get_untracked()),
        move |a: crate::kernel::Acted| {
            decided.set(Some(a.status));
            reload.update(|n| *n += 1);
        },
    );
    view! {
        <div class="tax-case request-case">
            <p class="back"><a href="/tax">"返回待办列表"</a></p>
            {move || decided.get().map(|l| view! { <section class="card decided" role="status"><p class="notice">{format!("已办理，当前状态：{l}")}</p></section> })}
            {move || match case.get() {
                None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                Some(Err(e)) => view! { <section class="card"><p class="form-error" role="alert">{e.to_string()}</p></section> }.into_any(),
                Some(Ok(c)) => {
                    let RequestCase { request: r, enterprise_name, credit_code, unit } = c;
                    let (rid, version) = (r.id, r.version);
                    let extension = matches!(r.body, RequestBody::Extension { .. });
                    let actions = r.actions.clone();
                    let confirming = actions.contains(&RequestAction::Confirm);
                    view! {
                        <section class="card">
                            <h2>{format!("{}请求", r.kind.label())}</h2>
                            <dl class="facts">
                                <dt>"单位名称"</dt><dd>{enterprise_name}</dd>
                                <dt>"统一社会信用代码"</dt><dd>{credit_code}</dd>
                                <dt>"资格有效期至"</dt><dd class="qualification-end">{unit.qualification_end.clone().unwrap_or_else(|| "—".into())}</dd>
                                <dt>"状态"</dt><dd class="status">{r.status.label()}</dd>
                            </dl>
                            <UnitStatusLine l=unit />
                            <p>{summary(&r.body)}</p>
                            <Timeline entries=r.timeline.clone() />
                        </section>
                        {(!actions.is_empty()).then(|| view! {
                            <section class="card decide">
                                <h3>"办理"</h3>
                                {(extension && confirming).then(|| view! {
                                    <label class="field"><span>"延续后的资格有效期至"</span><input type="date" name="granted_end" bind:value=granted /><FieldMsg error field="granted_end" /></label>
                                })}
                                <label class="field"><span>"原因（退回时必填）"</span><textarea name="reason" rows="2" bind:value=reason></textarea><FieldMsg error field="reason" /></label>
                                <FormMsg error />
                                <div class="actions decide-actions">
                                    {actions.into_iter().map(|a| view! {
                                        <button class=if a.needs_reason() { "secondary refuse" } else { "primary approve" } disabled=move || submit.busy() on:click=move |_| submit.run((rid, version, a))>{a.label()}</button>
                                    }).collect_view()}
                                </div>
                            </section>
                        })}
                    }
                    .into_any()
                }
            }}
        </div>
    }
}

/// On 【接入申请】 (the portal): the status with its next deadline, and the requests the
/// unit may file now as links into 【资格管理】 (the forms live in that bundle).
#[component]
pub fn LifecycleSummary() -> impl IntoView {
    let data = use_load(lifecycle_overview);
    data.view(move |l: UnitLifecycle| {
        if l.status == UnitStatus::NotJoined {
            return ().into_any();
        }
        let actions = l.actions.clone();
        let pending = l.requests.iter().filter(|r| r.status.is_open()).count();
        view! {
            <section class="card lifecycle-summary">
                <h3>"资格管理"</h3>
                <UnitStatusLine l />
                {(pending > 0).then(|| view! { <p class="muted">{format!("待税务机关处理的请求：{pending}件")}</p> })}
                <div class="actions lifecycle-actions">
                    {actions.into_iter().map(|a| view! { <a class="button secondary" rel="external" data-action=format!("{a:?}") href=format!("/zgzl?do={a:?}")>{a.label()}</a> }).collect_view()}
                    <a class="button link" rel="external" href="/zgzl">"资格管理请求"</a>
                </div>
            </section>
        }
        .into_any()
    })
}
