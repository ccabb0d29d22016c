-- Inbox search by the words of a conversation (issue 18, decision 029). A trigram index over every
-- message found the messages quickly, but a list needs conversations: a common word matched tens of
-- thousands of messages, each read from the table for its conversation (200 ms at 1M messages),
-- and the index made every message insert dearer. Now each conversation keeps one document: the
-- set of its words, kept by triggers as messages arrive, change and go, and searched by prefix
-- through a GIN index; a common word reads a few thousand small rows at most.
drop function private.search_conversations(uuid, text);
drop index public.conversation_messages_content_trgm;

create table private.conversation_search (
  conversation_id uuid primary key references public.conversations (id) on delete cascade,
  workspace_id uuid not null,
  document tsvector not null
);
alter table private.conversation_search enable row level security; -- server-only: no policies
-- With the workspace in the index, a common word reads only the searching workspace's matches.
create extension if not exists btree_gin with schema extensions;
create index conversation_search_document on private.conversation_search
  using gin (workspace_id, document);

-- A text's words as the 'simple' configuration finds them (lower-cased, no stemming: customers
-- write in every language), positions stripped (only membership matters), none over 32 bytes (no
-- one searches for those). At most 50,000 characters are read: with the cap on a document's words
-- below, a conversation's document stays far under tsvector's 1 MB limit whatever a customer
-- sends, so no message can make its own insert fail.
create function private.search_words(p_text text) returns tsvector
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.array_to_tsvector(coalesce(array_agg(w), '{}'))
  from unnest(pg_catalog.tsvector_to_array(
         pg_catalog.to_tsvector('pg_catalog.simple', left(coalesce(p_text, ''), 50000)))) w
  where octet_length(w) <= 32
$$;

-- A search as typed: every word, each as a prefix of a word of the document ("resto" finds
-- "restock"). Null when it has no words (punctuation, emoji), which matches nothing.
create function private.search_query(p_text text) returns tsquery
language sql immutable parallel safe set search_path = '' as $$
  select string_agg(
           -- Quoted, so that no character of the word is read as a tsquery operator.
           '''' || replace(replace(w, '\', '\\'), '''', '\''') || ''':*', ' & '
         )::tsquery
  from unnest(pg_catalog.tsvector_to_array(private.search_words(p_text))) w
$$;

-- A conversation's document from its messages, newest first (the first 50,000 characters win).
create function private.conversation_words(p_conversation uuid) returns tsvector
language sql stable set search_path = '' as $$
  select private.search_words(string_agg(m.content, ' ' order by m.created_at desc, m.id desc))
  from public.conversation_messages m
  where m.conversation_id = p_conversation
$$;

-- New messages add their words, one statement for all of a statement's rows. A document of
-- 8,000 words takes no more (they are a conversation's first; a search still finds it by them).
create function private.add_search_words() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into private.conversation_search as s (conversation_id, workspace_id, document)
    select a.conversation_id, a.workspace_id, private.search_words(string_agg(a.content, ' '))
    from added a
    where a.content <> ''
    group by a.conversation_id, a.workspace_id
  on conflict (conversation_id) do update
    set document = case when length(s.document) >= 8000 then s.document
                        else s.document || excluded.document end;
  return null;
end;
$$;
revoke all on function private.add_search_words() from public;
create trigger conversation_messages_search_added after insert on public.conversation_messages
  referencing new table as added for each statement execute function private.add_search_words();

-- A message edited, unsent or deleted takes its words with it: unsent text is not searchable. The
-- conversation's document is built again from what is left (edits and unsends are rare; a purge
-- rebuilds each conversation it touched once).
create function private.rebuild_search_documents(p_conversations uuid[]) returns void
language sql security definer set search_path = '' as $$
  update private.conversation_search s
     set document = coalesce(private.conversation_words(s.conversation_id), ''::tsvector)
   where s.conversation_id = any (p_conversations)
$$;
revoke all on function private.rebuild_search_documents(uuid[]) from public;

create function private.rebuild_search_after_edit() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.rebuild_search_documents(array[new.conversation_id]);
  return null;
end;
$$;
revoke all on function private.rebuild_search_after_edit() from public;
create trigger conversation_messages_search_edited after update of content on public.conversation_messages
  for each row when (old.content is distinct from new.content)
  execute function private.rebuild_search_after_edit();

create function private.rebuild_search_after_delete() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- A cascade from its conversation finds no document left to rebuild.
  perform private.rebuild_search_documents(array(select distinct conversation_id from gone));
  return null;
end;
$$;
revoke all on function private.rebuild_search_after_delete() from public;
create trigger conversation_messages_search_deleted after delete on public.conversation_messages
  referencing old table as gone for each statement execute function private.rebuild_search_after_delete();

-- Every conversation's document, built from its messages: the conversations there are now, and
-- data loaded with triggers off (the scale benchmark's).
create function private.build_search_documents() returns void
language sql security definer set search_path = '' as $$
  insert into private.conversation_search (conversation_id, workspace_id, document)
    select m.conversation_id, m.workspace_id,
           private.search_words(string_agg(m.content, ' ' order by m.created_at desc, m.id desc))
    from public.conversation_messages m
    where m.content <> ''
    group by m.conversation_id, m.workspace_id
  on conflict (conversation_id) do update set document = excluded.document
$$;
revoke all on function private.build_search_documents() from public;
select private.build_search_documents();

-- The workspace's conversations whose contact's name or username matches `p_pattern` (an ILIKE
-- pattern) or whose words hold every word of `p_search`, for a member of the workspace; nothing
-- for anyone else. A conversation matching both comes twice: the caller's `in` makes it once.
create function private.search_conversations(p_workspace uuid, p_pattern text, p_search text)
returns setof uuid
language sql stable security definer set search_path = '' as $$
  select c.id from public.conversations c
   where p_workspace in (select private.my_workspace_ids())
     and c.workspace_id = p_workspace
     and (c.contact_name ilike p_pattern or c.contact_username ilike p_pattern)
  union all
  select s.conversation_id from private.conversation_search s
   where p_workspace in (select private.my_workspace_ids())
     and s.workspace_id = p_workspace
     and s.document @@ private.search_query(p_search)
$$;
revoke all on function private.search_conversations(uuid, text, text) from public;
grant execute on function private.search_conversations(uuid, text, text) to authenticated, service_role;
