-- What the Accounts screen shows of each connected Instagram account besides its @username: the
-- profile name and picture Meta returned when it was connected (or last reconnected). Picture
-- URLs from Meta's CDN expire after some days; the screen falls back to the initial then, and
-- reconnecting refreshes them.
alter table public.channel_connections
  add column profile_name text check (profile_name is null or char_length(profile_name) <= 200),
  add column profile_picture_url text check (profile_picture_url is null or profile_picture_url ~ '^https?://');

grant select (profile_name, profile_picture_url) on public.channel_connections to authenticated;

-- An account deleted with its history (disconnect choosing "delete history", or Meta's data
-- deletion) leaves every open screen at once, like any other change of an account: browsers get
-- a broadcast, the mobile live feed a wake-up. The existing triggers only see inserts and updates.
create function private.broadcast_connection_deleted() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform realtime.send(jsonb_build_object('channel_connection_id', old.id, 'status', 'DELETED'),
    'connection_deleted', 'workspace:' || old.workspace_id::text, true);
  perform pg_notify('inbox_live', old.workspace_id::text);
  return null;
end;
$$;
revoke all on function private.broadcast_connection_deleted() from public;
create trigger channel_connections_deleted after delete on public.channel_connections
  for each row execute function private.broadcast_connection_deleted();
