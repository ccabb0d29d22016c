-- What a member may write directly as `authenticated` (the public REST API reaches this role with
-- the anon key and a member's token) is no more than what the app lets them do (issue 13). See
-- docs/decisions/014-grants-no-wider-than-the-app.md.

-- ---------------------------------------------------------------------------------------------
-- Memberships
-- ---------------------------------------------------------------------------------------------

-- An admin could add any user id to their workspace, and then read that person's email in
-- profiles (co-workers see each other). Memberships come only from creating a workspace
-- (private.add_workspace_owner) and accepting an invitation (private.accept_invitation), both
-- SECURITY DEFINER; the person joining is always the caller.
drop policy workspace_members_insert on public.workspace_members;
revoke insert on public.workspace_members from authenticated;

-- ---------------------------------------------------------------------------------------------
-- Assignees are members of the conversation's workspace
-- ---------------------------------------------------------------------------------------------

-- Someone who left is unassigned by the key below from now on; unassign those who left before.
update public.conversations c set assigned_to = null
where c.assigned_to is not null
  and not exists (select 1 from public.workspace_members m
                  where m.workspace_id = c.workspace_id and m.user_id = c.assigned_to);

-- Replaces the key to auth.users: a member's membership implies their user. A member who leaves
-- or is removed leaves their conversations unassigned.
alter table public.conversations drop constraint conversations_assigned_to_fkey;
alter table public.conversations add constraint conversations_assignee_is_member
  foreign key (assigned_to, workspace_id) references public.workspace_members (user_id, workspace_id)
  on delete set null (assigned_to);

-- ---------------------------------------------------------------------------------------------
-- Writes the app makes as the server, after its own checks
-- ---------------------------------------------------------------------------------------------

-- Replies: the app checks their content against Meta's limits, the account's state and the
-- messaging window, then stores them as the server; a row a member inserted directly skipped all
-- of that and would still be sent (the send job picks up stranded replies).
drop policy conversation_messages_insert on public.conversation_messages;
revoke insert on public.conversation_messages from authenticated;

-- Accounts: disconnecting unsubscribes at Meta and wipes the tokens, deleting purges the history
-- processed for the connection; a direct update or delete did neither (tokens kept behind a
-- "disconnected" account, or its events left readable after it was "deleted").
drop policy channel_connections_update on public.channel_connections;
drop policy channel_connections_delete on public.channel_connections;
revoke update, delete on public.channel_connections from authenticated;

-- Deleting is real only through the app's paths (they redact the ledgers); the app deletes no
-- workspace, conversation, message or lead on a member's request.
drop policy workspaces_delete on public.workspaces;
drop policy conversations_delete on public.conversations;
drop policy conversation_messages_delete on public.conversation_messages;
drop policy leads_delete on public.leads;
revoke delete on public.workspaces, public.conversations, public.conversation_messages, public.leads
  from authenticated;

-- A new workspace is its id, name and creator; its settings start at their defaults.
revoke insert on public.workspaces from authenticated;
grant insert (id, name, created_by) on public.workspaces to authenticated;
