-- Integration health for the Health screen: a workspace's webhook events (Meta-to-us lag and
-- processing time), its failed events attributed to the account (and so the workspace) they
-- belong to, and each account's send queue, sends and failures.

-- For each failed ingest attempt, how many events of which connection failed. Written by ingest in
-- the transaction that settles the delivery; a replay that fails again is another attempt. The
-- error text stays in the server-only webhook_events.
create table public.ingest_failures (
  id bigint generated always as identity primary key,
  webhook_event_id bigint not null references public.webhook_events (id) on delete cascade,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  channel_connection_id uuid not null,
  event_count integer not null check (event_count > 0),
  failed_at timestamptz not null default clock_timestamp(),
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade
);
create index ingest_failures_workspace_failed_idx on public.ingest_failures (workspace_id, failed_at);
create index ingest_failures_webhook_event_id_idx on public.ingest_failures (webhook_event_id);
create index ingest_failures_channel_connection_id_idx on public.ingest_failures (channel_connection_id);

alter table public.ingest_failures enable row level security;
revoke all on public.ingest_failures from anon, authenticated;
grant all on public.ingest_failures to service_role;
-- Members read their workspace's (counts and times only); only ingest writes.
grant select on public.ingest_failures to authenticated;
create policy ingest_failures_select on public.ingest_failures for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));

-- When ingest recorded the event: the clock at the insert rather than the start of the ingest
-- transaction (one job applies many deliveries), so an event's processing time is its own.
alter table public.instagram_events alter column received_at set default clock_timestamp();

-- Per bucket of [p_from, p_to) (p_from aligned, a whole number of buckets), the workspace's
-- webhook events by when we received them, with Meta-to-us lag and processing time (receipt →
-- recorded by ingest) as p50/p95, and its failed events by when they failed. Empty buckets count
-- zero and have no percentiles. The last row (bucket null) holds the totals over the window.
-- The ledgers are server-only tables, so members read them through this one function, which
-- answers only for a workspace the caller belongs to and returns aggregates, never payloads.
create function private.webhook_health(
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

revoke all on function private.webhook_health(uuid, timestamptz, timestamptz, interval) from public;
grant execute on function private.webhook_health(uuid, timestamptz, timestamptz, interval) to authenticated;

-- Each account's send queue, and its sends and failures by when they happened, each read through
-- a small partial index instead of the account's whole outbound history.
create index conversation_messages_send_queue_idx on public.conversation_messages (channel_connection_id, created_at)
  where status in ('QUEUED', 'SENDING', 'UNCERTAIN');
create index conversation_messages_sent_at_idx on public.conversation_messages (channel_connection_id, sent_at)
  where sent_at is not null;
create index conversation_messages_failed_idx on public.conversation_messages (channel_connection_id, updated_at)
  where status = 'FAILED';
