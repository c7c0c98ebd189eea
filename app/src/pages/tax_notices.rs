//! Tax console · 版本升级通知: the provincial bureau 【发布】s a notice (every direct unit of the
//! province has 30 days); every officer of the province sees the notices with 已完成 / 逾期未完成
//! counts, and a notice's units with the overdue ones first (an office: its own units).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::upgrade_notice::api::{notice_detail, notice_list, notice_publish, NoticeFile, NoticeSummary};
use crate::components::session::use_session;
use crate::components::{failed, loading, FieldMsg, FormMsg};
use crate::kernel::Principal;
use crate::error::AppError;

#[cfg_attr(not(feature = "csr"), allow(dead_code))]
const DRAFT_KEY: &str = "leqi_notice_draft";

fn load_draft() -> (String, String) {
    #[cfg(feature = "csr")]
    if let Some(Ok(Some(s))) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()).map(|st| st.get_item(DRAFT_KEY)) {
        if let Ok(d) = serde_json::from_str(&s) {
            return d;
        }
    }
    (String::new(), String::new())
}

fn save_draft(_d: Option<(String, String)>) {
    #[cfg(feature = "csr")]
    if let Some(st) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match _d {
            Some(d) => st.set_item(DRAFT_KEY, &serde_json::to_string(&d).unwrap_or_default()),
            None => st.remove_item(DRAFT_KEY),
        };
    }
}

#[component]
pub fn TaxNoticesPage() -> impl IntoView {
    let session = use_session();
    let provincial = move || matches!(session.principal.get(), Some(Principal::Officer(o)) if o.role.is_provincial());
    let list: RwSignal<Option<Result<Vec<NoticeSummary>, AppError>>> = RwSignal::new(None);
    let reload = move || spawn_local(async move { list.set(Some(notice_list().await)) });
    reload();
    let (t0, c0) = load_draft();
    let (title, content) = (RwSignal::new(t0), RwSignal::new(c0));
    Effect::new(move |_| save_draft(Some((title.get(), content.get()))));
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let publish = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match notice_publish(title.get_untracked(), content.get_untracked()).await {
                Ok(_) => {
                    title.set(String::new());
                    content.set(String::new());
                    save_draft(None);
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <p class="back"><A href="/tax">"返回待办列表"</A></p>
        <Show when=provincial>
            <section class="card notice-form" aria-label="发布版本升级通知">
                <h2>"发布版本升级通知"</h2>
                <p class="muted">"发布后，本省（自治区）全部乐企直连单位收到通知，须于30日内完成改造和测试。"</p>
                <label class="field"><span>"通知标题"</span>
                    <input name="title" maxlength="100" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) /></label>
                <FieldMsg error field="title" />
                <label class="field"><span>"通知内容"</span>
                    <textarea name="content" rows="5" maxlength="5000" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea></label>
                <FieldMsg error field="content" />
                <FormMsg error />
                <button class="primary" disabled=move || busy.get() on:click=publish>"发布"</button>
            </section>
        </Show>
        <section class="card notice-list">
            <h2>"版本升级通知"</h2>
            {move || match list.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(l)) if l.is_empty() => view! { <p class="empty">"暂无版本升级通知"</p> }.into_any(),
                Some(Ok(l)) => view! {
                    <table class="list">
                        <thead><tr><th>"通知标题"</th><th>"发布时间"</th><th>"完成期限"</th><th>"直连单位"</th><th>"已完成改造"</th><th>"逾期未完成"</th></tr></thead>
                        <tbody>{l.into_iter().map(|n| view! {
                            <tr data-testid="notice-row">
                                <td data-label="通知标题"><A href=format!("/tax/notices/{}", n.id)>{n.title}</A></td>
                                <td data-label="发布时间">{n.published_at}</td>
                                <td data-label="完成期限">{n.deadline}</td>
                                <td data-label="直连单位">{n.units}</td>
                                <td data-label="已完成改造">{n.done}</td>
                                <td data-label="逾期未完成" class="overdue">{n.overdue}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
pub fn TaxNoticePage() -> impl IntoView {
    let params = use_params_map();
    let data: RwSignal<Option<Result<NoticeFile, AppError>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let id = params.get().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0);
        spawn_local(async move { data.set(Some(notice_detail(id).await)) });
    });
    view! {
        <p class="back"><A href="/tax/notices">"返回版本升级通知"</A></p>
        {move || match data.get() {
            None => loading(),
            Some(Err(e)) => failed(&e),
            Some(Ok(f)) => view! {
                <section class="card notice-file">
                    <h2>{f.summary.title.clone()}</h2>
                    <p class="muted">"发布："{f.summary.published_at.clone()}" · "{f.summary.published_by.clone()}" · 完成期限："<strong>{f.summary.deadline.clone()}</strong></p>
                    <p class="content">{f.content.clone()}</p>
                    <p>"直连单位"{f.summary.units}"家，已完成改造"{f.summary.done}"家，逾期未完成"<strong class="overdue">{f.summary.overdue}</strong>"家"</p>
                    <table class="list">
                        <thead><tr><th>"单位名称"</th><th>"统一社会信用代码"</th><th>"改造情况"</th></tr></thead>
                        <tbody>{f.units.into_iter().map(|u| view! {
                            <tr data-testid="notice-unit" class:overdue=u.overdue>
                                <td data-label="单位名称">{u.enterprise_name}</td>
                                <td data-label="统一社会信用代码">{u.credit_code}</td>
                                <td data-label="改造情况">{u.progress.label()}{u.overdue.then(|| view! { <span class="tag warn">"逾期未完成"</span> })}</td>
                            </tr>
                        }).collect_view()}</tbody>
                    </table>
                </section>
            }.into_any(),
        }}
    }
}
