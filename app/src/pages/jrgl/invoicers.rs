//! 【接入管理】→【开票人员登记及管理】 (manual §4.5).

use leptos::prelude::*;

use super::Frame;

#[component]
pub fn InvoicersPage() -> impl IntoView {
    view! { <Frame><crate::components::NotYetOpen title="开票人员登记及管理".to_string() /></Frame> }
}
