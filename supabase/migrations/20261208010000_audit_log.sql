-- The audit log (issue 15): what owners, admins and the server did to a workspace's data and
-- team (connect, disconnect, delete history, export or erase a contact, retention, roles,
-- replays), who did it and when. Owners and admins read it. It is written in the transaction of
-- the action itself: by the server, or as the operator through private.record_audit(), which
-- takes the actor from the session (an operator cannot write in another's name) and admits only
-- the workspace's owners and admins. Nothing about a customer is written here but counts and a
-- one-way tag, so an erased contact leaves no trace in it.

create table public.audit_events (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Null for the server's own actions (a job, Meta's callbacks).
  actor_id uuid references auth.users (id) on delete set null,
  action text not null check (action ~ '^[a-z]+(\.[a-z_]+)+$'),
  -- What it was done to, as the screen names it: an account, a member, a contact's tag.
  target text,
  detail jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_events_workspace_idx on public.audit_events (workspace_id, created_at desc, id desc);
create index audit_events_actor_idx on public.audit_events (actor_id);

alter table public.audit_events enable row level security;
revoke all on public.audit_events from anon, authenticated;
grant select on public.audit_events to authenticated;
grant all on public.audit_events to service_role;
create policy audit_events_select on public.audit_events for select
  to authenticated using (workspace_id in (select private.my_admin_workspace_ids()));

create function private.record_audit(p_workspace uuid, p_action text, p_target text, p_detail jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  if p_workspace not in (select private.my_admin_workspace_ids()) then
    raise exception 'only owners and admins act on this workspace' using errcode = '42501';
  end if;
  insert into public.audit_events (workspace_id, actor_id, action, target, detail)
  values (p_workspace, (select auth.uid()), p_action, p_target, coalesce(p_detail, '{}'));
end;
$$;
revoke all on function private.record_audit(uuid, text, text, jsonb) from public;
grant execute on function private.record_audit(uuid, text, text, jsonb) to authenticated;
