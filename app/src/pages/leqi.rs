//! The Leqi home after login, with the manual's menus (§3.3–4.5).

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use leptos::task::spawn_local;

use crate::leqi::api::access_home;
use crate::components::session::use_session;
use crate::components::shell::{leave_for, TaxpayerOnly};
use crate::components::NotYetOpen;
use crate::kernel::Module;
use crate::kernel::Principal;

/// (path, label) of 【接入管理】's entries.
pub const ACCESS_MENU: &[(&str, &str)] = &[
    ("/leqi/access/apply", "接入申请"),
    ("/jrgl/invite", "接入邀请"),
    ("/jrgl/respond", "响应邀请"),
    ("/jrgl/invoicers", "开票人员登记及管理"),
];

fn title_for(section: &str, page: &str) -> Option<&'static str> {
    match (section, page) {
        ("access", "") => Some("接入管理"),
        ("capability", _) => Some("能力中心"),
        ("messages", _) => Some("消息中心"),
        ("notices", _) => Some("版本升级通知"),
        ("measures", _) => Some("管理措施"),
        ("access", p) => ACCESS_MENU.iter().find(|(path, _)| path.ends_with(&format!("/{p}"))).map(|(_, l)| *l),
        _ => None,
    }
}

/// The menus this user was granted (the server checks again on every call).
#[component]
pub fn Menus() -> impl IntoView {
    let session = use_session();
    let may = move |m: Module| matches!(session.principal.get(), Some(Principal::Taxpayer(t)) if t.may_use(m));
    view! {
        <nav class="menus" aria-label="乐企菜单">
            <Show when=move || may(Module::LeqiAccess)>
                <div class="menu">
                    <h3>"接入管理"</h3>
                    <ul>
                        {ACCESS_MENU.iter().map(|(href, label)| if href.starts_with("/jrgl") {
                            // 接入邀请 and the use unit's pages are their own app (jrgl.html).
                            view! { <li><a href=*href rel="external">{*label}</a></li> }.into_any()
                        } else {
                            view! { <li><A href=*href>{*label}</A></li> }.into_any()
                        }).collect_view()}
                    </ul>
                </div>
            </Show>
            <Show when=move || may(Module::LeqiCapability)>
                <div class="menu"><h3><a href="/nlzx" rel="external">"能力中心"</a></h3></div>
            </Show>
            <Show when=move || may(Module::LeqiMessages)>
                <div class="menu"><h3><A href="/leqi/messages">"消息中心"
                    {move || session.unread.get().filter(|n| *n > 0).map(|n| view! { <span class="badge">{crate::message::rules::unread_badge(n)}</span> })}
                </A></h3></div>
            </Show>
            <Show when=move || may(Module::LeqiAccess)>
                <div class="menu"><h3><A href="/leqi/notices">"版本升级通知"</A></h3></div>
                <div class="menu"><h3><A href="/leqi/measures">"管理措施"</A></h3></div>
            </Show>
        </nav>
    }
}

/// 【接入管理】 pages: what the server says about this unit (or why not).
#[component]
fn AccessSection(title: String, apply: bool) -> impl IntoView {
    let info = RwSignal::new(None);
    spawn_local(async move { info.set(Some(access_home().await)) });
    move || match info.get() {
        None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
        Some(Err(e)) => view! {
            <section class="card refused"><h2>{title.clone()}</h2><p class="form-error" role="alert">{e.to_string()}</p></section>
        }.into_any(),
        Some(Ok(_)) if apply => view! { <crate::pages::access::AccessApplyPage /> }.into_any(),
        Some(Ok(i)) => view! {
            <div>
                <p class="muted unit-line">{i.enterprise_name}" · "{i.credit_code}{i.direct_unit.map(|d| format!(" · 直连单位（{d}）"))}</p>
                <NotYetOpen title=title.clone() />
            </div>
        }.into_any(),
    }
}

#[component]
pub fn LeqiHome() -> impl IntoView {
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <Menus />
                <section class="card welcome">
                    <h2>"欢迎使用乐企数字开放平台"</h2>
                    <p>"请从左侧菜单选择业务：【接入管理】办理接入申请、接入邀请、响应邀请和开票人员登记；【能力中心】查看已订阅能力；【消息中心】查看通知。"</p>
                </section>
            </div>
        </TaxpayerOnly>
    }
}

#[component]
pub fn LeqiPage() -> impl IntoView {
    let params = use_params_map();
    let title = move || {
        let p = params.get();
        let section = p.get("section").unwrap_or_default();
        let page = p.get("page").unwrap_or_default();
        title_for(&section, &page).unwrap_or("页面不存在").to_string()
    };
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <Menus />
                {move || {
                    let p = params.get();
                    if p.get("section").as_deref() == Some("access") {
                        let apply = p.get("page").as_deref() == Some("apply");
                        view! { <AccessSection title=title() apply /> }.into_any()
                    } else if p.get("section").as_deref() == Some("capability") {
                        // 能力中心 is its own app (nlzx.html).
                        leave_for("/nlzx");
                        view! { <p class="loading">"正在跳转…"</p> }.into_any()
                    } else {
                        view! { <NotYetOpen title=title() /> }.into_any()
                    }
                }}
            </div>
        </TaxpayerOnly>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_titles_follow_the_manual() {
        assert_eq!(title_for("access", "apply"), Some("接入申请"));
        assert_eq!(title_for("access", "invoicers"), Some("开票人员登记及管理"));
        assert!(ACCESS_MENU[1..].iter().all(|(p, _)| p.starts_with("/jrgl/")));
        assert_eq!(title_for("capability", ""), Some("能力中心"));
        assert_eq!(title_for("nope", "x"), None);
    }
}
