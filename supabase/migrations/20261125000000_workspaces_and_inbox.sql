-- Workspaces, operators and the Instagram inbox: the tenancy model, the seed's models
-- (ChannelConnection, Conversation, ConversationMessage, Lead) and the webhook ledger.
--
-- Conventions (see docs/decisions/002-rls-through-kysely.md):
-- * every table has RLS; policies are per operation, `to authenticated`, and compare the row's
--   workspace_id against a SECURITY DEFINER helper in `private` wrapped in a sub-select so it
--   runs once per statement;
-- * grants are explicit (new Supabase projects no longer expose public tables by default);
-- * child rows carry workspace_id and reference their parent by (id, workspace_id), so a row can
--   never point at another workspace's parent;
-- * idempotency comes from unique constraints, never from check-then-insert.

create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated;

create function private.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Workspaces and members
-- ---------------------------------------------------------------------------------------------

create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 80),
  created_by uuid references auth.users (id) on delete set null,
  -- Meta allows the HUMAN_AGENT tag (replies 24 h to 7 days after the customer's last message)
  -- only for human operators of apps approved for it; a workspace can turn it off.
  human_agent_enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index workspaces_created_by_idx on public.workspaces (created_by);
create trigger workspaces_touch before update on public.workspaces
  for each row execute function private.touch_updated_at();

create table public.workspace_members (
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'agent' check (role in ('owner', 'admin', 'agent')),
  created_at timestamptz not null default now(),
  primary key (workspace_id, user_id)
);
create index workspace_members_user_id_idx on public.workspace_members (user_id);

-- Operators' names and emails for the people a colleague can see (assignees, authors).
-- auth.users is not readable by API roles, so a trigger keeps this copy.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null,
  display_name text check (display_name is null or char_length(display_name) <= 80),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger profiles_touch before update on public.profiles
  for each row execute function private.touch_updated_at();

-- Membership helpers for policies. SECURITY DEFINER so they read workspace_members without
-- recursing into its own policies; `search_path = ''` and qualified names, as Supabase advises.
create function private.my_workspace_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select m.workspace_id from public.workspace_members m where m.user_id = (select auth.uid())
$$;

create function private.my_admin_workspace_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select m.workspace_id from public.workspace_members m
  where m.user_id = (select auth.uid()) and m.role in ('owner', 'admin')
$$;

create function private.my_owner_workspace_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select m.workspace_id from public.workspace_members m
  where m.user_id = (select auth.uid()) and m.role = 'owner'
$$;

create function private.my_coworker_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select distinct other.user_id
  from public.workspace_members mine
  join public.workspace_members other on other.workspace_id = mine.workspace_id
  where mine.user_id = (select auth.uid())
$$;

revoke all on function private.my_workspace_ids(), private.my_admin_workspace_ids(),
  private.my_owner_workspace_ids(), private.my_coworker_ids() from public;
grant execute on function private.my_workspace_ids(), private.my_admin_workspace_ids(),
  private.my_owner_workspace_ids(), private.my_coworker_ids() to authenticated;

-- The creator of a workspace becomes its owner. An insert policy cannot do this itself: the new
-- workspace is invisible to its creator until the membership exists.
create function private.add_workspace_owner() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.created_by is not null then
    insert into public.workspace_members (workspace_id, user_id, role)
    values (new.id, new.created_by, 'owner');
  end if;
  return null;
end;
$$;
create trigger workspaces_add_owner after insert on public.workspaces
  for each row execute function private.add_workspace_owner();

-- A workspace always keeps at least one owner (unless the workspace itself is being deleted).
create function private.keep_an_owner() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if old.role = 'owner'
     and exists (select 1 from public.workspaces w where w.id = old.workspace_id)
     and not exists (select 1 from public.workspace_members m
                     where m.workspace_id = old.workspace_id and m.role = 'owner') then
    raise exception 'a workspace must keep at least one owner' using errcode = 'check_violation';
  end if;
  return null;
end;
$$;
create trigger workspace_members_keep_owner after update or delete on public.workspace_members
  for each row execute function private.keep_an_owner();

create function private.create_profile_for_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.profiles (id, email, display_name)
  values (new.id, coalesce(new.email, ''), nullif(new.raw_user_meta_data ->> 'display_name', ''))
  on conflict (id) do nothing;
  return null;
end;
$$;
create trigger on_auth_user_created after insert on auth.users
  for each row execute function private.create_profile_for_user();

-- ---------------------------------------------------------------------------------------------
-- Instagram: connections, conversations, messages, leads
-- ---------------------------------------------------------------------------------------------

create table public.channel_connections (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- The seed's userId: the operator who connected the account.
  user_id uuid references auth.users (id) on delete set null,
  channel_type text not null default 'INSTAGRAM' check (channel_type = 'INSTAGRAM'),
  provider_type text not null default 'INSTAGRAM' check (provider_type = 'INSTAGRAM'),
  login_path text not null check (login_path in ('instagram', 'facebook')),
  -- The Instagram professional account id (IG_ID): the `id` webhooks carry in each entry.
  channel_identifier text not null,
  display_name text,
  -- Instagram login: the app-scoped user id from the token exchange. Facebook login: the Page id.
  provider_account_id text,
  -- Tokens are AES-256-GCM envelopes made by the server ("enc:v1:<key id>:..."); the check
  -- makes a plaintext token impossible to store by mistake.
  access_token text check (access_token is null or access_token like 'enc:v1:%'),
  refresh_token text check (refresh_token is null or refresh_token like 'enc:v1:%'),
  token_expires_at timestamptz,
  token_refreshed_at timestamptz,
  status text not null default 'CONNECTED'
    check (status in ('CONNECTED', 'NEEDS_REAUTH', 'DISCONNECTED')),
  is_active boolean not null default true,
  needs_reauth_reason text,
  webhook_fields text[] not null default '{}',
  webhook_subscribed_at timestamptz,
  last_event_at timestamptz,
  metadata jsonb not null default '{}',
  last_synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, workspace_id)
);
-- An Instagram account belongs to at most one workspace at a time.
create unique index channel_connections_live_account_key
  on public.channel_connections (channel_type, channel_identifier)
  where status <> 'DISCONNECTED';
create index channel_connections_workspace_id_idx on public.channel_connections (workspace_id);
create index channel_connections_user_id_idx on public.channel_connections (user_id);
create index channel_connections_channel_identifier_idx
  on public.channel_connections (channel_identifier);
create trigger channel_connections_touch before update on public.channel_connections
  for each row execute function private.touch_updated_at();

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_connection_id uuid not null,
  -- The customer's Instagram-scoped id (IGSID).
  contact_identifier text not null,
  contact_name text not null default '',
  contact_username text,
  contact_avatar text,
  status text not null default 'ACTIVE' check (status in ('ACTIVE', 'ARCHIVED')),
  -- The seed's userId: the operator the conversation is assigned to.
  assigned_to uuid references auth.users (id) on delete set null,
  last_message_at timestamptz not null default now(),
  last_message_preview text,
  -- Start of Meta's messaging window: the customer's latest message.
  last_inbound_at timestamptz,
  unread_count integer not null default 0 check (unread_count >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, workspace_id),
  unique (channel_connection_id, contact_identifier),
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade
);
create index conversations_inbox_idx
  on public.conversations (workspace_id, last_message_at desc, id desc);
create index conversations_assigned_to_idx on public.conversations (assigned_to);
create trigger conversations_touch before update on public.conversations
  for each row execute function private.touch_updated_at();

create table public.conversation_messages (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  conversation_id uuid not null,
  channel_connection_id uuid not null,
  -- The seed's userId: the operator who sent an outbound message from the app.
  user_id uuid references auth.users (id) on delete set null,
  direction text not null check (direction in ('INBOUND', 'OUTBOUND')),
  kind text not null default 'text',
  content text not null default '',
  attachments jsonb,
  status text not null check (status in
    ('RECEIVED', 'QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'UNCERTAIN')),
  external_message_id text,
  reply_to_external_id text,
  reactions jsonb not null default '[]',
  edit_count integer not null default 0,
  edited_at timestamptz,
  unsent_at timestamptz,
  seen_at timestamptz,
  -- When it happened (Meta's timestamp for webhook events); the thread is ordered by it.
  occurred_at timestamptz not null default now(),
  provider_data jsonb,
  idempotency_key text,
  send_attempts integer not null default 0,
  error_code text,
  error_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (channel_connection_id, external_message_id),
  unique (conversation_id, idempotency_key),
  foreign key (conversation_id, workspace_id)
    references public.conversations (id, workspace_id) on delete cascade,
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade
);
create index conversation_messages_thread_idx
  on public.conversation_messages (conversation_id, occurred_at desc, id desc);
create index conversation_messages_workspace_id_idx on public.conversation_messages (workspace_id);
create index conversation_messages_user_id_idx on public.conversation_messages (user_id);
create trigger conversation_messages_touch before update on public.conversation_messages
  for each row execute function private.touch_updated_at();

create table public.leads (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_connection_id uuid not null,
  conversation_id uuid,
  contact_identifier text not null,
  name text,
  username text,
  source text not null default 'DM'
    check (source in ('DM', 'STORY_REPLY', 'STORY_MENTION', 'AD', 'REFERRAL')),
  source_ref text,
  source_ad_id text,
  status text not null default 'NEW'
    check (status in ('NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- One lead per contact of an account.
  unique (channel_connection_id, contact_identifier),
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade,
  foreign key (conversation_id, workspace_id)
    references public.conversations (id, workspace_id) on delete cascade
);
create index leads_workspace_created_idx on public.leads (workspace_id, created_at desc);
create index leads_conversation_id_idx on public.leads (conversation_id);
create trigger leads_touch before update on public.leads
  for each row execute function private.touch_updated_at();

-- The replayable ledger of everything Meta POSTed to the webhook, stored before we answer 200.
-- Not tenant data until parsed (one delivery may span accounts), so only the server reads it.
create table public.webhook_events (
  id bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  raw_body bytea not null,
  headers jsonb not null default '{}',
  signature_valid boolean not null,
  object text,
  status text not null default 'RECEIVED'
    check (status in ('RECEIVED', 'PROCESSED', 'FAILED', 'IGNORED', 'UNMATCHED')),
  attempts integer not null default 0,
  processed_at timestamptz,
  error text
);
create index webhook_events_status_received_idx on public.webhook_events (status, received_at);

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants
-- ---------------------------------------------------------------------------------------------

alter table public.workspaces enable row level security;
alter table public.workspace_members enable row level security;
alter table public.profiles enable row level security;
alter table public.channel_connections enable row level security;
alter table public.conversations enable row level security;
alter table public.conversation_messages enable row level security;
alter table public.leads enable row level security;
alter table public.webhook_events enable row level security;

revoke all on public.workspaces, public.workspace_members, public.profiles,
  public.channel_connections, public.conversations, public.conversation_messages,
  public.leads, public.webhook_events from anon, authenticated;
grant all on public.workspaces, public.workspace_members, public.profiles,
  public.channel_connections, public.conversations, public.conversation_messages,
  public.leads, public.webhook_events to service_role;

-- workspaces: members read; anyone signed in creates one (becoming its owner); admins rename;
-- owners delete.
grant select, insert, delete on public.workspaces to authenticated;
grant update (name, human_agent_enabled) on public.workspaces to authenticated;
create policy workspaces_select on public.workspaces for select to authenticated
  using (id in (select private.my_workspace_ids()));
create policy workspaces_insert on public.workspaces for insert to authenticated
  with check (created_by = (select auth.uid()));
create policy workspaces_update on public.workspaces for update to authenticated
  using (id in (select private.my_admin_workspace_ids()))
  with check (id in (select private.my_admin_workspace_ids()));
create policy workspaces_delete on public.workspaces for delete to authenticated
  using (id in (select private.my_owner_workspace_ids()));

-- workspace_members: members see each other; admins add, change and remove; anyone may leave.
grant select, insert, delete on public.workspace_members to authenticated;
grant update (role) on public.workspace_members to authenticated;
create policy workspace_members_select on public.workspace_members for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));
create policy workspace_members_insert on public.workspace_members for insert to authenticated
  with check (workspace_id in (select private.my_admin_workspace_ids()));
create policy workspace_members_update on public.workspace_members for update to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids()))
  with check (workspace_id in (select private.my_admin_workspace_ids()));
create policy workspace_members_delete on public.workspace_members for delete to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids())
         or user_id = (select auth.uid()));

-- profiles: yourself and your co-workers; you edit your own display name.
grant select on public.profiles to authenticated;
grant update (display_name) on public.profiles to authenticated;
create policy profiles_select on public.profiles for select to authenticated
  using (id = (select auth.uid()) or id in (select private.my_coworker_ids()));
create policy profiles_update on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- channel_connections: members read everything but the token columns; the server creates them
-- after OAuth; admins change status or remove them.
grant select (id, workspace_id, user_id, channel_type, provider_type, login_path,
  channel_identifier, display_name, provider_account_id, token_expires_at, token_refreshed_at,
  status, is_active, needs_reauth_reason, webhook_fields, webhook_subscribed_at, last_event_at,
  metadata, last_synced_at, created_at, updated_at) on public.channel_connections to authenticated;
grant update (display_name, status, is_active) on public.channel_connections to authenticated;
grant delete on public.channel_connections to authenticated;
create policy channel_connections_select on public.channel_connections for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));
create policy channel_connections_update on public.channel_connections for update
  to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids()))
  with check (workspace_id in (select private.my_admin_workspace_ids()));
create policy channel_connections_delete on public.channel_connections for delete
  to authenticated using (workspace_id in (select private.my_admin_workspace_ids()));

-- conversations: created by ingest; members assign, archive and mark read; admins delete.
grant select, delete on public.conversations to authenticated;
grant update (status, assigned_to, unread_count) on public.conversations to authenticated;
create policy conversations_select on public.conversations for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));
create policy conversations_update on public.conversations for update to authenticated
  using (workspace_id in (select private.my_workspace_ids()))
  with check (workspace_id in (select private.my_workspace_ids()));
create policy conversations_delete on public.conversations for delete to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids()));

-- conversation_messages: members read; a member queues an outbound message as themselves; the
-- send worker (server) moves it through its states; admins delete.
grant select, delete on public.conversation_messages to authenticated;
grant insert (workspace_id, conversation_id, channel_connection_id, user_id, direction, kind,
  content, attachments, status, reply_to_external_id, idempotency_key)
  on public.conversation_messages to authenticated;
create policy conversation_messages_select on public.conversation_messages for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));
create policy conversation_messages_insert on public.conversation_messages for insert
  to authenticated
  with check (workspace_id in (select private.my_workspace_ids())
              and user_id = (select auth.uid())
              and direction = 'OUTBOUND'
              and status = 'QUEUED');
create policy conversation_messages_delete on public.conversation_messages for delete
  to authenticated using (workspace_id in (select private.my_admin_workspace_ids()));

-- leads: created by ingest; members qualify them; admins delete.
grant select, delete on public.leads to authenticated;
grant update (status, name) on public.leads to authenticated;
create policy leads_select on public.leads for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));
create policy leads_update on public.leads for update to authenticated
  using (workspace_id in (select private.my_workspace_ids()))
  with check (workspace_id in (select private.my_workspace_ids()));
create policy leads_delete on public.leads for delete to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids()));

-- webhook_events: RLS on and no policy or grant for API roles: server only.
