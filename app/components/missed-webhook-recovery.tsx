// Health's missed-webhook recovery: per account, when it was last reconciled with Meta's
// Conversations API, the messages that brought in that webhooks had missed, and whether Meta had
// stopped sending the account's webhooks (the check subscribes the app again). Admins check now.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { exactTime, relativeTime, useNow } from '#app/lib/relative-time.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';
import { type DataColumn, DataTable } from './data-table.tsx';

const COLUMNS: DataColumn[] = [
  { label: 'Account', inset: 'px-5' },
  { label: 'Last check' },
  { label: 'Recovered' },
  { label: 'Webhooks' },
  { label: 'Check', srOnly: true },
];

export function MissedWebhookRecovery({
  workspaceId,
  accounts,
}: {
  workspaceId: string;
  accounts: { id: string; name: string }[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canCheck = useWorkspaceAdmin();
  const now = useNow();
  const imports = useQuery(trpc.history.imports.queryOptions({ workspaceId }));
  const check = useMutation(
    trpc.history.reconcile.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.history.pathFilter()),
    }),
  );
  const latest = (connectionId: string) =>
    imports.data?.find((i) => i.connectionId === connectionId && i.kind === 'RECONCILE');
  return (
    <figure
      className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-label="Missed-webhook recovery"
    >
      <figcaption className="border-b border-slate-200 px-5 py-3 text-sm font-semibold text-slate-900">
        Missed-webhook recovery
        <span className="ml-1.5 text-xs font-normal text-slate-400">
          every hour and after each restart, each account is compared with Meta’s conversations
        </span>
      </figcaption>
      {accounts.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No Instagram account is connected.</p>
      ) : (
        <DataTable caption="Missed-webhook recovery by account" columns={COLUMNS}>
          {accounts.map((account) => {
            const last = latest(account.id);
            const at = last?.finishedAt ?? last?.startedAt;
            return (
              <tr key={account.id}>
                <th scope="row" className="px-5 py-2.5 text-left font-medium text-slate-900">
                  {account.name}
                </th>
                <td className="px-3 py-2.5 text-slate-600">
                  {!last || !at ? (
                    'Not yet'
                  ) : last.status === 'RUNNING' ? (
                    'Checking now…'
                  ) : (
                    <time dateTime={at} title={exactTime(at)}>
                      {relativeTime(at, now)}
                    </time>
                  )}
                  {last?.status === 'FAILED' ? (
                    <span className="block text-xs text-red-700">{last.lastError}</span>
                  ) : null}
                </td>
                <td
                  className={clsx(
                    'px-3 py-2.5 tabular-nums',
                    last && last.newMessages > 0 && 'font-semibold text-amber-700',
                  )}
                >
                  {last ? `${last.newMessages} ${last.newMessages === 1 ? 'message' : 'messages'}` : '—'}
                </td>
                <td className="px-3 py-2.5">
                  {last?.subscriptionProblem && last.resubscribedAt ? (
                    <span className="text-amber-800">
                      {last.subscriptionProblem} Subscribed again{' '}
                      <time dateTime={last.resubscribedAt} title={exactTime(last.resubscribedAt)}>
                        {relativeTime(last.resubscribedAt, now)}
                      </time>
                      .
                    </span>
                  ) : last?.status === 'DONE' ? (
                    <span className="text-slate-600">Meta sends them</span>
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
                <td className="px-3 py-2.5 text-right">
                  {canCheck ? (
                    <button
                      type="button"
                      disabled={
                        last?.status === 'RUNNING' ||
                        (check.isPending && check.variables?.connectionId === account.id)
                      }
                      onClick={() => check.mutate({ workspaceId, connectionId: account.id })}
                      aria-label={`Check ${account.name} for missed messages`}
                      className="rounded-lg border border-slate-200 px-2.5 py-1 text-xs font-medium text-slate-600 hover:border-brand-500 hover:text-brand-700 disabled:opacity-50"
                    >
                      Check now
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      {check.isError ? (
        <p role="alert" className="px-5 py-3 text-sm text-red-700">
          {check.error.message}
        </p>
      ) : null}
    </figure>
  );
}
