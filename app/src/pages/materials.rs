//! 申请材料: the province's list with 上传 / 查看 / 删除 per material while the
//! application is a draft, and a read-only list (查看) afterwards. Uploads go
//! as the raw file to `POST /api/materials` (plain fetch, no multipart).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::materials::api::{delete_material, MaterialInfo};
#[cfg(feature = "csr")]
use crate::materials::api::MATERIALS_PATH;
use crate::components::FieldMsg;
use crate::materials::rules::{size_label, MaterialKind, MaterialRules, MAX_FILE_BYTES};
use crate::error::AppError;

/// The materials of a draft: one line per kind the province offers.
#[component]
pub fn MaterialsEditor(
    application_id: i64,
    rules: MaterialRules,
    materials: RwSignal<Vec<MaterialInfo>>,
    #[prop(into)] built_by_authorized: Signal<bool>,
    /// The submit errors (a missing material is named next to its line).
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let upload_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let slots = move || rules.slots(built_by_authorized.get());
    view! {
        <div class="materials">
            <p class="muted small">"支持PDF、JPG、PNG格式，单个文件不超过10MB。"</p>
            {move || slots().into_iter().map(|slot| {
                    let kind = slot.kind;
                    let field = kind.field();
                    let on_change = move |ev: leptos::ev::Event| pick(ev, application_id, kind, materials, upload_error);
                    view! {
                        <div class="material" data-kind=kind.code()>
                            <span class="material-label">{kind.label()}{if slot.required { view! { <em class="required">"（必传）"</em> }.into_any() } else { view! { <small class="muted">"（选传）"</small> }.into_any() }}</span>
                            <ul class="files">
                                {move || materials.get().into_iter().filter(|m| m.kind == kind).map(|m| {
                                    let id = m.id;
                                    let remove = move |_| spawn_local(async move {
                                        match delete_material(id).await {
                                            Ok(()) => materials.update(|l| l.retain(|x| x.id != id)),
                                            Err(e) => upload_error.set(Some(AppError::field(&kind.field(), e.to_string()))),
                                        }
                                    });
                                    view! {
                                        <li class="file">
                                            <span class="name">{m.file_name.clone()}</span>
                                            <span class="size muted">{size_label(m.size)}</span>
                                            <a href=m.url() target="_blank" rel="noopener">"查看"</a>
                                            <button class="link danger" on:click=remove>"删除"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <input type="file" name=field.clone() aria-label=format!("上传{}", kind.label()) accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" on:change=on_change />
                            <FieldMsg error=upload_error field=field.clone() />
                            <FieldMsg error field=field />
                        </div>
                    }
                }).collect_view()}
        </div>
    }
}

/// A file was chosen: refuse what is obviously too big here, send the rest.
fn pick(ev: leptos::ev::Event, application_id: i64, kind: MaterialKind, materials: RwSignal<Vec<MaterialInfo>>, upload_error: RwSignal<Option<AppError>>) {
    #[cfg(feature = "csr")]
    {
        use wasm_bindgen::JsCast;
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        upload_error.set(None);
        if file.size() > MAX_FILE_BYTES as f64 {
            upload_error.set(Some(AppError::field(&kind.field(), "文件大小不能超过10MB")));
            return;
        }
        spawn_local(async move {
            match send(Some(application_id), kind, file).await {
                Ok(m) => materials.update(|l| l.push(m)),
                Err(e) => upload_error.set(Some(match e {
                    AppError::Invalid(_) => e,
                    other => AppError::field(&kind.field(), other.to_string()),
                })),
            }
        });
    }
    #[cfg(not(feature = "csr"))]
    let _ = (ev, application_id, kind, materials, upload_error, MAX_FILE_BYTES);
}

/// Uploads a file as a material: of the application, or (None) unattached — a
/// 服务协议书 for a 事项变更, a 单位关系证明材料 for an invitation.
#[cfg(feature = "csr")]
pub(crate) async fn send(application_id: Option<i64>, kind: MaterialKind, file: web_sys::File) -> Result<MaterialInfo, AppError> {
    let name: String = file
        .name()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let owner = application_id.map(|id| format!("&application={id}")).unwrap_or_default();
    let url = format!("{MATERIALS_PATH}?kind={}&name={name}{owner}", kind.code());
    let res = gloo_net::http::Request::post(&url).body(file).map_err(|_| AppError::Network)?.send().await.map_err(|_| AppError::Network)?;
    let text = res.text().await.map_err(|_| AppError::Network)?;
    if res.ok() {
        serde_json::from_str(&text).map_err(|_| AppError::Internal)
    } else {
        Err(serde_json::from_str(&text).unwrap_or(AppError::Internal))
    }
}

/// The materials of a submitted application, to open.
#[component]
pub fn MaterialsList(materials: Vec<MaterialInfo>) -> impl IntoView {
    view! {
        <ul class="materials-list">
            {materials.into_iter().map(|m| view! {
                <li class="material-file" data-kind=m.kind.code()>
                    <span class="material-label">{m.kind.label()}</span>" "
                    <span class="name">{m.file_name.clone()}</span>" "
                    <span class="size muted">{size_label(m.size)}</span>" "
                    <a href=m.url() target="_blank" rel="noopener">"查看"</a>
                </li>
            }).collect_view()}
        </ul>
    }
}
