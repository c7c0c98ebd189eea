//! The error of a refused workflow transition, shared by every workflow.

use serde::{Deserialize, Serialize};


#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum TransitionError {
    #[error("当前状态为{0}，不能进行此操作")]
    WrongStatus(String),
    #[error("您的岗位不能办理此环节")]
    WrongRole,
    #[error("该申请不属于您所在的税务机关")]
    NotYourUnit,
    #[error("请填写原因")]
    ReasonRequired,
}

impl crate::error::DomainError for TransitionError {
    fn refusal(&self) -> crate::error::Refusal {
        use crate::error::Refusal;
        match self {
            TransitionError::ReasonRequired => Refusal::Field("reason"),
            TransitionError::WrongStatus(_) => Refusal::Conflict,
            // Another office's record: answered as one that does not exist.
            TransitionError::NotYourUnit => Refusal::NotFound,
            TransitionError::WrongRole => Refusal::Refused,
        }
    }
}
