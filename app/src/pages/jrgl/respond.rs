//! 【接入管理】→【响应邀请】 (manual §4.3–4.4): the use unit's invitations, one
//! invitation with its facts, proof material and timeline, and the actions the
//! server offers the viewer (`InvitationView::actions`): 自用类 【确认】 / 【拒绝】,
//! 联用类 【授权】 (开票人员配置, 开票安全验证时间配置) / 【拒绝】, 解除绑定.
//!
//! The relationship proof material can be replaced (§4.3.1.1 "可按需修改并提交")
//! while responding and once bound.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::invite::InvitationFacts;
use super::Frame;
use crate::invitation::api::*;
use crate::components::{failed, loading, use_load, ConfirmDialog, FormMsg, Loaded, ReasonDialog, Submit, Timeline};
use crate::invitation::rules::{InvitationAction, InvitationStatus, ReasonRule};
use crate::error::AppError;
use crate::pages::invitation_act::{use_invitation_act, ActArgs, AuthorizeFields};

/// 【响应邀请】: every invitation received, with its status and reason.
#[component]
pub fn RespondListPage() -> impl IntoView {
    let rows = use_load(received_invitations);
    view! {
        <Frame>
            <section class="card respond-list">
                <h2>"响应邀请"</h2>
                <p class="actions"><A href="/jrgl/respond/apply" attr:class="button secondary">"申请授权"</A></p>
                {rows.view(|list: Vec<InvitationRow>| if list.is_empty() {
                    view! { <p class="empty">"暂无接入邀请"</p> }.into_any()
                } else { view! {
                        <table class="list invitations received">
                            <thead><tr><th>"直连单位"</th><th>"统一社会信用代码"</th><th>"单位关系"</th><th>"邀请状态"</th><th>"更新时间"</th><th>"操作"</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|r| view! {
                                    <tr data-code=r.credit_code.clone() data-id=r.id>
                                        <td data-label="直连单位">{r.name.clone()}</td>
                                        <td data-label="统一社会信用代码" class="text">{r.credit_code.clone()}</td>
                                        <td data-label="单位关系">{r.relationship.clone()}"（"{r.category.clone()}"）"</td>
                                        <td data-label="邀请状态"><span class="status" data-status=r.status.clone()>{r.status.clone()}</span>
                                            {r.reason.clone().map(|x| view! { <span class="reason small">" 原因："{x}</span> })}</td>
                                        <td data-label="更新时间">{r.updated_at.clone()}</td>
                                        <td data-label="操作"><A href=format!("/jrgl/respond/{}", r.id)>"查看详情"</A></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any() })}
            </section>
        </Frame>
    }
}

/// One invitation received: facts, timeline and the viewer's actions
/// (`InvitationView::actions`, matched as `InvitationAction`s).
#[component]
pub fn RespondPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let data: Loaded<InvitationView> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let open = RwSignal::new(None::<InvitationAction>);
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let id = id();
        spawn_local(async move { data.set(Some(invitation_detail(id).await)) });
    });
    let proof = NodeRef::<leptos::html::Input>::new();
    let replace = Callback::new(move |version: i64| {
        spawn_local(async move {
            error.set(None);
            match super::invite::send_proof(proof).await {
                Ok(Some(m)) => match replace_invitation_proof(id(), version, m).await {
                    Ok(v) => {
                        message.set(Some("单位关系证明材料已变更".into()));
                        data.set(Some(Ok(v)));
                    }
                    Err(e) => error.set(Some(e)),
                },
                Ok(None) => error.set(Some(AppError::field("proof", "请选择证明材料文件"))),
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let act = use_invitation_act(error, move |r, action| {
        message.set(Some(format!("{}成功，当前状态：{}", action.label(), r.status)));
        open.set(None);
        spawn_local(async move { data.set(Some(invitation_detail(r.id).await)) });
    });
    view! {
        <Frame>
            <section class="card invitation respond">
                <h2>"邀请详情"</h2>
                <p><A href="/jrgl/respond">"返回响应邀请"</A></p>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || match data.get() {
                    None => loading(),
                    Some(Err(e)) => failed(&e),
                    Some(Ok(v)) => {
                        let v2 = v.clone();
                        view! {
                            <InvitationFacts v=v.clone() />
                            {crate::invite_link::rules::needs_use_unit(&v.status).then(|| view! { <super::invite_link::InviteLinkPanel id=v.id regenerate=false /> })}
                            {v.proof_material_id.is_none().then(|| view! { <p class="muted small">"直连单位未上传单位关系证明材料。"</p> })}
                            {(v.status.is_bound() || v.status == InvitationStatus::AwaitingResponse).then(|| { let version = v.version; view! {
                                <div class="replace-proof">
                                    <super::invite::ProofInput input=proof error=error label="上传或变更单位关系证明材料（PDF/JPG/PNG，不超过10MB）" />
                                    <button class="secondary" on:click=move |_| replace.run(version)>"上传并变更"</button>
                                </div>
                            }})}
                            <h3>"办理过程"</h3>
                            <Timeline entries=v.timeline.clone() />
                            <ActionButtons actions=v.actions.clone() open error />
                            {move || open.get().map(|a| view! { <ActionDialog v=v2.clone() action=a act open /> })}
                        }.into_any()
                    }
                }}
                <FormMsg error=error />
            </section>
        </Frame>
    }
}

/// A button per action the server offers; a refusal or an ending looks like one.
#[component]
pub fn ActionButtons(actions: Vec<InvitationAction>, open: RwSignal<Option<InvitationAction>>, error: RwSignal<Option<AppError>>) -> impl IntoView {
    view! {
        <div class="actions">
            {actions.into_iter().map(|a| view! {
                <button class=if a.is_negative() { "secondary danger" } else { "primary" } on:click=move |_| { error.set(None); open.set(Some(a)) }>{a.label()}</button>
            }).collect_view()}
        </div>
    }
}

/// The step of one action: what it will do, the reason when it takes one, 授权's configuration.
#[component]
fn ActionDialog(v: InvitationView, action: InvitationAction, act: Submit<ActArgs>, open: RwSignal<Option<InvitationAction>>) -> impl IntoView {
    let args = ActArgs::new(v.id, v.version, action);
    let cancel = Callback::new(move |_: ()| open.set(None));
    let busy = Signal::derive(move || act.busy());
    let error = act.error;
    match action {
        InvitationAction::Confirm => {
            let send = Callback::new(move |_: ()| act.run(args.clone()));
            view! {
                <ConfirmDialog title="确认接入邀请" confirm="确认提交" busy on_confirm=send on_cancel=cancel>
                    <p>"请确认以下信息，确认后接入邀请将提交主管税务机关受理："</p>
                    <dl class="facts">
                        <dt>"直连单位"</dt><dd>{v.direct_name.clone()}</dd>
                        <dt>"主管税务机关"</dt><dd data-testid="confirm-office">{v.use_tax_office.clone()}</dd>
                        <dt>"单位关系"</dt><dd data-testid="confirm-relationship">{v.relationship.clone()}"（"{v.category.clone()}"）"</dd>
                    </dl>
                </ConfirmDialog>
            }
            .into_any()
        }
        InvitationAction::Authorize => view! { <AuthorizeForm v args act open /> }.into_any(),
        // Not the use unit's steps: the page never offers them.
        InvitationAction::Reinvite | InvitationAction::UnbindUseUnit | InvitationAction::Accept | InvitationAction::NotAccept | InvitationAction::ConfirmPass | InvitationAction::ConfirmReject => ().into_any(),
        InvitationAction::Decline | InvitationAction::RefuseAuthorization | InvitationAction::UnbindDirectUnit => {
            let send = Callback::new(move |r: String| act.run(args.clone().reason(r)));
            let (title, text, label, confirm) = match action {
                InvitationAction::UnbindDirectUnit => (
                    "确认解除绑定",
                    format!("确定解除与直连单位{}的绑定关系吗？解除后将不能再通过该直连单位使用乐企服务。", v.direct_name),
                    "解除原因",
                    "确认解除",
                ),
                InvitationAction::Decline
                | InvitationAction::RefuseAuthorization
                | InvitationAction::Confirm
                | InvitationAction::Authorize
                | InvitationAction::Reinvite
                | InvitationAction::UnbindUseUnit
                | InvitationAction::Accept
                | InvitationAction::NotAccept
                | InvitationAction::ConfirmPass
                | InvitationAction::ConfirmReject => ("确认拒绝", format!("确定拒绝{}的接入邀请吗？", v.direct_name), "拒绝原因（选填）", "确认拒绝"),
            };
            let required = action.reason() == ReasonRule::Required;
            view! { <ReasonDialog title text label required confirm error busy on_confirm=send on_cancel=cancel /> }.into_any()
        }
    }
}

/// 联用类 【授权】: 开票人员配置 (at least one 开票员) and 开票安全验证时间配置.
#[component]
fn AuthorizeForm(v: InvitationView, args: ActArgs, act: Submit<ActArgs>, open: RwSignal<Option<InvitationAction>>) -> impl IntoView {
    let options = use_load(move || authorize_options(v.id));
    let chosen = RwSignal::new(Vec::<i64>::new());
    let period = RwSignal::new(String::new());
    let error = act.error;
    let send = Callback::new(move |_: ()| act.run(ActArgs { invoicers: chosen.get_untracked(), period: period.get_untracked(), ..args.clone() }));
    view! {
        <ConfirmDialog title="授权" confirm="确认授权" busy=Signal::derive(move || act.busy()) on_confirm=send on_cancel=Callback::new(move |_: ()| open.set(None))>
            <p>{format!("授权直连单位{}为本单位提供乐企联用服务。授权后双方正式建立绑定关系。", v.direct_name)}</p>
            {options.view(move |o: AuthorizeChoices| view! {
                <AuthorizeFields invoicers=o.invoicers.into_iter().map(|i| (i.link_id, i.name)).collect() periods=o.periods.into_iter().map(|p| (p.code, p.label)).collect() chosen period error />
            })}
        </ConfirmDialog>
    }
}
