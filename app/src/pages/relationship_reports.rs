//! 关系变化报告 (issue #13): on 【资格管理】 the direct unit's reports owed since a binding ended,
//! each with its last day and 【报告】 (what changed and why); in the tax console the office's
//! overdue ones. The page decides by `ReportStatus` and `may_report`, never by label text.

use leptos::prelude::*;

use crate::relationship_report::api::{flagged_relationship_reports, relationship_reports, report_relationship, RelationshipReportView};
use crate::components::{use_load, use_submit, FieldMsg, FormMsg};
use crate::error::AppError;

/// 【资格管理】: the unit's 关系变化报告 (nothing shown when there are none).
#[component]
pub fn RelationshipReportsPanel() -> impl IntoView {
    let data = use_load(relationship_reports);
    data.view(move |list: Vec<RelationshipReportView>| {
        if list.is_empty() {
            return ().into_any();
        }
        let reload = Callback::new(move |_: ()| data.reload());
        view! {
            <section class="card relationship-reports" aria-label="关系变化报告">
                <h2>"关系变化报告"</h2>
                <p class="muted small">"与使用单位的绑定关系解除后，应在3日内报告关系变化情况；逾期未报告的，将告知主管税务机关。"</p>
                <ul class="reports">{list.into_iter().map(|r| view! { <ReportItem r reload /> }).collect_view()}</ul>
            </section>
        }
        .into_any()
    })
}

#[component]
fn ReportItem(r: RelationshipReportView, reload: Callback<()>) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let open = RwSignal::new(false);
    let (id, version) = (r.id, r.version);
    let submit = use_submit(error, move |_: ()| report_relationship(id, version, reason.get_untracked()), move |_: RelationshipReportView| reload.run(()));
    let overdue = r.status == crate::lifecycle::rules::ReportStatus::Overdue;
    view! {
        <li class="report" data-testid="relationship-report" data-id=r.id.to_string() data-status=r.status.code()>
            <p><strong>{r.use_unit_name.clone()}</strong>" （"{r.use_credit_code.clone()}"）"</p>
            <p class="muted">{format!("{} · {}", r.changed_on, r.what_changed)}</p>
            <p>"报告期限："<strong class="due">{r.due.clone()}</strong>" · 状态："<strong class=if overdue { "status warn" } else { "status" }>{r.status.label()}</strong></p>
            {if let crate::lifecycle::rules::ReportStatus::Reported { reason, .. } = &r.status {
                Some(view! { <p class="reported">"报告内容："{reason.clone()}{r.reported_by.clone().map(|b| format!("（{b}）"))}</p> })
            } else {
                None
            }}
            {r.may_report.then(|| view! {
                <Show when=move || open.get() fallback=move || view! { <button class="primary report-open" on:click=move |_| open.set(true)>"报告"</button> }>
                    <div class="report-form">
                        <label class="field"><span>"关系变化情况及原因"</span>
                            <textarea name="reason" rows="2" maxlength="500" bind:value=reason></textarea></label>
                        <FieldMsg error field="reason" />
                        <FormMsg error />
                        <div class="actions">
                            <button class="secondary" on:click=move |_| open.set(false)>"取消"</button>
                            <button class="primary submit-report" disabled=move || submit.busy() on:click=move |_| submit.run(())>"提交报告"</button>
                        </div>
                    </div>
                </Show>
            })}
        </li>
    }
}

/// Tax console: the office's overdue 关系变化报告 (and those reported late).
#[component]
pub fn FlaggedReportsList() -> impl IntoView {
    let data = use_load(flagged_relationship_reports);
    view! {
        <section class="card flagged-reports" aria-label="关系变化报告逾期">
            <h2>"关系变化报告逾期"</h2>
            {data.view(|list: Vec<RelationshipReportView>| {
                if list.is_empty() {
                    return view! { <p class="empty">"暂无逾期未报告的关系变化"</p> }.into_any();
                }
                view! {
                    <table class="list flagged-list">
                        <thead><tr><th>"直连单位"</th><th>"使用单位"</th><th>"关系变化"</th><th>"报告期限"</th><th>"状态"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| view! {
                                <tr class="flagged-report" data-id=r.id.to_string() data-status=r.status.code()>
                                    <td class="name">{r.enterprise_name.clone()}<br /><small class="muted">{r.credit_code.clone()}</small></td>
                                    <td data-label="使用单位">{r.use_unit_name.clone()}</td>
                                    <td data-label="关系变化">{format!("{} {}", r.changed_on, r.what_changed)}</td>
                                    <td data-label="报告期限">{r.due.clone()}</td>
                                    <td class="state" data-label="状态">{r.status.label()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </section>
    }
}
