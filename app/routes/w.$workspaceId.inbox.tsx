import type { MetaFunction } from '@remix-run/node';
import { Link, Outlet, useLocation, useNavigate, useParams } from '@remix-run/react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import clsx from 'clsx';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OpenedFromList } from '#app/components/conversation-list.tsx';
import { ExportCsvButton, exportHref } from '#app/components/export-csv-button.tsx';
import { InboxIcon } from '#app/components/icons.tsx';
import { VirtualConversationList } from '#app/components/virtual-conversation-list.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import { useUrlState } from '#app/lib/use-url-state.ts';

export const meta: MetaFunction = () => [{ title: 'Inbox · Direct Inbox' }];

/** Conversations by what they hold: a customer's comments on the business's posts, or DMs. */
const HOLDS = [
  { value: 'comments', label: 'Comments' },
  { value: 'messages', label: 'Messages' },
] as const;

const chipClass = (pressed: boolean) =>
  clsx(
    'rounded-full border px-2.5 py-1 font-medium transition max-lg:min-h-10 max-lg:px-3.5',
    pressed
      ? 'border-brand-500 bg-brand-50 text-brand-700'
      : 'border-slate-200 text-slate-600 hover:bg-slate-50',
  );

const TABS = [
  { status: 'ACTIVE', label: 'Open' },
  { status: 'ARCHIVED', label: 'Archived' },
] as const;

interface InboxFilters {
  /** The tab; changed by its links, kept when the filters below change. */
  status: 'ACTIVE' | 'ARCHIVED';
  unreadOnly: boolean;
  assignedToMe: boolean;
  /** Only conversations holding comments, or direct messages. */
  holds: 'comments' | 'messages' | undefined;
  /** As typed; trimmed when sent. */
  search: string;
}

function readFilters(params: URLSearchParams): InboxFilters {
  return {
    status: params.get('status') === 'archived' ? 'ARCHIVED' : 'ACTIVE',
    unreadOnly: params.get('unread') === '1',
    assignedToMe: params.get('mine') === '1',
    holds: HOLDS.find((chip) => chip.value === params.get('holds'))?.value,
    search: params.get('q') ?? '',
  };
}

function writeFilters(filters: InboxFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status === 'ARCHIVED') params.set('status', 'archived');
  if (filters.unreadOnly) params.set('unread', '1');
  if (filters.assignedToMe) params.set('mine', '1');
  if (filters.holds) params.set('holds', filters.holds);
  if (filters.search.trim()) params.set('q', filters.search);
  return params;
}

export default function Inbox() {
  const { workspaceId = '', conversationId } = useParams();
  const [filters, setFilters] = useUrlState(readFilters, writeFilters);
  const { status } = filters;
  const search = filters.search.trim();
  const trpc = useTRPC();
  const conversations = useInfiniteQuery(
    trpc.inbox.listConversations.infiniteQueryOptions(
      {
        workspaceId,
        status,
        limit: 30,
        unreadOnly: filters.unreadOnly || undefined,
        assignedToMe: filters.assignedToMe || undefined,
        holds: filters.holds,
        search: search || undefined,
      },
      // Typing in the search keeps the current rows on screen until the new ones arrive.
      { getNextPageParam: (page) => page.nextCursor, placeholderData: keepPreviousData },
    ),
  );
  const items = conversations.data?.pages.flatMap((page) => page.items) ?? [];
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = conversations;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  // State, not a ref: the list re-renders once its scroll box exists, whenever that is.
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  // Opening a conversation keeps the list as it is (tab, filters, search).
  const query = writeFilters(filters).toString();
  const conversationPath = (id: string) => `/w/${workspaceId}/inbox/${id}${query ? `?${query}` : ''}`;
  // Only the list on its own is the entry a conversation's Back returns to: from an open
  // conversation (a wide screen's list, j / k) the entry before the next one is that conversation.
  const { pathname, search: listSearch } = useLocation();
  const openedFrom: OpenedFromList | undefined = conversationId
    ? undefined
    : { list: `${pathname}${listSearch}` };
  useListKeys(
    items.map((item) => item.id),
    conversationPath,
    openedFrom,
  );

  return (
    <div className="flex h-full">
      <section
        className={clsx(
          'w-full flex-col border-r border-slate-200 bg-white lg:flex lg:w-96 lg:shrink-0',
          // Below lg the list and a conversation are screens of their own: the list steps aside
          // (kept, with its filters and place) while one is open.
          conversationId ? 'hidden' : 'flex',
        )}
        aria-label="Conversations"
      >
        <header className="border-b border-slate-200 px-4 pt-5 pb-3 max-lg:pt-3">
          <div className="flex items-start justify-between gap-3">
            <h1 className="text-lg font-semibold tracking-tight">Inbox</h1>
            <ExportCsvButton
              href={exportHref(`/w/${workspaceId}/conversations.csv`, {
                status,
                unreadOnly: filters.unreadOnly,
                assignedToMe: filters.assignedToMe,
                holds: filters.holds,
                search,
              })}
            />
          </div>
          <div className="mt-3 flex gap-1 rounded-lg bg-slate-100 p-1 text-sm" role="tablist">
            {TABS.map((tab) => (
              <Link
                key={tab.status}
                role="tab"
                aria-selected={status === tab.status}
                to={tab.status === 'ACTIVE' ? '.' : '?status=archived'}
                className={clsx(
                  'flex-1 rounded-md px-3 py-1.5 text-center font-medium transition max-lg:py-2.5',
                  status === tab.status
                    ? 'bg-white text-slate-900 shadow-sm'
                    : 'text-slate-500 hover:text-slate-800',
                )}
              >
                {tab.label}
              </Link>
            ))}
          </div>
          <div className="mt-3 flex items-center gap-2">
            <input
              type="search"
              aria-label="Search conversations"
              placeholder="Search names and messages"
              value={filters.search}
              onChange={(event) => setFilters({ ...filters, search: event.target.value })}
              className="min-w-0 flex-1 rounded-lg border border-slate-200 px-3 py-1.5 text-sm focus:border-brand-500 focus:outline-none max-lg:py-2 max-lg:text-base"
            />
          </div>
          <div className="mt-2 flex flex-wrap gap-1.5 text-xs">
            {(
              [
                { name: 'unreadOnly', label: 'Unread' },
                { name: 'assignedToMe', label: 'Assigned to me' },
              ] as const
            ).map((chip) => (
              <button
                key={chip.name}
                type="button"
                aria-pressed={filters[chip.name]}
                onClick={() => setFilters({ ...filters, [chip.name]: !filters[chip.name] })}
                className={chipClass(filters[chip.name])}
              >
                {chip.label}
              </button>
            ))}
            {HOLDS.map((chip) => (
              <button
                key={chip.value}
                type="button"
                aria-pressed={filters.holds === chip.value}
                onClick={() =>
                  setFilters({ ...filters, holds: filters.holds === chip.value ? undefined : chip.value })
                }
                className={chipClass(filters.holds === chip.value)}
              >
                {chip.label}
              </button>
            ))}
          </div>
        </header>
        <div ref={setScroller} className="min-h-0 flex-1 overflow-y-auto">
          {conversations.isPending ? (
            <ListSkeleton />
          ) : conversations.isError ? (
            <p role="alert" className="m-4 rounded-lg bg-red-50 p-3 text-sm text-red-700">
              Could not load conversations: {conversations.error.message}
            </p>
          ) : items.length === 0 ? (
            <EmptyInbox
              archived={status === 'ARCHIVED'}
              filtered={
                filters.unreadOnly || filters.assignedToMe || filters.holds !== undefined || search !== ''
              }
            />
          ) : (
            <VirtualConversationList
              conversations={items}
              activeId={conversationId}
              scrollElement={() => scroller}
              pathOf={conversationPath}
              openedFrom={openedFrom}
              hasMore={hasNextPage}
              loadMore={loadMore}
            />
          )}
          {conversations.hasNextPage ? (
            <button
              type="button"
              onClick={() => conversations.fetchNextPage()}
              disabled={conversations.isFetchingNextPage}
              className="m-4 w-[calc(100%-2rem)] rounded-lg border border-slate-200 py-2 text-sm font-medium text-slate-600 hover:bg-slate-50"
            >
              {conversations.isFetchingNextPage ? 'Loading…' : 'Load older conversations'}
            </button>
          ) : null}
        </div>
      </section>
      <Outlet />
    </div>
  );
}

/** j / k (or ↓ / ↑) open the next / previous conversation, unless the operator is typing. */
function useListKeys(ids: string[], pathOf: (id: string) => string, openedFrom?: OpenedFromList) {
  const navigate = useNavigate();
  const { conversationId } = useParams();
  // The list and the open conversation change with every refetch; the listener stays put and
  // reads the latest of them.
  const latest = useRef({ ids, pathOf, conversationId, openedFrom });
  latest.current = { ids, pathOf, conversationId, openedFrom };
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const target = event.target as HTMLElement | null;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const step =
        event.key === 'j' || event.key === 'ArrowDown'
          ? 1
          : event.key === 'k' || event.key === 'ArrowUp'
            ? -1
            : 0;
      const { ids, pathOf, conversationId, openedFrom } = latest.current;
      if (step === 0 || ids.length === 0) return;
      const index = conversationId ? ids.indexOf(conversationId) : -1;
      const next = ids[Math.min(ids.length - 1, Math.max(0, index + step))];
      if (next && next !== conversationId) {
        event.preventDefault();
        navigate(pathOf(next), { state: openedFrom });
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);
}

function EmptyInbox({ archived, filtered }: { archived: boolean; filtered: boolean }) {
  if (filtered) {
    return (
      <p className="px-8 py-16 text-center text-sm text-slate-500" data-testid="no-matches">
        No conversation matches these filters.
      </p>
    );
  }
  return (
    <div className="flex flex-col items-center px-8 py-16 text-center" data-testid="empty-inbox">
      <span className="flex h-14 w-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600">
        <InboxIcon className="h-7 w-7" />
      </span>
      <h2 className="mt-4 text-base font-semibold text-slate-900">
        {archived ? 'No archived conversations' : 'No conversations yet'}
      </h2>
      <p className="mt-1.5 text-sm leading-relaxed text-slate-500">
        {archived
          ? 'Conversations you archive are kept here.'
          : 'When a customer sends a direct message to one of your connected Instagram accounts, it shows up here the moment it arrives.'}
      </p>
    </div>
  );
}

function ListSkeleton() {
  return (
    <ul
      aria-busy="true"
      aria-label="Loading conversations"
      className="animate-pulse divide-y divide-slate-100"
    >
      {[0, 1, 2, 3, 4].map((row) => (
        <li key={row} className="flex gap-3 px-4 py-3">
          <span className="h-10 w-10 rounded-full bg-slate-200" />
          <span className="flex-1 space-y-2 py-1">
            <span className="block h-3 w-1/2 rounded bg-slate-200" />
            <span className="block h-3 w-3/4 rounded bg-slate-100" />
          </span>
        </li>
      ))}
    </ul>
  );
}
