import { useParams, useRouteLoaderData } from '@remix-run/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Avatar } from '#app/components/avatar.tsx';
import { useTRPC } from '#app/lib/trpc.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';

type View = inferRouterOutputs<AppRouter>['inbox']['conversation'];
type ThreadMessage = View['messages'][number];

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const STATUS_LABEL: Record<string, string> = {
  QUEUED: 'Sending…',
  SENDING: 'Sending…',
  SENT: 'Sent',
  FAILED: 'Not sent',
  UNCERTAIN: 'Delivery unconfirmed',
};

export default function ConversationView() {
  const { workspaceId = '', conversationId = '' } = useParams();
  const trpc = useTRPC();
  const conversation = useQuery(trpc.inbox.conversation.queryOptions({ workspaceId, conversationId }));
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions());
  const newestInbound = conversation.data?.messages.find((m) => m.direction === 'INBOUND')?.id;
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
            view={conversation.data}
          />
          <Thread workspaceId={workspaceId} messages={conversation.data.messages} />
          <Composer
            workspaceId={workspaceId}
            conversationId={conversationId}
            window={conversation.data.window}
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
}: {
  workspaceId: string;
  conversationId: string;
  view: View;
}) {
  const name = view.contact.name || view.contact.username || 'Instagram user';
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(
    trpc.inbox.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries() }),
  );
  const operatorId = useRouteLoaderData<{ operator: { profile: { id: string } } }>('routes/w.$workspaceId')
    ?.operator.profile.id;
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
      <div className="ml-auto flex gap-1.5">
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
      </div>
    </header>
  );
}

function Thread({ workspaceId, messages }: { workspaceId: string; messages: ThreadMessage[] }) {
  const end = useRef<HTMLLIElement>(null);
  const newest = messages[0]?.id;
  useEffect(() => {
    if (newest) end.current?.scrollIntoView({ block: 'end' });
  }, [newest]);
  return (
    <ol
      className="min-h-0 flex-1 space-y-2 overflow-y-auto px-6 py-5"
      aria-label="Messages"
      data-testid="thread"
    >
      {[...messages].reverse().map((message) => (
        <MessageBubble key={message.id} workspaceId={workspaceId} message={message} />
      ))}
      <li ref={end} aria-hidden="true" />
    </ol>
  );
}

function MessageBubble({ workspaceId, message }: { workspaceId: string; message: ThreadMessage }) {
  const outbound = message.direction === 'OUTBOUND';
  return (
    <li
      className={clsx('flex', outbound ? 'justify-end' : 'justify-start')}
      data-direction={message.direction}
    >
      <div className="max-w-[70%]">
        <div
          className={clsx(
            'rounded-2xl px-3.5 py-2 text-sm shadow-sm',
            outbound ? 'bg-brand-600 text-white' : 'bg-white text-slate-800',
            message.status === 'FAILED' && 'ring-2 ring-red-400',
          )}
        >
          {message.unsent ? (
            <em className="opacity-70">Message unsent</em>
          ) : (
            <>
              {message.text ? <p className="whitespace-pre-wrap break-words">{message.text}</p> : null}
              {message.attachments.map((attachment) => (
                <p key={`${attachment.kind}:${attachment.url}`} className="text-xs opacity-80">
                  {attachment.url ? (
                    <a href={attachment.url} target="_blank" rel="noreferrer" className="underline">
                      {attachment.title ?? attachment.kind}
                    </a>
                  ) : (
                    attachment.kind
                  )}
                </p>
              ))}
            </>
          )}
        </div>
        <p className={clsx('mt-0.5 text-[11px] text-slate-400', outbound && 'text-right')}>
          {timeFormat.format(new Date(message.occurredAt))}
          {message.edited ? ' · edited' : ''}
          {outbound ? ` · ${STATUS_LABEL[message.status] ?? message.status}` : ''}
          {outbound && message.seen ? ' · Seen' : ''}
        </p>
        {message.status === 'FAILED' || message.status === 'UNCERTAIN' ? (
          <DeliveryProblem workspaceId={workspaceId} message={message} />
        ) : null}
      </div>
    </li>
  );
}

/** A reply Meta refused (retry) or may not have delivered (the operator checks and says). */
function DeliveryProblem({ workspaceId, message }: { workspaceId: string; message: ThreadMessage }) {
  const trpc = useTRPC();
  const retry = useMutation(trpc.messages.retry.mutationOptions());
  const settle = useMutation(trpc.messages.resolveUncertain.mutationOptions());
  const busy = retry.isPending || settle.isPending;
  const button = 'rounded border border-red-200 px-2 py-0.5 font-medium hover:bg-red-50 disabled:opacity-50';
  return (
    <div className="mt-1 text-right text-[11px] text-red-600">
      <p>{message.errorMessage}</p>
      <div className="mt-1 flex justify-end gap-1.5">
        {message.status === 'FAILED' ? (
          <button
            type="button"
            className={button}
            disabled={busy}
            onClick={() => retry.mutate({ workspaceId, messageId: message.id })}
          >
            Retry
          </button>
        ) : (
          <>
            <button
              type="button"
              className={button}
              disabled={busy}
              onClick={() => settle.mutate({ workspaceId, messageId: message.id, delivered: true })}
            >
              It was delivered
            </button>
            <button
              type="button"
              className={button}
              disabled={busy}
              onClick={() => settle.mutate({ workspaceId, messageId: message.id, delivered: false })}
            >
              It was not delivered
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function WindowNotice({ window }: { window: View['window'] }) {
  if (window.kind === 'closed') {
    return (
      <p role="status" className="rounded-lg bg-amber-50 px-3 py-2 text-xs text-amber-800">
        {window.reason}
      </p>
    );
  }
  const hours = Math.max(0, Math.round((Date.parse(window.closesAt) - Date.now()) / 3_600_000));
  return (
    <p role="status" className="text-xs text-slate-500">
      {window.kind === 'standard'
        ? `You can reply for another ${hours} h.`
        : `More than 24 h since the customer wrote: your reply goes out as a Human Agent message (${hours} h left).`}
    </p>
  );
}

function Composer({
  workspaceId,
  conversationId,
  window,
}: {
  workspaceId: string;
  conversationId: string;
  window: View['window'];
}) {
  const trpc = useTRPC();
  const [text, setText] = useState('');
  const send = useMutation(trpc.messages.send.mutationOptions({ onSuccess: () => setText('') }));
  const closed = window.kind === 'closed';
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim() || send.isPending) return;
    // One key per reply: a retried request can never send it twice.
    send.mutate({ workspaceId, conversationId, text, idempotencyKey: crypto.randomUUID() });
  }
  return (
    <form onSubmit={submit} className="border-t border-slate-200 bg-white px-6 py-3">
      <WindowNotice window={window} />
      {send.isError ? (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {send.error.message}
        </p>
      ) : null}
      <div className="mt-2 flex gap-2">
        <label className="sr-only" htmlFor="reply">
          Reply
        </label>
        <textarea
          id="reply"
          rows={2}
          value={text}
          disabled={closed}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) submit(event);
          }}
          placeholder={closed ? 'Replies are closed for this conversation' : 'Write a reply…'}
          className="min-h-0 flex-1 resize-none rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none disabled:bg-slate-100"
        />
        <button
          type="submit"
          disabled={closed || send.isPending || !text.trim()}
          className="self-end rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
}
