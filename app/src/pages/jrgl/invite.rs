//! 【接入管理】→【接入邀请】 (manual §3.4–3.5): 新增邀请, 导入邀请, 邀请列表 →
//! 查看详情 (filter, search, paging, batch 解除绑定), one invitation with its
//! timeline, and the API credentials (使用单位管理能力).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::Frame;
use crate::invitation::api::*;
use crate::components::{failed, loading, FieldMsg, FormMsg, Loaded, ReasonDialog, Timeline};
use crate::access::rules::CheckOutcome;
use crate::invitation::rules::{BatchSource, InvitationAction, InvitationStatus, InviteRowInput, FORM_MAX_ROWS};
use crate::pages::invitation_act::{use_invitation_act, ActArgs};
use crate::error::AppError;

#[cfg_attr(not(feature = "csr"), allow(dead_code))]
const DRAFT_KEY: &str = "leqi.invite.draft";

#[component]
pub(crate) fn Tabs(active: &'static str) -> impl IntoView {
    let tabs = [("/jrgl/invite", "邀请列表"), ("/jrgl/invite/new", "新增邀请"), ("/jrgl/invite/import", "导入邀请"), ("/jrgl/invite/requests", "授权申请"), ("/jrgl/invite/api", "接口凭证")];
    view! {
        <nav class="tabs" aria-label="接入邀请">
            {tabs.into_iter().map(|(href, label)| view! {
                <A href=href attr:class=if label == active { "tab active" } else { "tab" }>{label}</A>
            }).collect_view()}
        </nav>
    }
}

/// The parts of an invitation both parties and officers see.
#[component]
pub fn InvitationFacts(v: InvitationView) -> impl IntoView {
    let filing = v.filing.clone();
    let filing_title = v.filing_title.clone();
    view! {
        <dl class="facts">
            <dt>"直连单位"</dt><dd>{v.direct_name.clone()}" · "{v.direct_code.clone()}</dd>
            <dt>"使用单位"</dt><dd>{v.use_name.clone()}" · "{v.use_code.clone()}</dd>
            <dt>"省级税务机关"</dt><dd>{v.use_bureau.clone()}</dd>
            <dt>"主管税务机关"</dt><dd>{v.use_tax_office.clone()}</dd>
            <dt>"单位关系"</dt><dd>{v.relationship.clone()}"（"{v.category.clone()}"）"</dd>
            <dt>"能力预授权"</dt><dd>{if v.pre_authorize { "是" } else { "否" }}</dd>
            <dt>"邀请状态"</dt><dd><strong class="status" data-status=v.status.label()>{v.status.label()}</strong></dd>
        </dl>
        {v.status.reason().map(|r| view! { <p class="reason">"原因："{r.to_string()}</p> })}
        {v.next_actor.clone().map(|n| view! { <p class="muted">"待办理："{n}</p> })}
        {(!filing.is_empty()).then(|| view! {
            <h3>{filing_title}</h3>
            <ul class="checks">
                {filing.into_iter().map(|l| {
                    let ok = l.outcome == CheckOutcome::Pass;
                    view! { <li class:fail=!ok>{if ok { "✓ " } else { "✗ " }}{l.label}"：" {l.unit_value}"（要求："{l.threshold}"）"</li> }
                }).collect_view()}
            </ul>
        })}
        {v.proof_material_id.map(|id| view! {
            <p>"单位关系证明材料："<a href=format!("/api/materials/{id}") target="_blank" rel="external">"查看"</a></p>
        })}
        {v.authorization.clone().map(|a| view! {
            <p>"开票人员："{a.invoicers.iter().map(|i| i.name.clone()).collect::<Vec<_>>().join("、")}</p>
            <p>"开票安全验证时间："{a.period.label.clone()}" · 授权人："{a.authorized_by.clone()}" · "{a.authorized_at.clone()}</p>
        })}
    }
}

/// Sends a chosen 单位关系证明材料 (`POST /api/materials`, raw body); its id.
pub async fn send_proof(_input: NodeRef<leptos::html::Input>) -> Result<Option<i64>, AppError> {
    #[cfg(feature = "csr")]
    {
        let Some(file) = _input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else { return Ok(None) };
        let url = format!("/api/materials?kind=relationship_proof&name={}", js_sys_encode(&file.name()));
        let res = gloo_net::http::Request::post(&url).body(file).map_err(|_| AppError::Network)?.send().await.map_err(|_| AppError::Network)?;
        let text = res.text().await.map_err(|_| AppError::Network)?;
        if !res.ok() {
            let e: AppError = serde_json::from_str(&text).unwrap_or(AppError::Internal);
            // The material's own message goes next to the proof field.
            return Err(match e.message_for("material.relationship_proof") {
                Some(m) => AppError::field("proof", m),
                None => e,
            });
        }
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| AppError::Internal)?;
        return Ok(v["id"].as_i64());
    }
    #[cfg(not(feature = "csr"))]
    Ok(None)
}

/// 单位关系证明材料 (PDF/JPG/PNG ≤ 10MB), with its message.
#[component]
pub fn ProofInput(input: NodeRef<leptos::html::Input>, error: RwSignal<Option<AppError>>, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <label class="field"><span>{label}</span>
            <input type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" node_ref=input aria-label="单位关系证明材料" /></label>
        <FieldMsg error=error field="proof" />
    }
}

fn load_draft() -> Vec<InviteRowInput> {
    #[cfg(feature = "csr")]
    if let Some(Ok(Some(s))) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()).map(|st| st.get_item(DRAFT_KEY)) {
        if let Ok(rows) = serde_json::from_str(&s) {
            return rows;
        }
    }
    vec![InviteRowInput::default()]
}

fn save_draft(_rows: &[InviteRowInput]) {
    #[cfg(feature = "csr")]
    if let Some(st) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = st.set_item(DRAFT_KEY, &serde_json::to_string(_rows).unwrap_or_default());
    }
}

/// 【新增邀请】: up to 50 rows, a draft kept in the browser until it is sent.
#[component]
pub fn NewInvitationPage() -> impl IntoView {
    let options = RwSignal::new(None::<Result<InviteChoices, AppError>>);
    spawn_local(async move { options.set(Some(invite_options().await)) });
    let rows = RwSignal::new(load_draft());
    Effect::new(move |_| rows.with(|r| save_draft(r)));
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let outcome = RwSignal::new(None::<BatchOutcome>);
    let busy = RwSignal::new(false);
    let proof = NodeRef::<leptos::html::Input>::new();
    let add = move |_| {
        if rows.with(|r| r.len()) >= FORM_MAX_ROWS {
            error.set(Some(AppError::field("rows", format!("每次提交最多添加{FORM_MAX_ROWS}家使用单位"))));
        } else {
            rows.update(|r| r.push(InviteRowInput::default()));
        }
    };
    let submit = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let sent = rows.get_untracked();
            let proof_id = match send_proof(proof).await {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e));
                    busy.set(false);
                    return;
                }
            };
            match submit_invitations(sent.clone(), proof_id).await {
                Ok(o) => {
                    // Keep only the failed rows in the form, to correct them.
                    let failed: Vec<InviteRowInput> = o.failed.iter().filter_map(|f| sent.get(f.row_no as usize - 1).cloned()).collect();
                    rows.set(if failed.is_empty() { vec![InviteRowInput::default()] } else { failed });
                    outcome.set(Some(o));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <Frame>
            <section class="card invite-new">
                <h2>"接入邀请"</h2>
                <Tabs active="新增邀请" />
                {move || outcome.get().map(|o| view! { <Outcome o=o /> })}
                {move || match options.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(opts)) => view! {
                        <p class="muted small">{format!("本单位为{}直连单位，可邀请的单位关系：{}。每次提交最多{}家。", opts.direct_type, opts.relationships.join("、"), opts.max_rows)}</p>
                        <div class="invite-rows">
                            <For each=move || 0..rows.with(|r| r.len()) key=|i| *i let:i>
                                <RowEditor i=i rows=rows opts=opts.clone() error=error />
                            </For>
                        </div>
                    }.into_any(),
                }}
                <FieldMsg error=error field="rows" />
                <ProofInput input=proof error=error label="单位关系证明材料（本批次统一提供，PDF/JPG/PNG，不超过10MB，选填）" />
                <FormMsg error=error />
                <div class="actions">
                    <button class="secondary" on:click=add>"添加使用单位"</button>
                    <span class="muted small">{move || format!("已填写{}家", rows.with(|r| r.len()))}</span>
                    <button class="primary" on:click=submit disabled=move || busy.get()>"提交"</button>
                </div>
            </section>
        </Frame>
    }
}

#[component]
fn RowEditor(i: usize, rows: RwSignal<Vec<InviteRowInput>>, opts: InviteChoices, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let get = move |f: fn(&InviteRowInput) -> String| rows.with(|r| r.get(i).map(f).unwrap_or_default());
    let set = move |f: fn(&mut InviteRowInput, String), v: String| rows.update(|r| if let Some(x) = r.get_mut(i) { f(x, v) });
    let remove = move |_| {
        rows.update(|r| {
            if r.len() > 1 && i < r.len() {
                r.remove(i);
            } else if let Some(x) = r.get_mut(i) {
                *x = InviteRowInput::default();
            }
        });
        error.set(None);
    };
    let provinces = opts.provinces.clone();
    let relationships = opts.relationships.clone();
    view! {
        <fieldset class="invite-row" data-row=i + 1>
            <legend>{format!("使用单位 {}", i + 1)}</legend>
            <label class="field"><span>"统一社会信用代码"</span>
                <input aria-label=format!("第{}行统一社会信用代码", i + 1) maxlength="18" prop:value=move || get(|r| r.credit_code.clone())
                    on:input=move |ev| set(|r, v| r.credit_code = v.to_uppercase(), event_target_value(&ev)) /></label>
            <label class="field"><span>"单位名称"</span>
                <input aria-label=format!("第{}行单位名称", i + 1) prop:value=move || get(|r| r.name.clone())
                    on:input=move |ev| set(|r, v| r.name = v, event_target_value(&ev)) /></label>
            <label class="field"><span>"省级税务机关"</span>
                <select aria-label=format!("第{}行省级税务机关", i + 1) prop:value=move || get(|r| r.province.clone())
                    on:change=move |ev| set(|r, v| r.province = v, event_target_value(&ev))>
                    <option value="">"请选择"</option>
                    {provinces.into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                </select></label>
            <label class="field"><span>"单位关系"</span>
                <select aria-label=format!("第{}行单位关系", i + 1) prop:value=move || get(|r| r.relationship.clone())
                    on:change=move |ev| set(|r, v| r.relationship = v, event_target_value(&ev))>
                    <option value="">"请选择"</option>
                    {relationships.into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                </select></label>
            <label class="field"><span>"能力预授权"</span>
                <select aria-label=format!("第{}行能力预授权", i + 1) prop:value=move || { let v = get(|r| r.pre_authorize.clone()); if v.is_empty() { "否".to_string() } else { v } }
                    on:change=move |ev| set(|r, v| r.pre_authorize = v, event_target_value(&ev))>
                    <option value="否">"否"</option>
                    <option value="是">"是"</option>
                </select></label>
            <button class="link" on:click=remove>"删除"</button>
        </fieldset>
    }
}

/// 邀请发起结果, with the failed rows and their download (邀请失败记录).
#[component]
fn Outcome(o: BatchOutcome) -> impl IntoView {
    let failed = o.failed.clone();
    view! {
        <div class="outcome" role="status">
            <p class="notice">{format!("邀请发起成功{}家，失败{}家。", o.invited, o.failed.len())}</p>
            {(!failed.is_empty()).then(|| view! {
                <FailedTable rows=failed.clone() />
                <p><a href=format!("/api/invitations/batches/{}/failures.xlsx", o.batch_id) rel="external" download>"下载邀请失败记录"</a></p>
            })}
        </div>
    }
}

#[component]
fn FailedTable(rows: Vec<FailedRowView>) -> impl IntoView {
    view! {
        <table class="list failures">
            <thead><tr><th>"行号"</th><th>"统一社会信用代码"</th><th>"单位名称"</th><th>"失败原因"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|f| view! {
                    <tr><td data-label="行号">{f.row_no}</td><td data-label="统一社会信用代码" class="text">{f.credit_code}</td><td data-label="单位名称">{f.name}</td><td data-label="失败原因" class="reason">{f.reason}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// 【邀请列表】→【查看详情】: 邀请状态 filter, search, keyset paging, batch unbind.
#[component]
pub fn InviteListPage() -> impl IntoView {
    let query = use_query_map();
    let batch_id = move || query.with(|q| q.get("batch").and_then(|b| b.parse::<i64>().ok()));
    let status = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    // Keyset paging: the `before_id`s of the pages behind us.
    let cursors = RwSignal::new(Vec::<Option<i64>>::new());
    let before = RwSignal::new(None::<i64>);
    let page = RwSignal::new(None::<Result<InvitationPage, AppError>>);
    let batches = RwSignal::new(None::<Result<Vec<BatchRow>, AppError>>);
    let selected = RwSignal::new(Vec::<i64>::new());
    let confirming = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let load = move || {
        let q = InvitationQuery { status: status.get_untracked(), search: search.get_untracked(), batch_id: batch_id(), before_id: before.get_untracked() };
        spawn_local(async move { page.set(Some(list_invitations(q).await)) });
    };
    load();
    spawn_local(async move { batches.set(Some(invitation_batches(None).await)) });
    let apply_filter = move || {
        cursors.set(vec![]);
        before.set(None);
        selected.set(vec![]);
        load();
    };
    let unbind = Callback::new(move |_: ()| {
        let ids = selected.get_untracked();
        spawn_local(async move {
            match unbind_use_units(ids.clone(), reason.get_untracked()).await {
                Ok(failed) => {
                    message.set(Some(format!("已解除绑定{}家{}", ids.len() - failed.len(), if failed.is_empty() { String::new() } else { format!("，{}家未解除：{}", failed.len(), failed.iter().map(|f| format!("{}（{}）", f.name, f.reason)).collect::<Vec<_>>().join("；")) })));
                    confirming.set(false);
                    selected.set(vec![]);
                    reason.set(String::new());
                    load();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    view! {
        <Frame>
            <section class="card invite-list">
                <h2>"接入邀请"</h2>
                <Tabs active="邀请列表" />
                {move || batches.get().map(|b| match b {
                    Ok(list) if !list.is_empty() => view! { <BatchTable rows=list /> }.into_any(),
                    Ok(_) => view! { <p class="empty">"暂无邀请记录，请通过【新增邀请】或【导入邀请】发起邀请。"</p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
                <h3>{move || match batch_id() { Some(b) => format!("查看详情（批次 {b}）"), None => "查看详情".to_string() }}</h3>
                <div class="filters">
                    <label class="field"><span>"邀请状态"</span>
                        <select aria-label="邀请状态" on:change=move |ev| { status.set(event_target_value(&ev)); apply_filter(); }>
                            <option value="">"全部"</option>
                            {InvitationStatus::FILTERS.iter().map(|(c, l)| view! { <option value=*c>{*l}</option> }).collect_view()}
                        </select></label>
                    <label class="field"><span>"统一社会信用代码或单位名称"</span>
                        <input type="search" aria-label="搜索使用单位" prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))
                            on:keydown=move |ev| if ev.key() == "Enter" { apply_filter() } /></label>
                    <button class="secondary" on:click=move |_| apply_filter()>"查询"</button>
                </div>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                <FormMsg error=error />
                {move || match page.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(p)) => {
                        let next = p.next_before;
                        let total = if p.total >= p.total_cap { format!("{}+", p.total_cap) } else { p.total.to_string() };
                        view! {
                            <p class="muted small" data-testid="total">{format!("共{total}条")}</p>
                            <table class="list invitations">
                                <thead><tr><th>"选择"</th><th>"统一社会信用代码"</th><th>"单位名称"</th><th>"单位关系"</th><th>"邀请状态"</th><th>"更新时间"</th><th>"操作"</th></tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|r| {
                                        let id = r.id;
                                        view! {
                                            <tr data-code=r.credit_code.clone()>
                                                <td data-label="选择">{r.bound.then(|| view! {
                                                    <input type="checkbox" aria-label=format!("选择{}", r.name) class="pick"
                                                        prop:checked=move || selected.with(|s| s.contains(&id))
                                                        on:change=move |ev| { let on = event_target_checked(&ev); selected.update(|s| { s.retain(|x| *x != id); if on { s.push(id) } }) } />
                                                })}</td>
                                                <td data-label="统一社会信用代码" class="text">{r.credit_code.clone()}</td>
                                                <td data-label="单位名称">{r.name.clone()}</td>
                                                <td data-label="单位关系">{r.relationship.clone()}"（"{r.category.clone()}"）"</td>
                                                <td data-label="邀请状态"><span class="status" data-status=r.status.clone()>{r.status.clone()}</span>{r.reason.clone().map(|x| view! { <span class="reason small">" "{x}</span> })}</td>
                                                <td data-label="更新时间">{r.updated_at.clone()}</td>
                                                <td data-label="操作"><A href=format!("/jrgl/invite/{id}")>"查看详情"</A></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <div class="actions pager">
                                <button class="secondary" disabled=move || cursors.with(|c| c.is_empty()) on:click=move |_| {
                                    let prev = cursors.try_update(|c| c.pop()).flatten().flatten();
                                    before.set(prev);
                                    load();
                                }>"上一页"</button>
                                <button class="secondary" disabled=next.is_none() on:click=move |_| {
                                    cursors.update(|c| c.push(before.get_untracked()));
                                    before.set(next);
                                    load();
                                }>"下一页"</button>
                            </div>
                        }.into_any()
                    }
                }}
                <div class="actions">
                    <button class="secondary danger" disabled=move || selected.with(|s| s.is_empty()) on:click=move |_| confirming.set(true)>
                        {move || format!("解除绑定（已选{}家）", selected.with(|s| s.len()))}
                    </button>
                </div>
                <Show when=move || confirming.get()>
                    <div class="confirm" role="dialog" aria-label="确认解除绑定">
                        <p>{move || format!("确定解除与所选{}家使用单位的绑定关系吗？解除后使用单位将不能再通过本单位使用乐企服务。", selected.with(|s| s.len()))}</p>
                        <label class="field"><span>"解除原因（选填）"</span>
                            <input prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) /></label>
                        <div class="actions">
                            <button class="secondary" on:click=move |_| confirming.set(false)>"取消"</button>
                            <button class="primary" on:click=move |_| unbind.run(())>"确认解除"</button>
                        </div>
                    </div>
                </Show>
            </section>
        </Frame>
    }
}

#[component]
fn BatchTable(rows: Vec<BatchRow>) -> impl IntoView {
    view! {
        <table class="list batches">
            <thead><tr><th>"发起时间"</th><th>"方式"</th><th>"文件"</th><th>"户数"</th><th>"成功"</th><th>"失败"</th><th>"状态"</th><th>"操作"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|b| view! {
                    <tr>
                        <td data-label="发起时间">{b.created_at}</td>
                        <td data-label="方式">{b.source}</td>
                        <td data-label="文件" class="text">{b.file_name}</td>
                        <td data-label="户数">{b.rows_total}</td>
                        <td data-label="成功">{b.rows_ok}</td>
                        <td data-label="失败">{b.rows_failed}</td>
                        <td data-label="状态">{b.status}</td>
                        <td data-label="操作">
                            <a href=format!("/jrgl/invite?batch={}", b.id) rel="external">"查看详情"</a>
                            {(b.rows_failed > 0).then(|| view! { " " <a href=format!("/api/invitations/batches/{}/failures.xlsx", b.id) rel="external" download>"下载失败记录"</a> })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// One invitation: facts, timeline, and the direct unit's actions (重新发起邀请 / 解除绑定).
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data: Loaded<InvitationView> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let open = RwSignal::new(None::<InvitationAction>);
    let navigate = use_navigate();
    let proof = NodeRef::<leptos::html::Input>::new();
    let replace = Callback::new(move |version: i64| {
        spawn_local(async move {
            error.set(None);
            match send_proof(proof).await {
                Ok(Some(m)) => match replace_invitation_proof(id(), version, m).await {
                    Ok(v) => data.set(Some(Ok(v))),
                    Err(e) => error.set(Some(e)),
                },
                Ok(None) => error.set(Some(AppError::field("proof", "请选择证明材料文件"))),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    Effect::new(move |_| {
        let id = id();
        spawn_local(async move { data.set(Some(invitation_detail(id).await)) });
    });
    let act = use_invitation_act(error, move |r, action| {
        open.set(None);
        if action == InvitationAction::Reinvite {
            navigate(&format!("/jrgl/invite/{}", r.id), Default::default());
        } else {
            spawn_local(async move { data.set(Some(invitation_detail(r.id).await)) });
        }
    });
    view! {
        <Frame>
            <section class="card invitation">
                <h2>"邀请详情"</h2>
                <p><A href="/jrgl/invite">"返回邀请列表"</A></p>
                <FormMsg error=error />
                {move || match data.get() {
                    None => loading(),
                    Some(Err(e)) => failed(&e),
                    Some(Ok(v)) => {
                        let (vid, version) = (v.id, v.version);
                        view! {
                            <InvitationFacts v=v.clone() />
                            {crate::invite_link::rules::needs_use_unit(&v.status).then(|| view! { <super::invite_link::InviteLinkPanel id=v.id regenerate=true /> })}
                            {v.status.is_bound().then(|| { let version = v.version; view! {
                                <div class="replace-proof">
                                    <ProofInput input=proof error=error label="变更单位关系证明材料" />
                                    <button class="secondary" on:click=move |_| replace.run(version)>"上传并变更"</button>
                                </div>
                            }})}
                            <h3>"办理过程"</h3>
                            <Timeline entries=v.timeline.clone() />
                            <div class="actions">
                                {v.actions.iter().map(|&a| match a {
                                    // 重新发起邀请 needs no confirmation; anything else opens its step.
                                    InvitationAction::Reinvite => view! { <button class="secondary" disabled=move || act.busy() on:click=move |_| act.run(ActArgs::new(vid, version, a))>{a.label()}</button> }.into_any(),
                                    InvitationAction::UnbindUseUnit
                                    | InvitationAction::Confirm
                                    | InvitationAction::Decline
                                    | InvitationAction::Authorize
                                    | InvitationAction::RefuseAuthorization
                                    | InvitationAction::UnbindDirectUnit
                                    | InvitationAction::Accept
                                    | InvitationAction::NotAccept
                                    | InvitationAction::ConfirmPass
                                    | InvitationAction::ConfirmReject => {
                                        view! { <button class="secondary danger" on:click=move |_| { error.set(None); open.set(Some(a)) }>{a.label()}</button> }.into_any()
                                    }
                                }).collect_view()}
                            </div>
                            {move || (open.get() == Some(InvitationAction::UnbindUseUnit)).then(|| view! {
                                <ReasonDialog title="确认解除绑定" text="确定解除与该使用单位的绑定关系吗？" label="解除原因（选填）" required=false confirm="确认解除" error
                                    busy=Signal::derive(move || act.busy())
                                    on_confirm=Callback::new(move |r: String| act.run(ActArgs::new(vid, version, InvitationAction::UnbindUseUnit).reason(r)))
                                    on_cancel=Callback::new(move |_: ()| open.set(None)) />
                            })}
                        }.into_any()
                    }
                }}
            </section>
        </Frame>
    }
}

/// Sends a file as the raw request body with upload progress (0–100); the
/// answer is the status and the response text.
#[cfg(feature = "csr")]
fn upload(url: &str, file: &web_sys::File, progress: RwSignal<Option<u32>>, done: impl FnOnce(u16, String) + 'static) -> Result<(), ()> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ())?;
    xhr.open("POST", url).map_err(|_| ())?;
    xhr.set_request_header("Content-Type", "application/octet-stream").map_err(|_| ())?;
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress.set(Some((e.loaded() / e.total() * 100.0) as u32));
        }
    });
    xhr.upload().map_err(|_| ())?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let x = xhr.clone();
    let mut done = Some(done);
    let on_end = Closure::<dyn FnMut()>::new(move || {
        if let Some(d) = done.take() {
            d(x.status().unwrap_or(0), x.response_text().ok().flatten().unwrap_or_default());
        }
    });
    xhr.set_onloadend(Some(on_end.as_ref().unchecked_ref()));
    on_end.forget();
    xhr.send_with_opt_blob(Some(file)).map_err(|_| ())
}

/// 【导入邀请】: 【下载模版】, the .xlsx upload with progress, its result, 导入记录.
#[component]
pub fn ImportPage() -> impl IntoView {
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let progress = RwSignal::new(None::<u32>);
    let outcome = RwSignal::new(None::<BatchOutcome>);
    let records = RwSignal::new(None::<Result<Vec<BatchRow>, AppError>>);
    let reload = move || spawn_local(async move { records.set(Some(invitation_batches(None).await)) });
    reload();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let proof = NodeRef::<leptos::html::Input>::new();
    let start = move |_| {
        error.set(None);
        outcome.set(None);
        #[cfg(feature = "csr")]
        {
            let Some(file) = file_ref.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
                error.set(Some(AppError::field("file", "请选择要导入的Excel文件")));
                return;
            };
            if !file.name().to_lowercase().ends_with(".xlsx") {
                error.set(Some(AppError::field("file", "仅支持Excel（.xlsx）文件")));
                return;
            }
            let name: String = js_sys_encode(&file.name());
            progress.set(Some(0));
            spawn_local(async move {
            let proof_q = match send_proof(proof).await {
                Ok(Some(id)) => format!("&proof_material_id={id}"),
                Ok(None) => String::new(),
                Err(e) => {
                    progress.set(None);
                    error.set(Some(e));
                    return;
                }
            };
            let sent = upload(&format!("/api/invitations/import?file_name={name}{proof_q}"), &file, progress, move |status, text| {
                progress.set(None);
                if status == 200 {
                    match serde_json::from_str::<BatchOutcome>(&text) {
                        Ok(o) => outcome.set(Some(o)),
                        Err(_) => error.set(Some(AppError::Internal)),
                    }
                } else if status == 0 {
                    error.set(Some(AppError::Network));
                } else {
                    error.set(Some(serde_json::from_str::<AppError>(&text).unwrap_or(AppError::Internal)));
                }
                reload();
            });
            if sent.is_err() {
                progress.set(None);
                error.set(Some(AppError::Network));
            }
            });
        }
        #[cfg(not(feature = "csr"))]
        let _ = (file_ref, proof);
    };
    view! {
        <Frame>
            <section class="card invite-import">
                <h2>"接入邀请"</h2>
                <Tabs active="导入邀请" />
                <ol class="steps-hint muted small">
                    <li>"下载Excel模版，按模版填写使用单位信息（每个文件最多10000家）；"</li>
                    <li>"选择填写好的文件导入，系统先校验全部行，校验通过的使用单位发起邀请，未通过的可下载失败记录。"</li>
                </ol>
                <p><a href="/api/invitations/template.xlsx" rel="external" download class="button-link">"下载模版"</a></p>
                <label class="field"><span>"邀请文件（.xlsx）"</span>
                    <input type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" node_ref=file_ref aria-label="选择导入文件" /></label>
                <FieldMsg error=error field="file" />
                <ProofInput input=proof error=error label="单位关系证明材料（本批次统一提供，选填）" />
                <FormMsg error=error />
                {move || progress.get().map(|p| view! {
                    <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p>
                        <div class="bar" style=format!("width:{p}%")></div>
                        <span>{if p >= 100 { "上传完成，正在校验…".to_string() } else { format!("正在上传 {p}%") }}</span>
                    </div>
                })}
                <button class="primary" on:click=start disabled=move || progress.get().is_some()>"导入"</button>
                {move || outcome.get().map(|o| view! { <Outcome o=o /> })}
                <h3>"导入记录"</h3>
                {move || records.get().map(|r| match r {
                    Ok(list) => {
                        let list: Vec<BatchRow> = list.into_iter().filter(|b| b.kind == BatchSource::Import).collect();
                        if list.is_empty() { view! { <p class="empty">"暂无导入记录"</p> }.into_any() } else { view! { <BatchTable rows=list /> }.into_any() }
                    }
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </section>
        </Frame>
    }
}

/// Percent-encodes a file name for a query string.
#[cfg(feature = "csr")]
fn js_sys_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// 使用单位管理能力: API credentials.
#[component]
pub fn ApiPage() -> impl IntoView {
    view! {
        <Frame>
            <section class="card invite-api">
                <h2>"接入邀请"</h2>
                <Tabs active="接口凭证" />
                <p class="muted small">"使用单位管理能力：直连单位自有系统通过接口上传邀请信息、上传解除信息、查询邀请状态。接口说明见 "<a href="/openapi/v1/openapi.json" rel="external" target="_blank">"OpenAPI 文档"</a>"。"</p>
                <crate::pages::api_credentials::ApiCredentialsPanel />
            </section>
        </Frame>
    }
}
