//! Demo mode only: the SMS messages the system "sent" (instead of phones).

use leptos::prelude::*;

use crate::auth::api::sms_outbox;

#[component]
pub fn Outbox() -> impl IntoView {
    let messages = LocalResource::new(sms_outbox);
    view! {
        <section class="card outbox">
            <h2>"短信发件箱（演示环境）"</h2>
            <p class="muted">"演示环境不发送真实短信，验证码显示在此处。"</p>
            {move || match messages.get() {
                None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">"暂无短信"</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <table class="list">
                        <thead><tr><th>"时间"</th><th>"手机号码"</th><th>"内容"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|m| view! {
                                <tr class="sms"><td>{m.sent_at}</td><td class="phone">{m.phone}</td><td class="text">{m.text}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}
