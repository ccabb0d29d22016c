-- Health shows a workspace's background work that is stuck: jobs that should be running and are
-- not, by kind, with how long the oldest has waited. The jobs live in pg-boss's own tables
-- (schema pgboss, created by pg-boss when a process first starts, after these migrations), which
-- no member may read; members get counts for their own workspace through one function.

-- A uuid from a job's payload, or null: a payload is not validated in SQL, and one bad cast would
-- fail the whole Health read.
create function private.try_uuid(p_text text) returns uuid
language sql immutable set search_path = '' as $$
  select case when p_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
              then p_text::uuid end
$$;

-- The elements of a payload's array as text; nothing when the value is not an array.
create function private.jsonb_texts(p_value jsonb) returns setof text
language sql immutable set search_path = '' as $$
  select jsonb_array_elements_text(case when jsonb_typeof(p_value) = 'array' then p_value else '[]' end)
$$;

-- The business accounts a raw webhook delivery names, as the payload parser reads them: each
-- entry's id, in one delivery object or an array of them. A body Postgres cannot read as JSON
-- (Node's parser is more lenient about bytes) names none: it then counts nowhere, rather than
-- failing the read for everyone.
create function private.delivery_account_ids(p_raw_body bytea) returns text[]
language plpgsql immutable set search_path = '' as $$
declare
  v_body jsonb;
begin
  begin
    v_body := convert_from(p_raw_body, 'UTF8')::jsonb;
  exception when others then
    return '{}';
  end;
  return array(
    select distinct e.entry ->> 'id'
    from jsonb_array_elements(
           case when jsonb_typeof(v_body) = 'array' then v_body else jsonb_build_array(v_body) end
         ) d(delivery)
    cross join lateral jsonb_array_elements(
           case when jsonb_typeof(d.delivery -> 'entry') = 'array' then d.delivery -> 'entry' else '[]' end
         ) e(entry)
    where e.entry ->> 'id' is not null
  );
end
$$;

-- The workspace's stuck jobs by kind: receiving (ingest-webhook-events), sending (send-messages,
-- sender-actions) and contacts (enrich-contact). Queues that serve every workspace at once
-- (refresh-tokens, requeue-stranded-replies) belong to none and are not counted.
--
-- Stuck means the job should be running and is not:
--   * created or retry, and due (start_after) more than 30 s ago: no worker took it. A worker
--     takes a due job within a couple of seconds (LISTEN wake-up, or its 2 s poll), so 30 s late
--     means no worker is taking work (none running, or all of them busy for that long), while a
--     burst worked through in seconds raises no alarm;
--   * active, and its lease lapsed (started_on + expire_in < now): a running job's worker renews
--     the lease every couple of seconds, keeping it a few seconds ahead of now, so a lapsed lease
--     means the worker is gone and the job waits for maintenance to hand it to another worker.
-- A job waiting for its start time (a retry's backoff, a send's rate slot), a running job whose
-- worker renews it, and finished ones (completed, failed, cancelled) are not stuck.
-- Its age is how long ago it was due (start_after, which pg-boss keeps when a worker takes the
-- job): how long the work it stands for has been waiting.
--
-- A job counts for the workspace it concerns, found from its payload:
--   send-messages:          the conversation's workspace ({conversationId}), or, for payloads
--                           queued before that, its messages' ({messageIds});
--   sender-actions, enrich-contact: the connection's workspace ({connectionId});
--   ingest-webhook-events:  the workspaces whose live connections own an account its deliveries
--                           ({webhookEventIds}) name, matched as ingest matches them (the
--                           Instagram account id, or the Page id for Facebook Login): a delivery
--                           naming two workspaces' accounts concerns both, and a workspace that
--                           once had an account is not concerned any more. Ingest records the
--                           accounts in account_ids when it settles a delivery; one waiting for
--                           its first ingest has none yet, so they are read from its body, and
--                           only when the body holds one of the workspace's account ids as a
--                           JSON string at all (parsing every waiting delivery of every
--                           workspace would cost several times more).
-- A payload naming nothing that exists, or nothing readable, concerns nobody.
--
-- Times are the database's clock (p_now, for tests), like pg-boss's own and the workers' renewals.
-- The scans are cheap: pg-boss partitions its job table by queue name, so naming the queues
-- prunes the rest; waiting jobs are read through pg-boss's fetch index (job_i5: name, start_after
-- where state < 'active'), and running ones from the same partitions pg-boss's maintenance scans
-- for lapsed leases every few seconds. Only the jobs found stuck are attributed, each by primary
-- key lookups. Answers nothing for a non-member, or before pg-boss has installed its schema.
create function private.stuck_jobs(p_workspace uuid, p_now timestamptz default null)
returns table (kind text, jobs bigint, abandoned bigint, oldest_seconds double precision)
language plpgsql stable security definer set search_path = '' as $$
declare
  v_now timestamptz := coalesce(p_now, now());
  v_accounts text[];
begin
  if to_regclass('pgboss.job') is null or not exists (
    select 1 from public.workspace_members m
    where m.workspace_id = p_workspace and m.user_id = (select auth.uid())
  ) then
    return;
  end if;
  -- The account ids that deliveries name for the workspace's live connections.
  select coalesce(array_agg(a.id), '{}') into v_accounts
  from public.channel_connections c
  cross join lateral unnest(array[
    c.channel_identifier,
    case when c.login_path = 'facebook' then c.provider_account_id end
  ]) a(id)
  where c.workspace_id = p_workspace and c.status <> 'DISCONNECTED' and a.id is not null;

  return query
    with stuck as (
      select j.name as queue, j.data as payload, j.start_after as due_at, false as lost
      from pgboss.job j
      where j.name in ('ingest-webhook-events', 'send-messages', 'sender-actions', 'enrich-contact')
        and j.state < 'active'
        and j.start_after < v_now - interval '30 seconds'
      union all
      select j.name, j.data, j.start_after, true
      from pgboss.job j
      where j.name in ('ingest-webhook-events', 'send-messages', 'sender-actions', 'enrich-contact')
        and j.state = 'active'
        and j.started_on + j.expire_in < v_now
    ),
    concerning as (
      select s.* from stuck s
      where case s.queue
        when 'send-messages' then
          exists (
            select 1 from public.conversations c
            where c.id = private.try_uuid(s.payload ->> 'conversationId') and c.workspace_id = p_workspace
          )
          or exists (
            select 1 from private.jsonb_texts(s.payload -> 'messageIds') ids(id)
            join public.conversation_messages m on m.id = private.try_uuid(ids.id)
            where m.workspace_id = p_workspace
          )
        when 'sender-actions' then
          exists (
            select 1 from public.channel_connections c
            where c.id = private.try_uuid(s.payload ->> 'connectionId') and c.workspace_id = p_workspace
          )
        when 'enrich-contact' then
          exists (
            select 1 from public.channel_connections c
            where c.id = private.try_uuid(s.payload ->> 'connectionId') and c.workspace_id = p_workspace
          )
        when 'ingest-webhook-events' then
          exists (
            select 1 from private.jsonb_texts(s.payload -> 'webhookEventIds') ids(id)
            join public.webhook_events w
              on w.id = case when ids.id ~ '^[0-9]{1,18}$' then ids.id::bigint end
            where case
              when cardinality(w.account_ids) > 0 then w.account_ids && v_accounts
              when not exists (
                select 1 from unnest(v_accounts) a(id)
                where position(convert_to('"' || a.id || '"', 'UTF8') in w.raw_body) > 0
              ) then false
              else private.delivery_account_ids(w.raw_body) && v_accounts
            end
          )
        else false
      end
    )
    select case c.queue
             when 'ingest-webhook-events' then 'receiving'
             when 'enrich-contact' then 'contacts'
             else 'sending'
           end,
           count(*),
           count(*) filter (where c.lost),
           extract(epoch from v_now - min(c.due_at))::double precision
    from concerning c
    group by 1;
end
$$;

revoke all on function private.try_uuid(text), private.jsonb_texts(jsonb), private.delivery_account_ids(bytea),
  private.stuck_jobs(uuid, timestamptz) from public;
grant execute on function private.stuck_jobs(uuid, timestamptz) to authenticated;
