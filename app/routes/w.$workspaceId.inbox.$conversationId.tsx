// One conversation: who the customer is, the thread (live on the conversation's own Realtime
// channel, older pages on demand), and the reply box.
import { useParams, useRouteLoaderData } from '@remix-run/react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { Avatar } from '#app/components/avatar.tsx';
import { ContactPrivacy } from '#app/components/contact-privacy.tsx';
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
        <p className="m-6 text-sm text-slate-500">Loading the conversation…</p>
      ) : conversation.isError ? (
        <p role="alert" className="m-6 rounded-lg bg-red-50 p-3 text-sm text-red-700">
          Could not load the conversation: {conversation.error.message}
        </p>
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
  const update = useMutation(
    // The list and this header; other screens hear of it through the workspace channel.
    trpc.inbox.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.inbox.pathFilter()),
    }),
  );
  const action =
    'rounded-lg border border-slate-200 px-2.5 py-1 text-xs font-medium text-slate-600 hover:bg-slate-50';
  return (
    <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-6 py-3">
      <Avatar name={name} src={view.contact.avatar} />
      <div className="min-w-0">
        <h2 className="truncate text-sm font-semibold text-slate-900">{name}</h2>
        <p className="truncate text-xs text-slate-500">
          {view.contact.username ? `@${view.contact.username}` : 'Instagram'}
          {view.accountName ? ` · to ${view.accountName}` : ''}
        </p>
      </div>
      <div className="ml-auto flex items-center gap-1.5">
        {view.assignee ? (
          <span className="mr-1 text-xs text-slate-500" data-testid="assignee">
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
