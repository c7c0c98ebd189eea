//! 【资格管理】 as its own small bundle (`zgzl`, served at /zgzl): the header of every bundle,
//! then `pages::lifecycle`'s panel and the 关系报告 for a signed-in taxpayer with 接入管理 (the
//! server checks again on every call).

use leptos::prelude::*;
use leptos_router::components::{Route, Routes};
use leptos_router::hooks::use_query_map;
use leptos_router::path;

use crate::kernel::Module;
use crate::components::session::use_session;
use crate::components::shell::{leave_for, AppShell, NotFound};
use crate::kernel::Principal;
use crate::lifecycle::rules::UnitAction;
use crate::pages::lifecycle::LifecyclePanel;
use crate::pages::relationship_reports::RelationshipReportsPanel;

#[component]
pub fn ZgzlApp() -> impl IntoView {
    view! {
        <AppShell>
            <Routes fallback=|| view! { <NotFound href="/leqi" label="返回首页" external=true /> }>
                <Route path=path!("/zgzl") view=Frame />
            </Routes>
        </AppShell>
    }
}

/// `/zgzl` (`?do=RequestExtension` … opens that form at once: the links on 【接入申请】).
#[component]
fn Frame() -> impl IntoView {
    let session = use_session();
    let initial = use_query_map().with_untracked(|q| q.get("do")).and_then(|a| {
        [UnitAction::RequestExtension, UnitAction::RequestChange, UnitAction::FileTermination].into_iter().find(|x| format!("{x:?}") == a)
    });
    move || {
        if !session.loaded.get() {
            return view! { <p class="loading">"正在加载…"</p> }.into_any();
        }
        match session.principal.get() {
            Some(Principal::Taxpayer(t)) if t.may_use(Module::LeqiAccess) => view! {
                <div class="leqi">
                    <nav class="menus" aria-label="乐企菜单">
                        <div class="menu"><h3><a href="/leqi" rel="external">"乐企首页"</a></h3></div>
                        <div class="menu"><h3><a href="/leqi/access/apply" rel="external">"接入申请"</a></h3></div>
                    </nav>
                    <div class="content"><LifecyclePanel initial=initial /><RelationshipReportsPanel /></div>
                </div>
            }
            .into_any(),
            Some(Principal::Taxpayer(_)) => view! {
                <section class="card refused"><h2>"资格管理"</h2><p class="form-error" role="alert">{format!("您没有【{}】的权限，请联系法定代表人或财务负责人授权", Module::LeqiAccess.label())}</p></section>
            }
            .into_any(),
            _ => {
                leave_for("/login");
                view! { <p class="loading">"请先登录…"</p> }.into_any()
            }
        }
    }
}
