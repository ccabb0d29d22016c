-- The live log, completed (decision 022):
-- - A message deleted on its own (the daily retention purge) is news for an app that holds it:
--   `message_deleted`, to the log only, as `conversation_deleted` is. Messages that go with their
--   conversation (an erasure, an account's history deleted) are said by the conversation's event.
-- - Whether, and up to when, a workspace's log was purged is its members' business only.

create function private.publish_messages_deleted() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.live_events (workspace_id, event, body)
    select g.workspace_id, 'message_deleted',
           jsonb_build_object('message_id', g.id, 'conversation_id', g.conversation_id)
    from gone g
    -- A foreign-key cascade runs after its conversation's row is gone: that deletion said it all.
    where exists (select 1 from public.conversations c where c.id = g.conversation_id);
  perform pg_notify('inbox_live', w.workspace_id::text) from (select distinct workspace_id from gone) w;
  return null;
end;
$$;
revoke all on function private.publish_messages_deleted() from public;
create trigger conversation_messages_deleted after delete on public.conversation_messages
  referencing old table as gone for each statement execute function private.publish_messages_deleted();

alter table private.live_events_purged enable row level security;

create or replace function private.live_events_purged_through(p_workspace uuid) returns xid8
language sql stable security definer set search_path = '' as $$
  select coalesce((select through_xid from private.live_events_purged
                   where workspace_id = p_workspace
                     and p_workspace in (select private.my_workspace_ids())),
                  '0'::xid8)
$$;
