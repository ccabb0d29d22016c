-- Push notifications for operators' phones and browsers (decision 024): the devices a person
-- registered, what each person wants to hear about in each workspace, the conversations they
-- muted, and one row per notification per device so none is ever sent twice.

-- ---------------------------------------------------------------------------------------------
-- Devices
-- ---------------------------------------------------------------------------------------------

-- A device belongs to a person, not to a workspace: one phone signed in as one operator hears
-- about every workspace they are a member of (the notification names its workspace), and
-- joining or leaving a workspace needs no new registration. A token is unique across people:
-- a phone handed to a colleague who signs in registers the same token, which then moves to them.
create table public.push_devices (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  platform text not null check (platform in ('expo', 'apns', 'fcm', 'web')),
  -- The provider's address of the device is a secret (with it anyone holding the app's
  -- credentials, or for Expo anyone at all, can notify that phone): only its SHA-256 is kept in
  -- the clear, for uniqueness, and the value itself is an AES-256-GCM envelope made by the server
  -- (a device token, or a Web Push subscription's endpoint and keys as JSON).
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  token text not null check (token like 'enc:v1:%'),
  -- The app the token was issued to: the iOS bundle id (APNs' topic), the Android package or the
  -- Expo project; null for browsers.
  app_id text check (app_id is null or app_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,154}$'),
  -- What the person calls it in their list of devices ("Ana's iPhone", "Chrome on Linux").
  label text check (label is null or char_length(label) <= 80),
  -- The Auth session that registered it (auth.sessions, read by the server): a device is told
  -- nothing once that session has ended (signed out, revoked), and is dropped soon after. No
  -- foreign key: Auth owns its schema.
  session_id uuid not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index push_devices_user_id_idx on public.push_devices (user_id);

-- ---------------------------------------------------------------------------------------------
-- What each member wants to hear about
-- ---------------------------------------------------------------------------------------------

-- Per workspace: 'all' (a new customer message in an unassigned conversation, or one assigned
-- to me), 'assigned' (only conversations assigned to me), 'none'. No row means 'all', so a new
-- member of a small team hears about customers from the start. Leaving the workspace drops it.
create table public.user_notification_preferences (
  workspace_id uuid not null,
  user_id uuid not null,
  notify text not null default 'all' check (notify in ('all', 'assigned', 'none')),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, user_id),
  foreign key (workspace_id, user_id)
    references public.workspace_members (workspace_id, user_id) on delete cascade
);
create index user_notification_preferences_user_id_idx on public.user_notification_preferences (user_id);
create trigger user_notification_preferences_touch before update on public.user_notification_preferences
  for each row execute function private.touch_updated_at();

-- A muted conversation never notifies the person who muted it, even when assigned to them.
create table public.conversation_mutes (
  conversation_id uuid not null,
  user_id uuid not null,
  workspace_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (conversation_id, user_id),
  foreign key (conversation_id, workspace_id)
    references public.conversations (id, workspace_id) on delete cascade,
  foreign key (workspace_id, user_id)
    references public.workspace_members (workspace_id, user_id) on delete cascade
);
create index conversation_mutes_workspace_user_idx on public.conversation_mutes (workspace_id, user_id);

-- The badge of a notification sums the unread conversations a person would hear about; this
-- keeps that sum to the few unread rows of their workspaces.
create index conversations_unread_idx on public.conversations (workspace_id) where unread_count > 0;

-- ---------------------------------------------------------------------------------------------
-- Deliveries: one notification (a customer's message) to one device, at most once
-- ---------------------------------------------------------------------------------------------

-- A delivery is claimed (SENDING) in its own commit before the provider is called. A transient
-- refusal (5xx, 429, a connection refused) puts it back (RETRY) for the job's next run; a run
-- that died while calling leaves SENDING, which is never sent again (better one lost
-- notification than two). Expo answers with a ticket first and a receipt later: SENT until the
-- receipt says DELIVERED (or that the device is gone). Goes with its message (retention,
-- erasure) and with its device.
create table public.push_deliveries (
  message_id uuid not null references public.conversation_messages (id) on delete cascade,
  device_id uuid not null references public.push_devices (id) on delete cascade,
  status text not null default 'PENDING'
    check (status in ('PENDING', 'SENDING', 'RETRY', 'SENT', 'DELIVERED', 'FAILED')),
  attempts integer not null default 0,
  -- The provider's id for it (Expo ticket, APNs apns-id, FCM message name), or why it failed.
  provider_ref text,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (message_id, device_id)
);
create index push_deliveries_device_id_idx on public.push_deliveries (device_id);
create index push_deliveries_created_at_idx on public.push_deliveries (created_at);
create trigger push_deliveries_touch before update on public.push_deliveries
  for each row execute function private.touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Row-level security and grants (decision 014: no wider than the app)
-- ---------------------------------------------------------------------------------------------

alter table public.push_devices enable row level security;
alter table public.user_notification_preferences enable row level security;
alter table public.conversation_mutes enable row level security;
alter table public.push_deliveries enable row level security;

revoke all on public.push_devices, public.user_notification_preferences, public.conversation_mutes,
  public.push_deliveries from anon, authenticated;
grant all on public.push_devices, public.user_notification_preferences, public.conversation_mutes,
  public.push_deliveries to service_role;

-- push_devices: a person sees and removes their own devices, never the token columns. Registering
-- is the server's (devices.register): it seals the token with the server's key and moves a token
-- another person registered, whose row the caller cannot see.
grant select (id, user_id, platform, app_id, label, created_at, last_seen_at)
  on public.push_devices to authenticated;
grant delete on public.push_devices to authenticated;
create policy push_devices_select on public.push_devices for select to authenticated
  using (user_id = (select auth.uid()));
create policy push_devices_delete on public.push_devices for delete to authenticated
  using (user_id = (select auth.uid()));

-- user_notification_preferences: a member reads and sets their own, in their own workspaces.
grant select on public.user_notification_preferences to authenticated;
grant insert (workspace_id, user_id, notify) on public.user_notification_preferences to authenticated;
grant update (notify) on public.user_notification_preferences to authenticated;
create policy user_notification_preferences_select on public.user_notification_preferences for select
  to authenticated using (user_id = (select auth.uid()));
create policy user_notification_preferences_insert on public.user_notification_preferences for insert
  to authenticated
  with check (user_id = (select auth.uid()) and workspace_id in (select private.my_workspace_ids()));
create policy user_notification_preferences_update on public.user_notification_preferences for update
  to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()) and workspace_id in (select private.my_workspace_ids()));

-- conversation_mutes: a member mutes and unmutes conversations of their workspaces for themselves.
grant select, delete on public.conversation_mutes to authenticated;
grant insert (conversation_id, user_id, workspace_id) on public.conversation_mutes to authenticated;
create policy conversation_mutes_select on public.conversation_mutes for select
  to authenticated using (user_id = (select auth.uid()));
create policy conversation_mutes_insert on public.conversation_mutes for insert to authenticated
  with check (user_id = (select auth.uid()) and workspace_id in (select private.my_workspace_ids()));
create policy conversation_mutes_delete on public.conversation_mutes for delete
  to authenticated using (user_id = (select auth.uid()));

-- push_deliveries: RLS on and no policy or grant for API roles: the push job's own bookkeeping.
