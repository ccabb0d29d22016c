-- Integration health for the Health screen: per time bucket, the workspace's webhook events (how
-- late Meta delivered them, how long we took to process them) and its failed deliveries.
-- The ledgers are server-only tables, so members read them through this one function, which
-- answers only for a workspace the caller belongs to and returns aggregates, never payloads.
-- The last row (bucket null) holds the totals over the whole range.

create function private.webhook_health(p_workspace uuid, p_since timestamptz, p_bucket interval)
returns table (
  bucket timestamptz,
  events bigint,
  failed_deliveries bigint,
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
  accounts as (
    select array_agg(c.channel_identifier) as ids from public.channel_connections c
    where c.workspace_id = p_workspace
  ),
  buckets as (
    select generate_series(
      date_bin(p_bucket, p_since, timestamptz '2000-01-01'),
      date_bin(p_bucket, now(), timestamptz '2000-01-01'),
      p_bucket) as bucket
  ),
  samples as (
    select date_bin(p_bucket, w.received_at, timestamptz '2000-01-01') as bucket,
           'event' as kind,
           greatest(0, extract(epoch from w.received_at - e.occurred_at) * 1000) as lag_ms,
           extract(epoch from coalesce(e.applied_at, w.processed_at) - w.received_at) * 1000 as processing_ms
    from public.instagram_events e
    join public.webhook_events w on w.id = e.webhook_event_id
    where e.workspace_id = p_workspace
      and e.received_at >= p_since -- an event row is written after its delivery: uses the index
      and w.received_at >= p_since
    union all
    select date_bin(p_bucket, w.received_at, timestamptz '2000-01-01'), 'failure', null, null
    from public.webhook_events w, accounts a
    where w.status = 'FAILED' and w.received_at >= p_since and w.account_ids && a.ids
  )
  select b.bucket,
         count(s.kind) filter (where s.kind = 'event'),
         count(s.kind) filter (where s.kind = 'failure'),
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

revoke all on function private.webhook_health(uuid, timestamptz, interval) from public;
grant execute on function private.webhook_health(uuid, timestamptz, interval) to authenticated;

-- Each account's recent send attempts and waiting replies, without reading its whole history.
create index outbound_health_idx on public.conversation_messages (channel_connection_id, last_attempt_at)
  where direction = 'OUTBOUND';
