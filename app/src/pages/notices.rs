//! 【版本升级通知】 of a direct unit (guideline-sichuan 第五章 二): each notice with its 完成期限,
//! 待改造 / 已完成改造 (逾期 when late), and 【已完成改造】 — optionally naming a 测试报告 of the
//! unit's 能力中心. The actions shown are the domain's (`MyNotice::actions`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::upgrade_notice::api::{my_notices, notice_complete, MyNotice};
use crate::components::{failed, loading, FieldMsg, FormMsg};
use crate::upgrade_notice::rules::{NoticeAction, NoticeProgress};
use crate::error::AppError;

#[component]
pub fn NoticesPage() -> impl IntoView {
    let data: RwSignal<Option<Result<Vec<MyNotice>, AppError>>> = RwSignal::new(None);
    spawn_local(async move { data.set(Some(my_notices().await)) });
    view! {
        <section class="card notices" aria-label="版本升级通知">
            <h2>"版本升级通知"</h2>
            <p class="muted">"省级税务机关发布版本升级通知后，请于完成期限（发布之日起30日）内完成系统改造和测试，并标记已完成改造。"</p>
            {move || match data.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted empty">"暂无版本升级通知"</p> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|n| view! { <NoticeCard n data /> }).collect_view().into_any(),
            }}
        </section>
    }
}

#[component]
fn NoticeCard(n: MyNotice, data: RwSignal<Option<Result<Vec<MyNotice>, AppError>>>) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let report = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let (id, version) = (n.id, n.version);
    let complete = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match notice_complete(id, version, report.get_untracked()).await {
                Ok(fresh) => data.update(|d| {
                    if let Some(Ok(list)) = d {
                        list.iter_mut().filter(|x| x.id == id).for_each(|x| *x = fresh.clone());
                    }
                }),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let status = match &n.progress {
        NoticeProgress::Pending => n.progress.label().to_string(),
        NoticeProgress::Done { at, report } => format!("{}（{at}{}）", n.progress.label(), report.as_ref().map(|r| format!("，测试报告：{r}")).unwrap_or_default()),
    };
    let may_complete = n.actions.contains(&NoticeAction::Complete);
    let reports = n.reports.clone();
    view! {
        <article class="notice" data-testid="notice" data-progress=n.progress.code()>
            <h3>{n.title.clone()}</h3>
            <p class="muted">"发布时间："{n.published_at.clone()}" · 完成期限："<strong>{n.deadline.clone()}</strong></p>
            <p class="status">"状态："<span class="progress">{status}</span>{n.overdue.then(|| view! { <span class="tag warn">"已逾期"</span> })}</p>
            <p class="content">{n.content.clone()}</p>
            {may_complete.then(|| view! {
                <div class="actions">
                    {(!reports.is_empty()).then(|| view! {
                        <label class="field inline"><span>"测试报告（可选）"</span>
                            <select name="report" aria-label="测试报告" on:change=move |ev| report.set(event_target_value(&ev))>
                                <option value="">"不附测试报告"</option>
                                {reports.iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                            </select>
                        </label>
                    })}
                    <FieldMsg error field="report" />
                    <button class="primary" disabled=move || busy.get() on:click=complete>{NoticeAction::Complete.label()}</button>
                    <FormMsg error />
                </div>
            })}
        </article>
    }
}
