//! Tax console · 【已办】 (`/tax/done`) and 【单位查询】 → 【单位档案】 (`/tax/units`,
//! `/tax/units?code=…`), in the tax_admin bundle. Lists are newest first; 【更多】 fetches the
//! next page by the cursor the server gave (keyset), appending to what is shown.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::tax_desk::api::{tax_done, tax_unit_file, tax_unit_search, tax_unit_section, Cursor, DoneItem, FileRow, FileSection, UnitFileHead, UnitHit};
use crate::components::{failed, loading, FieldMsg};
use crate::error::AppError;

/// The rows' look, inline: `style/main.css` is shared by every bundle (the H5 login's is at its budget).
const ROWS: &str = "list-style:none;margin:0;padding:0";
const ROW: &str = "padding:.5rem 0;border-bottom:1px solid var(--border);overflow-wrap:anywhere";

/// A link to a case page of the tax console (its own bundle: a full page load).
fn case_link(href: Option<String>, text: String) -> AnyView {
    match href {
        Some(h) => view! { <a href=h rel="external">{text}</a> }.into_any(),
        None => view! { <span>{text}</span> }.into_any(),
    }
}

/// `/tax/done`: 【已办】.
#[component]
pub fn TaxDonePage() -> impl IntoView {
    let items: RwSignal<Vec<DoneItem>> = RwSignal::new(vec![]);
    let next: RwSignal<Option<Cursor>> = RwSignal::new(None);
    let state: RwSignal<Option<Result<(), AppError>>> = RwSignal::new(None);
    let load = move |before: Option<Cursor>| {
        state.set(None);
        spawn_local(async move {
            match tax_done(before, None).await {
                Ok(p) => {
                    items.update(|l| l.extend(p.items));
                    next.set(p.next);
                    state.set(Some(Ok(())));
                }
                Err(e) => state.set(Some(Err(e))),
            }
        });
    };
    load(None);
    view! {
        <p class="back"><A href="/tax">"返回待办列表"</A></p>
        <section class="card done-list" aria-label="已办">
            <h2>"已办"</h2>
            {move || (state.get().is_some() && items.with(|l| l.is_empty())).then(|| view! { <p class="empty">"暂无已办事项"</p> })}
            <ul class="desk-rows" style=ROWS>
                <For each=move || items.get() key=|d| d.id let:d>
                    <li class="done-item" style=ROW data-kind=format!("{:?}", d.kind)>
                        <p><span class="tag">{d.kind.label()}</span>" "{case_link(d.link.clone(), d.enterprise_name.clone())}" "<span class="muted">{d.credit_code.clone()}</span></p>
                        <p>{format!("{} → ", d.action)}<strong class="status">{d.to.clone()}</strong>{d.reason.clone().map(|r| format!("（{r}）"))}" · "<span class="muted">{d.at.clone()}</span></p>
                    </li>
                </For>
            </ul>
            {move || match state.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(())) => next.get().map(|c| view! { <button class="secondary more" on:click=move |_| load(Some(c))>"更多"</button> }).into_any(),
            }}
        </section>
    }
}

/// `/tax/units`: 【单位查询】, and with `?code=` the unit's 【单位档案】.
#[component]
pub fn TaxUnitsPage() -> impl IntoView {
    let query = use_query_map();
    let code = Memo::new(move |_| query.read().get("code").filter(|c| !c.is_empty()));
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let hits: RwSignal<Option<Vec<UnitHit>>> = RwSignal::new(None);
    let search = move || {
        error.set(None);
        spawn_local(async move {
            match tax_unit_search(text.get_untracked()).await {
                Ok(h) => hits.set(Some(h)),
                Err(e) => {
                    hits.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    view! {
        <p class="back"><A href="/tax">"返回待办列表"</A></p>
        <section class="card unit-search" aria-label="单位查询">
            <h2>"单位查询"</h2>
            <form class="inline-form" on:submit=move |ev| { ev.prevent_default(); search(); }>
                <label class="field"><span>"统一社会信用代码或单位名称"</span>
                    <input name="query" maxlength="50" placeholder="统一社会信用代码或单位名称（部分）" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) /></label>
                <button class="primary" type="submit">"查询"</button>
            </form>
            <FieldMsg error field="query" />
            {move || error.get().filter(|e| e.message_for("query").is_none()).map(|e| failed(&e))}
            {move || hits.get().map(|h| if h.is_empty() {
                view! { <p class="empty">"未找到"</p> }.into_any()
            } else {
                view! {
                    <ul class="desk-rows unit-hits" style=ROWS>
                        {h.into_iter().map(|u| view! {
                            <li class="unit-hit" style=ROW>
                                <A href=format!("/tax/units?code={}", u.credit_code)>{u.enterprise_name.clone()}</A>
                                <p class="muted">{u.credit_code.clone()}" · "{u.tax_office_name.clone()}{u.direct_unit.clone().map(|t| format!(" · 直连单位（{t}）"))}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
        {move || code.get().map(|c| view! { <UnitFile code=c /> })}
    }
}

/// 【单位档案】: the head, then each section with its own 【更多】.
#[component]
fn UnitFile(code: String) -> impl IntoView {
    let head: RwSignal<Option<Result<UnitFileHead, AppError>>> = RwSignal::new(None);
    let c = code.clone();
    spawn_local(async move { head.set(Some(tax_unit_file(c).await)) });
    view! {
        {move || match head.get() {
            None => view! { <section class="card">{loading()}</section> }.into_any(),
            Some(Err(AppError::NotFound)) => view! { <section class="card unit-file" aria-label="单位档案"><h2>"单位档案"</h2><p class="empty">"未找到"</p></section> }.into_any(),
            Some(Err(e)) => view! { <section class="card unit-file">{failed(&e)}</section> }.into_any(),
            Some(Ok(h)) => {
                let code = h.credit_code.clone();
                view! {
                    <section class="card unit-file" aria-label="单位档案">
                        <h2>{format!("单位档案 · {}", h.enterprise_name)}</h2>
                        <dl class="facts">
                            <dt>"统一社会信用代码"</dt><dd class="credit-code">{h.credit_code.clone()}</dd>
                            <dt>"主管税务机关"</dt><dd>{h.tax_office_name.clone()}</dd>
                            <dt>"直连单位"</dt><dd>{h.direct_unit.clone().unwrap_or_else(|| "否".into())}</dd>
                            {h.lifecycle.qualification_end.clone().map(|d| view! { <dt>"资格有效期至"</dt><dd>{d}</dd> })}
                        </dl>
                        <crate::pages::lifecycle::UnitStatusLine l=h.lifecycle.clone() />
                    </section>
                    {h.sections.into_iter().map(|s| view! { <Section code=code.clone() section=s /> }).collect_view()}
                }.into_any()
            }
        }}
    }
}

#[component]
fn Section(code: String, section: FileSection) -> impl IntoView {
    let rows: RwSignal<Vec<FileRow>> = RwSignal::new(vec![]);
    let next: RwSignal<Option<Cursor>> = RwSignal::new(None);
    let state: RwSignal<Option<Result<(), AppError>>> = RwSignal::new(None);
    let code = StoredValue::new(code);
    let load = move |before: Option<Cursor>| {
        state.set(None);
        let c = code.get_value();
        spawn_local(async move {
            match tax_unit_section(c, section, before, None).await {
                Ok(p) => {
                    rows.update(|l| l.extend(p.rows));
                    next.set(p.next);
                    state.set(Some(Ok(())));
                }
                Err(e) => state.set(Some(Err(e))),
            }
        });
    };
    load(None);
    view! {
        <section class="card file-section" data-section=format!("{section:?}") aria-label=section.label()>
            <h3>{section.label()}</h3>
            {move || (state.get().is_some() && rows.with(|l| l.is_empty())).then(|| view! { <p class="empty">"暂无记录"</p> })}
            <ul class="desk-rows" style=ROWS>
                <For each=move || rows.get() key=|r| r.id let:r>
                    <li class="file-row" style=ROW>
                        <p>{case_link(r.link.clone(), r.title.clone())}" · "<strong class="status">{r.status.clone()}</strong></p>
                        <p class="muted">{(!r.detail.is_empty()).then(|| format!("{} · ", r.detail))}{r.at.clone()}</p>
                    </li>
                </For>
            </ul>
            {move || match state.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(())) => next.get().map(|c| view! { <button class="secondary more" on:click=move |_| load(Some(c))>"更多"</button> }).into_any(),
            }}
        </section>
    }
}
