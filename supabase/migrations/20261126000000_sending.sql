-- Sending replies through Meta's Send API (reference §5).

-- The tag a reply goes out with (HUMAN_AGENT between 24 h and 7 days, decided when it is queued),
-- when Meta accepted it, and when it was last handed to Meta.
alter table public.conversation_messages
  add column messaging_tag text check (messaging_tag in ('HUMAN_AGENT')),
  add column sent_at timestamptz,
  add column last_attempt_at timestamptz,
  -- The business's reaction to a customer's message (sender action `react`).
  add column business_reaction text check (char_length(business_reaction) <= 16);
grant insert (messaging_tag) on public.conversation_messages to authenticated;

-- An echo whose mid we do not know yet is matched against our own sends still waiting for their
-- outcome (the echo can arrive before the Send API answers).
create index conversation_messages_awaiting_echo_idx
  on public.conversation_messages (conversation_id, created_at)
  where direction = 'OUTBOUND' and external_message_id is null;

-- Sender actions are opt-in per workspace (peer lesson: customers notice "seen" and typing).
alter table public.workspaces
  add column send_reactions_enabled boolean not null default false,
  add column send_seen_enabled boolean not null default false,
  add column send_typing_enabled boolean not null default false;
grant update (send_reactions_enabled, send_seen_enabled, send_typing_enabled)
  on public.workspaces to authenticated;

-- Meta limits sends per Instagram account (100/s for text, 10/s for media). Every worker process
-- reserves its next slot here, so the limit holds however many workers run. After a throttling
-- answer the account's lanes are pushed into the future.
create table public.send_rate_slots (
  channel_connection_id uuid not null references public.channel_connections (id) on delete cascade,
  lane text not null check (lane in ('text', 'media')),
  next_slot_at timestamptz not null default now(),
  primary key (channel_connection_id, lane)
);
alter table public.send_rate_slots enable row level security;
-- Server only: RLS on, no policy, no grant for API roles.
revoke all on public.send_rate_slots from anon, authenticated;
grant all on public.send_rate_slots to service_role;
