//! 【接入管理】→【接入申请】 (manual §3.3): 我要申请 → 确认单位信息 (基础信息核验)
//! → 接入申请单 (保存草稿 / 提交) → 提交成功; the status with its timeline; 重新发起.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::access::api::{access_overview, confirm_unit, reapply_access, save_access_draft, submit_access_application, AccessForm, AccessSummary, ApplicationView, PreInvite, UnitInfo};
use crate::components::{FieldMsg, FormMsg};
use crate::pages::materials::{MaterialsEditor, MaterialsList};
use crate::access::rules::{ApplicationStatus, CheckLine, CheckOutcome};
use crate::kernel::AccessType;
use crate::error::AppError;

use crate::access::form::RELATIONSHIPS;

#[derive(Clone, PartialEq)]
enum Stage {
    Loading,
    Overview(Box<AccessSummary>),
    ConfirmUnit(Box<UnitInfo>),
    Editing(Box<ApplicationView>),
    Submitted(Box<ApplicationView>),
    Failed(String),
}

#[component]
pub fn AccessApplyPage() -> impl IntoView {
    let stage = RwSignal::new(Stage::Loading);
    let load = move || {
        spawn_local(async move {
            stage.set(match access_overview().await {
                Ok(s) => match &s.current {
                    Some(c) if c.status == ApplicationStatus::Draft => Stage::Editing(Box::new(c.clone())),
                    _ => Stage::Overview(Box::new(s)),
                },
                Err(e) => Stage::Failed(e.to_string()),
            })
        })
    };
    load();
    move || match stage.get() {
        Stage::Loading => view! { <p class="loading">"正在加载…"</p> }.into_any(),
        Stage::Failed(m) => view! { <section class="card refused"><h2>"接入申请"</h2><p class="form-error" role="alert">{m}</p></section> }.into_any(),
        Stage::Overview(s) => view! { <Overview summary=*s stage /> }.into_any(),
        Stage::ConfirmUnit(u) => view! { <ConfirmUnitStep unit=*u stage /> }.into_any(),
        Stage::Editing(v) => view! { <ApplicationForm app=*v stage /> }.into_any(),
        Stage::Submitted(v) => view! {
            <section class="card submitted">
                <h2>"提交成功"</h2>
                <p>"乐企接入申请已提交，当前状态："<strong class="status">{v.status.label()}</strong></p>
                <p class="notice">"请携带接入所需的相关纸质材料（接入信息表、服务协议书、网络地址备案表等，加盖单位公章）到主管税务机关办理。"</p>
                <button class="secondary" on:click=move |_| load()>"查看申请进度"</button>
            </section>
        }.into_any(),
    }
}

fn unit_card(u: &UnitInfo) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>"单位名称"</dt><dd>{u.enterprise_name.clone()}</dd>
            <dt>"统一社会信用代码"</dt><dd>{u.credit_code.clone()}</dd>
            <dt>"法定代表人"</dt><dd>{u.legal_representative.clone()}</dd>
            <dt>"主管税务机关"</dt><dd>{u.tax_office_name.clone()}</dd>
            <dt>"纳税信用级别"</dt><dd>{u.credit_grade.clone()}</dd>
            <dt>"数电票试点"</dt><dd>{if u.digital_invoice_pilot { "已纳入" } else { "未纳入" }}</dd>
            {u.qualification_end.clone().map(|d| view! { <dt>"资格有效期至"</dt><dd class="qualification-end">{d}</dd> })}
        </dl>
    }
}

#[component]
fn Overview(summary: AccessSummary, stage: RwSignal<Stage>) -> impl IntoView {
    let unit = summary.unit.clone();
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let reapply = move |id: i64| {
        spawn_local(async move {
            match reapply_access(id).await {
                Ok(v) => stage.set(Stage::Editing(Box::new(v))),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let current = summary.current.clone();
    view! {
        <section class="card access">
            <h2>"接入申请"</h2>
            {unit_card(&unit)}
            {unit.direct_unit.clone().map(|d| view! { <p class="notice">"本单位已是直连单位（"{d}"）"</p> })}
            {summary.ban_until.clone().map(|d| view! { <p class="form-error">"退出乐企后重新申请的限制期未满，"{d}"后可重新申请"</p> })}
            <FormMsg error />
            {summary.can_apply.then(|| {
                let u = unit.clone();
                view! { <button class="primary" on:click=move |_| stage.set(Stage::ConfirmUnit(Box::new(u.clone())))>"我要申请"</button> }
            })}
        </section>
        <crate::pages::lifecycle::LifecycleSummary />
        {current.map(|c| {
            let id = c.id;
            let may = c.status.may_reapply();
            view! {
                <section class="card status-card">
                    <h3>"申请进度"</h3>
                    <p>"状态："<strong class="status" data-status=c.status.label()>{c.status.label()}</strong></p>
                    {c.status.reason().map(|r| view! { <p class="reason">"原因："{r.to_string()}</p> })}
                    {c.next_actor.clone().map(|n| view! { <p class="muted">"待办理："{n}</p> })}
                    <crate::components::Timeline entries=c.timeline.clone() />
                    {(!c.materials.is_empty()).then(|| view! { <h4>"申请材料"</h4><MaterialsList materials=c.materials.clone() /> })}
                    <PrintLinks form=c.form.clone() />
                    {may.then(|| view! { <button class="secondary" on:click=move |_| reapply(id)>"重新发起"</button> })}
                </section>
            }
        })}
    }
}

#[component]
fn ConfirmUnitStep(unit: UnitInfo, stage: RwSignal<Stage>) -> impl IntoView {
    let access_type = RwSignal::new(AccessType::Joint);
    let gov = RwSignal::new(false);
    let confirmed = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let failed_lines: RwSignal<Vec<CheckLine>> = RwSignal::new(vec![]);
    let next = move |_: leptos::ev::MouseEvent| {
        spawn_local(async move {
            match confirm_unit(access_type.get_untracked(), gov.get_untracked(), confirmed.get_untracked()).await {
                Ok(check) => match check.draft {
                    Some(d) => stage.set(Stage::Editing(Box::new(d))),
                    None => failed_lines.set(check.lines.into_iter().filter(|l| l.outcome == CheckOutcome::Fail).collect()),
                },
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        <section class="card confirm-unit">
            <h2>"确认单位信息"</h2>
            {unit_card(&unit)}
            <fieldset class="checks">
                <legend>"接入类型"</legend>
                {AccessType::ALL.into_iter().map(|t| view! {
                    <label class="check"><input type="radio" name="access_type" prop:checked=move || access_type.get() == t on:change=move |_| access_type.set(t) />{t.label()}</label>
                }).collect_view()}
            </fieldset>
            <label class="check"><input type="checkbox" name="gov" on:change=move |ev| gov.set(event_target_checked(&ev)) />"是否政府服务机构或由民政部门等登记管理机关核准成立的行业协会"</label>
            <label class="check"><input type="checkbox" name="confirmed" on:change=move |ev| confirmed.set(event_target_checked(&ev)) />"我已确认单位信息"</label>
            <FieldMsg error field="confirmed" />
            <FormMsg error />
            <Show when=move || !failed_lines.get().is_empty()>
                <div class="check-failed" role="alert">
                    <p class="form-error">"基础信息核验不通过，原因如下："</p>
                    <table class="list">
                        <thead><tr><th>"条件"</th><th>"本单位"</th><th>"要求"</th></tr></thead>
                        <tbody>{move || failed_lines.get().into_iter().map(|l| view! { <tr class="failed-line"><td>{l.label}</td><td>{l.unit_value}</td><td>{l.threshold}</td></tr> }).collect_view()}</tbody>
                    </table>
                </div>
            </Show>
            <button class="primary" on:click=next>"下一步"</button>
        </section>
    }
}

type Getter = fn(&AccessForm) -> String;
type Setter = fn(&mut AccessForm, String);

fn text(form: RwSignal<AccessForm>, error: RwSignal<Option<AppError>>, label: &'static str, name: &'static str, get: Getter, set: Setter) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <input name=name prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
            <FieldMsg error field=name />
        </label>
    }
}

#[component]
fn ApplicationForm(app: ApplicationView, stage: RwSignal<Stage>) -> impl IntoView {
    let form = RwSignal::new(app.form.clone());
    let version = RwSignal::new(app.version);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let id = app.id;
    let items = app.items.clone();
    let type_label = app.form.access_type.map(|t| t.label()).unwrap_or("");
    let self_use = app.form.access_type == Some(AccessType::SelfUse);
    let materials = RwSignal::new(app.materials.clone());
    let material_rules = app.material_rules.clone();

    let save = move |_: leptos::ev::MouseEvent| {
        spawn_local(async move {
            match save_access_draft(id, version.get_untracked(), form.get_untracked()).await {
                Ok(v) => {
                    version.set(v);
                    error.set(None);
                    notice.set(Some("草稿已保存".into()));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let submit = move |_: leptos::ev::MouseEvent| {
        notice.set(None);
        spawn_local(async move {
            match submit_access_application(id, version.get_untracked(), form.get_untracked()).await {
                Ok(v) => stage.set(Stage::Submitted(Box::new(v))),
                Err(e) => {
                    // The server kept what was typed: continue from its version.
                    if let Ok(s) = access_overview().await {
                        if let Some(c) = s.current {
                            version.set(c.version);
                        }
                    }
                    error.set(Some(e));
                }
            }
        })
    };

    view! {
        <section class="card application-form">
            <h2>"接入申请单"<span class="tag">{type_label}</span></h2>
            <h3>"单位基本信息"</h3>
            {text(form, error, "联系人", "contact", |f| f.contact.clone(), |f, v| f.contact = v)}
            {text(form, error, "联系电话", "phone", |f| f.phone.clone(), |f, v| f.phone = v)}
            {text(form, error, "电子邮箱", "email", |f| f.email.clone(), |f, v| f.email = v)}
            {text(form, error, "单位地址", "address", |f| f.address.clone(), |f, v| f.address = v)}
            <h3>"相关资质信息"</h3>
            {items.into_iter().map(|item| {
                let no = item.no;
                let name = format!("q{no}");
                view! {
                    <label class="field">
                        <span>{format!("{}. {}", no, item.label)}{item.hint.map(|h| view! { <small class="muted">"（"{h}"）"</small> })}</span>
                        <input name=name.clone() prop:value=move || form.with(|f| f.qualifications.get(&no).cloned().unwrap_or_default())
                            on:input=move |ev| form.update(|f| { f.qualifications.insert(no, event_target_value(&ev)); }) />
                        <FieldMsg error field=name />
                    </label>
                }
            }).collect_view()}
            <h3>"使用单位信息（预邀请名单）"</h3>
            <UseUnits form error />
            <h3>"应用系统信息"</h3>
            {text(form, error, "应用系统名称", "system_name", |f| f.system_name.clone(), |f, v| f.system_name = v)}
            {self_use.then(|| view! {
                <label class="check"><input type="checkbox" name="built_by_authorized" prop:checked=move || form.with(|f| f.built_by_authorized)
                    on:change=move |ev| form.update(|f| f.built_by_authorized = event_target_checked(&ev)) />"由被授权单位建设（需提供授权委托书）"</label>
            })}
            // 填表说明 1: 乐企他用 and 乐企联用 have no 被授权单位 fields at all.
            <FieldMsg error field="built_by_authorized" />
            <Show when=move || self_use && form.with(|f| f.built_by_authorized)>
                {text(form, error, "被授权单位统一社会信用代码", "builder_code", |f| f.builder_code.clone(), |f, v| f.builder_code = v)}
                {text(form, error, "被授权单位名称", "builder_name", |f| f.builder_name.clone(), |f, v| f.builder_name = v)}
            </Show>
            {text(form, error, "部署地点", "deployment", |f| f.deployment.clone(), |f, v| f.deployment = v)}
            {text(form, error, "测试环境IP地址（多个以逗号分隔）", "test_ips", |f| f.test_ips.clone(), |f, v| f.test_ips = v)}
            {text(form, error, "生产环境IP地址（多个以逗号分隔）", "production_ips", |f| f.production_ips.clone(), |f, v| f.production_ips = v)}
            <label class="field"><span>"通信协议"</span>
                <select name="protocol" prop:value=move || form.with(|f| f.protocol.clone()) on:change=move |ev| form.update(|f| f.protocol = event_target_value(&ev))>
                    <option value="">"请选择"</option><option value="HTTPS">"HTTPS"</option><option value="HTTP">"HTTP"</option>
                </select>
                <FieldMsg error field="protocol" /></label>
            {text(form, error, "端口", "port", |f| f.port.clone(), |f, v| f.port = v)}
            <fieldset class="checks"><legend>"请求期限"</legend>
                <label class="check"><input type="radio" name="period" prop:checked=move || form.with(|f| f.period == "short") on:change=move |_| form.update(|f| f.period = "short".into()) />"短期（一年及以内）"</label>
                <label class="check"><input type="radio" name="period" prop:checked=move || form.with(|f| f.period == "long") on:change=move |_| form.update(|f| f.period = "long".into()) />"长期（一年以上）"</label>
                <FieldMsg error field="period" />
            </fieldset>
            <h3>"申请材料"</h3>
            <MaterialsEditor application_id=id rules=material_rules materials built_by_authorized=Signal::derive(move || self_use && form.with(|f| f.built_by_authorized)) error />
            {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
            {move || error.with(|e| matches!(e, Some(AppError::Invalid(_)))).then(|| view! { <p class="form-error" role="alert">"请按提示修改标红的项目后再提交"</p> })}
            <FormMsg error />
            <p class="muted small">"打印材料前请先【保存草稿】："</p>
            <PrintLinks form=app.form.clone() />
            <div class="actions">
                <button class="secondary" on:click=save>"保存草稿"</button>
                <button class="primary" on:click=submit>"提交"</button>
            </div>
        </section>
    }
}

#[component]
fn UseUnits(form: RwSignal<AccessForm>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    let count = move || form.with(|f| f.use_units.len());
    view! {
        <div class="use-units">
            {move || (0..count()).map(|i| {
                let field = move |k: &str| format!("use_units.{i}.{k}");
                view! {
                    <div class="use-unit card inset">
                        <label class="field"><span>"统一社会信用代码"</span>
                            <input name=field("credit_code") prop:value=move || form.with(|f| f.use_units.get(i).map(|u| u.credit_code.clone()).unwrap_or_default())
                                on:input=move |ev| form.update(|f| if let Some(u) = f.use_units.get_mut(i) { u.credit_code = event_target_value(&ev) }) />
                            <FieldMsg error field=field("credit_code") /></label>
                        <label class="field"><span>"单位名称"</span>
                            <input name=field("name") prop:value=move || form.with(|f| f.use_units.get(i).map(|u| u.name.clone()).unwrap_or_default())
                                on:input=move |ev| form.update(|f| if let Some(u) = f.use_units.get_mut(i) { u.name = event_target_value(&ev) }) />
                            <FieldMsg error field=field("name") /></label>
                        <label class="field"><span>"单位关系"</span>
                            <select name=field("relationship") prop:value=move || form.with(|f| f.use_units.get(i).map(|u| u.relationship.clone()).unwrap_or_default())
                                on:change=move |ev| form.update(|f| if let Some(u) = f.use_units.get_mut(i) { u.relationship = event_target_value(&ev) })>
                                <option value="">"请选择"</option>
                                {RELATIONSHIPS.into_iter().map(|r| view! { <option value=r>{r}</option> }).collect_view()}
                            </select>
                            <FieldMsg error field=field("relationship") /></label>
                        <button class="link danger" on:click=move |_| form.update(|f| { if i < f.use_units.len() { f.use_units.remove(i); } })>"删除"</button>
                    </div>
                }
            }).collect_view()}
            <button class="secondary" name="add_use_unit" on:click=move |_| form.update(|f| f.use_units.push(PreInvite::default()))>"添加使用单位"</button>
        </div>
    }
}

/// Links to the pre-filled printable forms (授权委托书 only when a builder is authorized).
#[component]
fn PrintLinks(form: AccessForm) -> impl IntoView {
    view! {
        <ul class="print-links">
            {crate::pages::print::FORMS.into_iter()
                .filter(|(kind, _)| *kind != "authorization" || form.built_by_authorized)
                .map(|(kind, title)| view! { <li><a href=format!("/leqi/access/print/{kind}") target="_blank">{"打印《"}{title}{"》"}</a></li> })
                .collect_view()}
        </ul>
    }
}
