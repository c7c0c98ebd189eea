//! 审计日志 viewer, shared by the tax console (`/tax/audit`: the units of the
//! officer's jurisdiction) and 接入管理 (`/jrgl/audit`: the 法定代表人 or 财务负责人's
//! own unit). Not in the portal bundle. Filters by date, person and type; 加载更多
//! pages by keyset; 导出Excel downloads the same query.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::audit::api::{audit_log, AuditFilter, AuditRow};
use crate::components::{FieldMsg, FormMsg};
use crate::error::AppError;

#[component]
pub fn AuditLogView() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let person = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let rows: RwSignal<Vec<AuditRow>> = RwSignal::new(Vec::new());
    let scope = RwSignal::new(String::new());
    let next: RwSignal<Option<i64>> = RwSignal::new(None);
    let loaded = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let filter = move |before_id: Option<i64>| AuditFilter {
        from: from.get_untracked(),
        to: to.get_untracked(),
        person: person.get_untracked(),
        kind: kind.get_untracked(),
        before_id,
    };
    let load = move |before_id: Option<i64>| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let f = filter(before_id);
        spawn_local(async move {
            let r = audit_log(f).await;
            busy.set(false);
            loaded.set(true);
            match r {
                Ok(page) => {
                    error.set(None);
                    scope.set(page.scope);
                    next.set(page.next_before_id);
                    if before_id.is_some() {
                        rows.update(|r| r.extend(page.rows));
                    } else {
                        rows.set(page.rows);
                    }
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load(None);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    let export = move || filter(None).export_url();
    view! {
        <section class="card audit-log">
            <h2>"审计日志"</h2>
            <p class="muted">{move || scope.get()}</p>
            <form class="filters" on:submit=search novalidate>
                <label class="field"><span>"开始日期"</span><input type="date" name="from" bind:value=from /><FieldMsg error field="from" /></label>
                <label class="field"><span>"结束日期"</span><input type="date" name="to" bind:value=to /><FieldMsg error field="to" /></label>
                <label class="field"><span>"操作人"</span><input name="person" maxlength="40" placeholder="姓名" bind:value=person /></label>
                <label class="field"><span>"类型"</span><input name="kind" maxlength="40" placeholder="如：企业登录" bind:value=kind /></label>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"查询"</button>
                    <a class="button secondary" href=export rel="external" download>"导出Excel"</a>
                </div>
            </form>
            <FormMsg error />
            {move || {
                if !loaded.get() {
                    return view! { <p class="loading">"正在加载…"</p> }.into_any();
                }
                let list = rows.get();
                if list.is_empty() {
                    return view! { <p class="empty">"暂无记录"</p> }.into_any();
                }
                view! {
                    <table class="list audit-list">
                        <thead><tr><th>"时间"</th><th>"操作人"</th><th>"单位"</th><th>"类型"</th><th>"内容"</th><th>"结果"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|r| view! {
                                <tr>
                                    <td data-label="时间">{r.at}</td>
                                    <td data-label="操作人">{r.actor}</td>
                                    <td data-label="单位">{r.unit}</td>
                                    <td data-label="类型">{r.kind}</td>
                                    <td data-label="内容">{r.description}</td>
                                    <td data-label="结果" class:failure=!r.success>{if r.success { "成功" } else { "失败" }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <Show when=move || next.get().is_some()>
                <p class="more"><button type="button" class="secondary" disabled=move || busy.get() on:click=move |_| load(next.get_untracked())>"加载更多"</button></p>
            </Show>
        </section>
    }
}
