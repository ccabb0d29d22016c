// The team: who shares this workspace's inbox and with which role, and the links that let new
// people in. Owners and admins invite, change roles and remove; agents see the same, read-only.
// Changes by anyone arrive live (the workspace's Realtime channel refetches the list).
import type { MetaFunction } from '@remix-run/node';
import { useParams } from '@remix-run/react';
import { useQuery } from '@tanstack/react-query';
import { InviteTeammate } from '#app/components/team/invite-teammate.tsx';
import { MembersTable } from '#app/components/team/members-table.tsx';
import { PendingInvitations } from '#app/components/team/pending-invitations.tsx';
import { CARD } from '#app/components/team/team-styles.ts';
import { useTRPC } from '#app/lib/trpc.ts';

export const meta: MetaFunction = () => [{ title: 'Team · Direct Inbox' }];

export default function Team() {
  const { workspaceId = '' } = useParams();
  const trpc = useTRPC();
  const team = useQuery(trpc.team.members.queryOptions({ workspaceId }));
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-4xl space-y-6 px-8 py-8 max-lg:px-4 max-lg:py-5">
        <header>
          <h1 className="text-lg font-semibold tracking-tight">Team</h1>
          <p className="mt-1 text-sm text-slate-500">
            Everyone here works the same Instagram inbox. Owners and admins manage who is in it.
          </p>
        </header>
        {team.isPending ? (
          <TeamSkeleton />
        ) : team.isError ? (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-700">
            Could not load the team: {team.error.message}
          </p>
        ) : (
          <>
            {team.data.yourRole === 'agent' ? (
              <p
                className="rounded-xl border border-slate-200 bg-white px-4 py-3 text-sm text-slate-600"
                data-testid="read-only-team"
              >
                You can see who is on the team. Only owners and admins can invite people or change roles.
              </p>
            ) : (
              <InviteTeammate workspaceId={workspaceId} />
            )}
            <MembersTable
              workspaceId={workspaceId}
              members={team.data.members}
              yourRole={team.data.yourRole}
            />
            <PendingInvitations
              workspaceId={workspaceId}
              invitations={team.data.invitations}
              canManage={team.data.yourRole !== 'agent'}
            />
          </>
        )}
      </div>
    </div>
  );
}

function TeamSkeleton() {
  return (
    <div
      role="status"
      aria-busy="true"
      aria-label="Loading the team"
      className={`${CARD} animate-pulse divide-y divide-slate-100`}
    >
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-3 px-5 py-4">
          <span className="h-9 w-9 rounded-full bg-slate-200" />
          <span className="flex-1 space-y-2">
            <span className="block h-3 w-1/3 rounded bg-slate-200" />
            <span className="block h-3 w-1/4 rounded bg-slate-100" />
          </span>
        </div>
      ))}
    </div>
  );
}
