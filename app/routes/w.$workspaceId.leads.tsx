// Leads: everyone who started a conversation with one of the workspace's accounts, newest first,
// with where they came from (a DM, a story, an ad, an ig.me link) and a way into the conversation.
// Ingest creates them; the layout's live channel refetches this list when one arrives.

import type { MetaFunction } from '@remix-run/node';
import { Link, useParams, useRouteLoaderData } from '@remix-run/react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import { Avatar } from '#app/components/avatar.tsx';
import { type DataColumn, DataTable } from '#app/components/data-table.tsx';
import { ExportCsvButton, exportHref } from '#app/components/export-csv-button.tsx';
import { LeadsIcon } from '#app/components/icons.tsx';
import { LEAD_SOURCES, type LeadSource, LeadSourceBadge } from '#app/components/lead-source-badge.tsx';
import { exactTime, relativeTime, useNow } from '#app/lib/relative-time.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useUrlState } from '#app/lib/use-url-state.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';

export const meta: MetaFunction = () => [{ title: 'Leads · Direct Inbox' }];

type Lead = inferRouterOutputs<AppRouter>['leads']['list']['items'][number];

const isLeadSource = (value: string | null): value is LeadSource =>
  LEAD_SOURCES.some((s) => s.source === value);

interface LeadFilters {
  source: LeadSource | undefined;
  /** As typed; trimmed when sent. */
  search: string;
}

function readFilters(params: URLSearchParams): LeadFilters {
  const source = params.get('source');
  return { source: isLeadSource(source) ? source : undefined, search: params.get('q') ?? '' };
}

function writeFilters(filters: LeadFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.source) params.set('source', filters.source);
  if (filters.search.trim()) params.set('q', filters.search);
  return params;
}

export default function Leads() {
  const { workspaceId = '' } = useParams();
  const [filters, setFilters] = useUrlState(readFilters, writeFilters);
  const { source } = filters;
  const search = filters.search.trim();
  const trpc = useTRPC();
  const leads = useInfiniteQuery(
    trpc.leads.list.infiniteQueryOptions(
      { workspaceId, source, search: search || undefined, limit: 50 },
      // Typing in the search keeps the current rows on screen until the new ones arrive.
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const items = leads.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(source || search);

  return (
    <main className="h-full overflow-y-auto" aria-labelledby="leads-heading">
      <div className="mx-auto max-w-6xl px-6 py-8 max-lg:px-4 max-lg:py-5">
        <header>
          <h1 id="leads-heading" className="text-lg font-semibold tracking-tight">
            Leads
          </h1>
          <p className="mt-1 text-sm leading-relaxed text-slate-500">
            Everyone who started a conversation with one of your Instagram accounts, and where they came from.
          </p>
        </header>

        <div className="mt-6 flex flex-wrap items-center gap-3">
          <input
            type="search"
            aria-label="Search leads"
            placeholder="Search by name or @username"
            value={filters.search}
            onChange={(event) => setFilters({ ...filters, search: event.target.value })}
            className="w-72 rounded-lg border max-sm:w-full max-sm:text-base border-slate-200 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-4 focus:ring-brand-100"
          />
          <fieldset className="flex flex-wrap gap-1.5 text-xs">
            <legend className="sr-only">Source</legend>
            {[{ source: undefined, label: 'All sources' }, ...LEAD_SOURCES].map((chip) => (
              <button
                key={chip.label}
                type="button"
                aria-pressed={source === chip.source}
                onClick={() => setFilters({ ...filters, source: chip.source })}
                className={clsx(
                  'rounded-full border px-3 py-1.5 font-medium transition',
                  source === chip.source
                    ? 'border-brand-500 bg-brand-50 text-brand-700'
                    : 'border-slate-200 bg-white text-slate-600 hover:bg-slate-50',
                )}
              >
                {chip.label}
              </button>
            ))}
          </fieldset>
          <div className="ml-auto">
            <ExportCsvButton href={exportHref(`/w/${workspaceId}/leads.csv`, { source, search })} />
          </div>
        </div>

        <div className="mt-5 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
          {leads.isPending ? (
            <TableSkeleton />
          ) : leads.isError ? (
            <p role="alert" className="m-4 rounded-lg bg-red-50 p-3 text-sm text-red-700">
              Could not load leads: {leads.error.message}
            </p>
          ) : items.length === 0 ? (
            filtered ? (
              <div className="px-8 py-16 text-center" data-testid="no-matches">
                <p className="text-sm text-slate-500">No lead matches these filters.</p>
                <button
                  type="button"
                  onClick={() => setFilters({ source: undefined, search: '' })}
                  className="mt-3 text-sm font-medium text-brand-600 hover:underline"
                >
                  Clear filters
                </button>
              </div>
            ) : (
              <NoLeadsYet workspaceId={workspaceId} />
            )
          ) : (
            <LeadTable workspaceId={workspaceId} leads={items} />
          )}
        </div>
        {leads.hasNextPage ? (
          <button
            type="button"
            onClick={() => leads.fetchNextPage()}
            disabled={leads.isFetchingNextPage}
            className="mt-4 w-full rounded-lg border border-slate-200 bg-white py-2 text-sm font-medium text-slate-600 shadow-sm hover:bg-slate-50"
          >
            {leads.isFetchingNextPage ? 'Loading…' : 'Load more leads'}
          </button>
        ) : null}
      </div>
    </main>
  );
}

const LEAD_COLUMNS: DataColumn[] = [
  { label: 'Contact', inset: 'px-4' },
  { label: 'Source', inset: 'px-4' },
  { label: 'Account', inset: 'px-4' },
  { label: 'Created', inset: 'px-4' },
  { label: 'Conversation', srOnly: true, inset: 'px-4' },
];

function LeadTable({ workspaceId, leads }: { workspaceId: string; leads: Lead[] }) {
  const now = useNow();
  return (
    <DataTable caption="Leads, newest first" columns={LEAD_COLUMNS} bodyTestId="lead-rows">
      {leads.map((lead) => {
        const name = lead.contactName || lead.contactUsername || 'Instagram user';
        return (
          <tr key={lead.id} className="align-top transition hover:bg-slate-50">
            <td className="px-4 py-3">
              <div className="flex items-center gap-3">
                <Avatar name={name} src={lead.contactAvatar} className="h-9 w-9" />
                <div className="min-w-0">
                  <p className="truncate font-medium text-slate-900">{name}</p>
                  <p className="truncate text-xs text-slate-500">
                    {lead.contactUsername ? `@${lead.contactUsername}` : 'Profile not available'}
                  </p>
                </div>
              </div>
            </td>
            <td className="px-4 py-3">
              <LeadSourceBadge lead={lead} />
            </td>
            <td className="px-4 py-3">
              <p className="truncate text-slate-700">{lead.account.name ?? 'Instagram account'}</p>
              {lead.account.status === 'CONNECTED' ? null : (
                <p className="text-xs text-slate-400">
                  {lead.account.status === 'DISCONNECTED' ? 'Disconnected' : 'Needs reconnect'}
                </p>
              )}
            </td>
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">
              <time dateTime={lead.createdAt} title={exactTime(lead.createdAt)}>
                {relativeTime(lead.createdAt, now)}
              </time>
            </td>
            <td className="px-4 py-3 text-right whitespace-nowrap">
              {lead.conversationId ? (
                <Link
                  to={`/w/${workspaceId}/inbox/${lead.conversationId}`}
                  aria-label={`Open conversation with ${name}`}
                  className="inline-flex items-center rounded-lg border border-slate-200 px-3 py-1.5 text-xs font-semibold text-slate-700 shadow-sm hover:border-brand-500 hover:text-brand-700 max-lg:min-h-10"
                >
                  Open conversation
                </Link>
              ) : (
                <span className="text-xs text-slate-400">Conversation deleted</span>
              )}
            </td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function NoLeadsYet({ workspaceId }: { workspaceId: string }) {
  const accounts =
    useRouteLoaderData<{ accounts: { status: string }[] }>('routes/w.$workspaceId')?.accounts ?? [];
  const connected = accounts.some((account) => account.status !== 'DISCONNECTED');
  return (
    <div className="flex flex-col items-center px-8 py-16 text-center" data-testid="no-leads">
      <span className="flex h-14 w-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600">
        <LeadsIcon className="h-7 w-7" />
      </span>
      <h2 className="mt-4 text-base font-semibold text-slate-900">No leads yet</h2>
      <p className="mt-1.5 max-w-md text-sm leading-relaxed text-slate-500">
        A lead is created the first time someone messages one of your Instagram accounts: by direct message, a
        reply to or mention in your story, an ad, or an ig.me link. It appears here the moment it arrives.
      </p>
      {connected ? null : (
        <Link
          to={`/w/${workspaceId}/accounts`}
          className="mt-4 rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-brand-700"
        >
          Connect an Instagram account
        </Link>
      )}
    </div>
  );
}

function TableSkeleton() {
  return (
    <ul aria-busy="true" aria-label="Loading leads" className="animate-pulse divide-y divide-slate-100">
      {[0, 1, 2, 3, 4].map((row) => (
        <li key={row} className="flex items-center gap-3 px-4 py-3">
          <span className="h-9 w-9 rounded-full bg-slate-200" />
          <span className="flex-1 space-y-2">
            <span className="block h-3 w-1/4 rounded bg-slate-200" />
            <span className="block h-3 w-1/6 rounded bg-slate-100" />
          </span>
          <span className="h-5 w-24 rounded-full bg-slate-100" />
        </li>
      ))}
    </ul>
  );
}
