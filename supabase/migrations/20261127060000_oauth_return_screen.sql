-- Where the operator started connecting (the inbox banner or the Accounts screen): the OAuth
-- callback brings them back there.
alter table public.oauth_states
  add column return_screen text not null default 'inbox' check (return_screen in ('inbox', 'accounts'));
