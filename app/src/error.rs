//! The one error type every server fn returns. It travels to the client as
//! JSON (Leptos 0.8 `FromServerFnError`) and only ever carries messages meant
//! for users — internal causes are logged on the server, never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message attached to one input field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("请先登录")]
    NotAuthenticated,
    #[error("无权进行此操作")]
    Forbidden,
    #[error("未找到相关记录")]
    NotFound,
    /// One or more fields are wrong; each message is shown next to its field.
    #[error("{}", .0.first().map(|f| f.message.as_str()).unwrap_or("输入有误"))]
    Invalid(Vec<FieldError>),
    /// Wrong credentials. Deliberately vague: never says whether the code exists.
    #[error("{0}")]
    LoginFailed(String),
    #[error("登录失败次数过多，账户已锁定，请{minutes}分钟后再试")]
    Locked { minutes: u32 },
    #[error("操作过于频繁，请{seconds}秒后再试")]
    TooFrequent { seconds: u32 },
    #[error("该记录已被他人处理，请刷新后查看最新状态")]
    Conflict,
    #[error("{0}")]
    Refused(String),
    /// A multi-step flow (a login between its steps, 企业用户注册, 忘记密码) ran
    /// out of time: the page starts it again.
    #[error("{0}")]
    Expired(String),
    #[error("网络异常，请检查网络后重试")]
    Network,
    #[error("系统繁忙，请稍后重试")]
    Internal,
    /// The page called a server fn this server does not have: the page is
    /// older than the deployment (a cached shell). Reloading fetches the new one.
    #[error("页面已更新，请刷新")]
    Outdated,
}

/// Where a workflow's refusal belongs on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Next to this form field.
    Field(&'static str),
    /// Somebody acted first: the record has moved on.
    Conflict,
    /// Not the caller's: answered exactly as a record that does not exist.
    NotFound,
    /// The caller's role may not take this step.
    Forbidden,
    /// A plain refusal carrying the error's message.
    Refused,
}

/// A workflow's typed error (its `Display` is the Chinese message): it says where its refusal
/// belongs, and `?` turns it into the `AppError` the client gets — the one conversion every
/// service uses.
pub trait DomainError: std::fmt::Display {
    fn refusal(&self) -> Refusal;
}

impl<E: DomainError> From<E> for AppError {
    fn from(e: E) -> Self {
        match e.refusal() {
            Refusal::Field(field) => AppError::field(field, e.to_string()),
            Refusal::Conflict => AppError::Conflict,
            Refusal::NotFound => AppError::NotFound,
            Refusal::Forbidden => AppError::Forbidden,
            Refusal::Refused => AppError::Refused(e.to_string()),
        }
    }
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// The message for one field, if this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid(list) => {
                list.iter().find(|f| f.field == field).map(|f| f.message.clone())
            }
            _ => None,
        }
    }

    /// The HTTP status of this error on every route that is not a server fn
    /// (uploads, downloads, the signed API): one mapping for all of them.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::NotAuthenticated | AppError::LoginFailed(_) => 401,
            AppError::Forbidden => 403,
            AppError::NotFound | AppError::Outdated => 404,
            AppError::Conflict => 409,
            AppError::Expired(_) => 410,
            AppError::Invalid(_) | AppError::Refused(_) => 422,
            AppError::Locked { .. } => 423,
            AppError::TooFrequent { .. } => 429,
            AppError::Network | AppError::Internal => 500,
        }
    }

    /// A stable code for the signed API's `{"code", "message"}` answers.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotAuthenticated | AppError::LoginFailed(_) => "not_authenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound | AppError::Outdated => "not_found",
            AppError::Conflict => "conflict",
            AppError::Expired(_) => "expired",
            AppError::Invalid(_) => "invalid_request",
            AppError::Refused(_) => "refused",
            AppError::Locked { .. } => "locked",
            AppError::TooFrequent { .. } => "too_frequent",
            AppError::Network | AppError::Internal => "internal",
        }
    }

    /// A message for the whole form: everything that is not tied to a field.
    pub fn form_message(&self) -> Option<String> {
        match self {
            AppError::Invalid(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            _ => AppError::Internal,
        }
    }

    /// As the default, and in the browser an [`AppError::Outdated`] also puts
    /// up the page-wide 【刷新】 bar, whichever page made the call.
    fn de(data: leptos::server_fn::Bytes) -> Self {
        use leptos::server_fn::Decodes;
        let err = <JsonEncoding as Decodes<Self>>::decode(data).unwrap_or(AppError::Internal);
        #[cfg(feature = "csr")]
        if err == AppError::Outdated {
            show_outdated_bar();
        }
        err
    }
}

/// A fixed bar at the top of the page: "页面已更新，请刷新" and 【刷新】, which
/// reloads (index.html is never cached, so the reload gets the new build).
#[cfg(feature = "csr")]
fn show_outdated_bar() {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    if doc.get_element_by_id("outdated-bar").is_some() {
        return;
    }
    let (Ok(bar), Ok(button), Some(body)) = (doc.create_element("div"), doc.create_element("button"), doc.body()) else { return };
    bar.set_id("outdated-bar");
    let _ = bar.set_attribute("role", "alert");
    bar.set_text_content(Some("页面已更新，请刷新"));
    button.set_text_content(Some("刷新"));
    let reload = wasm_bindgen::closure::Closure::once_into_js(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    if let Some(b) = button.dyn_ref::<web_sys::HtmlElement>() {
        b.set_onclick(Some(reload.unchecked_ref()));
    }
    let _ = bar.append_child(&button);
    let _ = body.append_child(&bar);
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_messages_are_found_by_field() {
        let e = AppError::field("password", "密码至少8位");
        assert_eq!(e.message_for("password").as_deref(), Some("密码至少8位"));
        assert_eq!(e.message_for("code"), None);
        assert_eq!(e.form_message(), None);
        assert_eq!(AppError::Conflict.form_message().unwrap(), "该记录已被他人处理，请刷新后查看最新状态");
    }

    #[test]
    fn one_http_status_per_error() {
        assert_eq!(AppError::Conflict.http_status(), 409);
        assert_eq!(AppError::field("file", "x").http_status(), 422);
        assert_eq!(AppError::Refused("x".into()).http_status(), 422);
        assert_eq!(AppError::NotAuthenticated.http_status(), 401);
        assert_eq!(AppError::NotFound.http_status(), 404);
        assert_eq!(AppError::Internal.http_status(), 500);
        assert_eq!(AppError::Internal.code(), "internal");
    }

    #[test]
    fn transport_failures_become_network_errors_and_the_rest_stays_opaque() {
        let net = AppError::from_server_fn_error(ServerFnErrorErr::Request("connection refused".into()));
        assert_eq!(net, AppError::Network);
        let internal = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db password wrong".into()));
        assert_eq!(internal, AppError::Internal);
        assert!(!internal.to_string().contains("db"));
    }

    #[test]
    fn an_unknown_endpoint_answer_decodes_as_outdated_and_garbage_as_internal() {
        let body = AppError::Outdated.ser();
        assert_eq!(AppError::de(body), AppError::Outdated);
        assert_eq!(AppError::Outdated.to_string(), "页面已更新，请刷新");
        assert_eq!(AppError::de(leptos::server_fn::Bytes::from_static(b"<html>502</html>")), AppError::Internal);
    }
}
