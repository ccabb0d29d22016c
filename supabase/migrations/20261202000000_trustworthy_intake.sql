-- Intake a business can stake its conversations on: an event that cannot be applied is
-- quarantined (kept with its error, counted in Health, replayed after a fix) instead of failing
-- its neighbours; product referrals, the ad's context and self-messaging are kept; an unsent
-- message is redacted from the ledgers too.

alter table public.instagram_events drop constraint instagram_events_status_check;
alter table public.instagram_events add constraint instagram_events_status_check
  check (status in ('APPLIED', 'PENDING', 'IGNORED', 'UNMATCHED', 'QUARANTINED'));
-- Health counts a workspace's quarantined events; they are few, so the index is small.
create index instagram_events_quarantined_idx on public.instagram_events (workspace_id, received_at)
  where status = 'QUARANTINED';

-- A shop product the customer came from; the whole referral (ad title, picture, post, product)
-- as Meta sent it with the first message.
alter table public.leads drop constraint leads_source_check;
alter table public.leads add constraint leads_source_check
  check (source in ('DM', 'STORY_REPLY', 'STORY_MENTION', 'AD', 'REFERRAL', 'PRODUCT'));
alter table public.leads add column referral jsonb;

-- The business messaging its own account (previewing its automations): kept, but not a customer
-- conversation (no lead, not listed, not counted).
alter table public.conversations add column is_self boolean not null default false;

-- When an unsend removed a message's text and media from the raw delivery.
alter table public.webhook_events add column redacted_at timestamptz;

-- Before this, a conversation was created up front and left behind, empty, when the event that
-- opened it failed (its delivery stays FAILED and a replay creates it again) or was a duplicate.
delete from public.conversations c
where not exists (select 1 from public.conversation_messages m where m.conversation_id = c.id);

-- Every later delivery that carried an event already recorded (Meta redelivers): an unsend must
-- redact the message from those copies of the raw body too.
create table public.instagram_event_redeliveries (
  instagram_event_id bigint not null references public.instagram_events (id) on delete cascade,
  webhook_event_id bigint not null references public.webhook_events (id) on delete cascade,
  primary key (instagram_event_id, webhook_event_id)
);
create index instagram_event_redeliveries_webhook_event_id_idx
  on public.instagram_event_redeliveries (webhook_event_id);
alter table public.instagram_event_redeliveries enable row level security;
revoke all on public.instagram_event_redeliveries from anon, authenticated;
grant all on public.instagram_event_redeliveries to service_role;

-- A lead's source is that of the customer's earliest message, whatever order Meta delivers in:
-- the time of the message that set it, so an earlier one arriving later can take its place.
alter table public.leads add column origin_at timestamptz;
update public.leads l set origin_at = coalesce(
  (select min(m.occurred_at) from public.conversation_messages m
   where m.conversation_id = l.conversation_id and m.direction = 'INBOUND'),
  l.created_at);

-- How far the customer has read (Meta's time of the latest business message seen, and when): a
-- business message delivered after the seen mark that covers it is seen too.
alter table public.conversations
  add column customer_seen_until timestamptz,
  add column customer_seen_at timestamptz;
