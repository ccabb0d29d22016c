-- Leads search at the size of a busy business (issue 18): matching a lead's or its contact's name
-- or username with ILIKE read every lead of the workspace (120 ms at 20,000 leads), and under RLS
-- no index could help (ILIKE is not leakproof). As the inbox's search does (decision 025): trigram
-- indexes, read by a function that checks membership itself and then filters by workspace.
-- The workspace in each index (btree_gin): one index scan finds the workspace's matches, where
-- Postgres would otherwise AND a trigram scan with a scan of all the workspace's rows.
create index leads_name_trgm on public.leads
  using gin (workspace_id, name extensions.gin_trgm_ops);
create index leads_username_trgm on public.leads
  using gin (workspace_id, username extensions.gin_trgm_ops);
create index contacts_name_trgm on public.contacts
  using gin (workspace_id, name extensions.gin_trgm_ops);
create index contacts_username_trgm on public.contacts
  using gin (workspace_id, username extensions.gin_trgm_ops);

-- The workspace's leads whose own or whose contact's name matches `p_pattern`, or username
-- `p_username` (ILIKE patterns), for a member of the workspace; nothing for anyone else. A lead
-- matching twice comes twice: the caller's `in` makes it once. A search for someone finds a few:
-- the planner is told so, so that the list reads each by its key, not every lead in turn.
create function private.search_leads(p_workspace uuid, p_pattern text, p_username text)
returns setof uuid
language sql stable security definer set search_path = '' rows 20 as $$
  select l.id from public.leads l
   where p_workspace in (select private.my_workspace_ids())
     and l.workspace_id = p_workspace
     and (l.name ilike p_pattern or l.username ilike p_username)
  union all
  select l.id from public.contacts ct
    join public.leads l
      on l.channel_connection_id = ct.channel_connection_id and l.contact_identifier = ct.igsid
   where p_workspace in (select private.my_workspace_ids())
     and ct.workspace_id = p_workspace
     and (ct.name ilike p_pattern or ct.username ilike p_username)
$$;
revoke all on function private.search_leads(uuid, text, text) from public;
grant execute on function private.search_leads(uuid, text, text) to authenticated, service_role;
