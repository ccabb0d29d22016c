// The audit log: what owners, admins and the server did to the workspace's data and team (accounts
// connected and disconnected, histories imported or deleted, contacts exported or erased,
// exports, retention, roles, replays), who and when, newest first. Owners and admins only: the
// API refuses agents, and the menu does not offer it to them.
import type { MetaFunction } from '@remix-run/node';
import { useParams } from '@remix-run/react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type DataColumn, DataTable } from '#app/components/data-table.tsx';
import { exactTime, relativeTime, useNow } from '#app/lib/relative-time.ts';
import { useTRPC } from '#app/lib/trpc.ts';

export const meta: MetaFunction = () => [{ title: 'Audit log · Direct Inbox' }];

/** What each recorded action says, for people. */
const ACTIONS: Record<string, string> = {
  'account.connect': 'Connected an account',
  'account.disconnect': 'Disconnected an account',
  'account.delete_history': 'Disconnected an account and deleted its history',
  'history.import': 'Imported message history',
  'history.reconcile': 'Checked for missed messages',
  'contact.export': 'Exported a contact’s data',
  'contact.erase': 'Erased a contact',
  'export.leads': 'Exported leads as CSV',
  'export.conversations': 'Exported conversations as CSV',
  'retention.change': 'Changed data retention',
  'member.role_change': 'Changed a member’s role',
  'member.remove': 'Removed a member',
  'deliveries.replay': 'Replayed failed deliveries',
  'meta.data_deletion': 'Erased a contact at Meta’s request',
  'comment.hide': 'Hid a comment',
  'comment.unhide': 'Showed a hidden comment again',
  'comment.delete': 'Deleted a comment',
  'profile.publish': 'Published ice breakers and menu',
};

const COLUMNS: DataColumn[] = [
  { label: 'When', inset: 'px-5' },
  { label: 'Who' },
  { label: 'What' },
  { label: 'On' },
  { label: 'Details' },
];

const detailText = (detail: Record<string, string | number | boolean | null>) =>
  Object.entries(detail)
    .map(([key, value]) => `${key}: ${value ?? '—'}`)
    .join(', ');

export default function AuditLog() {
  const { workspaceId = '' } = useParams();
  const trpc = useTRPC();
  const now = useNow();
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { workspaceId, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = log.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <main className="h-full overflow-y-auto bg-slate-50">
      <div className="mx-auto max-w-5xl px-8 py-8 max-lg:px-4 max-lg:py-5">
        <h1 className="text-xl font-semibold text-slate-900">Audit log</h1>
        <p className="mt-0.5 text-sm text-slate-500">
          What owners, admins and the server did to this workspace’s data and team. Contacts are named by a
          tag, never by who they are.
        </p>
        <section
          className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
          aria-label="Audit log"
        >
          {log.isError ? (
            <p role="alert" className="px-5 py-4 text-sm text-red-700">
              Could not load the audit log: {log.error.message}
            </p>
          ) : log.isPending ? (
            <p className="px-5 py-4 text-sm text-slate-500">Loading…</p>
          ) : items.length === 0 ? (
            <p className="px-5 py-4 text-sm text-slate-500">Nothing has been recorded yet.</p>
          ) : (
            <DataTable columns={COLUMNS} caption="Audit log, newest first">
              {items.map((item) => (
                <tr key={item.id}>
                  <td className="px-5 py-2.5 whitespace-nowrap text-slate-600">
                    <time dateTime={item.at} title={exactTime(item.at)}>
                      {relativeTime(item.at, now)}
                    </time>
                  </td>
                  <td className="px-3 py-2.5 text-slate-900">
                    {item.actor ? (item.actor.name ?? 'A team member') : 'The server'}
                  </td>
                  <td className="px-3 py-2.5 text-slate-900">{ACTIONS[item.action] ?? item.action}</td>
                  <td className="px-3 py-2.5 text-slate-600">{item.target ?? '—'}</td>
                  <td className="px-3 py-2.5 text-xs text-slate-500">{detailText(item.detail)}</td>
                </tr>
              ))}
            </DataTable>
          )}
          {log.hasNextPage ? (
            <div className="border-t border-slate-100 px-5 py-3">
              <button
                type="button"
                onClick={() => log.fetchNextPage()}
                disabled={log.isFetchingNextPage}
                className="rounded-lg border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-600 hover:border-brand-500 hover:text-brand-700 disabled:opacity-60"
              >
                Older entries
              </button>
            </div>
          ) : null}
        </section>
      </div>
    </main>
  );
}
