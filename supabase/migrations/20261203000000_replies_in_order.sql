-- Replies reach the customer in the order they were written, crash or no crash: a conversation's
-- replies are sent one at a time, oldest first, and a reply waits behind an earlier one still
-- pending (issue 12).

-- A reply put back in the queue after Meta asked us to wait is not due before this.
alter table public.conversation_messages add column next_attempt_at timestamptz;

-- The send job finds a conversation's next reply through this small partial index.
create index conversation_messages_pending_send_idx
  on public.conversation_messages (conversation_id, occurred_at, id)
  where direction = 'OUTBOUND' and status in ('QUEUED', 'SENDING');

-- Who is calling Meta for a SENDING reply right now: the run that claimed it renews the claim
-- while it waits for Meta's answer. A SENDING reply without a live claim belongs to a run that
-- died: it is left UNCERTAIN (Meta may have it) and the conversation goes on. Kept apart from the
-- message so that renewing a claim does not wake the live triggers on conversation_messages.
create table public.send_claims (
  message_id uuid primary key references public.conversation_messages (id) on delete cascade,
  claimed_until timestamptz not null
);
alter table public.send_claims enable row level security;
-- Server only: RLS on, no policy, no grant for API roles.
revoke all on public.send_claims from anon, authenticated;
grant all on public.send_claims to service_role;
