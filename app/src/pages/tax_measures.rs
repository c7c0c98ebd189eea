//! Tax console · 管理措施 (issue #13): the office's 整改反馈 待审核; a unit looked up by 统一社会信用代码
//! (within the officer's jurisdiction) with its measures and what they restrict; 【下达】 a measure
//! (the kinds this officer may take: `UnitMeasures::may_take`); each measure's steps as the domain
//! offers them (`MeasureView::actions`): 整改通过, 整改不通过 (a reason), 延期 (a date), 恢复.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::measure::api::{measure_act, measure_queue, measure_take, measure_unit, MeasureView, UnitMeasures};
use crate::components::{failed, loading, FieldMsg, FormMsg, Timeline};
use crate::measure::rules::{MeasureAction, MeasureKind};
use crate::error::AppError;
use crate::pages::measures::restriction_lines;

#[component]
pub fn TaxMeasuresPage() -> impl IntoView {
    let code = RwSignal::new(crate::components::query_param("code").unwrap_or_default());
    let file: RwSignal<Option<Result<UnitMeasures, AppError>>> = RwSignal::new(None);
    let queue: RwSignal<Option<Result<Vec<MeasureView>, AppError>>> = RwSignal::new(None);
    let lookup = move || {
        let c = code.get_untracked();
        if c.trim().is_empty() {
            return;
        }
        file.set(None);
        spawn_local(async move { file.set(Some(measure_unit(c).await)) });
    };
    let refresh = Callback::new(move |_: ()| {
        spawn_local(async move { queue.set(Some(measure_queue().await)) });
        lookup();
    });
    refresh.run(());
    view! {
        <p class="back"><A href="/tax">"返回待办列表"</A></p>
        <section class="card measure-queue" aria-label="整改反馈待审核">
            <h2>"整改反馈待审核"</h2>
            {move || match queue.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(q)) if q.is_empty() => view! { <p class="empty">"暂无待办事项"</p> }.into_any(),
                Some(Ok(q)) => q.into_iter().map(|m| view! { <OfficerMeasure m on_done=refresh /> }).collect_view().into_any(),
            }}
        </section>
        <crate::pages::relationship_reports::FlaggedReportsList />
        <section class="card measure-lookup" aria-label="单位管理措施">
            <h2>"单位管理措施"</h2>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); lookup(); }>
                <label class="field"><span>"统一社会信用代码"</span>
                    <input name="credit_code" maxlength="20" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) /></label>
                <button class="primary" type="submit">"查询"</button>
            </form>
            {move || file.get().map(|f| match f {
                Err(e) => failed(&e),
                Ok(u) => view! { <UnitFile u on_done=refresh /> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn UnitFile(u: UnitMeasures, on_done: Callback<()>) -> impl IntoView {
    let may_take = u.may_take.clone();
    let first = may_take.first().copied();
    let kind = RwSignal::new(first);
    let months = RwSignal::new(1u32);
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let code = u.credit_code.clone();
    let send = move |_| {
        let Some(k) = kind.get_untracked() else { return };
        let code = code.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match measure_take(code, k, months.get_untracked(), note.get_untracked()).await {
                Ok(_) => {
                    note.set(String::new());
                    on_done.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="unit-file" data-testid="unit-file">
            <h3>{u.enterprise_name.clone()}" · "{u.credit_code.clone()}</h3>
            {restriction_lines(&u.restrictions).into_iter().map(|l| view! { <p class="tag warn restriction">{l}</p> }).collect_view()}
            {(!may_take.is_empty()).then(|| view! {
                <div class="take" aria-label="下达管理措施">
                    <label class="field"><span>"措施"</span>
                        <select name="kind" aria-label="措施" on:change=move |ev| { let v = event_target_value(&ev); kind.set(MeasureKind::from_code(&v)); }>
                            {may_take.iter().map(|k| view! { <option value=k.code()>{k.label()}</option> }).collect_view()}
                        </select></label>
                    <Show when=move || kind.get() == Some(MeasureKind::Rectify)>
                        <label class="field"><span>"整改期限"</span>
                            <select name="months" aria-label="整改期限" on:change=move |ev| months.set(event_target_value(&ev).parse().unwrap_or(1))>
                                <option value="1">"1个月"</option><option value="2">"2个月"</option><option value="3">"3个月"</option>
                            </select></label>
                        <FieldMsg error field="months" />
                    </Show>
                    <label class="field"><span>"措施说明"</span>
                        <textarea name="note" rows="2" maxlength="500" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea></label>
                    <FieldMsg error field="note" />
                    <FormMsg error />
                    <button class="primary" disabled=move || busy.get() on:click=send.clone()>"下达"</button>
                </div>
            })}
            {if u.measures.is_empty() {
                view! { <p class="muted empty">"暂无税务管理措施"</p> }.into_any()
            } else {
                u.measures.into_iter().map(|m| view! { <OfficerMeasure m on_done /> }).collect_view().into_any()
            }}
        </div>
    }
}

/// A measure with the officer's steps.
#[component]
fn OfficerMeasure(m: MeasureView, on_done: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let (id, version) = (m.id, m.version);
    let run = move |action: MeasureAction| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match measure_act(id, version, action, text.get_untracked(), deadline.get_untracked(), vec![]).await {
                Ok(_) => on_done.run(()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let needs_text = m.actions.contains(&MeasureAction::ReturnFeedback);
    let needs_date = m.actions.contains(&MeasureAction::Extend);
    let feedback = if let crate::measure::rules::MeasureStatus::FeedbackSubmitted { feedback, .. } = &m.status { Some(feedback.clone()) } else { None };
    view! {
        <article class="measure" data-testid="officer-measure" data-kind=m.kind.code() data-status=m.status.code()>
            <h3>{m.kind.label()}<span class="tag status">{m.status.label()}</span>{m.overdue.then(|| view! { <span class="tag warn">"已逾期"</span> })}</h3>
            <p class="muted">{m.enterprise_name.clone()}" · "{m.issued_by.clone()}" · "{m.issued_at.clone()}{m.status.deadline().map(|d| format!(" · 整改期限：{d}"))}</p>
            <p class="note">{m.note.clone()}</p>
            {feedback.map(|f| view! { <p class="feedback-text">"整改反馈："{f}</p> })}
            {(!m.materials.is_empty()).then(|| view! { <div class="feedback-materials"><h4>"整改反馈材料"</h4><crate::pages::materials::MaterialsList materials=m.materials.clone() /></div> })}
            {needs_text.then(|| view! {
                <label class="field"><span>"不通过原因"</span>
                    <textarea name="text" rows="2" maxlength="500" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                <FieldMsg error field="text" />
            })}
            {needs_date.then(|| view! {
                <label class="field"><span>"延期至"</span>
                    <input type="date" name="deadline" prop:value=move || deadline.get() on:input=move |ev| deadline.set(event_target_value(&ev)) /></label>
                <FieldMsg error field="deadline" />
            })}
            <FormMsg error />
            <div class="actions">
                {m.actions.iter().map(|a| { let a = *a; view! { <button class="primary" disabled=move || busy.get() on:click=move |_| run(a)>{a.label()}</button> } }).collect_view()}
            </div>
            <Timeline entries=m.timeline.clone() />
        </article>
    }
}
