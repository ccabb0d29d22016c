-- The mobile live feed (a tRPC subscription over server-sent events) relays the same broadcasts
-- browsers get from Realtime, read back from realtime.messages. Server processes LISTEN here to
-- learn, on commit, that a workspace has something new; the payload is only the workspace id.
create function private.notify_live_feed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform pg_notify('inbox_live', new.workspace_id::text);
  return null;
end;
$$;
revoke all on function private.notify_live_feed() from public;

create trigger conversation_messages_live after insert or update on public.conversation_messages
  for each row execute function private.notify_live_feed();
create trigger conversations_live after insert or update on public.conversations
  for each row execute function private.notify_live_feed();
create trigger leads_live after insert on public.leads
  for each row execute function private.notify_live_feed();
create trigger channel_connections_live after insert or update of status, needs_reauth_reason, is_active
  on public.channel_connections
  for each row execute function private.notify_live_feed();
