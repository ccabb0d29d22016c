-- Changes are published once per statement, not once per row (decision 031). Ingest writes a
-- batch's messages, conversations and leads in a few multi-row statements; a row trigger then
-- published each row on its own: per message two realtime.send() calls (each its own
-- subtransaction, for its exception block), a live-log insert and a pg_notify, about a third of
-- ingest's time. Now each statement's rows are published in three statements whatever their
-- number. What is published, on which topics, with which payloads and in which order is unchanged
-- (server/realtime/topics.db.test.ts).

-- One published change: its workspace, its event and body, and for a message its conversation
-- (whose topic the open thread listens on).
create type private.live_change as (workspace_id uuid, conversation_id uuid, event text, body jsonb);

-- The one door: Realtime broadcasts for browsers, the live log and its wake-up for mobile apps.
create function private.publish(p_changes private.live_change[]) returns void
language plpgsql security definer set search_path = '' as $$
begin
  if coalesce(cardinality(p_changes), 0) = 0 then
    return;
  end if;
  -- What realtime.send() stores for one broadcast, for all of them in one insert (a message's on
  -- its conversation's topic first, as before). Like realtime.send(), a broadcast that cannot be
  -- stored (on hosted, a day without its partition yet) is a warning, never the write's failure.
  begin
    insert into realtime.messages (id, payload, event, topic, private, extension)
      select b.id, jsonb_build_object('id', b.id) || b.body, b.event, b.topic, true, 'broadcast'
      from (
        select gen_random_uuid() as id, t.body, t.event, t.topic
        from (
          select c.body, c.event, 'conversation:' || c.conversation_id as topic, c.n, 1 as audience
          from unnest(p_changes) with ordinality as c(workspace_id, conversation_id, event, body, n)
          where c.conversation_id is not null
          union all
          select c.body, c.event, 'workspace:' || c.workspace_id, c.n, 2
          from unnest(p_changes) with ordinality as c(workspace_id, conversation_id, event, body, n)
        ) t
        order by t.n, t.audience
      ) b;
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
  insert into public.live_events (workspace_id, event, body)
    select c.workspace_id, c.event, c.body
    from unnest(p_changes) with ordinality as c(workspace_id, conversation_id, event, body, n)
    order by c.n;
  perform pg_notify('inbox_live', w.workspace_id::text)
  from (select distinct c.workspace_id from unnest(p_changes) as c) w;
end;
$$;
revoke all on function private.publish(private.live_change[]) from public;

-- One change, for the triggers that publish row by row (accounts, team, history imports: rare).
create or replace function private.publish_to_workspace(p_workspace uuid, p_event text, p_body jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish(array[row(p_workspace, null, p_event, p_body)::private.live_change]);
end;
$$;

-- Messages: on their conversation's topic and their workspace's.
drop trigger conversation_messages_publish on public.conversation_messages;
drop function private.publish_message_change();

create function private.publish_messages_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish(array(
    select row(m.workspace_id, m.conversation_id,
               case tg_op when 'INSERT' then 'message_created' else 'message_updated' end,
               jsonb_build_object('message_id', m.id, 'conversation_id', m.conversation_id,
                                  'status', m.status))::private.live_change
    from changed m));
  return null;
end;
$$;
revoke all on function private.publish_messages_changed() from public;
-- A trigger with a transition table has one event: one for inserts, one for updates.
create trigger conversation_messages_publish_created after insert on public.conversation_messages
  referencing new table as changed for each statement execute function private.publish_messages_changed();
create trigger conversation_messages_publish_updated after update on public.conversation_messages
  referencing new table as changed for each statement execute function private.publish_messages_changed();

-- Conversations: their unread count, state and version, for the list.
drop trigger conversations_publish on public.conversations;
drop function private.publish_conversation_change();

create function private.publish_conversations_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish(array(
    select row(c.workspace_id, null, 'conversation_updated',
               jsonb_build_object('conversation_id', c.id, 'unread_count', c.unread_count,
                                  'status', c.status, 'version', c.version))::private.live_change
    from changed c));
  return null;
end;
$$;
revoke all on function private.publish_conversations_changed() from public;
create trigger conversations_publish_created after insert on public.conversations
  referencing new table as changed for each statement execute function private.publish_conversations_changed();
create trigger conversations_publish_updated after update on public.conversations
  referencing new table as changed for each statement execute function private.publish_conversations_changed();

-- Leads: news when created.
drop trigger leads_publish on public.leads;
drop function private.publish_lead_created();

create function private.publish_leads_created() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish(array(
    select row(l.workspace_id, null, 'lead_created',
               jsonb_build_object('lead_id', l.id, 'conversation_id', l.conversation_id))::private.live_change
    from created l));
  return null;
end;
$$;
revoke all on function private.publish_leads_created() from public;
create trigger leads_publish after insert on public.leads
  referencing new table as created for each statement execute function private.publish_leads_created();
