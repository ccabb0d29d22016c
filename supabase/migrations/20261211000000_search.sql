-- Inbox search at the size of a busy business (issue 18, decision 025). A search read every
-- message of every workspace: `OR EXISTS (…ilike…)` became one uncorrelated scan of the messages
-- table, and under RLS no index could help, since ILIKE is not leakproof and so may not run before
-- the policy's own check. Trigram indexes serve `ILIKE '%…%'` on names and message text; the
-- search runs in a function that checks membership itself and then filters by workspace, so the
-- indexes are used while no one reads another workspace's rows.
create extension if not exists pg_trgm with schema extensions;

create index conversation_messages_content_trgm
  on public.conversation_messages using gin (content extensions.gin_trgm_ops);
create index conversations_contact_name_trgm
  on public.conversations using gin (contact_name extensions.gin_trgm_ops);
create index conversations_contact_username_trgm
  on public.conversations using gin (contact_username extensions.gin_trgm_ops);

-- The workspace's conversations whose contact or any message matches `p_pattern` (an ILIKE
-- pattern), for a member of the workspace; nothing for anyone else.
create function private.search_conversations(p_workspace uuid, p_pattern text) returns setof uuid
language sql stable security definer set search_path = '' as $$
  select c.id from public.conversations c
   where p_workspace in (select private.my_workspace_ids())
     and c.workspace_id = p_workspace
     and (c.contact_name ilike p_pattern or c.contact_username ilike p_pattern)
  union
  select m.conversation_id from public.conversation_messages m
   where p_workspace in (select private.my_workspace_ids())
     and m.workspace_id = p_workspace
     and m.content ilike p_pattern
$$;
revoke all on function private.search_conversations(uuid, text) from public;
grant execute on function private.search_conversations(uuid, text) to authenticated, service_role;
