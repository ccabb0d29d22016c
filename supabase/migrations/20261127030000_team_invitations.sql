-- Team members and invitations: owners and admins invite colleagues by link, change their roles
-- and remove them; a workspace is shared by several operators.

-- ---------------------------------------------------------------------------------------------
-- Invitations
-- ---------------------------------------------------------------------------------------------

-- A link that lets whoever holds it join a workspace once, with the role it names. The token is
-- random (32 bytes) and shown once to the admin who made the link; only its SHA-256 is kept, so
-- a copy of this table lets nobody join. The lifetime is fixed here, not by the caller.
create table public.workspace_invitations (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references public.workspaces (id) on delete cascade,
  -- Owners are made by promotion inside the workspace, never by a link.
  role text not null check (role in ('admin', 'agent')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  accepted_by uuid references auth.users (id) on delete set null,
  revoked_at timestamptz,
  check (expires_at > created_at),
  -- An invitation ends once: accepted or revoked, not both.
  check (accepted_at is null or revoked_at is null),
  check ((accepted_at is null) = (accepted_by is null))
);
create index workspace_invitations_workspace_created_idx
  on public.workspace_invitations (workspace_id, created_at desc);
create index workspace_invitations_created_by_idx on public.workspace_invitations (created_by);
create index workspace_invitations_accepted_by_idx on public.workspace_invitations (accepted_by);

alter table public.workspace_invitations enable row level security;
revoke all on public.workspace_invitations from anon, authenticated;
grant all on public.workspace_invitations to service_role;

-- Members see their workspace's invitations (the team page lists the pending ones), never the
-- token hash; admins create them as themselves, unused, and revoke them. Nobody deletes them:
-- they are the record of who let whom in.
grant select (id, workspace_id, role, created_by, created_at, expires_at, accepted_at, accepted_by,
  revoked_at) on public.workspace_invitations to authenticated;
grant insert (workspace_id, role, token_hash, created_by) on public.workspace_invitations to authenticated;
grant update (revoked_at) on public.workspace_invitations to authenticated;
create policy workspace_invitations_select on public.workspace_invitations for select to authenticated
  using (workspace_id in (select private.my_workspace_ids()));
create policy workspace_invitations_insert on public.workspace_invitations for insert to authenticated
  with check (workspace_id in (select private.my_admin_workspace_ids())
              and created_by = (select auth.uid()));
-- Revoking only: a revoked invitation cannot be brought back, and a used one cannot be revoked.
create policy workspace_invitations_update on public.workspace_invitations for update to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids()) and accepted_at is null)
  with check (workspace_id in (select private.my_admin_workspace_ids()) and revoked_at is not null);

-- ---------------------------------------------------------------------------------------------
-- Reading and accepting an invitation by its token
-- ---------------------------------------------------------------------------------------------

-- Whoever opens a link is not a member yet, so RLS hides the invitation and its workspace from
-- them. These two functions are the only way past that, and they are deliberately narrow:
-- SECURITY DEFINER, they match exactly one invitation by the hash of a token the caller holds
-- (a 256-bit secret, so unguessable), act only for the caller (auth.uid()), and reveal the
-- workspace's name only while the link can still be used.

-- What an invitation offers: 'pending' with the workspace, role and inviter; otherwise only why
-- it cannot be used ('accepted', 'revoked', 'expired'), or no row for a token never issued.
-- `already_member` lets the page send a member straight to the workspace.
create function private.invitation_preview(p_token_hash text)
returns table (status text, workspace_id uuid, workspace_name text, role text, invited_by text,
               expires_at timestamptz, already_member boolean)
language sql stable security definer set search_path = '' as $$
  with found as (
    select i.*,
      case when i.revoked_at is not null then 'revoked'
           when i.accepted_at is not null then 'accepted'
           when i.expires_at <= now() then 'expired'
           else 'pending' end as status,
      exists (select 1 from public.workspace_members m
              where m.workspace_id = i.workspace_id and m.user_id = (select auth.uid())) as member
    from public.workspace_invitations i
    where i.token_hash = p_token_hash and (select auth.uid()) is not null
  )
  select f.status,
    case when f.status = 'pending' or f.member then f.workspace_id end,
    case when f.status = 'pending' or f.member then w.name end,
    case when f.status = 'pending' then f.role end,
    case when f.status = 'pending' then coalesce(p.display_name, p.email) end,
    case when f.status = 'pending' then f.expires_at end,
    f.member
  from found f
  join public.workspaces w on w.id = f.workspace_id
  left join public.profiles p on p.id = f.created_by
$$;

-- Joins the caller to the invitation's workspace. Outcomes:
--   'joined'          the invitation is now used up and the caller is a member with its role;
--   'already_member'  the caller was a member already: nothing changes and the link stays
--                     usable (an admin trying their own link does not burn it);
--   'accepted' | 'revoked' | 'expired'  nothing changes;
--   no row            no invitation has this token.
-- The conditional update is what makes a link single-use: when two people accept at once, the
-- second update waits for the first to commit, re-reads the row, finds it accepted and matches
-- nothing.
create function private.accept_invitation(p_token_hash text)
returns table (outcome text, workspace_id uuid)
language plpgsql security definer set search_path = '' as $$
declare
  caller uuid := (select auth.uid());
  invitation public.workspace_invitations%rowtype;
  invitation_id uuid;
begin
  if caller is null then
    raise exception 'sign in to accept an invitation' using errcode = 'insufficient_privilege';
  end if;
  select * into invitation from public.workspace_invitations i where i.token_hash = p_token_hash;
  if not found then
    return;
  end if;
  invitation_id := invitation.id;
  if exists (select 1 from public.workspace_members m
             where m.workspace_id = invitation.workspace_id and m.user_id = caller) then
    return query select 'already_member', invitation.workspace_id;
    return;
  end if;

  update public.workspace_invitations i
     set accepted_at = now(), accepted_by = caller
   where i.id = invitation_id and i.accepted_at is null and i.revoked_at is null and i.expires_at > now()
  returning * into invitation;
  if found then
    insert into public.workspace_members (workspace_id, user_id, role)
    values (invitation.workspace_id, caller, invitation.role)
    on conflict on constraint workspace_members_pkey do nothing;
    return query select 'joined', invitation.workspace_id;
    return;
  end if;

  select * into invitation from public.workspace_invitations i where i.id = invitation_id;
  return query select
    case when invitation.revoked_at is not null then 'revoked'
         when invitation.accepted_at is not null then 'accepted'
         else 'expired' end,
    null::uuid;
end;
$$;

revoke all on function private.invitation_preview(text), private.accept_invitation(text) from public;
grant execute on function private.invitation_preview(text), private.accept_invitation(text)
  to authenticated;

-- ---------------------------------------------------------------------------------------------
-- Owners are managed by owners
-- ---------------------------------------------------------------------------------------------

-- The first migration let any admin add, change and remove any member. An admin could then
-- remove the owner or make themselves one; now only owners touch an owner's membership or make
-- someone an owner. Anyone may still leave (the last owner is kept by private.keep_an_owner).
drop policy workspace_members_insert on public.workspace_members;
drop policy workspace_members_update on public.workspace_members;
drop policy workspace_members_delete on public.workspace_members;

create policy workspace_members_insert on public.workspace_members for insert to authenticated
  with check (workspace_id in (select private.my_admin_workspace_ids())
              and (role <> 'owner' or workspace_id in (select private.my_owner_workspace_ids())));
create policy workspace_members_update on public.workspace_members for update to authenticated
  using (workspace_id in (select private.my_admin_workspace_ids())
         and (role <> 'owner' or workspace_id in (select private.my_owner_workspace_ids())))
  with check (workspace_id in (select private.my_admin_workspace_ids())
              and (role <> 'owner' or workspace_id in (select private.my_owner_workspace_ids())));
create policy workspace_members_delete on public.workspace_members for delete to authenticated
  using ((workspace_id in (select private.my_admin_workspace_ids())
          and (role <> 'owner' or workspace_id in (select private.my_owner_workspace_ids())))
         or user_id = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- Live team page
-- ---------------------------------------------------------------------------------------------

-- Someone joining, leaving or changing role, and invitations made or withdrawn, are broadcast on
-- the workspace's topic like the inbox's changes (no ids of people: clients refetch through the
-- API, which applies RLS), and wake the mobile live feed.
create function private.broadcast_team_change() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  workspace uuid := case tg_op when 'DELETE' then old.workspace_id else new.workspace_id end;
begin
  perform realtime.send(jsonb_build_object('change', tg_table_name), 'team_updated',
    'workspace:' || workspace::text, true);
  perform pg_notify('inbox_live', workspace::text);
  return null;
end;
$$;
revoke all on function private.broadcast_team_change() from public;

create trigger workspace_members_broadcast after insert or update or delete on public.workspace_members
  for each row execute function private.broadcast_team_change();
create trigger workspace_invitations_broadcast after insert or update on public.workspace_invitations
  for each row execute function private.broadcast_team_change();
