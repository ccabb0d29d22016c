// Links made but not yet used: which role, who made them, when they expire. Owners and admins
// revoke them; the links themselves are never shown again (only their hashes are kept).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type DataColumn, DataTable } from '#app/components/data-table.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import { RoleBadge, withArticle } from './roles.tsx';
import { CARD, formatDate, QUIET_BUTTON } from './team-styles.ts';

export interface Invitation {
  id: string;
  role: 'admin' | 'agent';
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

const INVITATION_COLUMNS: DataColumn[] = [
  { label: 'Role', inset: 'px-5' },
  { label: 'Created by' },
  { label: 'Expires' },
  { label: 'Actions', srOnly: true, inset: 'px-5' },
];

export function PendingInvitations({
  workspaceId,
  invitations,
  canManage,
}: {
  workspaceId: string;
  invitations: Invitation[];
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.team.revokeInvitation.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.team.members.queryFilter({ workspaceId })),
    }),
  );
  return (
    <section aria-labelledby="invitations-heading" className={CARD}>
      <div className="px-5 pt-4 pb-3">
        <h2 id="invitations-heading" className="text-sm font-semibold text-slate-900">
          Pending invitations
        </h2>
      </div>
      {revoke.isError ? (
        <p role="alert" className="mx-5 mb-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
          {revoke.error.message}
        </p>
      ) : null}
      {invitations.length === 0 ? (
        <p className="border-t border-slate-100 px-5 py-6 text-center text-sm text-slate-500">
          No invitation is waiting to be accepted.
        </p>
      ) : (
        <DataTable caption="Invitations waiting to be accepted" columns={INVITATION_COLUMNS}>
          {invitations.map((invitation) => (
            <tr key={invitation.id}>
              <td className="px-5 py-3">
                <RoleBadge role={invitation.role} />
              </td>
              <td className="px-3 py-3 text-slate-700">
                {invitation.invitedBy ?? 'A former member'}
                <span className="ml-1.5 text-xs text-slate-400">
                  on <time dateTime={invitation.createdAt}>{formatDate(invitation.createdAt)}</time>
                </span>
              </td>
              <td className="px-3 py-3 whitespace-nowrap text-slate-500">
                <time dateTime={invitation.expiresAt}>{formatDate(invitation.expiresAt)}</time>
              </td>
              <td className="px-5 py-3 text-right">
                {canManage ? (
                  <button
                    type="button"
                    aria-label={`Revoke the invitation for ${withArticle(invitation.role)} created ${formatDate(invitation.createdAt)}`}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ workspaceId, invitationId: invitation.id })}
                    className={QUIET_BUTTON}
                  >
                    Revoke
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
