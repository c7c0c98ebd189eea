//! The tax console: 税务人员登录, the officer's work queues and the case pages
//! (manual §3.3.2: 受理 / 复核 / 省级确认 of access applications; §3.4.1.4 and
//! §3.4.2.4: 受理 / 确认 of use-unit invitations by the use unit's 主管税务机关).

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::path;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::pages::materials::MaterialsList;
use crate::access::api::{access_act, officer_case, officer_queue, AccessForm, CaseFile, QueueItem, UnitInfo};
use crate::kernel::TimelineEntry;
use crate::auth::api::officer_login;
use crate::invitation::api::{invitation_act, invitation_detail, officer_invitation_queue, InvitationQueueItem, InvitationView};
use crate::kernel::Acted;
use crate::components::captcha::{LoginKind, PasswordLogin};
use crate::components::session::use_session;
use crate::components::shell::{AppShell, LeaveHere, NotFound, OfficerOnly};
use crate::components::{use_load, use_submit, FieldMsg, FormMsg, Loader, Timeline};
use crate::access::rules::{AccessAction, CheckLine, CheckOutcome, QualificationItem};
use crate::invitation::rules::InvitationAction;
use crate::kernel::Principal;
use crate::error::AppError;
use crate::pages::jrgl::invite::InvitationFacts;

/// The tax console: its own wasm bundle (`tax`, served at /tax), so the
/// taxpayers' portal does not carry the officers' pages and vice versa.
#[component]
pub fn TaxApp() -> impl IntoView {
    view! {
        <AppShell>
            <Routes fallback=|| view! { <NotFound href="/tax" label="返回待办列表" external=true /> }>
                <Route path=path!("/tax/login") view=OfficerLoginPage />
                <Route path=path!("/tax") view=OfficerQueue />
                <Route path=path!("/tax/case/:id") view=|| view! { <OfficerCasePage kind=OfficerCaseKind::Access /> } />
                <Route path=path!("/tax/invitation/:id") view=|| view! { <OfficerCasePage kind=OfficerCaseKind::Invitation /> } />
                // The tax_admin bundle's pages (bundles.json).
                <Route path=path!("/tax/measures") view=LeaveHere />
                <Route path=path!("/tax/notices") view=LeaveHere />
                <Route path=path!("/tax/notices/:id") view=LeaveHere />
                <Route path=path!("/tax/done") view=LeaveHere />
                <Route path=path!("/tax/units") view=LeaveHere />
                <Route path=path!("/tax/request/:id") view=|| view! { <OfficerOnly><crate::pages::lifecycle::OfficerRequestPage /></OfficerOnly> } />
                <Route path=path!("/tax/audit") view=|| view! { <OfficerOnly><p class="back"><A href="/tax">"返回待办列表"</A></p><crate::pages::audit::AuditLogView /></OfficerOnly> } />
            </Routes>
        </AppShell>
    }
}

#[component]
pub fn OfficerLoginPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let kind = LoginKind { title: "税务人员登录", label: "用户名", name: "username", placeholder: "请输入用户名", maxlength: None };
    let done = move |p: Principal| {
        session.principal.set(Some(p));
        navigate("/tax", Default::default());
    };
    view! {
        <div class="login-page">
            <PasswordLogin kind send=officer_login done />
            <p class="muted small"><a href="/login" rel="external">"企业用户登录"</a></p>
        </div>
    }
}

/// `/tax`: the officer's work queues: 接入申请, and at a 主管税务机关 the
/// 使用单位接入邀请 waiting for its 受理 / 确认.
#[component]
pub fn OfficerQueue() -> impl IntoView {
    let session = use_session();
    let heading = move || match session.principal.get() {
        Some(Principal::Officer(o)) => (format!("{}待办", o.role.label()), o.unit_name.clone()),
        _ => (String::new(), String::new()),
    };
    let at_office = move || matches!(session.principal.get(), Some(Principal::Officer(o)) if !o.role.is_provincial());
    view! {
        <OfficerOnly>
            <section class="card queue">
                <h2>{move || heading().0}</h2>
                <p class="muted">{move || heading().1}" · "<A href="/tax/done">"已办"</A>" · "<A href="/tax/units">"单位查询"</A>" · "<A href="/tax/audit">"审计日志"</A>" · "<A href="/tax/notices">"版本升级通知"</A>" · "<A href="/tax/measures">"管理措施"</A></p>
                <h3>"接入申请"</h3>
                <QueueList />
            </section>
            <Show when=at_office>
                <section class="card queue invitation-queue">
                    <h3>"使用单位接入邀请"</h3>
                    <InvitationQueueList />
                </section>
                <section class="card queue request-queue">
                    <h3>"资格管理请求"</h3>
                    <crate::pages::lifecycle::RequestQueueList />
                </section>
                <section class="card queue capability-queue">
                    <h3>"能力订阅测试报告"</h3>
                    <CapabilityQueueList />
                </section>
            </Show>
        </OfficerOnly>
    }
}

/// A work queue: "暂无待办事项", or a table with these headings and a row per item.
fn queue_table<T: Clone + Send + Sync + 'static>(items: Loader<Vec<T>>, heads: &'static [&'static str], row: fn(T) -> AnyView) -> impl IntoView {
    items.view(move |list: Vec<T>| {
        if list.is_empty() {
            view! { <p class="empty">"暂无待办事项"</p> }.into_any()
        } else {
            view! {
                <table class="list queue-list">
                    <thead><tr>{heads.iter().map(|h| view! { <th>{*h}</th> }).collect_view()}</tr></thead>
                    <tbody>{list.into_iter().map(row).collect_view()}</tbody>
                </table>
            }
            .into_any()
        }
    })
}

#[component]
fn InvitationQueueList() -> impl IntoView {
    queue_table(use_load(officer_invitation_queue), &["使用单位", "统一社会信用代码", "直连单位", "类别", "状态", "进入待办时间", "操作"], |q| view! { <InvitationQueueRow q /> }.into_any())
}

#[component]
fn InvitationQueueRow(q: InvitationQueueItem) -> impl IntoView {
    let (id, code) = (q.id.to_string(), q.use_code.clone());
    view! {
        <tr class="invitation-item" data-id=id data-credit-code=code>
            <td class="name">{q.use_name}</td>
            <td class="code" data-label="统一社会信用代码">{q.use_code}</td>
            <td class="direct" data-label="直连单位">{q.direct_name}</td>
            <td class="category" data-label="类别">{q.category}</td>
            <td class="state" data-label="状态">{q.status}</td>
            <td data-label="进入待办时间">{q.since}</td>
            <td class="ops"><A href=format!("/tax/invitation/{}", q.id)>"办理"</A></td>
        </tr>
    }
}

#[component]
fn QueueList() -> impl IntoView {
    queue_table(use_load(officer_queue), &["企业名称", "统一社会信用代码", "接入类型", "状态", "提交时间", "操作"], |q| view! { <QueueRow q /> }.into_any())
}

#[component]
fn QueueRow(q: QueueItem) -> impl IntoView {
    let (id, code) = (q.id.to_string(), q.credit_code.clone());
    view! {
        <tr class="queue-item" data-id=id data-credit-code=code>
            <td class="name">{q.enterprise_name}</td>
            <td class="code" data-label="统一社会信用代码">{q.credit_code}</td>
            <td data-label="接入类型">{q.access_type}</td>
            <td class="state" data-label="状态">{q.status}</td>
            <td data-label="提交时间">{q.submitted_at}</td>
            <td class="ops"><A href=format!("/tax/case/{}", q.id)>"办理"</A></td>
        </tr>
    }
}

/// What a case page shows: an access application or a use-unit invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficerCaseKind {
    /// `/tax/case/:id`
    Access,
    /// `/tax/invitation/:id` (at the use unit's 主管税务机关)
    Invitation,
}

/// One case as loaded.
#[derive(Clone)]
enum Case {
    Access(Box<CaseFile>),
    Invitation(Box<InvitationView>),
}

async fn load_case(kind: OfficerCaseKind, id: Option<i64>) -> Result<Case, AppError> {
    let id = id.ok_or(AppError::NotFound)?;
    Ok(match kind {
        OfficerCaseKind::Access => Case::Access(Box::new(officer_case(id).await?)),
        OfficerCaseKind::Invitation => Case::Invitation(Box::new(invitation_detail(id).await?)),
    })
}

/// A case page: the case, and this desk's decision when it is this desk's turn;
/// after a decision, "已办理" above the case loaded again.
#[component]
pub fn OfficerCasePage(kind: OfficerCaseKind) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let reload = RwSignal::new(0u32);
    let case = LocalResource::new(move || {
        reload.get();
        load_case(kind, id())
    });
    // The outcome of this officer's decision (shown above the refreshed case).
    let decided: RwSignal<Option<String>> = RwSignal::new(None);
    view! {
        <OfficerOnly>
            <div class="tax-case">
                <p class="back"><A href="/tax">"返回待办列表"</A></p>
                <Decided decided />
                {move || match case.get() {
                    None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                    Some(Err(e)) => view! { <section class="card"><p class="form-error" role="alert">{e.to_string()}</p></section> }.into_any(),
                    Some(Ok(Case::Access(c))) => view! { <CaseView case=*c reload decided /> }.into_any(),
                    Some(Ok(Case::Invitation(v))) => view! { <InvitationCase v=*v reload decided /> }.into_any(),
                }}
            </div>
        </OfficerOnly>
    }
}

/// "已办理" above the refreshed case, with the way back to the queues.
#[component]
fn Decided(decided: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        decided.get().map(|label| view! {
            <section class="card decided" role="status">
                <p class="notice">{format!("已办理，当前状态：{label}")}</p>
                <p><A href="/tax">"返回待办列表"</A></p>
            </section>
        })
    }
}

#[component]
fn InvitationCase(v: InvitationView, reload: RwSignal<u32>, decided: RwSignal<Option<String>>) -> impl IntoView {
    // The server says what this officer may do now: [受理, 不予受理] or [确认通过, 确认不通过].
    let decision = match v.actions.as_slice() {
        &[yes, no] => Some(Desk::Invitation(yes, no)),
        _ => None,
    };
    let (id, version, timeline) = (v.id, v.version, v.timeline.clone());
    view! {
        <section class="card case-head invitation-case">
            <h2>{format!("使用单位接入邀请 · {}", v.use_name)}</h2>
            <InvitationFacts v />
        </section>
        {decision.map(|desk| view! { <DecisionForm id version desk reload decided /> })}
        <TimelineCard entries=timeline />
    }
}

#[component]
fn CaseView(case: CaseFile, reload: RwSignal<u32>, decided: RwSignal<Option<String>>) -> impl IntoView {
    let app = case.application.clone();
    let status = app.status.clone();
    let decision = match app.actions.as_slice() {
        &[yes, no] => Some(Desk::Access(yes, no)),
        _ => None,
    };
    view! {
        <section class="card case-head">
            <h2>{format!("接入申请 · {}", case.unit.enterprise_name)}</h2>
            <dl class="kv">
                <dt>"当前状态"</dt>
                <dd class="case-status" data-testid="case-status">{status.label()}</dd>
                {status.reason().map(|r| view! { <dt>"原因"</dt><dd class="case-reason">{r.to_string()}</dd> })}
                <dt>"下一步办理"</dt>
                <dd class="next-actor">{app.next_actor.clone().unwrap_or_else(|| "—".into())}</dd>
            </dl>
        </section>
        {decision.map(|desk| view! { <DecisionForm id=app.id version=app.version desk reload decided /> })}
        {case.lifecycle.clone().map(|l| view! { <section class="card case-lifecycle"><crate::pages::lifecycle::UnitStatusLine l /></section> })}
        <UnitCard unit=case.unit.clone() />
        <ChecksCard lines=case.checks.clone() />
        <FormCard form=app.form.clone() items=app.items.clone() />
        <section class="card case-materials">
            <h3>"申请材料"</h3>
            {if app.materials.is_empty() { view! { <p class="muted">"未上传材料"</p> }.into_any() } else { view! { <MaterialsList materials=app.materials.clone() /> }.into_any() }}
        </section>
        <TimelineCard entries=app.timeline.clone() />
    }
}

/// A desk's two actions (approve, refuse) as the server offered them, of either workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Desk {
    Access(AccessAction, AccessAction),
    Invitation(InvitationAction, InvitationAction),
}

impl Desk {
    fn labels(self) -> (&'static str, &'static str) {
        match self {
            Desk::Access(yes, no) => (yes.label(), no.label()),
            Desk::Invitation(yes, no) => (yes.label(), no.label()),
        }
    }

    fn title(self) -> String {
        match self {
            Desk::Access(yes, _) => format!("{}办理", yes.decision("").0.label()),
            Desk::Invitation(InvitationAction::Accept, _) => "受理办理".into(),
            Desk::Invitation(..) => "确认办理".into(),
        }
    }

    /// One decision; the answer, or why not (Conflict when another officer was first).
    async fn decide(self, id: i64, version: i64, approve: bool, reason: String) -> Result<Acted, AppError> {
        match self {
            Desk::Access(yes, no) => access_act(id, version, if approve { yes } else { no }, reason).await,
            Desk::Invitation(yes, no) => invitation_act(id, version, if approve { yes } else { no }, reason, vec![], String::new()).await,
        }
    }
}

#[component]
fn DecisionForm(id: i64, version: i64, desk: Desk, reload: RwSignal<u32>, decided: RwSignal<Option<String>>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let conflict = move || error.with(|e| matches!(e, Some(AppError::Conflict)));
    let submit = use_submit(
        error,
        move |approve: bool| desk.decide(id, version, approve, reason.get_untracked()),
        move |r: Acted| {
            decided.set(Some(r.status));
            reload.update(|n| *n += 1);
        },
    );
    let refresh = move |_: leptos::ev::MouseEvent| {
        error.set(None);
        decided.set(None);
        reload.update(|n| *n += 1);
    };
    let (yes, no) = desk.labels();
    view! {
        <section class="card decide">
            <h3>{desk.title()}</h3>
            <label class="field">
                <span>{format!("原因（{}时必填）", no)}</span>
                <textarea name="reason" rows="3" placeholder="请填写原因" bind:value=reason></textarea>
                <FieldMsg error field="reason" />
            </label>
            <FormMsg error />
            <Show when=conflict>
                <div class="actions conflict">
                    <button class="secondary" on:click=refresh>"刷新"</button>
                </div>
            </Show>
            <div class="actions decide-actions">
                <button class="secondary refuse" disabled=move || submit.busy() || conflict() on:click=move |_| submit.run(false)>{no}</button>
                <button class="primary approve" disabled=move || submit.busy() || conflict() on:click=move |_| submit.run(true)>{yes}</button>
            </div>
        </section>
    }
}

#[component]
fn UnitCard(unit: UnitInfo) -> impl IntoView {
    view! {
        <section class="card unit-info">
            <h3>"单位信息"</h3>
            <dl class="kv">
                <dt>"企业名称"</dt><dd>{unit.enterprise_name}</dd>
                <dt>"统一社会信用代码"</dt><dd>{unit.credit_code}</dd>
                <dt>"法定代表人"</dt><dd>{unit.legal_representative}</dd>
                <dt>"主管税务机关"</dt><dd>{unit.tax_office_name}</dd>
                <dt>"所属省份"</dt><dd>{unit.province_name}</dd>
                <dt>"纳税信用级别"</dt><dd>{unit.credit_grade}</dd>
                <dt>"数电票试点"</dt><dd>{if unit.digital_invoice_pilot { "是" } else { "否" }}</dd>
                <dt>"直连单位"</dt><dd>{unit.direct_unit.unwrap_or_else(|| "否".into())}</dd>
                {unit.qualification_end.map(|d| view! { <dt>"资格有效期至"</dt><dd>{d}</dd> })}
            </dl>
        </section>
    }
}

fn outcome_label(o: CheckOutcome) -> &'static str {
    match o {
        CheckOutcome::Pass => "通过",
        CheckOutcome::Fail => "不通过",
        CheckOutcome::NeedsUseUnits => "待结合使用单位核验",
    }
}

#[component]
fn ChecksCard(lines: Vec<CheckLine>) -> impl IntoView {
    view! {
        <section class="card checks">
            <h3>"基础信息核验"</h3>
            <table class="list">
                <thead><tr><th>"核验项"</th><th>"单位值"</th><th>"要求"</th><th>"结果"</th></tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| {
                        let pass = l.outcome == CheckOutcome::Pass;
                        view! {
                            <tr class="check-line" data-rule=l.rule_id.clone()>
                                <td class="label">{l.label}</td>
                                <td data-label="单位值">{l.unit_value}</td>
                                <td data-label="要求">{l.threshold}</td>
                                <td class="outcome" class:pass=pass class:fail=!pass data-label="结果">{outcome_label(l.outcome)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn period_label(p: &str) -> &'static str {
    match p {
        "short" => "短期（一年及以内）",
        "long" => "长期（一年以上）",
        _ => "—",
    }
}

fn or_dash(s: String) -> String {
    if s.trim().is_empty() { "—".into() } else { s }
}

#[component]
fn FormCard(form: AccessForm, items: Vec<QualificationItem>) -> impl IntoView {
    let quals = form.qualifications.clone();
    let (units, system) = (form.use_units.clone(), form.clone());
    view! {
        <section class="card access-form">
            <h3>"接入申请单"</h3>
            <dl class="kv">
                <dt>"接入类型"</dt><dd>{form.access_type.map(|t| t.label()).unwrap_or("—")}</dd>
                <dt>"联系人"</dt><dd>{or_dash(form.contact)}</dd>
                <dt>"联系电话"</dt><dd>{or_dash(form.phone)}</dd>
                <dt>"电子邮箱"</dt><dd>{or_dash(form.email)}</dd>
                <dt>"地址"</dt><dd>{or_dash(form.address)}</dd>
            </dl>
            <h4>"相关资质信息"</h4>
            <dl class="kv quals">
                {items.into_iter().map(|i| {
                    let v = quals.get(&i.no).cloned().unwrap_or_default();
                    view! { <dt>{format!("{}. {}", i.no, i.label)}</dt><dd>{or_dash(v)}</dd> }
                }).collect_view()}
            </dl>
            <UseUnits units />
            <SystemInfo form=system />
        </section>
    }
}

#[component]
fn UseUnits(units: Vec<crate::access::api::PreInvite>) -> impl IntoView {
    view! {
        <h4>"使用单位信息"</h4>
        {if units.is_empty() {
            view! { <p class="muted">"无"</p> }.into_any()
        } else {
            view! {
                <table class="list use-units">
                    <thead><tr><th>"单位名称"</th><th>"统一社会信用代码"</th><th>"关系"</th></tr></thead>
                    <tbody>
                        {units.into_iter().map(|u| view! {
                            <tr class="use-unit"><td class="name">{u.name}</td><td data-label="统一社会信用代码">{u.credit_code}</td><td data-label="关系">{u.relationship}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        }}
    }
}

#[component]
fn SystemInfo(form: AccessForm) -> impl IntoView {
    let builder = if form.built_by_authorized {
        format!("被授权单位：{} {}", form.builder_code, form.builder_name)
    } else {
        "自建".to_string()
    };
    view! {
        <h4>"应用系统信息"</h4>
        <dl class="kv system">
            <dt>"系统名称"</dt><dd>{or_dash(form.system_name)}</dd>
            <dt>"建设方式"</dt><dd>{builder}</dd>
            <dt>"部署地点"</dt><dd>{or_dash(form.deployment)}</dd>
            <dt>"测试IP"</dt><dd class="text">{or_dash(form.test_ips)}</dd>
            <dt>"生产IP"</dt><dd class="text">{or_dash(form.production_ips)}</dd>
            <dt>"协议"</dt><dd>{or_dash(form.protocol)}</dd>
            <dt>"端口"</dt><dd>{or_dash(form.port)}</dd>
            <dt>"请求期限"</dt><dd>{period_label(&form.period)}</dd>
        </dl>
    }
}

#[component]
fn TimelineCard(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <section class="card case-timeline">
            <h3>"时间线"</h3>
            <Timeline entries />
        </section>
    }
}

/// 能力订阅: the 测试报告 submitted by units of this office (待确认): 【确认通过】 opens the
/// capability with the 有效期 the unit chose; 【退回】 needs a reason (e.g. 行业不具备能力适用条件).
#[component]
fn CapabilityQueueList() -> impl IntoView {
    use crate::capability::api::{capability_decide, capability_queue, CapabilityReview};
    use crate::capability::rules::CapabilityAction;
    let items = use_load(capability_queue);
    let error = RwSignal::new(None::<AppError>);
    let returning = RwSignal::new(None::<(i64, i64)>);
    let decide = use_submit(
        error,
        |(id, version, action, reason): (i64, i64, CapabilityAction, String)| capability_decide(id, version, action, reason),
        move |_: CapabilityReview| {
            returning.set(None);
            items.reload();
        },
    );
    view! {
        <FormMsg error />
        {move || returning.get().map(|(id, version)| view! {
            <crate::components::ReasonDialog title="退回" text="退回能力订阅请求，直连单位可重新测试后再次提交。" label="退回原因" required=true confirm="退回"
                error busy=Signal::derive(move || decide.busy())
                on_confirm=Callback::new(move |r: String| decide.run((id, version, CapabilityAction::Return, r)))
                on_cancel=Callback::new(move |_| returning.set(None)) missing="请填写退回原因" />
        })}
        {items.view(move |list: Vec<CapabilityReview>| {
            if list.is_empty() {
                return view! { <p class="empty">"暂无待办事项"</p> }.into_any();
            }
            view! {
                <ul class="capability-reviews">
                    {list.into_iter().map(|q| {
                        let (id, version) = (q.id, q.version);
                        view! {
                            <li class="capability-review">
                                <p><strong>{q.enterprise_name.clone()}</strong>"（"{q.credit_code.clone()}"）· "{q.capability_name.clone()}" · "{q.status.label()}
                                   {q.valid_until.clone().map(|v| format!(" · 申请有效期至{v}"))}" · "{q.since.clone()}</p>
                                {q.report.clone().map(|r| view! {
                                    <table class="list">
                                        <thead><tr><th>"测试用例"</th><th>"请求编号"</th><th>"通过时间"</th></tr></thead>
                                        <tbody>{r.cases.into_iter().map(|c| view! { <tr><td>{c.name}</td><td>{c.request_id}</td><td>{c.at}</td></tr> }).collect_view()}</tbody>
                                    </table>
                                })}
                                <div class="actions">
                                    {q.actions.iter().copied().map(|a| match a {
                                        CapabilityAction::Return => view! { <button class="secondary" on:click=move |_| returning.set(Some((id, version)))>{a.label()}</button> }.into_any(),
                                        CapabilityAction::Confirm | CapabilityAction::Subscribe | CapabilityAction::GenerateReport | CapabilityAction::SubmitReport | CapabilityAction::Retest => {
                                            view! { <button class="primary" disabled=move || decide.busy() on:click=move |_| decide.run((id, version, a, String::new()))>{a.label()}</button> }.into_any()
                                        }
                                    }).collect_view()}
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        })}
    }
}
