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
    #[error("网络异常，请检查网络后重试")]
    Network,
    #[error("系统繁忙，请稍后重试")]
    Internal,
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
    fn transport_failures_become_network_errors_and_the_rest_stays_opaque() {
        let net = AppError::from_server_fn_error(ServerFnErrorErr::Request("connection refused".into()));
        assert_eq!(net, AppError::Network);
        let internal = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db password wrong".into()));
        assert_eq!(internal, AppError::Internal);
        assert!(!internal.to_string().contains("db"));
    }
}
