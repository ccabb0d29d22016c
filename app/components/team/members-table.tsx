// The workspace's members: name, role and when they joined. Owners and admins change roles and
// remove people (an admin never touches an owner); everyone else reads.
import { useRevalidator } from '@remix-run/react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Avatar } from '#app/components/avatar.tsx';
import { type DataColumn, DataTable } from '#app/components/data-table.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import { ROLES, type Role, RoleBadge } from './roles.tsx';
import { CARD, DANGER_BUTTON, formatDate, QUIET_BUTTON, SELECT } from './team-styles.ts';

interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  joinedAt: string;
  isYou: boolean;
}

const MEMBER_COLUMNS: DataColumn[] = [
  { label: 'Name', inset: 'px-5' },
  { label: 'Role' },
  { label: 'Joined' },
  { label: 'Actions', srOnly: true, inset: 'px-5' },
];

export function MembersTable({
  workspaceId,
  members,
  yourRole,
}: {
  workspaceId: string;
  members: Member[];
  yourRole: Role;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revalidator = useRevalidator();
  const refresh = () => queryClient.invalidateQueries(trpc.team.members.queryFilter({ workspaceId }));
  const changeRole = useMutation(
    trpc.team.changeRole.mutationOptions({
      onSuccess: (_, { userId }) => {
        // Your own role also shows in the sidebar, which the page's loader provides.
        if (members.some((m) => m.userId === userId && m.isYou)) revalidator.revalidate();
        return refresh();
      },
    }),
  );
  const remove = useMutation(trpc.team.removeMember.mutationOptions({ onSuccess: refresh }));
  const failure = changeRole.error ?? remove.error;
  const canManage = yourRole !== 'agent';
  const assignable: Role[] = yourRole === 'owner' ? ['owner', 'admin', 'agent'] : ['admin', 'agent'];

  return (
    <section aria-labelledby="members-heading" className={CARD}>
      <div className="flex items-baseline justify-between px-5 pt-4 pb-3">
        <h2 id="members-heading" className="text-sm font-semibold text-slate-900">
          Members
        </h2>
        <span className="text-xs text-slate-500">
          {members.length} {members.length === 1 ? 'person' : 'people'}
        </span>
      </div>
      {failure ? (
        <p role="alert" className="mx-5 mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {failure.message}
        </p>
      ) : null}
      <DataTable caption="Members and their roles" columns={MEMBER_COLUMNS}>
        {members.map((member) => {
          const name = member.displayName ?? member.email;
          // Admins manage admins and agents; owners are managed by owners.
          const editable = canManage && (member.role !== 'owner' || yourRole === 'owner');
          return (
            <tr key={member.userId}>
              <td className="px-5 py-3">
                <div className="flex items-center gap-3">
                  <Avatar name={name} src={null} className="h-9 w-9" />
                  <div className="min-w-0">
                    <p className="truncate font-medium text-slate-900">
                      {name}
                      {member.isYou ? (
                        <span className="ml-1.5 rounded-full bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600">
                          You
                        </span>
                      ) : null}
                    </p>
                    {member.displayName ? (
                      <p className="truncate text-xs text-slate-500">{member.email}</p>
                    ) : null}
                  </div>
                </div>
              </td>
              <td className="px-3 py-3">
                {editable ? (
                  <select
                    aria-label={`Role of ${name}`}
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(event) =>
                      changeRole.mutate({
                        workspaceId,
                        userId: member.userId,
                        role: event.target.value as Role,
                      })
                    }
                    className={SELECT}
                  >
                    {assignable.map((role) => (
                      <option key={role} value={role}>
                        {ROLES[role].label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <RoleBadge role={member.role} />
                )}
              </td>
              <td className="px-3 py-3 whitespace-nowrap text-slate-500">
                <time dateTime={member.joinedAt}>{formatDate(member.joinedAt)}</time>
              </td>
              <td className="px-5 py-3 text-right">
                {editable && !member.isYou ? (
                  <RemoveButton
                    name={name}
                    pending={remove.isPending}
                    onConfirm={() => remove.mutate({ workspaceId, userId: member.userId })}
                  />
                ) : null}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}

/** Removing someone takes a second click, in place (no browser dialog). */
function RemoveButton({
  name,
  pending,
  onConfirm,
}: {
  name: string;
  pending: boolean;
  onConfirm: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button
        type="button"
        aria-label={`Remove ${name}`}
        onClick={() => setConfirming(true)}
        className={QUIET_BUTTON}
      >
        Remove
      </button>
    );
  }
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span className="text-xs text-slate-600">Remove {name}?</span>
      <button type="button" disabled={pending} onClick={onConfirm} className={DANGER_BUTTON}>
        Yes, remove
      </button>
      <button type="button" onClick={() => setConfirming(false)} className={QUIET_BUTTON}>
        Cancel
      </button>
    </span>
  );
}
