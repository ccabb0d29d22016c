-- Connecting Instagram accounts: single-use OAuth states, who authorised each connection (Meta's
-- deauthorize and data-deletion callbacks name that person), and the deletion requests ledger.

-- The random `state` of an OAuth round trip. Only its hash is stored, bound to the operator and
-- workspace that asked; it expires within minutes and is consumed once.
create table public.oauth_states (
  id uuid primary key default gen_random_uuid(),
  state_hash text not null unique,
  user_id uuid not null references auth.users (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  login_path text not null check (login_path in ('instagram', 'facebook')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index oauth_states_user_id_idx on public.oauth_states (user_id);
create index oauth_states_workspace_id_idx on public.oauth_states (workspace_id);

alter table public.channel_connections
  -- The app-scoped id of the person who authorised the connection (Instagram or Facebook user).
  add column authorizing_user_id text,
  add column permissions text[] not null default '{}',
  add column disconnected_at timestamptz;
create index channel_connections_authorizing_user_id_idx on public.channel_connections (authorizing_user_id);

-- Meta's data-deletion callbacks and what became of them; the confirmation code is public (the
-- status page shows it), the rest is the server's.
create table public.data_deletion_requests (
  id uuid primary key default gen_random_uuid(),
  confirmation_code text not null unique,
  app_scoped_user_id text not null,
  status text not null default 'RECEIVED' check (status in ('RECEIVED', 'COMPLETED')),
  summary jsonb not null default '{}',
  requested_at timestamptz not null default now(),
  completed_at timestamptz
);

alter table public.oauth_states enable row level security;
alter table public.data_deletion_requests enable row level security;
revoke all on public.oauth_states, public.data_deletion_requests from anon, authenticated;
grant all on public.oauth_states, public.data_deletion_requests to service_role;

-- Operators see the new connection columns like the others (tokens stay hidden).
grant select (authorizing_user_id, permissions, disconnected_at) on public.channel_connections to authenticated;
