//! The one dispatcher of cross-workflow effects (`app::effect::Effect`, issue #25): a step's
//! store method calls [`apply`] inside its own `StateChange`, so the step, its effects and its
//! audit record are committed together or not at all. Each variant is applied by its own
//! workflow's storage (grants by `capability_grant`, reports by `relationship_report`, the end of
//! service by `lifecycle::effect`, bindings by `invitation::effect` through `invitation::rules::end_binding`): no
//! store module computes another workflow's status. An effect may lead to further effects (the
//! end of service ends the unit's bindings); they are applied in the same pass. The messages of
//! every effect are written last, in order, in one insert.

use std::collections::VecDeque;

use app::effect::Effect;
use app::kernel::storage::StoreResult;
use app::message::rules::NewMessage;

use crate::store::capability_grant::EndScope;
use crate::store::transition::StateChange;

/// What the effects did that the step reports back.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Applied {
    /// Invitations ended by [`Effect::EndBindings`].
    pub bindings_ended: u32,
}

/// Applies `effects` (and whatever they lead to) inside `change`, in order.
pub(crate) async fn apply(change: &mut StateChange<'_>, effects: &[Effect]) -> StoreResult<Applied> {
    let mut queue: VecDeque<Effect> = effects.iter().cloned().collect();
    let mut told: Vec<NewMessage> = Vec::new();
    let mut applied = Applied::default();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Tell(m) => told.push(m),
            Effect::GrantPending(g) => {
                crate::store::capability_grant::insert_in(change.conn(), &g, g.event.at).await?;
            }
            Effect::EndGrants { invitation_id, ending } => {
                crate::store::capability_grant::end_in(change.conn(), EndScope::Invitation(invitation_id), &ending).await?;
            }
            Effect::OweRelationshipReport { report, at } => crate::store::relationship_report::insert_in(change.conn(), &report, at).await?,
            Effect::EndService { enterprise_id, exit, by, reason, tell_use_units } => {
                crate::store::lifecycle::effect::end_service_in(change, enterprise_id, &exit).await?;
                queue.push_front(Effect::EndBindings { direct_enterprise_id: enterprise_id, by, reason, at: exit.effective_at, tell_use_units });
            }
            Effect::EndBindings { direct_enterprise_id, by, reason, at, tell_use_units } => {
                let use_units = crate::store::invitation::effect::end_bindings_in(change, direct_enterprise_id, &by, &reason, at).await?;
                applied.bindings_ended += use_units.len() as u32;
                if let Some(m) = tell_use_units {
                    for unit in use_units {
                        // Each use unit is told once, however many of its invitations ended.
                        if !told.iter().any(|t| t.enterprise_id == unit) {
                            told.push(NewMessage { enterprise_id: unit, ..m.clone() });
                        }
                    }
                }
            }
        }
    }
    change.messages(&told).await?;
    Ok(applied)
}
