//! 【消息中心】: the signed-in person's messages, newest first — 消息类型 filter, 仅看未读,
//! 标为已读 / 全部标为已读, a link to the item, 加载更多. New messages appear without a
//! reload: the header's polled 未读 count (`components::unread`) going up reloads the list.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::message::api::{message_list, message_read, message_read_all, MessagePage, MessageRow};
use crate::components::session::use_session;
use crate::components::{failed, loading};
use crate::message::rules::{unread_badge, MessageKind};
use crate::error::AppError;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let session = use_session();
    let kind: RwSignal<Option<MessageKind>> = RwSignal::new(None);
    let unread_only = RwSignal::new(false);
    let rows: RwSignal<Vec<MessageRow>> = RwSignal::new(Vec::new());
    let next: RwSignal<Option<i64>> = RwSignal::new(None);
    let state: RwSignal<Option<Result<(), AppError>>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);

    // `before`: None loads the first page (replacing the list), Some appends the next.
    let load = move |before: Option<i64>| {
        let (k, u) = (kind.get_untracked(), unread_only.get_untracked());
        if before.is_none() {
            state.set(None);
        }
        spawn_local(async move {
            match message_list(k, u, before).await {
                Ok(MessagePage { rows: got, unread, next_before }) => {
                    if before.is_none() {
                        rows.set(got);
                    } else {
                        rows.update(|r| r.extend(got));
                    }
                    next.set(next_before);
                    session.unread.set(Some(unread));
                    state.set(Some(Ok(())));
                }
                Err(e) => state.set(Some(Err(e))),
            }
        });
    };
    load(None);
    // A new message (the polled count went up) shows at once.
    let seen = StoredValue::new(None::<u32>);
    Effect::new(move |_| {
        let n = session.unread.get();
        let before = seen.get_value();
        seen.set_value(n);
        if let (Some(old), Some(new)) = (before, n) {
            if new > old {
                load(None);
            }
        }
    });

    let mark = move |ids: Vec<i64>| {
        error.set(None);
        spawn_local(async move {
            match message_read(ids.clone()).await {
                Ok(n) => {
                    rows.update(|r| r.iter_mut().filter(|m| ids.contains(&m.id)).for_each(|m| m.read = true));
                    if unread_only.get_untracked() {
                        rows.update(|r| r.retain(|m| !ids.contains(&m.id)));
                    }
                    seen.set_value(Some(n));
                    session.unread.set(Some(n));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let mark_all = move |_| {
        let Some(up_to) = rows.with_untracked(|r| r.iter().map(|m| m.id).max()) else { return };
        error.set(None);
        spawn_local(async move {
            match message_read_all(up_to).await {
                Ok(n) => {
                    seen.set_value(Some(n));
                    session.unread.set(Some(n));
                    load(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    // 查看: marked read first, then the item's page (a full load: it may be another app).
    let open = move |m: MessageRow| {
        let Some(link) = m.link.clone() else { return };
        spawn_local(async move {
            if !m.read {
                let _ = message_read(vec![m.id]).await;
            }
            crate::components::shell::leave_for(&link);
        });
    };

    let kinds = MessageKind::ALL;
    view! {
        <section class="card messages" aria-label="消息中心">
            <h2>"消息中心"
                {move || session.unread.get().filter(|n| *n > 0).map(|n| view! { <span class="badge" data-testid="page-unread">{unread_badge(n)}</span> })}
            </h2>
            <div class="filters">
                <label class="field inline"><span>"消息类型"</span>
                    <select name="kind" aria-label="消息类型" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        kind.set(kinds.into_iter().find(|k| k.code() == v));
                        load(None);
                    }>
                        <option value="" selected=move || kind.get().is_none()>"全部"</option>
                        {kinds.into_iter().map(|k| view! { <option value=k.code() selected=move || kind.get() == Some(k)>{k.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check"><input type="checkbox" name="unread_only" prop:checked=move || unread_only.get()
                    on:change=move |ev| { unread_only.set(event_target_checked(&ev)); load(None); } />"仅看未读"</label>
                <button class="secondary" on:click=mark_all disabled=move || session.unread.get().unwrap_or(0) == 0>"全部标为已读"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {move || match state.get() {
                None => loading(),
                Some(Err(e)) => failed(&e),
                Some(Ok(())) if rows.with(|r| r.is_empty()) => view! { <p class="muted empty">"暂无消息"</p> }.into_any(),
                Some(Ok(())) => view! {
                    <ul class="message-list">
                        {rows.get().into_iter().map(|m| {
                            let (id, read) = (m.id, m.read);
                            let has_link = m.link.is_some();
                            let target = m.clone();
                            view! {
                                <li class="message" class:unread=!read data-testid="message" data-kind=m.kind.code()>
                                    <div class="message-head">
                                        <span class="tag">{m.kind.label()}</span>
                                        {(!read).then(|| view! { <span class="dot" aria-label="未读">"未读"</span> })}
                                        <span class="at muted">{m.at.clone()}</span>
                                    </div>
                                    <h3 class="title">{m.title.clone()}</h3>
                                    <p class="body">{m.body.clone()}</p>
                                    <div class="actions">
                                        {has_link.then(|| view! { <button class="link" on:click=move |_| open(target.clone())>"查看"</button> })}
                                        {(!read).then(|| view! { <button class="link" on:click=move |_| mark(vec![id])>"标为已读"</button> })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || next.get().map(|before| view! {
                        <button class="secondary more" on:click=move |_| load(Some(before))>"加载更多"</button>
                    })}
                }.into_any(),
            }}
        </section>
    }
}
