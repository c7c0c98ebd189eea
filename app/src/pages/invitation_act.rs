//! An invitation's actions as the web 【响应邀请】 / 【接入邀请】 pages and the H5
//! 【接入确认】 share them: one submission of `invitation_act` (typed
//! `InvitationAction`s, never labels), and the 授权 fields (开票人员配置,
//! 开票安全验证时间配置).

use leptos::prelude::*;

use crate::invitation::api::invitation_act;
use crate::kernel::Acted;
use crate::components::{use_submit, FieldMsg, Submit};
use crate::invitation::rules::InvitationAction;
use crate::error::AppError;

/// One action with what it carries (a reason; for 授权 the 开票员 and the period).
#[derive(Debug, Clone, Default)]
pub struct ActArgs {
    pub id: i64,
    pub version: i64,
    pub action: Option<InvitationAction>,
    pub reason: String,
    pub invoicers: Vec<i64>,
    pub period: String,
}

impl ActArgs {
    pub fn new(id: i64, version: i64, action: InvitationAction) -> Self {
        ActArgs { id, version, action: Some(action), ..Default::default() }
    }
    pub fn reason(mut self, reason: String) -> Self {
        self.reason = reason;
        self
    }
}

/// Sends one action; `done` gets the answer and the action taken.
pub fn use_invitation_act(error: RwSignal<Option<AppError>>, done: impl Fn(Acted, InvitationAction) + 'static) -> Submit<ActArgs> {
    use_submit(
        error,
        |a: ActArgs| async move {
            let action = a.action.ok_or(AppError::Internal)?;
            invitation_act(a.id, a.version, action, a.reason, a.invoicers, a.period).await.map(|r| (r, action))
        },
        move |(r, action)| done(r, action),
    )
}

/// 开票人员配置 (at least one 开票员) and 开票安全验证时间配置, as (link id, name)
/// and (code, label).
#[component]
pub fn AuthorizeFields(invoicers: Vec<(i64, String)>, periods: Vec<(String, String)>, chosen: RwSignal<Vec<i64>>, period: RwSignal<String>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    view! {
        <fieldset class="field invoicers">
            <legend>"开票人员配置"</legend>
            {invoicers.is_empty().then(|| view! { <p class="muted small">"本单位暂无开票员，请先在【我的信息】→【用户管理】中添加开票员。"</p> })}
            {invoicers.into_iter().map(|(lid, name)| view! {
                <label class="check"><input type="checkbox" name="invoicer" value=lid
                    prop:checked=move || chosen.with(|c| c.contains(&lid))
                    on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.retain(|x| *x != lid); if on { c.push(lid) } }) } />
                    {name}</label>
            }).collect_view()}
            <FieldMsg error field="invoicers" />
        </fieldset>
        <label class="field"><span>"开票安全验证时间配置"</span>
            <select name="period" aria-label="开票安全验证时间" on:change=move |ev| period.set(event_target_value(&ev))>
                <option value="">"请选择"</option>
                {periods.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()}
            </select></label>
        <FieldMsg error field="period" />
    }
}
