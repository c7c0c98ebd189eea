-- The tax console's 已办 (issue #13): each timeline read by who took the step, newest first.
CREATE INDEX application_events_actor ON application_events (actor_unit, actor, at);
CREATE INDEX invitation_events_actor ON invitation_events (actor_unit, actor, at);
CREATE INDEX capability_events_actor ON capability_events (actor_unit, actor, at);
CREATE INDEX request_events_actor ON request_events (actor_unit, actor, at);
CREATE INDEX measure_events_actor ON measure_events (actor_unit, actor, at);
-- 单位档案: a unit's messages and invitations received, newest first.
CREATE INDEX messages_unit_time ON messages (enterprise_id, created_at, id);
