//! 【能力中心】 as its own bundle (`nlzx`, served at /nlzx; the portal is at its size
//! budget): every capability with 开通状态 and 有效期, 【订阅】, the 能力说明文档, the
//! 测试中心's cases (refreshed while the unit's system calls them), 【生成测试报告】 (printable)
//! and 【提交税务机关确认】 with the 有效期 (guideline-sichuan 第四章).

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::hooks::use_params_map;
use leptos_router::path;

use crate::capability::api::{
    capability_act, capability_detail, capability_grant, capability_grant_act, capability_grants, capability_list, CapabilityCenter, CapabilityPage, CapabilityRow, CaseView, GrantCenter, GrantRowResult,
    GrantView, TestReport,
};
use crate::capability_grant::rules::GrantAction;
use crate::components::session::use_session;
use crate::components::shell::{leave_for, AppShell, NotFound};
use crate::components::{use_load, use_submit, FieldMsg, FormMsg, Timeline};
use crate::kernel::Module;
use crate::capability::rules::CapabilityAction;
use crate::kernel::Principal;
use crate::error::AppError;

#[component]
pub fn NlzxApp() -> impl IntoView {
    view! {
        <AppShell>
            <Routes fallback=|| view! { <NotFound href="/leqi" label="返回首页" external=true /> }>
                <Route path=path!("/nlzx") view=|| view! { <Frame><ListPage /></Frame> } />
                <Route path=path!("/nlzx/grants") view=|| view! { <Frame><GrantsPage /></Frame> } />
                <Route path=path!("/nlzx/:code") view=|| view! { <Frame><DetailPage /></Frame> } />
            </Routes>
        </AppShell>
    }
}

/// A signed-in taxpayer granted 能力中心 (the server checks again on every call).
#[component]
fn Frame(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading">"正在加载…"</p> }.into_any();
        }
        match session.principal.get() {
            Some(Principal::Taxpayer(t)) if t.may_use(Module::LeqiCapability) => view! {
                <div class="leqi">
                    <nav class="menus" aria-label="乐企菜单">
                        <div class="menu"><h3><a href="/leqi" rel="external">"乐企首页"</a></h3></div>
                        <div class="menu"><h3><A href="/nlzx">"能力中心"</A></h3></div>
                        <div class="menu"><h3><A href="/nlzx/grants">"能力授权"</A></h3></div>
                    </nav>
                    <div class="content">{children()}</div>
                </div>
            }
            .into_any(),
            Some(Principal::Taxpayer(_)) => view! {
                <section class="card refused"><h2>"能力中心"</h2><p class="form-error" role="alert">{format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiCapability.label())}</p></section>
            }
            .into_any(),
            _ => {
                leave_for("/login");
                view! { <p class="loading">"请先登录…"</p> }.into_any()
            }
        }
    }
}

fn kind_label(r: &CapabilityRow) -> &'static str {
    if r.public {
        "公用基础能力"
    } else {
        "非公用基础能力"
    }
}

/// 【能力中心】: the catalogue with 开通状态 and 有效期.
#[component]
fn ListPage() -> impl IntoView {
    let center = use_load(capability_list);
    let error = RwSignal::new(None::<AppError>);
    let subscribe = use_submit(error, |(code, version): (String, i64)| capability_act(code, version, CapabilityAction::Subscribe, String::new()), move |_: CapabilityPage| center.reload());
    view! {
        <section class="card capability-center">
            <h2>"能力中心"</h2>
            <FormMsg error />
            {center.view(move |c: CapabilityCenter| view! {
                <p class="muted unit-line">{c.enterprise_name}" · "{c.credit_code}{c.qualification_end.map(|q| format!(" · 乐企资格有效期至{q}"))}</p>
                <p><A href="/nlzx/grants">"能力授权（授权使用单位使用已开通的能力）"</A></p>
                <table class="list capability-list">
                    <thead><tr><th>"能力名称"</th><th>"能力分组"</th><th>"能力类型"</th><th>"开通状态"</th><th>"有效期"</th><th>"操作"</th></tr></thead>
                    <tbody>
                        {c.rows.into_iter().map(|r| {
                            let code = r.code.clone();
                            let version = r.version;
                            let may_subscribe = r.actions.contains(&CapabilityAction::Subscribe);
                            view! {
                                <tr class="capability-row" data-code=r.code.clone()>
                                    <td data-label="能力名称">{r.name.clone()}</td>
                                    <td data-label="能力分组">{r.group.clone()}</td>
                                    <td data-label="能力类型">{kind_label(&r)}</td>
                                    <td data-label="开通状态" class="status">{r.status.label()}</td>
                                    <td data-label="有效期">{r.valid_until.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td data-label="操作" class="actions">
                                        <A href=format!("/nlzx/{}", r.code)>"能力说明文档"</A>
                                        {may_subscribe.then(|| view! {
                                            <button class="primary" disabled=move || subscribe.busy() on:click=move |_| subscribe.run((code.clone(), version))>{CapabilityAction::Subscribe.label()}</button>
                                        })}
                                        {r.refusal.clone().map(|m| view! { <span class="muted small refusal">{m}</span> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

fn case_state(c: &CaseView) -> (&'static str, &'static str) {
    match c.passed {
        Some(true) => ("通过", "pass"),
        Some(false) => ("未通过", "fail"),
        None => ("未测试", "none"),
    }
}

#[component]
fn Cases(cases: Vec<CaseView>, capability: String) -> impl IntoView {
    view! {
        <ul class="cases">
            {cases.into_iter().map(|c| {
                let (label, class) = case_state(&c);
                view! {
                    <li class=format!("case case-{class}") data-case=c.code.clone()>
                        <p><strong>{c.name.clone()}</strong>" "<span class="case-status">{label}</span></p>
                        <p class="muted small">{format!("POST {} · capability={} · case={}", c.path, capability, c.code)}</p>
                        <p class="small">{c.doc.clone()}</p>
                        {c.request_id.clone().map(|id| view! { <p class="small">"最近请求："{id}" · "{c.at.clone().unwrap_or_default()}</p> })}
                        {(!c.errors.is_empty()).then(|| view! {
                            <ul class="case-errors">{c.errors.iter().map(|e| view! { <li class="form-error">{format!("{}：{}", e.field, e.message)}</li> }).collect_view()}</ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn Report(report: TestReport) -> impl IntoView {
    view! {
        <section class="report print-area">
            <h3>"能力测试报告"</h3>
            <p>{report.enterprise_name}"（"{report.credit_code}"）"</p>
            <p>"能力："{report.capability_name}"（"{report.capability_code}"）· 生成时间："{report.generated_at}</p>
            <table class="list">
                <thead><tr><th>"测试用例"</th><th>"请求编号"</th><th>"通过时间"</th></tr></thead>
                <tbody>{report.cases.into_iter().map(|c| view! { <tr><td>{c.name}</td><td>{c.request_id}</td><td>{c.at}</td></tr> }).collect_view()}</tbody>
            </table>
            <p class="no-print"><button class="secondary" on:click=|_| print()>"打印"</button></p>
        </section>
    }
}

fn print() {
    #[cfg(feature = "csr")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// One capability: 能力说明文档, 测试中心, 测试报告, the steps and the timeline.
#[component]
fn DetailPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let page = use_load(move || capability_detail(code()));
    // The 测试中心's results arrive from the unit's system: fetched again every few seconds
    // while the capability is in test (kept quiet: no "loading" flash).
    let live: RwSignal<Option<CapabilityPage>> = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(p)) = page.data.get() {
            live.set(Some(p));
        }
    });
    let timer = set_interval_with_handle(
        move || {
            let testing = live.with_untracked(|p| p.as_ref().is_some_and(|p| p.row.actions.is_empty() && p.cases.iter().any(|c| c.passed != Some(true)) && !p.row.status.is_open()));
            if testing {
                let c = code();
                leptos::task::spawn_local(async move {
                    if let Ok(p) = capability_detail(c).await {
                        live.set(Some(p));
                    }
                });
            }
        },
        std::time::Duration::from_secs(3),
    );
    if let Ok(t) = timer {
        on_cleanup(move || t.clear());
    }
    let error = RwSignal::new(None::<AppError>);
    let valid_until = RwSignal::new(String::new());
    let step = use_submit(
        error,
        move |(version, action): (i64, CapabilityAction)| capability_act(code(), version, action, valid_until.get_untracked()),
        move |p: CapabilityPage| live.set(Some(p)),
    );
    view! {
        <p class="back"><A href="/nlzx">"返回能力中心"</A></p>
        {move || match (live.get(), page.data.get()) {
            (Some(p), _) => {
                let version = p.row.version;
                if valid_until.get_untracked().is_empty() {
                    valid_until.set(p.qualification_end.clone().unwrap_or_default());
                }
                let q_end = p.qualification_end.clone().unwrap_or_default();
                let name = p.row.code.clone();
                view! {
                    <section class="card capability-detail">
                        <h2>{p.row.name.clone()}</h2>
                        <p>"开通状态："<span class="status">{p.row.status.label()}</span>
                           {p.row.valid_until.clone().map(|v| format!(" · 有效期至{v}"))}
                           {p.row.status.reason().map(|r| format!(" · 退回原因：{r}"))}</p>
                        {p.row.refusal.clone().map(|m| view! { <p class="muted refusal">{m}</p> })}
                        <h3>"能力说明文档"</h3>
                        <p class="doc">{p.doc.clone()}</p>
                        {(!p.row.public).then(|| view! {
                            <h3>"测试中心"</h3>
                            <p class="muted small">"本单位信息系统使用接口凭证（【接入管理】→【接入邀请】→ 接口凭证）签名调用测试中心，结果实时显示在此。"</p>
                            <Cases cases=p.cases.clone() capability=name.clone() />
                        })}
                        {p.report.clone().map(|r| view! { <Report report=r /> })}
                        <FormMsg error />
                        <div class="actions">
                            {p.row.actions.iter().copied().map(|a| match a {
                                CapabilityAction::SubmitReport => view! {
                                    <label class="field"><span>"有效期至"</span>
                                        <input type="date" name="valid_until" max=q_end.clone() prop:value=move || valid_until.get() on:input=move |ev| valid_until.set(event_target_value(&ev)) /></label>
                                    <FieldMsg error field="valid_until" />
                                    <button class="primary" disabled=move || step.busy() on:click=move |_| step.run((version, a))>{a.label()}</button>
                                }.into_any(),
                                CapabilityAction::Subscribe | CapabilityAction::GenerateReport | CapabilityAction::Retest | CapabilityAction::Confirm | CapabilityAction::Return => {
                                    view! { <button class="primary" disabled=move || step.busy() on:click=move |_| step.run((version, a))>{a.label()}</button> }.into_any()
                                }
                            }).collect_view()}
                        </div>
                        <h3>"办理记录"</h3>
                        <Timeline entries=p.timeline.clone() />
                    </section>
                }.into_any()
            }
            (None, Some(Err(e))) => crate::components::failed(&e),
            (None, _) => crate::components::loading(),
        }}
    }
}

/// One grant's row, with the side's actions (typed; the server decides which).
#[component]
fn GrantRows(rows: Vec<GrantView>, direct: bool, act: crate::components::Submit<(i64, i64, GrantAction)>) -> impl IntoView {
    view! {
        <table class="list grant-list">
            <thead><tr><th>"能力名称"</th><th>{if direct { "使用单位" } else { "直连单位" }}</th><th>"授权状态"</th><th>"更新时间"</th><th>"操作"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|g| {
                    let (id, version) = (g.id, g.version);
                    let unit = if direct { format!("{}（{}）", g.use_name, g.use_code) } else { format!("{}（{}）", g.direct_name, g.direct_code) };
                    view! {
                        <tr class="grant-row" data-code=g.capability_code.clone() data-unit=if direct { g.use_code.clone() } else { g.direct_code.clone() }>
                            <td data-label="能力名称">{g.capability_name.clone()}</td>
                            <td data-label=if direct { "使用单位" } else { "直连单位" }>{unit}</td>
                            <td data-label="授权状态"><span class="status">{g.status.label()}</span>{g.status.reason().map(|r| format!("（{r}）"))}{g.usable.then_some(" · 可使用")}</td>
                            <td data-label="更新时间">{g.since.clone()}</td>
                            <td data-label="操作" class="actions">
                                {g.actions.iter().copied().map(|a| view! {
                                    <button class=if a == GrantAction::Confirm { "primary" } else { "secondary" } disabled=move || act.busy() on:click=move |_| act.run((id, version, a))>{a.label()}</button>
                                }).collect_view()}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// 能力授权 (guideline-sichuan 第四章 四): a direct unit grants an opened capability to bound
/// use units (one or several at once; each refused with its reason when it does not fit)
/// and revokes; a use unit sees which capabilities it may use through which direct unit,
/// 【确认授权】/【拒绝】 and revokes.
#[component]
fn GrantsPage() -> impl IntoView {
    let center = use_load(capability_grants);
    let error = RwSignal::new(None::<AppError>);
    let code = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let results = RwSignal::new(Vec::<GrantRowResult>::new());
    let give = use_submit(
        error,
        move |_: ()| capability_grant(code.get_untracked(), chosen.get_untracked()),
        move |r: Vec<GrantRowResult>| {
            results.set(r);
            chosen.set(vec![]);
            center.reload();
        },
    );
    let act = use_submit(error, |(id, version, a): (i64, i64, GrantAction)| capability_grant_act(id, version, a, String::new()), move |_: GrantView| center.reload());
    view! {
        <section class="card grant-center">
            <h2>"能力授权"</h2>
            <FormMsg error />
            {center.view(move |c: GrantCenter| {
                if code.get_untracked().is_empty() {
                    if let Some((first, _)) = c.grantable.first() {
                        code.set(first.clone());
                    }
                }
                view! {
                    {(!c.grantable.is_empty()).then(|| view! {
                        <h3>"授权使用单位"</h3>
                        <label class="field"><span>"能力"</span>
                            <select name="capability" prop:value=move || code.get() on:change=move |ev| code.set(event_target_value(&ev))>
                                {c.grantable.iter().map(|(k, n)| view! { <option value=k.clone()>{n.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                        {if c.bound.is_empty() {
                            view! { <p class="muted">"暂无已绑定（接入邀请确认通过）的使用单位。"</p> }.into_any()
                        } else {
                            view! {
                                <fieldset class="bound-units"><legend>"已绑定的使用单位（可多选）"</legend>
                                    {c.bound.iter().map(|b| {
                                        let id = b.invitation_id;
                                        view! {
                                            <label class="check"><input type="checkbox" value=id
                                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                                on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.retain(|x| *x != id); if on { c.push(id) } }) } />
                                                {format!("{}（{}）", b.name, b.credit_code)}</label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <FieldMsg error field="use_units" />
                                <p><button class="primary" disabled=move || give.busy() on:click=move |_| { results.set(vec![]); give.run(()) }>"授权"</button></p>
                            }.into_any()
                        }}
                        {move || (!results.with(|r| r.is_empty())).then(|| view! {
                            <ul class="grant-results" role="status">
                                {results.get().into_iter().map(|r| match r.refusal {
                                    None => view! { <li class="ok">{r.name}"：已授权，待使用单位确认"</li> }.into_any(),
                                    Some(m) => view! { <li class="form-error">{r.name}"："{m}</li> }.into_any(),
                                }).collect_view()}
                            </ul>
                        })}
                    })}
                    {(!c.made.is_empty()).then(|| view! {
                        <h3>"已发起的能力授权"</h3>
                        <GrantRows rows=c.made.clone() direct=true act />
                    })}
                    <h3>"本单位可使用的能力"</h3>
                    {if c.received.is_empty() {
                        view! { <p class="muted">"暂无直连单位向本单位发起的能力授权。"</p> }.into_any()
                    } else {
                        view! { <GrantRows rows=c.received.clone() direct=false act /> }.into_any()
                    }}
                }
            })}
        </section>
    }
}
