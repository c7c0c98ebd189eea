//! 【管理措施】 of a direct unit (issue #13): the tax office's measures on it, what they restrict
//! now, and 【提交整改反馈】 for a 责令限期改正 (offered by the domain: `MeasureView::actions`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::measure::api::{measure_act, my_measures, MeasureView, UnitMeasures};
use crate::components::{failed, loading, FieldMsg, FormMsg, Timeline};
use crate::measure::rules::{MeasureAction, Restrictions};
use crate::materials::model::MaterialInfo;
use crate::pages::materials::MaterialsList;
use crate::error::AppError;

/// What the measures in force restrict, in words (empty: nothing).
pub fn restriction_lines(r: &Restrictions) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.no_service {
        out.push("暂停接入服务：接口调用均被拒绝");
    }
    if r.no_new_use_units {
        out.push("暂停新增使用单位：不能发起接入邀请");
    }
    if r.no_capabilities && !r.no_service {
        out.push("暂停使用乐企能力");
    }
    out
}

#[component]
pub fn MyMeasuresPage() -> impl IntoView {
    let data: RwSignal<Option<Result<UnitMeasures, AppError>>> = RwSignal::new(None);
    let reload = move || spawn_local(async move { data.set(Some(my_measures().await)) });
    reload();
    view! {
        <section class="card measures" aria-label="管理措施">
            <h2>"管理措施"</h2>
            {move || match data.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(u)) => view! {
                    {restriction_lines(&u.restrictions).into_iter().map(|l| view! { <p class="tag warn restriction" role="status">{l}</p> }).collect_view()}
                    {if u.measures.is_empty() {
                        view! { <p class="muted empty">"暂无税务管理措施"</p> }.into_any()
                    } else {
                        u.measures.into_iter().map(|m| view! { <MeasureCard m on_done=Callback::new(move |_| reload()) /> }).collect_view().into_any()
                    }}
                }.into_any(),
            }}
        </section>
    }
}

/// One measure: kind, status, deadline, note, timeline, and the unit's 【提交整改反馈】.
#[component]
pub fn MeasureCard(m: MeasureView, on_done: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    // Uploaded for this 整改反馈, not sent yet (kept across a refused 提交).
    let uploaded: RwSignal<Vec<MaterialInfo>> = RwSignal::new(vec![]);
    let (id, version) = (m.id, m.version);
    let pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "csr")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            busy.set(true);
            spawn_local(async move {
                match crate::pages::materials::send(None, crate::materials::rules::MaterialKind::RectificationReport, file).await {
                    Ok(m) => uploaded.update(|l| l.push(m)),
                    Err(e) => error.set(Some(AppError::field("materials", e.to_string()))),
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "csr"))]
        let _ = ev;
    };
    let send = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let ids = uploaded.get_untracked().iter().map(|m| m.id).collect();
            match measure_act(id, version, MeasureAction::SubmitFeedback, text.get_untracked(), String::new(), ids).await {
                Ok(_) => on_done.run(()),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let feedback = m.actions.contains(&MeasureAction::SubmitFeedback);
    let returned = if let crate::measure::rules::MeasureStatus::Rectifying { returned: Some(r), .. } = &m.status { Some(r.clone()) } else { None };
    view! {
        <article class="measure" data-testid="measure" data-kind=m.kind.code() data-status=m.status.code()>
            <h3>{m.kind.label()}<span class="tag status">{m.status.label()}</span>{m.overdue.then(|| view! { <span class="tag warn">"已逾期"</span> })}</h3>
            <p class="muted">{m.issued_by.clone()}" · "{m.issued_at.clone()}{m.status.deadline().map(|d| format!(" · 整改期限：{d}"))}</p>
            <p class="note">{m.note.clone()}</p>
            {returned.map(|r| view! { <p class="form-error">"整改不通过："{r}</p> })}
            {feedback.then(|| view! {
                <div class="feedback">
                    <label class="field"><span>"整改反馈"</span>
                        <textarea name="text" rows="3" maxlength="2000" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea></label>
                    <FieldMsg error field="text" />
                    <label class="field"><span>"整改材料（整改情况报告等，PDF、JPG或PNG）"</span>
                        <input type="file" name="materials" accept=".pdf,.jpg,.jpeg,.png" on:change=pick /></label>
                    <ul class="materials-list pending">
                        {move || uploaded.get().into_iter().map(|f| { let fid = f.id; view! {
                            <li class="material-file" data-kind=f.kind.code()>
                                <span class="name">{f.file_name.clone()}</span>" "
                                <button type="button" class="link" on:click=move |_| uploaded.update(|l| l.retain(|x| x.id != fid))>"移除"</button>
                            </li>
                        } }).collect_view()}
                    </ul>
                    <FieldMsg error field="materials" />
                    <FormMsg error />
                    <button class="primary" disabled=move || busy.get() on:click=send>{MeasureAction::SubmitFeedback.label()}</button>
                </div>
            })}
            {(!m.materials.is_empty()).then(|| view! { <div class="feedback-materials"><h4>"整改反馈材料"</h4><MaterialsList materials=m.materials.clone() /></div> })}
            <Timeline entries=m.timeline.clone() />
        </article>
    }
}
