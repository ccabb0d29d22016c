-- What the Accounts screen shows of each connected Instagram account besides its @username: the
-- profile name and picture Meta returned when it was connected (or last reconnected). Picture
-- URLs from Meta's CDN expire after some days; the screen falls back to the initial then, and
-- reconnecting refreshes them.
alter table public.channel_connections
  add column profile_name text check (profile_name is null or char_length(profile_name) <= 200),
  add column profile_picture_url text check (profile_picture_url is null or profile_picture_url ~ '^https?://');

grant select (profile_name, profile_picture_url) on public.channel_connections to authenticated;
