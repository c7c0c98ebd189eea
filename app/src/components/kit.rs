//! The client UI kit every page builds on: a loaded value with its loading /
//! error / value views, a submit hook on a Leptos `Action` with its busy state,
//! the timeline of a workflow, and the confirm and reason dialogs.

use std::future::Future;

use leptos::prelude::*;

use crate::kernel::TimelineEntry;
use crate::error::AppError;

use super::FieldMsg;

/// What a page loaded from the server: nothing yet, the value, or why not.
pub type Loaded<T> = RwSignal<Option<Result<T, AppError>>>;

/// "正在加载…"
pub fn loading() -> AnyView {
    view! { <p class="loading">"正在加载…"</p> }.into_any()
}

/// The error of a load, in place of the value.
pub fn failed(e: &AppError) -> AnyView {
    view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()
}

/// A value fetched from the server, fetched again by `reload` (after a change,
/// back online, or when the page's parameters change).
pub struct Loader<T: Send + Sync + 'static> {
    pub data: Loaded<T>,
    fetch: Callback<()>,
}

impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Send + Sync + 'static> Loader<T> {
    /// Fetches again; `data` is `None` meanwhile.
    pub fn reload(&self) {
        self.fetch.run(());
    }

    /// Shows the value the way `value` draws it, or loading / the error.
    pub fn view<V: IntoView + 'static>(self, value: impl Fn(T) -> V + Send + Sync + 'static) -> impl IntoView
    where
        T: Clone,
    {
        let data = self.data;
        move || match data.get() {
            None => loading(),
            Some(Err(e)) => failed(&e),
            Some(Ok(v)) => value(v).into_any(),
        }
    }
}

/// Loads once now; `reload()` loads again.
pub fn use_load<T, Fut>(fetch: impl Fn() -> Fut + Send + Sync + 'static) -> Loader<T>
where
    T: Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
{
    let data: Loaded<T> = RwSignal::new(None);
    let fetch = Callback::new(move |_: ()| {
        data.set(None);
        let fut = fetch();
        leptos::task::spawn_local(async move { data.set(Some(fut.await)) });
    });
    fetch.run(());
    Loader { data, fetch }
}

/// A form's submission on a Leptos `Action`: `busy()` while it runs (the button
/// is disabled), the failure in `error` (each field's message next to its field),
/// and `done` with the answer on success.
pub struct Submit<I: 'static> {
    action: Action<I, ()>,
    pub error: RwSignal<Option<AppError>>,
}

impl<I: 'static> Clone for Submit<I> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<I: 'static> Copy for Submit<I> {}

impl<I: 'static> Submit<I> {
    pub fn run(&self, input: I) {
        self.error.set(None);
        self.action.dispatch_local(input);
    }

    pub fn busy(&self) -> bool {
        self.action.pending().get()
    }
}

pub fn use_submit<I, O, Fut>(error: RwSignal<Option<AppError>>, send: impl Fn(I) -> Fut + 'static, done: impl Fn(O) + 'static) -> Submit<I>
where
    I: Clone + 'static,
    O: 'static,
    Fut: Future<Output = Result<O, AppError>> + 'static,
{
    let send = std::rc::Rc::new(send);
    let done = std::rc::Rc::new(done);
    let action = Action::new_local(move |input: &I| {
        let fut = send(input.clone());
        let done = done.clone();
        async move {
            match fut.await {
                Ok(o) => done(o),
                Err(e) => {
                    error.set(Some(e));
                    super::form::reveal_error();
                }
            }
        }
    });
    Submit { action, error }
}

/// A workflow's timeline: when, who (and their unit), the step → the status it
/// led to, and the reason.
#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <ol class="timeline">
            {entries.into_iter().map(|t| view! {
                <li class="timeline-entry">
                    <span class="at">{t.at}</span>
                    <span class="who">{t.actor}" · "{t.actor_unit}</span>
                    <span class="what"><span class="action">{t.action}</span>" → "<span class="to">{t.to}</span></span>
                    {t.reason.map(|r| view! { <span class="reason">"原因："{r}</span> })}
                </li>
            }).collect_view()}
        </ol>
    }
}

/// A confirmation step: what is about to happen (children), 【取消】 and the
/// confirming button (disabled while `busy`).
#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] confirm: String,
    #[prop(into)] busy: Signal<bool>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="confirm" role="dialog" aria-label=title>
            {children()}
            <div class="actions">
                <button class="secondary" on:click=move |_| on_cancel.run(())>"取消"</button>
                <button class="primary" disabled=move || busy.get() on:click=move |_| on_confirm.run(())>{confirm}</button>
            </div>
        </div>
    }
}

/// A confirmation that asks for a reason (required or optional); the message
/// for a missing one is shown next to the field, and nothing typed is lost.
#[component]
pub fn ReasonDialog(
    #[prop(into)] title: String,
    #[prop(into)] text: String,
    #[prop(into)] label: String,
    required: bool,
    #[prop(into)] confirm: String,
    error: RwSignal<Option<AppError>>,
    #[prop(into)] busy: Signal<bool>,
    on_confirm: Callback<String>,
    on_cancel: Callback<()>,
    /// The message for a missing required reason.
    #[prop(optional)]
    missing: Option<&'static str>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let send = Callback::new(move |_: ()| {
        let r = reason.get_untracked();
        if required && r.trim().is_empty() {
            error.set(Some(AppError::field("reason", missing.unwrap_or("请填写原因"))));
        } else {
            on_confirm.run(r);
        }
    });
    let aria = label.clone();
    view! {
        <ConfirmDialog title confirm busy on_confirm=send on_cancel>
            <p>{text}</p>
            <label class="field"><span>{label}</span>
                <textarea name="reason" aria-label=aria maxlength="500" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea></label>
            <FieldMsg error field="reason" />
        </ConfirmDialog>
    }
}
