-- One trigger per table publishes its changes, under the names of the realtime contract
-- (server/realtime/topics.ts; server/realtime/topics.db.test.ts holds this file to it): a Realtime
-- broadcast on the workspace's topic (and, for a message, its conversation's), and a wake-up for
-- the mobile live feed on 'inbox_live' with the workspace's id. Until now each table had one
-- trigger per audience, two families doing the same work on the same rows that had to be kept in
-- step by hand (and accounts a third, for deletes). What is published, on which changes and with
-- which payloads is unchanged. The team's trigger (private.broadcast_team_change) already did both.

drop trigger conversation_messages_broadcast on public.conversation_messages;
drop trigger conversation_messages_live on public.conversation_messages;
drop trigger conversations_broadcast on public.conversations;
drop trigger conversations_live on public.conversations;
drop trigger leads_broadcast on public.leads;
drop trigger leads_live on public.leads;
drop trigger channel_connections_broadcast on public.channel_connections;
drop trigger channel_connections_live on public.channel_connections;
drop trigger channel_connections_deleted on public.channel_connections;
drop function private.broadcast_message_change();
drop function private.broadcast_conversation_change();
drop function private.broadcast_lead_created();
drop function private.broadcast_connection_change();
drop function private.broadcast_connection_deleted();
drop function private.notify_live_feed();

-- Small payloads (ids and states) on private topics: clients refetch through the API, which
-- applies RLS. SECURITY DEFINER because realtime.send() inserts under RLS.

-- One change of a workspace, to both audiences: the broadcast on its topic, the live feed's wake-up.
create function private.publish_to_workspace(p_workspace uuid, p_event text, p_body jsonb) returns void
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(p_body, p_event, 'workspace:' || p_workspace::text, true);
  perform pg_notify('inbox_live', p_workspace::text);
end;
$$;
revoke all on function private.publish_to_workspace(uuid, text, jsonb) from public;

create function private.publish_message_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  event text := case tg_op when 'INSERT' then 'message_created' else 'message_updated' end;
  body jsonb := jsonb_build_object('message_id', new.id, 'conversation_id', new.conversation_id,
                                   'status', new.status);
begin
  perform realtime.send(body, event, 'conversation:' || new.conversation_id::text, true);
  perform private.publish_to_workspace(new.workspace_id, event, body);
  return null;
end;
$$;
revoke all on function private.publish_message_change() from public;
create trigger conversation_messages_publish after insert or update on public.conversation_messages
  for each row execute function private.publish_message_change();

create function private.publish_conversation_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish_to_workspace(new.workspace_id, 'conversation_updated',
    jsonb_build_object('conversation_id', new.id, 'unread_count', new.unread_count, 'status', new.status));
  return null;
end;
$$;
revoke all on function private.publish_conversation_change() from public;
create trigger conversations_publish after insert or update on public.conversations
  for each row execute function private.publish_conversation_change();

-- A lead is news when it is created; its later progress is not live.
create function private.publish_lead_created() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.publish_to_workspace(new.workspace_id, 'lead_created',
    jsonb_build_object('lead_id', new.id, 'conversation_id', new.conversation_id));
  return null;
end;
$$;
revoke all on function private.publish_lead_created() from public;
create trigger leads_publish after insert on public.leads
  for each row execute function private.publish_lead_created();

-- Changes of an account's state (status, reason, active), not the stamps each delivery and token
-- refresh leave on it; and an account deleted with its history, which leaves every open screen.
create function private.publish_connection_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'DELETE' then
    perform private.publish_to_workspace(old.workspace_id, 'connection_deleted',
      jsonb_build_object('channel_connection_id', old.id, 'status', 'DELETED'));
  else
    perform private.publish_to_workspace(new.workspace_id, 'connection_updated',
      jsonb_build_object('channel_connection_id', new.id, 'status', new.status));
  end if;
  return null;
end;
$$;
revoke all on function private.publish_connection_change() from public;
create trigger channel_connections_publish
  after insert or update of status, needs_reauth_reason, is_active or delete on public.channel_connections
  for each row execute function private.publish_connection_change();
