//! 【接入管理】's invitation pages as their own bundle (`jrgl`, served at
//! /jrgl): 接入邀请 for the direct unit (manual §3.4–3.5), 响应邀请 and
//! 开票人员登记及管理 for the use unit (ch. 4). The portal links here with full
//! page loads; the session cookie is the same.

pub mod admin;
pub mod invite;
pub mod invite_link;
pub mod invoicers;
pub mod requests;
pub mod respond;

use leptos::prelude::*;
use leptos_router::components::{Route, Routes, A};
use leptos_router::path;

use crate::components::session::use_session;
use crate::components::shell::{leave_for, AppShell, LeaveHere};
use crate::kernel::Module;
use crate::kernel::Principal;

/// 【接入管理】's entries; the first lives in the portal.
pub const MENU: &[(&str, &str)] = &[
    ("/leqi/access/apply", "接入申请"),
    ("/jrgl/invite", "接入邀请"),
    ("/jrgl/respond", "响应邀请"),
    ("/jrgl/invoicers", "开票人员登记及管理"),
    ("/jrgl/audit", "审计日志"),
];

#[component]
pub fn JrglApp() -> impl IntoView {
    view! {
        <AppShell>
            // Any other path belongs to another bundle: load it afresh.
            <Routes fallback=|| view! { <LeaveHere /> }>
                <Route path=path!("/") view=|| view! { <Leave to="/" /> } />
                <Route path=path!("/login") view=LeaveHere />
                <Route path=path!("/me") view=|| view! { <Leave to="/me" /> } />
                <Route path=path!("/jrgl") view=|| view! { <Leave to="/jrgl/invite" /> } />
                <Route path=path!("/jrgl/invite") view=invite::InviteListPage />
                <Route path=path!("/jrgl/invite/new") view=invite::NewInvitationPage />
                <Route path=path!("/jrgl/invite/import") view=invite::ImportPage />
                // The jrgl_admin bundle's pages (bundles.json).
                <Route path=path!("/jrgl/invite/api") view=LeaveHere />
                <Route path=path!("/jrgl/invite/requests") view=LeaveHere />
                <Route path=path!("/jrgl/invite/requests/:id") view=LeaveHere />
                <Route path=path!("/jrgl/respond/apply") view=LeaveHere />
                <Route path=path!("/jrgl/respond/requests/:id") view=LeaveHere />
                <Route path=path!("/jrgl/invite/:id") view=invite::InvitationPage />
                <Route path=path!("/jrgl/respond") view=respond::RespondListPage />
                <Route path=path!("/jrgl/respond/:id") view=respond::RespondPage />
                <Route path=path!("/jrgl/invoicers") view=invoicers::InvoicersPage />
                <Route path=path!("/jrgl/audit") view=LeaveHere />
            </Routes>
        </AppShell>
    }
}

/// A full page load to another app of the site.
#[component]
fn Leave(to: &'static str) -> impl IntoView {
    Effect::new(move |_| leave_for(to));
    view! { <p class="loading">"正在跳转…"</p> }
}

/// The page frame: the menus, and the page for a signed-in taxpayer granted
/// 接入管理 (the server checks again on every call).
#[component]
pub fn Frame(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading">"正在加载…"</p> }.into_any();
        }
        match session.principal.get() {
            Some(Principal::Taxpayer(t)) if t.may_use(Module::LeqiAccess) => view! {
                <div class="leqi">
                    <nav class="menus" aria-label="乐企菜单">
                        <div class="menu">
                            <h3>"接入管理"</h3>
                            <ul>
                                {MENU.iter().map(|(href, label)| if href.starts_with("/jrgl") {
                                    view! { <li><A href=*href>{*label}</A></li> }.into_any()
                                } else {
                                    view! { <li><a href=*href rel="external">{*label}</a></li> }.into_any()
                                }).collect_view()}
                            </ul>
                        </div>
                    </nav>
                    <div class="content">{children()}</div>
                </div>
            }.into_any(),
            Some(Principal::Taxpayer(_)) => view! {
                <section class="card refused"><h2>"接入管理"</h2><p class="form-error" role="alert">{format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiAccess.label())}</p></section>
            }.into_any(),
            _ => {
                if let Some(w) = web_sys_location() {
                    leave_for(&format!("/login?next={w}"));
                }
                view! { <p class="loading">"请先登录…"</p> }.into_any()
            }
        }
    }
}

/// The current path (for coming back after login).
fn web_sys_location() -> Option<String> {
    #[cfg(feature = "csr")]
    {
        let l = web_sys::window()?.location();
        Some(format!("{}{}", l.pathname().ok()?, l.search().ok()?))
    }
    #[cfg(not(feature = "csr"))]
    {
        Some(String::new())
    }
}
