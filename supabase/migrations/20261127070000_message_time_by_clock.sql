-- Messages written by the app (replies) take the time of the statement that writes them, not of
-- the transaction: the parts of one reply (text, then attachment) are written in one transaction
-- and must keep their order in the thread. Meta's messages carry their own time.
alter table public.conversation_messages alter column occurred_at set default clock_timestamp();
