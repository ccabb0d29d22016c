-- The mobile live feed's own log (decision 022). The stream used to read Realtime's broadcasts back
-- from realtime.messages, stamped with their transaction's start time and a random uuid: a late
-- commit could land before a reader's cursor (so every read looked 5 s back and skipped what it had
-- sent, and a resume repeated those seconds), and the events of one transaction came in uuid
-- order. Here every published change is also a row stamped with its transaction's id (xid8) and
-- a sequence number in statement order. A reader's position is a transaction snapshot: the events
-- after it are those whose transaction it did not yet see, so none is missed or repeated however
-- late it commits, and one transaction's events keep their order. The browser's Realtime
-- broadcasts are unchanged.
create table public.live_events (
  workspace_id uuid not null,
  xid xid8 not null default pg_current_xact_id(),
  seq bigint generated always as identity,
  event text not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, xid, seq)
);
-- No foreign key to workspaces: each insert would lock the workspace's row (for key share) on the
-- hottest write path. Rows of a deleted workspace are readable by nobody and age out like any.
create index live_events_created_at on public.live_events (created_at);

alter table public.live_events enable row level security;
revoke all on public.live_events from anon, authenticated;
grant select on public.live_events to authenticated;
grant all on public.live_events to service_role;
create policy live_events_select on public.live_events for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));

-- Per workspace, the newest transaction whose events were purged: a position that had not seen it
-- may have missed events that are gone, and must resync instead of resuming.
create table private.live_events_purged (
  workspace_id uuid primary key,
  through_xid xid8 not null
);

create function private.live_events_purged_through(p_workspace uuid) returns xid8
language sql stable security definer set search_path = '' as $$
  select coalesce((select through_xid from private.live_events_purged where workspace_id = p_workspace),
                  '0'::xid8)
$$;
revoke all on function private.live_events_purged_through(uuid) from public;
grant execute on function private.live_events_purged_through(uuid) to authenticated, service_role;

-- Every published change of a workspace now also goes to the log.
create or replace function private.publish_to_workspace(p_workspace uuid, p_event text, p_body jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(p_body, p_event, 'workspace:' || p_workspace::text, true);
  insert into public.live_events (workspace_id, event, body) values (p_workspace, p_event, p_body);
  perform pg_notify('inbox_live', p_workspace::text);
end;
$$;

-- The team's trigger published by hand; it goes through the one door now.
create or replace function private.broadcast_team_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish_to_workspace(
    case tg_op when 'DELETE' then old.workspace_id else new.workspace_id end,
    'team_updated', jsonb_build_object('change', tg_table_name));
  return null;
end;
$$;

-- A conversation's version counts its changes, so a client holding it from a read and from the
-- stream keeps the newer. Events of different transactions may reach a reader in another order
-- than they committed (it reads by transaction id); the version settles it.
alter table public.conversations add column version bigint not null default 1;

create function private.count_conversation_version() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.version := old.version + 1;
  return new;
end;
$$;
revoke all on function private.count_conversation_version() from public;
create trigger conversations_version before update on public.conversations
  for each row execute function private.count_conversation_version();

create or replace function private.publish_conversation_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish_to_workspace(new.workspace_id, 'conversation_updated',
    jsonb_build_object('conversation_id', new.id, 'unread_count', new.unread_count, 'status', new.status,
                       'version', new.version));
  return null;
end;
$$;

-- A conversation gone (its contact erased, its account's history deleted) is news for an app that
-- holds it. One statement can delete thousands; each is an event of the log only (browsers leave
-- with the account's own event, or reload the erased contact's page).
create function private.publish_conversations_deleted() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.live_events (workspace_id, event, body)
    select g.workspace_id, 'conversation_deleted', jsonb_build_object('conversation_id', g.id)
    from gone g
    -- A workspace being deleted takes its conversations with it; nobody is left to tell.
    where exists (select 1 from public.workspaces w where w.id = g.workspace_id);
  perform pg_notify('inbox_live', w.workspace_id::text) from (select distinct workspace_id from gone) w;
  return null;
end;
$$;
revoke all on function private.publish_conversations_deleted() from public;
create trigger conversations_deleted after delete on public.conversations
  referencing old table as gone for each statement execute function private.publish_conversations_deleted();
