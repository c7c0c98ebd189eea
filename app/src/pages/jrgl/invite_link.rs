//! 邀请链接 on the invitation pages: the QR code (drawn by the server), the
//! link with 【复制链接】 and, for the direct unit, 【重新生成】. The use unit's
//! page shows the same code, so a desktop user can go on with the phone.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::invite_link::api::{invitation_link, regenerate_invitation_link, InviteLinkView};
use crate::error::AppError;
use crate::pages::api_credentials::copy_to_clipboard;

#[component]
pub fn InviteLinkPanel(id: i64, regenerate: bool) -> impl IntoView {
    let link = RwSignal::new(None::<Result<Option<InviteLinkView>, AppError>>);
    let notice = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    spawn_local(async move { link.set(Some(invitation_link(id).await)) });
    let again = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let r = regenerate_invitation_link(id).await;
            busy.set(false);
            notice.set(r.is_ok().then_some("已重新生成，原链接已失效"));
            link.set(Some(r.map(Some)));
        });
    };
    move || match link.get() {
        None | Some(Ok(None)) => ().into_any(),
        Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        Some(Ok(Some(l))) => {
            let url = l.url.clone();
            view! {
                <div class="invite-link" data-testid="invite-link">
                    <h3>"邀请链接"</h3>
                    <div class="qr" role="img" aria-label="邀请链接二维码" inner_html=l.qr_svg></div>
                    <p class="link-url"><code>{l.url.clone()}</code></p>
                    <p class="muted small">
                        {if l.expired { "链接已过期，请重新生成。".to_string() } else { format!("有效期至{}。", l.expires_at) }}
                        "使用单位的法定代表人、财务负责人会收到含此链接的短信，也可用手机扫码打开。"
                    </p>
                    <div class="actions">
                        <button class="secondary" on:click=move |_| notice.set(copy_to_clipboard(&url).then_some("已复制"))>"复制链接"</button>
                        {regenerate.then(|| view! { <button class="secondary" disabled=move || busy.get() on:click=again>"重新生成"</button> })}
                        {move || notice.get().map(|n| view! { <span class="notice" role="status">{n}</span> })}
                    </div>
                </div>
            }
            .into_any()
        }
    }
}
