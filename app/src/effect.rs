//! What else must happen when a workflow's step is stored (issue #25): a step returns its
//! effects — owe this grant, end these grants, owe this report, tell these parties, end this
//! unit's service, end these bindings — and the server's one dispatcher
//! (`server::store::effects::apply`) applies them in the step's own transaction, each by its
//! own workflow's storage and, where a status changes, by that workflow's rules. Adding an
//! effect adds a variant here and one arm in the dispatcher, not a field on every change struct.
//!
//! Variants carry plain data and the new records of workflows that return no effects of their
//! own (a grant, a report, a message), never a record of a workflow that does.

use crate::capability::store::{GrantEnding, NewGrant};
use crate::kernel::{ExitRecord, Timestamp};
use crate::lifecycle::store::NewRelationshipReport;
use crate::message::rules::NewMessage;

#[derive(Debug, Clone)]
pub enum Effect {
    /// 【消息中心】: a party is told of the step.
    Tell(NewMessage),
    /// 能力预授权 at binding: a pending grant, with its first timeline entry.
    GrantPending(NewGrant),
    /// A binding ended: its active grants end (已终止), each with its timeline entry.
    EndGrants { invitation_id: i64, ending: GrantEnding },
    /// A binding ended: the direct unit owes its 关系变化报告 (written at `at`, once per invitation).
    OweRelationshipReport { report: NewRelationshipReport, at: Timestamp },
    /// The unit's service ends (到期终止, 终止服务, 责令退出 taking effect): it is no longer a direct
    /// unit (exactly once, else `Conflict`), its exit is recorded, any reduced concurrency dropped,
    /// and then its bindings end ([`Effect::EndBindings`]).
    EndService { enterprise_id: i64, exit: ExitRecord, by: String, reason: String, tell_use_units: Option<NewMessage> },
    /// Every open invitation of the direct unit ends (`invitation::rules::end_binding`), each with
    /// its timeline step at `at`; every use unit concerned is told once (`tell_use_units`, its
    /// `enterprise_id` set per use unit).
    EndBindings { direct_enterprise_id: i64, by: String, reason: String, at: Timestamp, tell_use_units: Option<NewMessage> },
}
