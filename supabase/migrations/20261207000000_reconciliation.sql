-- Missed-webhook recovery (issue 15): an import of kind RECONCILE looks at the conversations active
-- since the last import, fetches those Meta shows newer than the inbox, and checks that Meta still
-- sends the account's webhooks, subscribing again when it stopped (Meta unsubscribes an app after
-- an hour of failed deliveries).

-- The import a conversation in the ledger was fetched by. The messages an import brought that
-- the inbox did not hold (for a reconciliation, those it recovered) are the ones whose event was
-- first recorded from its rows.
alter table public.webhook_events add column history_import_id uuid
  references public.history_imports (id) on delete set null;
create index webhook_events_history_import_idx on public.webhook_events (history_import_id)
  where history_import_id is not null;
-- Set when the import found Meta no longer subscribed the app to the account and subscribed it
-- again: what it found, and when.
alter table public.history_imports add column subscription_problem text;
alter table public.history_imports add column resubscribed_at timestamptz;

-- Conversations the first pass fetched that were active since the import began (id → when
-- fetched, epoch ms): the catch-up pass takes again only those active after they were fetched.
alter table public.history_imports add column recent_fetches jsonb not null default '{}';

-- Health and the Accounts card read each account's latest reconciliation.
create index history_imports_latest_of_kind
  on public.history_imports (channel_connection_id, kind, started_at desc);
