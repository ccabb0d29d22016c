-- Retention (issue 15): each workspace says how long its messages are kept (forever unless set)
-- and how long raw webhook deliveries are (30 days unless set); a daily job purges what is past
-- its time in small batches and records each run.

alter table public.workspaces
  add column message_retention_days integer check (message_retention_days between 7 and 3650),
  add column delivery_retention_days integer not null default 30
    check (delivery_retention_days between 1 and 3650);
-- Owners and admins set them (the workspaces_update policy admits only them).
grant update (message_retention_days, delivery_retention_days) on public.workspaces to authenticated;

-- The purge reads a workspace's messages by age, a batch at a time.
drop index public.conversation_messages_workspace_id_idx;
create index conversation_messages_workspace_occurred_idx
  on public.conversation_messages (workspace_id, occurred_at);

create table public.retention_runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- What was older than these went (no message cutoff: messages are kept forever).
  messages_before timestamptz,
  deliveries_before timestamptz not null,
  messages_purged integer not null default 0 check (messages_purged >= 0),
  deliveries_purged integer not null default 0 check (deliveries_purged >= 0)
);
create index retention_runs_workspace_idx on public.retention_runs (workspace_id, started_at desc);
alter table public.retention_runs enable row level security;
revoke all on public.retention_runs from anon, authenticated;
grant select on public.retention_runs to authenticated;
grant all on public.retention_runs to service_role;
create policy retention_runs_select on public.retention_runs for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));
