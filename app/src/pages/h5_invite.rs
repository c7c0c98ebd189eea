//! H5 【接入确认】 (manual §4.3.1.2, §4.3.2.2): 【待确认】 (the invitations that wait
//! for this unit) and 全部, one invitation with its proof material, and 确认 /
//! 拒绝 / 授权 (开票人员配置, 开票安全验证时间配置). The list is on the H5 home
//! (`bin/h5.rs`); one invitation is its own bundle ([`H5InviteApp`],
//! `bin/h5invite.rs`) at `/kkjrh5/invitation/ID`, opened by a full page load.
//!
//! Offline: nothing is cached (the service worker never caches `/api/`), and
//! when the connection drops what is on screen is replaced by 无网络 — a
//! status or decision is never shown from before, and no action can be sent.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::pages::h5_shell::{online, H5Route, H5Shell, Offline};
use crate::invitation::api::*;
use crate::components::{ConfirmDialog, ReasonDialog};
use crate::invitation::rules::InvitationAction;
use crate::error::AppError;
use crate::pages::invitation_act::{use_invitation_act, ActArgs, AuthorizeFields};

/// 【待确认】 / 全部.
#[component]
pub fn InviteList() -> impl IntoView {
    let online = online();
    let rows = RwSignal::new(None::<Result<Vec<InvitationRow>, AppError>>);
    let all = RwSignal::new(false);
    let load = Callback::new(move |_: ()| {
        rows.set(None);
        spawn_local(async move { rows.set(Some(received_invitations().await)) });
    });
    load.run(());
    // Back online: fetch afresh rather than trust what was shown before.
    Effect::new(move |was: Option<bool>| {
        let now = online.get();
        if now && was == Some(false) {
            load.run(());
        }
        now
    });
    view! {
        <nav class="h5-tabs" role="tablist">
            <button class="tab" class:active=move || !all.get() role="tab" aria-selected=move || (!all.get()).to_string() on:click=move |_| all.set(false)>"待确认"</button>
            <button class="tab" class:active=move || all.get() role="tab" aria-selected=move || all.get().to_string() on:click=move |_| all.set(true)>"全部"</button>
        </nav>
        {move || match (online.get(), rows.get()) {
            (false, _) | (_, Some(Err(AppError::Network))) => view! { <Offline retry=load /> }.into_any(),
            (_, None) => view! { <p class="loading">"正在加载…"</p> }.into_any(),
            (_, Some(Err(e))) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            (_, Some(Ok(list))) => {
                let shown: Vec<InvitationRow> = list.into_iter().filter(|r| all.get() || r.awaits_use_unit).collect();
                if shown.is_empty() {
                    let text = if all.get() { "暂无接入邀请" } else { "暂无待确认的接入邀请" };
                    view! { <section class="card"><p class="empty">{text}</p></section> }.into_any()
                } else {
                    view! {
                        <ul class="h5-list">
                            {shown.into_iter().map(|r| {
                                let id = r.id;
                                view! {
                                    <li>
                                        <a class="h5-item" data-id=id href=H5Route::Invitation(id).path()>
                                            <strong>{r.name}</strong>
                                            <small>{r.relationship}"（"{r.category}"）· "{r.updated_at}</small>
                                            <span class="status" data-status=r.status.clone()>{r.status.clone()}</span>
                                            {r.reason.map(|x| view! { <small class="reason">"原因："{x}</small> })}
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }
        }}
    }
}

/// The bundle of `/kkjrh5/invitation/ID`: the H5 shell around [`InviteDetail`]
/// (an address without an id shows the list's link instead).
#[component]
pub fn H5InviteApp() -> impl IntoView {
    let id = match H5Route::current() {
        H5Route::Invitation(id) => Some(id),
        H5Route::Home => None,
    };
    view! {
        <H5Shell>
            {match id {
                Some(id) => view! { <InviteDetail id=id /> }.into_any(),
                None => view! { <p><a class="link" href=H5Route::Home.path()>"‹ 返回待确认"</a></p> }.into_any(),
            }}
        </H5Shell>
    }
}

/// One invitation: facts, proof material, timeline, the viewer's actions
/// (`InvitationAction`s from the server, through the shared `invitation_act`).
#[component]
pub fn InviteDetail(id: i64) -> impl IntoView {
    let online = online();
    let data = RwSignal::new(None::<Result<H5InvitationCard, AppError>>);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let step = RwSignal::new(None::<InvitationAction>);
    let notice = RwSignal::new(None::<String>);
    let load = Callback::new(move |_: ()| {
        data.set(None);
        spawn_local(async move { data.set(Some(h5_invitation(id).await)) });
    });
    load.run(());
    Effect::new(move |was: Option<bool>| {
        let now = online.get();
        if now && was == Some(false) {
            step.set(None);
            load.run(());
        }
        now
    });
    let act = use_invitation_act(error, move |r, action| {
        notice.set(Some(format!("{}成功，当前状态：{}", action.label(), r.status)));
        step.set(None);
        load.run(());
    });
    // Offline, nothing can be sent.
    let busy = Signal::derive(move || !online.get() || act.busy());
    view! {
        <p><a class="link" href=H5Route::Home.path()>"‹ 返回待确认"</a></p>
        {move || match (online.get(), data.get()) {
            (false, _) | (_, Some(Err(AppError::Network))) => view! { <Offline retry=load /> }.into_any(),
            (_, None) => view! { <p class="loading">"正在加载…"</p> }.into_any(),
            (_, Some(Err(e))) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            (_, Some(Ok(v))) => {
                let (vid, version) = (v.id, v.version);
                let (invoicers, periods) = (v.invoicers.clone(), v.periods.clone());
                view! {
                    <section class="card h5-invite">
                        <h2>{v.direct_name.clone()}</h2>
                        {move || notice.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                        <dl class="facts">
                            <dt>"邀请状态"</dt><dd><strong class="status" data-status=v.status.clone()>{v.status.clone()}</strong></dd>
                            <dt>"直连单位"</dt><dd>{v.direct_code.clone()}</dd>
                            <dt>"单位关系"</dt><dd>{v.relationship.clone()}"（"{v.category.clone()}"）"</dd>
                            <dt>"主管税务机关"</dt><dd>{v.use_tax_office.clone()}</dd>
                        </dl>
                        {(!v.reason.is_empty()).then(|| view! { <p class="reason">"原因："{v.reason.clone()}</p> })}
                        {(!v.next_actor.is_empty()).then(|| view! { <p class="muted small">"待办理："{v.next_actor.clone()}</p> })}
                        {match v.proof_material_id {
                            Some(m) => view! { <p><a class="button secondary" href=format!("/api/materials/{m}") target="_blank" rel="external">"查看单位关系证明材料"</a></p> }.into_any(),
                            None => view! { <p class="muted small">"直连单位未上传单位关系证明材料。"</p> }.into_any(),
                        }}
                        {(!v.authorization.is_empty()).then(|| view! { <p class="small">{v.authorization.clone()}</p> })}
                        <details>
                            <summary>"办理过程"</summary>
                            <ol class="timeline">
                                {v.timeline.clone().into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                            </ol>
                        </details>
                        <div class="actions h5-actions">
                            // The use unit's actions; 解除绑定 is on the web page.
                            {v.actions.iter().filter(|a| **a != InvitationAction::UnbindDirectUnit).map(|&a| view! {
                                <button class=if a.is_negative() { "secondary danger" } else { "primary" } disabled=move || !online.get() on:click=move |_| { error.set(None); step.set(Some(a)) }>{a.label()}</button>
                            }).collect_view()}
                        </div>
                        {move || step.get().map(|a| {
                            let args = ActArgs::new(vid, version, a);
                            let cancel = Callback::new(move |_: ()| step.set(None));
                            match a {
                                InvitationAction::Confirm => view! {
                                    <ConfirmDialog title="确认接入邀请" confirm="确认提交" busy on_confirm=Callback::new(move |_: ()| act.run(args.clone())) on_cancel=cancel>
                                        <p>"确认后接入邀请将提交主管税务机关受理。"</p>
                                    </ConfirmDialog>
                                }.into_any(),
                                InvitationAction::Authorize => {
                                    let (chosen, period) = (RwSignal::new(Vec::<i64>::new()), RwSignal::new(String::new()));
                                    let (invoicers, periods) = (invoicers.clone(), periods.clone());
                                    let send = Callback::new(move |_: ()| act.run(ActArgs { invoicers: chosen.get_untracked(), period: period.get_untracked(), ..args.clone() }));
                                    view! {
                                        <ConfirmDialog title="授权" confirm="确认授权" busy on_confirm=send on_cancel=cancel>
                                            <AuthorizeFields invoicers periods chosen period error />
                                        </ConfirmDialog>
                                    }.into_any()
                                }
                                InvitationAction::Decline
                                | InvitationAction::RefuseAuthorization
                                | InvitationAction::UnbindDirectUnit
                                | InvitationAction::Reinvite
                                | InvitationAction::UnbindUseUnit
                                | InvitationAction::Accept
                                | InvitationAction::NotAccept
                                | InvitationAction::ConfirmPass
                                | InvitationAction::ConfirmReject => view! {
                                    <ReasonDialog title="确认拒绝" text="" label="拒绝原因（选填）" required=false confirm="确认拒绝" error busy
                                        on_confirm=Callback::new(move |r: String| act.run(args.clone().reason(r))) on_cancel=cancel />
                                }.into_any(),
                            }
                        })}
                        {move || error.get().and_then(|e| e.form_message()).map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    </section>
                }.into_any()
            }
        }}
    }
}
