-- Health's webhook figures from running totals (issue 18, decision 030). The Health screen joined
-- every event of the window to its delivery and sorted them all for each percentile: at 100,000
-- events a day the day view took over a second. Now each event, as it is recorded, adds to
-- histograms of its lag and processing time per minute and per hour (one statement per insert
-- statement), and the screen reads at most a few thousand small rows.
--
-- A histogram bin holds the values within a factor 2^(1/4) (19%) of each other, with their count
-- and their sum: a percentile is read as percentile_cont would over the bins' means, so it is
-- exact whenever the values of each bin are equal and within the bin's width otherwise.
--
-- Each row belongs to one database backend (`shard`): two workers' transactions never wait for
-- each other's row, nor deadlock on it.

create table private.webhook_latency (
  workspace_id uuid not null,
  -- Each sample is counted twice: in its minute (the hour view) and in its hour (the day view).
  span interval not null check (span in ('1 minute', '1 hour')),
  at timestamptz not null,
  metric text not null check (metric in ('lag', 'processing')),
  bin smallint not null,
  shard integer not null,
  events bigint not null,
  total_ms double precision not null,
  primary key (workspace_id, span, at, metric, bin, shard)
);
alter table private.webhook_latency enable row level security; -- server-only: no policies

-- The bin of a value in milliseconds: 0 below 1 ms, then four bins per doubling (up to years).
create function private.latency_bin(p_ms double precision) returns smallint
language sql immutable parallel safe set search_path = '' as $$
  select case when p_ms < 1 then 0 else least(200, 1 + floor(4 * log(2, p_ms::numeric)))::smallint end
$$;

-- Adds these events' samples to the running totals. An event counts once, when first recorded,
-- against the delivery that brought it; history fetched from the Conversations API is not a
-- webhook (its "lag" is the conversation's age), and an event of no workspace is no one's.
-- The events come as parallel arrays (one element per event), the trigger's transition table
-- being visible to the trigger function alone.
create function private.add_webhook_latency(
  p_workspaces uuid[], p_deliveries bigint[], p_occurred timestamptz[], p_recorded timestamptz[]
) returns void
language sql security definer set search_path = '' as $$
  with samples as (
    select e.workspace_id, w.received_at, m.metric, m.ms
    from unnest(p_workspaces, p_deliveries, p_occurred, p_recorded)
           as e (workspace_id, webhook_event_id, occurred_at, received_at)
    join public.webhook_events w on w.id = e.webhook_event_id
    cross join lateral (values
      -- Meta's and our clocks differ a little: an event "from the future" had no lag.
      ('lag', greatest(0, extract(epoch from w.received_at - e.occurred_at) * 1000)),
      ('processing', greatest(0, extract(epoch from e.received_at - w.received_at) * 1000))
    ) m (metric, ms)
    where e.workspace_id is not null and w.object is distinct from 'instagram_history'
  )
  insert into private.webhook_latency as t (workspace_id, span, at, metric, bin, shard, events, total_ms)
    select s.workspace_id, spans.span, date_bin(spans.span, s.received_at, timestamptz '2000-01-01 00:00Z'),
           s.metric, private.latency_bin(s.ms), pg_backend_pid(), count(*), sum(s.ms)
    from samples s cross join (values (interval '1 minute'), (interval '1 hour')) spans (span)
    group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
  on conflict (workspace_id, span, at, metric, bin, shard) do update
    set events = t.events + excluded.events, total_ms = t.total_ms + excluded.total_ms
$$;
revoke all on function private.add_webhook_latency(uuid[], bigint[], timestamptz[], timestamptz[]) from public;

create function private.count_recorded_events() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.add_webhook_latency(array_agg(workspace_id), array_agg(webhook_event_id),
                                     array_agg(occurred_at), array_agg(received_at))
  from added;
  return null;
end;
$$;
revoke all on function private.count_recorded_events() from public;
create trigger instagram_events_latency after insert on public.instagram_events
  referencing new table as added for each statement execute function private.count_recorded_events();

-- The totals of the events recorded since `p_since`: what the trigger would have added (this
-- migration's own backfill, and data loaded with triggers off: the scale benchmark's).
create function private.build_webhook_latency(p_since timestamptz) returns void
language sql security definer set search_path = '' as $$
  select private.add_webhook_latency(array_agg(workspace_id), array_agg(webhook_event_id),
                                     array_agg(occurred_at), array_agg(received_at))
  from public.instagram_events
  where received_at >= p_since
$$;
revoke all on function private.build_webhook_latency(timestamptz) from public;
select private.build_webhook_latency(now() - interval '2 days');

-- A workspace's totals made again from its recorded events: for a ledger whose times were
-- changed after the events were recorded (the demo's, backdated to when its messages were said).
create function private.rebuild_webhook_latency(p_workspace uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  delete from private.webhook_latency where workspace_id = p_workspace;
  perform private.add_webhook_latency(array_agg(workspace_id), array_agg(webhook_event_id),
                                      array_agg(occurred_at), array_agg(received_at))
  from public.instagram_events
  where workspace_id = p_workspace;
end;
$$;
revoke all on function private.rebuild_webhook_latency(uuid) from public;

-- Health shows a day at most: older totals go with the daily purge.
create function private.purge_webhook_latency(p_before timestamptz) returns bigint
language sql security definer set search_path = '' as $$
  with gone as (delete from private.webhook_latency where at < p_before returning 1)
  select count(*) from gone
$$;
revoke all on function private.purge_webhook_latency(timestamptz) from public;

-- The value at fraction `p` of the samples, as percentile_cont reads it, from bins in ascending
-- order, each given by its mean and its count.
create function private.histogram_percentile(p_means double precision[], p_counts bigint[], p double precision)
returns double precision
language plpgsql immutable parallel safe set search_path = '' as $$
declare
  total bigint := 0;
  rank double precision;
  seen bigint := 0;
  below double precision;
  above double precision;
begin
  for i in 1 .. coalesce(array_length(p_counts, 1), 0) loop
    total := total + p_counts[i];
  end loop;
  if total = 0 then
    return null;
  end if;
  rank := p * (total - 1);
  for i in 1 .. array_length(p_counts, 1) loop
    if below is null and floor(rank) < seen + p_counts[i] then
      below := p_means[i];
    end if;
    if ceil(rank) < seen + p_counts[i] then
      above := p_means[i];
      exit;
    end if;
    seen := seen + p_counts[i];
  end loop;
  return below + (rank - floor(rank)) * (above - below);
end;
$$;

-- Same contract as before (one row per bucket, then the totals; none for a non-member), read from
-- the totals: by hour for hour-long buckets, by minute otherwise.
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
  totals as (
    select t.at, t.metric, t.bin, t.events, t.total_ms from private.webhook_latency t
    where t.workspace_id = p_workspace
      and t.span = case when p_bucket >= interval '1 hour' then interval '1 hour' else interval '1 minute' end
      and t.at >= p_from and t.at < p_to
  ),
  bins as (
    select t.bucket, t.metric, t.bin, sum(t.events)::bigint as events, sum(t.total_ms) as total_ms
    from (select date_bin(p_bucket, at, p_from) as bucket, * from totals) t
    group by grouping sets ((t.bucket, t.metric, t.bin), (t.metric, t.bin))
  ),
  latency as (
    select b.bucket, b.metric, sum(b.events)::bigint as events,
           private.histogram_percentile(array_agg(b.total_ms / b.events order by b.bin),
                                        array_agg(b.events order by b.bin), 0.5) as p50,
           private.histogram_percentile(array_agg(b.total_ms / b.events order by b.bin),
                                        array_agg(b.events order by b.bin), 0.95) as p95
    from bins b
    group by b.bucket, b.metric
  ),
  failures as (
    select f.bucket, sum(f.event_count)::bigint as failed
    from (select date_bin(p_bucket, failed_at, p_from) as bucket, event_count
          from public.ingest_failures
          where workspace_id = p_workspace and failed_at >= p_from and failed_at < p_to) f
    group by grouping sets ((f.bucket), ())
  ),
  buckets as (
    select generate_series(p_from, p_to - p_bucket, p_bucket) as bucket
    union all
    select null -- the totals
  )
  select b.bucket,
         coalesce(lag.events, 0),
         coalesce(f.failed, 0),
         lag.p50, lag.p95, processing.p50, processing.p95
  from buckets b
  left join latency lag on lag.bucket is not distinct from b.bucket and lag.metric = 'lag'
  left join latency processing
    on processing.bucket is not distinct from b.bucket and processing.metric = 'processing'
  left join failures f on f.bucket is not distinct from b.bucket
  where exists (select 1 from member)
  order by b.bucket nulls last
$$;
