// One conversation: who the customer is, the thread (live on the conversation's own Realtime
// channel, older pages on demand), and the reply box.
import { Link, useLocation, useNavigate, useParams, useRouteLoaderData } from '@remix-run/react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { useEffect, useMemo, useState } from 'react';
import { Avatar } from '#app/components/avatar.tsx';
import { ContactPrivacy } from '#app/components/contact-privacy.tsx';
import type { OpenedFromList } from '#app/components/conversation-list.tsx';
import { BackIcon } from '#app/components/icons.tsx';
import { Composer } from '#app/components/thread/composer.tsx';
import type { ConversationPage } from '#app/components/thread/thread-types.ts';
import { ThreadView } from '#app/components/thread/thread-view.tsx';
import { type RealtimeConfig, useLiveConversation } from '#app/lib/live.ts';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';

interface WorkspaceShellData {
  operator: { profile: { id: string } };
  realtime: RealtimeConfig;
}

const PAGE_SIZE = 50;

export default function ConversationView() {
  const { workspaceId = '', conversationId = '' } = useParams();
  const shell = useRouteLoaderData<WorkspaceShellData>('routes/w.$workspaceId');
  const trpc = useTRPC();
  const conversation = useInfiniteQuery(
    trpc.inbox.conversation.infiniteQueryOptions(
      { workspaceId, conversationId, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  useLiveConversation(workspaceId, conversationId, shell?.realtime as RealtimeConfig);
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions());
  const signals = useQuery(trpc.settings.send.queryOptions({ workspaceId })).data;
  const pages = conversation.data?.pages;
  // The pages come newest first; the thread reads oldest first.
  const messages = useMemo(() => (pages ?? []).flatMap((page) => page.messages).reverse(), [pages]);
  const head = pages?.[0];
  const newestInbound = head?.messages.find((m) => m.direction === 'INBOUND')?.id;
  // Reading the conversation (and every new customer message while it is open) clears its unread count.
  useEffect(() => {
    if (newestInbound) markRead.mutate({ workspaceId, conversationId });
  }, [newestInbound, workspaceId, conversationId, markRead.mutate]);

  return (
    <section className="flex min-w-0 flex-1 flex-col bg-slate-50" aria-label="Conversation">
      {conversation.isPending ? (
        <>
          <StatusBar workspaceId={workspaceId} />
          <p className="m-6 text-sm text-slate-500">Loading the conversation…</p>
        </>
      ) : conversation.isError ? (
        <>
          <StatusBar workspaceId={workspaceId} />
          <p role="alert" className="m-6 rounded-lg bg-red-50 p-3 text-sm text-red-700">
            Could not load the conversation: {conversation.error.message}
          </p>
        </>
      ) : (
        <>
          <ConversationHeader
            workspaceId={workspaceId}
            conversationId={conversationId}
            view={head as ConversationPage}
            operatorId={shell?.operator.profile.id}
          />
          <ThreadView
            workspaceId={workspaceId}
            messages={messages}
            hasOlder={conversation.hasNextPage}
            loadingOlder={conversation.isFetchingNextPage}
            loadOlder={() => void conversation.fetchNextPage()}
            canReact={(signals?.reactionsEnabled ?? false) && head?.window.kind !== 'closed'}
          />
          <Composer
            workspaceId={workspaceId}
            conversationId={conversationId}
            window={(head as ConversationPage).window}
            typingEnabled={signals?.typingEnabled ?? false}
          />
        </>
      )}
    </section>
  );
}

function ConversationHeader({
  workspaceId,
  conversationId,
  view,
  operatorId,
}: {
  workspaceId: string;
  conversationId: string;
  view: ConversationPage;
  operatorId: string | undefined;
}) {
  const name = view.contact.name || view.contact.username || 'Instagram user';
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const isAdmin = useWorkspaceAdmin();
  const [detailsOpen, setDetailsOpen] = useState(false);
  const update = useMutation(
    // The list and this header; other screens hear of it through the workspace channel.
    trpc.inbox.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.inbox.pathFilter()),
    }),
  );
  const action =
    'rounded-lg border border-slate-200 px-2.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-50 max-lg:min-h-10 max-lg:bg-white max-lg:px-3 max-lg:text-sm';
  return (
    <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-6 py-3 max-lg:gap-2 max-lg:px-2 max-lg:py-1.5 lg:flex-nowrap">
      <BackToList workspaceId={workspaceId} />
      <Avatar name={name} src={view.contact.avatar} />
      <div className="min-w-0 max-lg:flex-1">
        <h2 className="truncate text-sm font-semibold text-slate-900">{name}</h2>
        <p className="truncate text-xs text-slate-500">
          {view.contact.username ? `@${view.contact.username}` : 'Instagram'}
          {view.accountName ? ` · to ${view.accountName}` : ''}
        </p>
      </div>
      <button
        type="button"
        aria-expanded={detailsOpen}
        aria-controls="conversation-details"
        onClick={() => setDetailsOpen((open) => !open)}
        className="flex h-10 items-center rounded-lg px-3 text-sm font-medium text-slate-600 hover:bg-slate-100 aria-expanded:bg-slate-100 lg:hidden"
      >
        Details
      </button>
      {/* The conversation's actions: in the header on a wide screen; on a phone, a section under it
          that Details opens, as the header has room for little more than the name. */}
      <div
        id="conversation-details"
        className={clsx(
          'items-center gap-1.5 max-lg:basis-full max-lg:flex-wrap max-lg:gap-2 max-lg:border-t max-lg:border-slate-100 max-lg:px-1 max-lg:pt-2 max-lg:pb-1 lg:ml-auto lg:flex',
          detailsOpen ? 'flex' : 'hidden',
        )}
      >
        {/* What the header cuts short on a phone, in full. */}
        <dl className="grid basis-full grid-cols-[auto_1fr] gap-x-3 text-xs break-all text-slate-600 lg:hidden">
          <dt className="text-slate-400">Instagram</dt>
          <dd>{view.contact.username ? `@${view.contact.username}` : 'No username shared'}</dd>
          {view.accountName ? (
            <>
              <dt className="text-slate-400">Writes to</dt>
              <dd>{view.accountName}</dd>
            </>
          ) : null}
        </dl>
        {view.assignee ? (
          <span className="mr-1 text-xs text-slate-500 max-lg:basis-full" data-testid="assignee">
            Assigned to {view.assignedToMe ? 'you' : view.assignee.name}
          </span>
        ) : null}
        <button
          type="button"
          className={action}
          disabled={update.isPending || (!view.assignedToMe && !operatorId)}
          onClick={() =>
            update.mutate({ workspaceId, conversationId, assignedTo: view.assignedToMe ? null : operatorId })
          }
        >
          {view.assignedToMe ? 'Unassign' : 'Assign to me'}
        </button>
        <button
          type="button"
          className={action}
          disabled={update.isPending}
          onClick={() =>
            update.mutate({
              workspaceId,
              conversationId,
              status: view.status === 'ACTIVE' ? 'ARCHIVED' : 'ACTIVE',
            })
          }
        >
          {view.status === 'ACTIVE' ? 'Archive' : 'Move to Open'}
        </button>
        {isAdmin ? (
          <ContactPrivacy
            workspaceId={workspaceId}
            conversationId={conversationId}
            name={name}
            buttonClass={action}
          />
        ) : null}
      </div>
    </header>
  );
}

/** A phone's way out while the conversation loads or fails to (there is no header yet). */
function StatusBar({ workspaceId }: { workspaceId: string }) {
  return (
    <div className="border-b border-slate-200 bg-white px-2 py-1.5 lg:hidden">
      <BackToList workspaceId={workspaceId} />
    </div>
  );
}

/**
 * On a phone, back to the list as it was left: the conversation's address carries the list's tab,
 * filters and search (see the inbox), so they come back with it. A wide screen shows both at once.
 * Back leaves no history entry behind it to come "back" to the conversation through: opened from
 * this very list, it goes back to the list's entry; opened from elsewhere (Leads, a notification,
 * a shared link), the list replaces the conversation's entry, and the system's Back then goes
 * where the operator came from.
 */
function BackToList({ workspaceId }: { workspaceId: string }) {
  const { search, state } = useLocation();
  const navigate = useNavigate();
  const list = `/w/${workspaceId}/inbox${search}`;
  const openedFromList = (state as OpenedFromList | null)?.list === list;
  return (
    <Link
      to={list}
      replace
      onClick={(event) => {
        // A click for a new tab or window is the browser's, to the link's address.
        const plain =
          event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
        if (!openedFromList || !plain) return;
        event.preventDefault();
        navigate(-1);
      }}
      className="flex h-10 w-10 shrink-0 items-center justify-center rounded-lg text-slate-600 hover:bg-slate-100 lg:hidden"
    >
      <BackIcon className="h-5 w-5" />
      <span className="sr-only">Back to conversations</span>
    </Link>
  );
}
