-- Comments (issue 16): a customer's comments on the business's posts, reels, ads and lives are
-- items of the customer's thread, beside their DMs, so they share its order, live updates,
-- retention, export and erasure. See docs/decisions/019-comments-in-the-thread.md.

alter table public.conversation_messages
  -- The Instagram comment this row is (a customer's comment, or the business's public reply).
  add column comment_id text,
  -- The comment it answers in the post's comment thread.
  add column comment_parent_id text,
  -- This direct message is the private reply to that comment.
  add column private_reply_to text,
  -- Hidden from the post by the business (the commenter still sees it).
  add column hidden_at timestamptz;

create unique index conversation_messages_comment_idx
  on public.conversation_messages (channel_connection_id, comment_id) where comment_id is not null;
-- Meta allows one private reply per comment: a second is refused here, whatever raced it, before
-- Meta is ever called. A reply Meta refused for good (FAILED) does not count.
create unique index conversation_messages_one_private_reply_idx
  on public.conversation_messages (channel_connection_id, private_reply_to)
  where private_reply_to is not null and status <> 'FAILED';
-- Replies are found by the comment they answer (a reply's own webhook, the thread's nesting).
create index conversation_messages_comment_parent_idx
  on public.conversation_messages (channel_connection_id, comment_parent_id)
  where comment_parent_id is not null;

-- What a conversation holds, for the list's "Comments" / "Messages" filter (ingest sets them as
-- it stores each). Every conversation before this one was opened by a direct message.
alter table public.conversations
  add column has_comments boolean not null default false,
  add column has_direct_messages boolean not null default true;
alter table public.conversations alter column has_direct_messages set default false;

-- The business's posts, reels and ads that were commented on: shown beside each comment (thumbnail,
-- link, caption). Business content, not a customer's: kept with the account.
create table public.instagram_media (
  channel_connection_id uuid not null,
  workspace_id uuid not null,
  media_id text not null,
  product_type text,
  permalink text,
  thumbnail_url text,
  caption text,
  -- Null until Meta answered (a lookup that failed for good leaves it null and records why).
  fetched_at timestamptz,
  fetch_error text,
  created_at timestamptz not null default now(),
  primary key (channel_connection_id, media_id),
  foreign key (channel_connection_id, workspace_id)
    references public.channel_connections (id, workspace_id) on delete cascade
);
create index instagram_media_workspace_idx on public.instagram_media (workspace_id);
alter table public.instagram_media enable row level security;
revoke all on public.instagram_media from anon, authenticated;
grant select on public.instagram_media to authenticated;
grant all on public.instagram_media to service_role;
create policy instagram_media_select on public.instagram_media for select
  to authenticated using (workspace_id in (select private.my_workspace_ids()));

-- A first comment is a lead of its own: from a comment, or from a comment on an ad.
alter table public.leads drop constraint leads_source_check;
alter table public.leads add constraint leads_source_check
  check (source in ('DM', 'STORY_REPLY', 'STORY_MENTION', 'AD', 'REFERRAL', 'PRODUCT', 'IMPORTED',
                    'COMMENT', 'AD_COMMENT'));
