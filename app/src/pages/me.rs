//! 【我的信息】: 用户管理 → 授权信息 (法定代表人、财务负责人), 修改密码, 登录设备.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::accounts::api::{add_user, change_password, end_session, find_registered_person, list_users, my_sessions, set_user_grants, SessionRow, UserRow};
use crate::components::session::use_session;
use crate::components::{use_load, FieldMsg, FormMsg};
use crate::kernel::{Grants, Module};
use crate::kernel::{Identity, Principal};
use crate::error::AppError;
use crate::components::shell::TaxpayerOnly;

fn is_principal() -> bool {
    matches!(use_session().principal.get_untracked(), Some(Principal::Taxpayer(t)) if t.identity.is_principal())
}

#[component]
fn MeNav() -> impl IntoView {
    let principal = is_principal();
    view! {
        <nav class="menus" aria-label="我的信息">
            <div class="menu">
                <h3>"我的信息"</h3>
                <ul>
                    {principal.then(|| view! { <li><A href="/me/users">"用户管理 · 授权信息"</A></li> })}
                    <li><A href="/me/password">"修改密码"</A></li>
                    <li><A href="/me/sessions">"登录设备"</A></li>
                    <li><A href="/leqi">"返回乐企首页"</A></li>
                </ul>
            </div>
        </nav>
    }
}

#[component]
pub fn MePage() -> impl IntoView {
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <MeNav />
                <section class="card">
                    <h2>"我的信息"</h2>
                    <p class="muted">"法定代表人、财务负责人可在【用户管理】→【授权信息】中添加用户、授权和回收权限。"</p>
                </section>
            </div>
        </TaxpayerOnly>
    }
}

fn grant_labels(g: &Grants) -> String {
    if g.is_empty() {
        "—".into()
    } else {
        g.0.iter().map(|m| m.label()).collect::<Vec<_>>().join("、")
    }
}

/// 【我的信息】→【用户管理】→【授权信息】
#[component]
pub fn UsersPage() -> impl IntoView {
    let users = use_load(list_users);
    let reload = move || users.reload();
    let editing: RwSignal<Option<UserRow>> = RwSignal::new(None);
    let adding = RwSignal::new(false);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);

    let revoke = move |u: UserRow| {
        let confirmed = web_confirm(&format!("回收{}（{}）的全部权限后，该用户将自动解绑，确定吗？", u.name, u.identity.label()));
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match set_user_grants(u.link_id, String::new()).await {
                Ok(_) => {
                    notice.set(Some(format!("已回收{}的全部权限，该用户已解绑", u.name)));
                    reload();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <MeNav />
                <section class="card users">
                    <div class="card-head">
                        <h2>"授权信息"</h2>
                        <button class="secondary" on:click=move |_| { adding.set(true); editing.set(None) }>"添加用户"</button>
                    </div>
                    {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
                    <FormMsg error />
                    <Show when=move || adding.get()>
                        <AddUserForm done=Callback::new(move |msg: Option<String>| {
                            adding.set(false);
                            if let Some(m) = msg { notice.set(Some(m)); reload(); }
                        }) />
                    </Show>
                    {move || editing.get().map(|u| view! {
                        <GrantEditor user=u done=Callback::new(move |msg: Option<String>| {
                            editing.set(None);
                            if let Some(m) = msg { notice.set(Some(m)); reload(); }
                        }) />
                    })}
                    {users.view(move |list: Vec<UserRow>| view! {
                            <table class="list">
                                <thead><tr><th>"姓名"</th><th>"身份"</th><th>"证件号码"</th><th>"手机号码"</th><th>"来源"</th><th>"状态"</th><th>"已授权功能"</th><th>"操作"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|u| {
                                        let (edit_u, revoke_u) = (u.clone(), u.clone());
                                        view! {
                                            <tr class="user" data-name=u.name.clone() data-identity=u.identity.label()>
                                                <td class="name">{u.name.clone()}</td>
                                                <td>{u.identity.label()}</td>
                                                <td>{u.id_number_masked.clone()}</td>
                                                <td>{u.phone_masked.clone()}</td>
                                                <td>{u.source.clone()}</td>
                                                <td class="state">{if u.bound { "已绑定" } else { "未绑定企业" }}</td>
                                                <td class="grants">{grant_labels(&u.grants)}</td>
                                                <td class="ops">
                                                    {u.manageable.then(|| view! {
                                                        <button class="link" on:click=move |_| { adding.set(false); editing.set(Some(edit_u.clone())) }>"授权"</button>
                                                        {u.bound.then(|| view! { <button class="link danger" on:click=move |_| revoke(revoke_u.clone())>"回收权限"</button> })}
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                </section>
            </div>
        </TaxpayerOnly>
    }
}

/// A browser confirmation dialog (always "yes" outside the browser).
fn web_confirm(message: &str) -> bool {
    #[cfg(feature = "csr")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = message;
        true
    }
}

/// 【授权】: tick the modules this user may use.
#[component]
fn GrantEditor(user: UserRow, done: Callback<Option<String>>) -> impl IntoView {
    let ticked: Vec<(Module, RwSignal<bool>)> = Module::ALL.into_iter().map(|m| (m, RwSignal::new(user.grants.allows(m)))).collect();
    let ticked = StoredValue::new(ticked);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let name = user.name.clone();
    let save = move |_: leptos::ev::MouseEvent| {
        let codes: Vec<&str> = ticked.with_value(|t| t.iter().filter(|(_, s)| s.get_untracked()).map(|(m, _)| m.code()).collect());
        let codes = codes.join(",");
        let name = name.clone();
        let unbinding = codes.is_empty();
        if unbinding && !web_confirm("未勾选任何权限，该用户将自动解绑，确定吗？") {
            return;
        }
        spawn_local(async move {
            match set_user_grants(user.link_id, codes).await {
                Ok(true) => done.run(Some(format!("已更新{name}的权限"))),
                Ok(false) => done.run(Some(format!("已回收{name}的全部权限，该用户已解绑"))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="card inset grant-editor">
            <h3>{format!("授权：{}（{}）", user.name, user.identity.label())}</h3>
            <fieldset class="checks">
                <legend>"我要办税"</legend>
                {ticked.with_value(|t| t.iter().map(|(m, s)| {
                    let s = *s;
                    view! { <label class="check"><input type="checkbox" name=m.code() prop:checked=move || s.get() on:change=move |ev| s.set(event_target_checked(&ev)) />{m.label()}</label> }
                }).collect_view())}
            </fieldset>
            <FormMsg error />
            <div class="actions">
                <button class="link" on:click=move |_| done.run(None)>"取消"</button>
                <button class="primary" on:click=save>"确定"</button>
            </div>
        </div>
    }
}

/// 【添加用户】: a person who completed real-name registration, with a password for this enterprise.
#[component]
fn AddUserForm(done: Callback<Option<String>>) -> impl IntoView {
    let id_number = RwSignal::new(String::new());
    let identity = RwSignal::new("TaxClerk".to_string());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let found: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let search = move |_: leptos::ev::MouseEvent| {
        spawn_local(async move {
            match find_registered_person(id_number.get_untracked()).await {
                Ok(p) => {
                    error.set(None);
                    found.set(Some(format!("{}（{}）", p.name_masked, p.id_number_masked)));
                }
                Err(e) => {
                    found.set(None);
                    error.set(Some(e));
                }
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ident = if identity.get_untracked() == "InvoiceClerk" { Identity::InvoiceClerk } else { Identity::TaxClerk };
        spawn_local(async move {
            match add_user(id_number.get_untracked(), ident, password.get_untracked(), confirm.get_untracked()).await {
                Ok(()) => done.run(Some(format!("已添加用户（{}）", ident.label()))),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="card inset add-user" on:submit=submit novalidate>
            <h3>"添加用户"</h3>
            <label class="field">
                <span>"证件号码（已完成实名注册的人员）"</span>
                <div class="sms-row">
                    <input name="id_number" maxlength="18" placeholder="请输入居民身份证号码" bind:value=id_number />
                    <button type="button" class="secondary" on:click=search>"查询"</button>
                </div>
                <FieldMsg error field="id_number" />
                {move || found.get().map(|f| view! { <p class="notice">"已找到："{f}</p> })}
            </label>
            <label class="field">
                <span>"身份"</span>
                <select name="identity" on:change=move |ev| identity.set(event_target_value(&ev))>
                    <option value="TaxClerk">"办税员"</option>
                    <option value="InvoiceClerk">"开票员"</option>
                </select>
                <FieldMsg error field="identity" />
            </label>
            <label class="field">
                <span>"设置该办税人在本企业的登录密码"</span>
                <input name="password" type="password" autocomplete="new-password" placeholder="至少8位，须包含字母和数字" bind:value=password />
                <FieldMsg error field="password" />
            </label>
            <label class="field">
                <span>"确认密码"</span>
                <input name="confirm" type="password" autocomplete="new-password" placeholder="请再次输入密码" bind:value=confirm />
                <FieldMsg error field="confirm" />
            </label>
            <FormMsg error />
            <div class="actions">
                <button type="button" class="link" on:click=move |_| done.run(None)>"取消"</button>
                <button class="primary" type="submit">"创建用户"</button>
            </div>
        </form>
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            match change_password(old.get_untracked(), new.get_untracked(), confirm.get_untracked()).await {
                Ok(()) => {
                    error.set(None);
                    done.set(true);
                    old.set(String::new());
                    new.set(String::new());
                    confirm.set(String::new());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <MeNav />
                <form class="card narrow" on:submit=submit novalidate>
                    <h2>"修改密码"</h2>
                    <Show when=move || done.get()><p class="notice">"密码修改成功"</p></Show>
                    <label class="field"><span>"原密码"</span>
                        <input name="old" type="password" autocomplete="current-password" bind:value=old />
                        <FieldMsg error field="old" /></label>
                    <label class="field"><span>"新密码"</span>
                        <input name="new" type="password" autocomplete="new-password" placeholder="至少8位，须包含字母和数字" bind:value=new />
                        <FieldMsg error field="password" /></label>
                    <label class="field"><span>"确认新密码"</span>
                        <input name="confirm" type="password" autocomplete="new-password" bind:value=confirm />
                        <FieldMsg error field="confirm" /></label>
                    <FormMsg error />
                    <button class="primary" type="submit">"确定"</button>
                </form>
            </div>
        </TaxpayerOnly>
    }
}

#[component]
pub fn SessionsPage() -> impl IntoView {
    let sessions = use_load(my_sessions);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    view! {
        <TaxpayerOnly>
            <div class="leqi">
                <MeNav />
                <section class="card">
                    <h2>"登录设备"</h2>
                    <FormMsg error />
                    {sessions.view(move |list: Vec<SessionRow>| view! {
                            <table class="list">
                                <thead><tr><th>"设备"</th><th>"企业"</th><th>"登录时间"</th><th>"最近活动"</th><th>"操作"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|s| {
                                        let id = s.id.clone();
                                        view! {
                                            <tr class="session" class:current=s.current>
                                                <td>{s.device.clone()}{s.current.then(|| view! { <span class="tag">"当前"</span> })}</td>
                                                <td>{s.enterprise_name.clone()}</td>
                                                <td>{s.created_at.clone()}</td>
                                                <td>{s.last_seen_at.clone()}</td>
                                                <td>{(!s.current).then(|| view! {
                                                    <button class="link" on:click=move |_| {
                                                        let id = id.clone();
                                                        spawn_local(async move {
                                                            match end_session(id).await {
                                                                Ok(()) => sessions.reload(),
                                                                Err(e) => error.set(Some(e)),
                                                            }
                                                        });
                                                    }>"退出"</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                </section>
            </div>
        </TaxpayerOnly>
    }
}
