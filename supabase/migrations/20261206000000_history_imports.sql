-- History from Meta's Conversations API (issue 15, decision 017). Each import of an account's
-- past conversations (a backfill on connect or on demand; later, a reconciliation) is one row:
-- where it stands, so the job resumes there after a crash, and what it found, which the Accounts
-- card shows live. The conversations themselves enter through the webhook ledger.

create table public.history_imports (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_connection_id uuid not null references public.channel_connections (id) on delete cascade,
  kind text not null check (kind in ('BACKFILL', 'RECONCILE')),
  status text not null default 'RUNNING' check (status in ('RUNNING', 'DONE', 'FAILED')),
  -- How far back: conversations last active before this are left out.
  since timestamptz not null,
  -- Meta's cursor of the next page of conversations; null for the first.
  next_page text,
  -- Pages recorded so far: a run records only the page it was queued for, so a job retried after
  -- a crash cannot record a page twice.
  pages_done integer not null default 0 check (pages_done >= 0),
  -- Pages that could not be fetched in a row (Meta away or throttling); reset by a page done.
  failures_in_a_row integer not null default 0 check (failures_in_a_row >= 0),
  -- After the pass back to `since`, a second pass takes the conversations that became active while
  -- the first ran: one moved to the front of Meta's list after the cursor passed the front is not
  -- on any later page.
  catching_up boolean not null default false,
  -- The oldest activity reached so far, for the estimate: how much of the span is done.
  reached_back_to timestamptz,
  conversations_seen integer not null default 0 check (conversations_seen >= 0),
  messages_found integer not null default 0 check (messages_found >= 0),
  error_count integer not null default 0 check (error_count >= 0),
  last_error text,
  requested_by uuid references auth.users (id) on delete set null,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((status = 'RUNNING') = (finished_at is null))
);

-- One import at a time per account: asking again while one runs finds the running one.
create unique index history_imports_one_running
  on public.history_imports (channel_connection_id) where status = 'RUNNING';
create index history_imports_latest on public.history_imports (channel_connection_id, started_at desc);
create index history_imports_workspace on public.history_imports (workspace_id);
create index history_imports_requested_by on public.history_imports (requested_by);

alter table public.history_imports enable row level security;
revoke all on public.history_imports from anon, authenticated;
grant select on public.history_imports to authenticated;
grant all on public.history_imports to service_role;
-- Members read their workspace's imports; only the server writes them.
create policy history_imports_select on public.history_imports for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));

create function private.publish_history_import_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish_to_workspace(new.workspace_id, 'history_import_updated',
    jsonb_build_object('history_import_id', new.id, 'channel_connection_id', new.channel_connection_id,
                       'status', new.status));
  return null;
end;
$$;
revoke all on function private.publish_history_import_change() from public;
create trigger history_imports_publish after insert or update on public.history_imports
  for each row execute function private.publish_history_import_change();

-- A contact first met in imported history is a lead of its own source, never "new DM".
alter table public.leads drop constraint leads_source_check;
alter table public.leads add constraint leads_source_check
  check (source in ('DM', 'STORY_REPLY', 'STORY_MENTION', 'AD', 'REFERRAL', 'PRODUCT', 'IMPORTED'));

-- Health's webhook figures are about webhooks: history fetched from the Conversations API is in
-- the same ledger (decision 017), but its "lag" is the conversation's age, not Meta's delay.
create or replace function private.webhook_health(
  p_workspace uuid, p_from timestamptz, p_to timestamptz, p_bucket interval
)
returns table (
  bucket timestamptz,
  events bigint,
  failed_events bigint,
  lag_p50_ms double precision,
  lag_p95_ms double precision,
  processing_p50_ms double precision,
  processing_p95_ms double precision
)
language sql stable security definer set search_path = '' as $$
  with member as (
    select 1 from public.workspace_members m
    where m.workspace_id = p_workspace and m.user_id = (select auth.uid())
  ),
  buckets as (
    select generate_series(p_from, p_to - p_bucket, p_bucket) as bucket
  ),
  samples as (
    select date_bin(p_bucket, w.received_at, p_from) as bucket,
           1 as events,
           0 as failed_events,
           -- Meta's and our clocks differ a little: an event "from the future" had no lag.
           greatest(0, extract(epoch from w.received_at - e.occurred_at) * 1000) as lag_ms,
           greatest(0, extract(epoch from e.received_at - w.received_at) * 1000) as processing_ms
    from public.instagram_events e
    join public.webhook_events w on w.id = e.webhook_event_id
    where e.workspace_id = p_workspace
      and e.received_at >= p_from -- an event row is written after its delivery: uses the index
      and w.received_at >= p_from
      and w.received_at < p_to
      and w.object is distinct from 'instagram_history'
    union all
    select date_bin(p_bucket, f.failed_at, p_from), 0, f.event_count, null, null
    from public.ingest_failures f
    where f.workspace_id = p_workspace and f.failed_at >= p_from and f.failed_at < p_to
  )
  select b.bucket,
         coalesce(sum(s.events), 0)::bigint,
         coalesce(sum(s.failed_events), 0)::bigint,
         percentile_cont(0.5) within group (order by s.lag_ms),
         percentile_cont(0.95) within group (order by s.lag_ms),
         percentile_cont(0.5) within group (order by s.processing_ms),
         percentile_cont(0.95) within group (order by s.processing_ms)
  from buckets b
  left join samples s on s.bucket = b.bucket
  where exists (select 1 from member)
  group by grouping sets ((b.bucket), ())
  having exists (select 1 from member) -- the totals row would otherwise exist for anyone
  order by b.bucket nulls last
$$;
