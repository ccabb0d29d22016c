-- An invitation speaks for the admin who made it. When that person leaves the workspace, is
-- removed, or becomes an agent, their unused links are withdrawn: otherwise a removed admin could
-- keep a link and let themselves (or anyone) back in for up to a week.

create function private.withdraw_invitations_of_former_admin() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'DELETE' or new.role = 'agent' then
    update public.workspace_invitations i
       set revoked_at = now()
     where i.workspace_id = old.workspace_id and i.created_by = old.user_id
       and i.accepted_at is null and i.revoked_at is null;
  end if;
  return null;
end;
$$;

create trigger workspace_members_withdraw_invitations
  after delete or update of role on public.workspace_members
  for each row execute function private.withdraw_invitations_of_former_admin();
