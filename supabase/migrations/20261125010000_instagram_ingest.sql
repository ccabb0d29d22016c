-- Ingest: every event parsed out of a webhook delivery, deduplicated per event kind; the contact
-- profile cache; Realtime broadcasts for every committed change.

alter table public.webhook_events
  add column account_ids text[] not null default '{}',
  add column event_count integer;

-- One row per messaging event Meta sent, whatever its kind. The unique key is the event's identity
-- (a redelivered message is one row; an edit, unsend or reaction of the same mid is a different
-- event, not a duplicate). Rows whose message has not arrived yet wait as PENDING and are applied
-- when it does, so an edit delivered before its message is not lost.
create table public.instagram_events (
  id bigint generated always as identity primary key,
  webhook_event_id bigint not null references public.webhook_events (id) on delete cascade,
  -- The business account the event belongs to (IG_ID), as Meta identified it.
  account_id text not null,
  channel_connection_id uuid references public.channel_connections (id) on delete set null,
  workspace_id uuid references public.workspaces (id) on delete cascade,
  contact_id text,
  kind text not null,
  dedupe_key text not null,
  mid text,
  occurred_at timestamptz not null,
  payload jsonb not null,
  status text not null check (status in ('APPLIED', 'PENDING', 'IGNORED', 'UNMATCHED')),
  detail text,
  received_at timestamptz not null default now(),
  applied_at timestamptz,
  unique (account_id, dedupe_key)
);
create index instagram_events_webhook_event_id_idx on public.instagram_events (webhook_event_id);
create index instagram_events_message_idx on public.instagram_events (channel_connection_id, mid);
create index instagram_events_workspace_idx on public.instagram_events (workspace_id, received_at desc);

-- What Meta's User Profile API told us about a contact, per account (IGSIDs are per account).
create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_connection_id uuid not null,
  igsid text not null,
  name text,
  username text,
  -- Meta's picture URLs expire within days; they are refreshed with the profile.
  profile_pic text,
  follower_count integer,
  is_verified_user boolean,
  is_user_follow_business boolean,
  is_business_follow_user boolean,
  fetched_at timestamptz,
  fetch_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (channel_connection_id, igsid),
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade
);
create index contacts_workspace_id_idx on public.contacts (workspace_id);
create trigger contacts_touch before update on public.contacts
  for each row execute function private.touch_updated_at();

alter table public.instagram_events enable row level security;
alter table public.contacts enable row level security;
revoke all on public.instagram_events, public.contacts from anon, authenticated;
grant all on public.instagram_events, public.contacts to service_role;

-- instagram_events: the server's ledger; members may read their workspace's for diagnostics.
grant select on public.instagram_events to authenticated;
create policy instagram_events_select on public.instagram_events for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));

-- contacts: members read their workspace's; only the enrichment job writes.
grant select on public.contacts to authenticated;
create policy contacts_select on public.contacts for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));

-- ---------------------------------------------------------------------------------------------
-- Realtime: small payloads (ids and states) on private topics; clients refetch through the API,
-- which applies RLS. SECURITY DEFINER because realtime.send() inserts under RLS.
-- ---------------------------------------------------------------------------------------------

create function private.broadcast_message_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  event text := case tg_op when 'INSERT' then 'message_created' else 'message_updated' end;
  body jsonb := jsonb_build_object('message_id', new.id, 'conversation_id', new.conversation_id,
                                   'status', new.status);
begin
  perform realtime.send(body, event, 'conversation:' || new.conversation_id::text, true);
  perform realtime.send(body, event, 'workspace:' || new.workspace_id::text, true);
  return null;
end;
$$;
create trigger conversation_messages_broadcast after insert or update on public.conversation_messages
  for each row execute function private.broadcast_message_change();

create function private.broadcast_conversation_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(
    jsonb_build_object('conversation_id', new.id, 'unread_count', new.unread_count, 'status', new.status),
    'conversation_updated', 'workspace:' || new.workspace_id::text, true);
  return null;
end;
$$;
create trigger conversations_broadcast after insert or update on public.conversations
  for each row execute function private.broadcast_conversation_change();

create function private.broadcast_lead_created() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(jsonb_build_object('lead_id', new.id, 'conversation_id', new.conversation_id),
    'lead_created', 'workspace:' || new.workspace_id::text, true);
  return null;
end;
$$;
create trigger leads_broadcast after insert on public.leads
  for each row execute function private.broadcast_lead_created();

create function private.broadcast_connection_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(jsonb_build_object('channel_connection_id', new.id, 'status', new.status),
    'connection_updated', 'workspace:' || new.workspace_id::text, true);
  return null;
end;
$$;
create trigger channel_connections_broadcast after insert or update of status, needs_reauth_reason, is_active
  on public.channel_connections
  for each row execute function private.broadcast_connection_change();

-- Who may join which private topic: members of the workspace, for its workspace topic and for
-- each of its conversations. Realtime evaluates this with the joining user's JWT claims.
create function private.can_read_topic(topic text) returns boolean
language sql stable security definer set search_path = '' as $$
  select case split_part(topic, ':', 1)
    when 'workspace' then exists (
      select 1 from public.workspace_members m
      where m.user_id = (select auth.uid()) and m.workspace_id::text = split_part(topic, ':', 2))
    when 'conversation' then exists (
      select 1 from public.conversations c
      join public.workspace_members m on m.workspace_id = c.workspace_id
      where m.user_id = (select auth.uid()) and c.id::text = split_part(topic, ':', 2))
    else false
  end
$$;
revoke all on function private.can_read_topic(text) from public;
grant execute on function private.can_read_topic(text) to authenticated;

create policy workspace_topics_read on realtime.messages for select to authenticated
  using (realtime.messages.extension = 'broadcast' and (select private.can_read_topic((select realtime.topic()))));
