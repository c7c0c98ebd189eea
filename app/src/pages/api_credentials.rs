//! 接口凭证 of 使用单位管理能力 (manual §3.4.1.3 上传邀请信息, §3.5.2 调用乐企能力接口
//! 上传解除信息): a panel for the 接入邀请 pages. Lists the unit's credentials;
//! the 法定代表人 / 财务负责人 may 【申请凭证】, 【重置密钥】 and 【停用】. A secret is
//! shown once, with a copy button.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api_credentials::api::{issue_api_credential, list_api_credentials, revoke_api_credential, rotate_api_secret, ApiCredentialRow, IssuedSecret};
use crate::components::FormMsg;
use crate::api_credentials::rules::CredentialStatus;
use crate::error::AppError;

fn confirm(message: &str) -> bool {
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

pub fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "csr")]
    {
        match web_sys::window() {
            Some(w) => {
                let _ = w.navigator().clipboard().write_text(text);
                true
            }
            None => false,
        }
    }
    #[cfg(not(feature = "csr"))]
    {
        let _ = text;
        false
    }
}

/// The secret, this once.
#[component]
fn SecretOnce(issued: IssuedSecret, done: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(false);
    let secret = issued.secret.clone();
    view! {
        <div class="api-secret" role="alertdialog" aria-label="接口密钥">
            <p class="form-error">"密钥只显示这一次，请立即复制并妥善保存；关闭后无法再次查看，遗失只能【重置密钥】。"</p>
            <dl>
                <dt>"AppId"</dt><dd><code data-testid="issued-app-id">{issued.app_id.clone()}</code></dd>
                <dt>"密钥"</dt><dd><code data-testid="issued-secret">{issued.secret.clone()}</code></dd>
                <dt>"密钥指纹"</dt><dd><code>{issued.fingerprint.clone()}</code></dd>
            </dl>
            <div class="actions">
                <button class="secondary" on:click=move |_| copied.set(copy_to_clipboard(&secret))>"复制密钥"</button>
                {move || copied.get().then(|| view! { <span class="notice">"已复制"</span> })}
                <button class="primary" on:click=move |_| done.run(())>"我已保存"</button>
            </div>
        </div>
    }
}

/// 接口凭证: for the 接入邀请 pages.
#[component]
pub fn ApiCredentialsPanel() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.get();
        list_api_credentials()
    });
    let shown: RwSignal<Option<IssuedSecret>> = RwSignal::new(None);
    let notice: RwSignal<Option<String>> = RwSignal::new(None);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);

    let after = move |r: Result<Option<IssuedSecret>, AppError>, msg: &'static str| {
        busy.set(false);
        match r {
            Ok(secret) => {
                error.set(None);
                notice.set(Some(msg.to_string()));
                shown.set(secret);
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let apply = move |_| {
        busy.set(true);
        notice.set(None);
        spawn_local(async move { after(issue_api_credential().await.map(Some), "已申请接口凭证") });
    };
    let rotate = move |c: ApiCredentialRow| {
        if !confirm(&format!("重置AppId {} 的密钥后，旧密钥立即失效，使用旧密钥的系统将无法调用。确定重置吗？", c.app_id)) {
            return;
        }
        busy.set(true);
        spawn_local(async move { after(rotate_api_secret(c.app_id, c.version).await.map(Some), "已重置密钥") });
    };
    let revoke = move |c: ApiCredentialRow| {
        if !confirm(&format!("停用AppId {} 后，该凭证的所有调用将被拒绝，且不能恢复。确定停用吗？", c.app_id)) {
            return;
        }
        busy.set(true);
        spawn_local(async move { after(revoke_api_credential(c.app_id, c.version).await.map(|_| None), "已停用接口凭证") });
    };

    view! {
        <section class="card api-credentials" aria-label="接口凭证">
            <div class="card-head">
                <h2>"接口凭证"</h2>
                {move || list.get().and_then(|r| r.ok()).filter(|l| l.may_manage).map(|_| view! {
                    <button class="secondary" disabled=move || busy.get() on:click=apply>"申请凭证"</button>
                })}
            </div>
            <p class="muted">"本单位信息系统可凭AppId和密钥调用乐企使用单位管理能力接口，上传邀请信息、上传解除信息、查询邀请状态。请求须签名，且只接受本单位接入申请中备案的IP地址。"</p>
            {move || notice.get().map(|n| view! { <p class="notice">{n}</p> })}
            <FormMsg error />
            {move || shown.get().map(|s| view! { <SecretOnce issued=s done=Callback::new(move |_| shown.set(None)) /> })}
            {move || match list.get() {
                None => view! { <p class="loading">"正在加载…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(l)) => {
                    let manage = l.may_manage;
                    let ips = if l.filed_ips.is_empty() { "无（请先完成接入申请）".to_string() } else { l.filed_ips.join("、") };
                    view! {
                        <p class="muted">"备案IP：" {ips} "　接口文档：" <a href=l.document_url.clone() target="_blank" rel="noopener">"OpenAPI"</a></p>
                        {if l.credentials.is_empty() {
                            view! { <p class="muted empty">"暂无接口凭证"</p> }.into_any()
                        } else {
                            view! {
                                <table class="list">
                                    <thead><tr><th>"AppId"</th><th>"密钥指纹"</th><th>"申请时间"</th><th>"申请人"</th><th>"最近重置"</th><th>"状态"</th>{manage.then(|| view! { <th>"操作"</th> })}</tr></thead>
                                    <tbody>
                                        {l.credentials.into_iter().map(|c| {
                                            let active = c.status == CredentialStatus::Active;
                                            let (rc, vc) = (c.clone(), c.clone());
                                            view! {
                                                <tr class="credential" data-app-id=c.app_id.clone()>
                                                    <td><code>{c.app_id.clone()}</code></td>
                                                    <td><code>{c.fingerprint.clone()}</code></td>
                                                    <td>{c.created_at.clone()}</td>
                                                    <td>{c.created_by.clone()}</td>
                                                    <td>{c.rotated_at.clone().unwrap_or_else(|| "—".into())}</td>
                                                    <td class="state">{c.status_label.clone()}{c.revoked_at.clone().map(|t| format!("（{t}）"))}</td>
                                                    {manage.then(|| view! {
                                                        <td class="ops">
                                                            {active.then(|| view! {
                                                                <button class="link" disabled=move || busy.get() on:click=move |_| rotate(rc.clone())>"重置密钥"</button>
                                                                <button class="link danger" disabled=move || busy.get() on:click=move |_| revoke(vc.clone())>"停用"</button>
                                                            })}
                                                        </td>
                                                    })}
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}
