//! 【接入管理】→【响应邀请】 (manual §4.3–4.4): the use unit's invitations.

use leptos::prelude::*;

use super::Frame;

#[component]
pub fn RespondListPage() -> impl IntoView {
    view! { <Frame><crate::components::NotYetOpen title="响应邀请".to_string() /></Frame> }
}

#[component]
pub fn RespondPage() -> impl IntoView {
    view! { <Frame><crate::components::NotYetOpen title="响应邀请".to_string() /></Frame> }
}
