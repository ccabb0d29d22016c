// A customer's comment on one of the business's posts, in their thread: the post (its picture and
// link), the ad or live it was made on, the words, and what the operator may do with it: answer in
// public, answer privately in the DMs (once, within 7 days: the chip counts down like the 24 h
// window), hide it from the post, or (owners and admins) delete it.
import { useMutation } from '@tanstack/react-query';
import clsx from 'clsx';
import { type FormEvent, useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';
import { useWorkspaceAdmin } from '#app/lib/use-workspace-admin.ts';
import type { ThreadMessage } from './thread-types.ts';

type CommentView = NonNullable<ThreadMessage['comment']>;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Where the comment was made, as the operator knows their posts. */
function surface(comment: CommentView): string {
  if (comment.parentId) return 'Replied to a comment on your post';
  if (comment.live) return 'Commented during your live';
  if (comment.adId) return `Commented on your ad${comment.adTitle ? ` “${comment.adTitle}”` : ''}`;
  if (comment.media?.productType === 'REELS') return 'Commented on your reel';
  return 'Commented on your post';
}

function PrivateReplyChip({ comment }: { comment: CommentView }) {
  const reply = comment.privateReply;
  if (!reply) return null;
  if (reply.state === 'replied') return <span className="text-emerald-700">Replied privately</span>;
  if (reply.state === 'expired') return <span>Private reply window closed</span>;
  const hours = Math.max(0, Math.round((Date.parse(reply.closesAt) - Date.now()) / 3_600_000));
  const left = hours >= 48 ? `${Math.floor(hours / 24)} days` : `${hours} h`;
  return <span>Private reply possible for {left}</span>;
}

function PostPreview({ comment }: { comment: CommentView }) {
  const { media } = comment;
  const picture = media?.thumbnailUrl ? (
    <img
      src={media.thumbnailUrl}
      alt="The post"
      loading="lazy"
      className="h-12 w-12 shrink-0 rounded-lg object-cover"
    />
  ) : (
    <span className="h-12 w-12 shrink-0 rounded-lg bg-slate-100" aria-hidden="true" />
  );
  return (
    <div className="flex items-center gap-2.5 text-[11px] text-slate-500">
      {media?.permalink ? (
        <a
          href={media.permalink}
          target="_blank"
          rel="noreferrer noopener"
          aria-label="Open the post on Instagram"
        >
          {picture}
        </a>
      ) : (
        picture
      )}
      <span className="min-w-0">
        <span className="block font-medium text-slate-700">{surface(comment)}</span>
        {media?.caption ? <span className="line-clamp-1 block">{media.caption}</span> : null}
        {media?.permalink ? (
          <a
            href={media.permalink}
            target="_blank"
            rel="noreferrer noopener"
            className="text-brand-700 hover:underline"
          >
            View post
          </a>
        ) : null}
      </span>
    </div>
  );
}

type Mode = 'public' | 'private' | null;

/** A comment's actions: small on a wide screen, a finger's size on a phone. */
const ACTION = 'rounded px-1.5 py-0.5 max-lg:min-h-10 max-lg:px-2.5';

function ReplyForm({
  workspaceId,
  message,
  mode,
  done,
}: {
  workspaceId: string;
  message: ThreadMessage;
  mode: Exclude<Mode, null>;
  done: () => void;
}) {
  const trpc = useTRPC();
  const reply = useMutation(
    (mode === 'private' ? trpc.comments.replyPrivately : trpc.comments.replyPublicly).mutationOptions({
      onSuccess: done,
    }),
  );
  const [text, setText] = useState('');
  const label = mode === 'private' ? 'Private reply' : 'Public reply';
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!text.trim() || reply.isPending) return;
    reply.mutate({ workspaceId, messageId: message.id, text, idempotencyKey: crypto.randomUUID() });
  }
  return (
    <form onSubmit={submit} className="mt-2 flex flex-col gap-1.5">
      <label className="text-[11px] font-medium text-slate-500" htmlFor={`reply-${message.id}`}>
        {label} {mode === 'private' ? '(lands in their DMs)' : '(shown under the post)'}
      </label>
      <textarea
        id={`reply-${message.id}`}
        rows={2}
        value={text}
        onChange={(event) => setText(event.target.value)}
        className="rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none max-lg:text-base"
      />
      {reply.isError ? (
        <p role="alert" className="text-[11px] text-red-600">
          {reply.error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-1.5">
        <button
          type="button"
          onClick={done}
          className="rounded px-2 py-1 text-xs text-slate-500 hover:bg-slate-100 max-lg:min-h-10 max-lg:px-3"
        >
          Cancel
        </button>
        <button
          type="submit"
          disabled={!text.trim() || reply.isPending}
          className="rounded-lg bg-brand-600 px-3 py-1 text-xs font-semibold text-white hover:bg-brand-700 disabled:opacity-50 max-lg:min-h-10"
        >
          Send {label.toLowerCase()}
        </button>
      </div>
    </form>
  );
}

function Moderation({
  workspaceId,
  message,
  comment,
}: {
  workspaceId: string;
  message: ThreadMessage;
  comment: CommentView;
}) {
  const trpc = useTRPC();
  const isAdmin = useWorkspaceAdmin();
  const hide = useMutation(trpc.comments.hide.mutationOptions());
  const remove = useMutation(trpc.comments.delete.mutationOptions());
  const error = hide.error ?? remove.error;
  return (
    <>
      <button
        type="button"
        disabled={hide.isPending}
        onClick={() => hide.mutate({ workspaceId, messageId: message.id, hidden: !comment.hidden })}
        className={`${ACTION} hover:bg-slate-100`}
      >
        {comment.hidden ? 'Show on post' : 'Hide'}
      </button>
      {isAdmin ? (
        <button
          type="button"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm('Delete this comment from the post, for everyone?')) {
              remove.mutate({ workspaceId, messageId: message.id });
            }
          }}
          className={`${ACTION} text-red-600 hover:bg-red-50`}
        >
          Delete
        </button>
      ) : null}
      {error ? (
        <p role="alert" className="basis-full text-red-600">
          {error.message}
        </p>
      ) : null}
    </>
  );
}

export function CommentItem({ workspaceId, message }: { workspaceId: string; message: ThreadMessage }) {
  const comment = message.comment as CommentView;
  const [mode, setMode] = useState<Mode>(null);
  const canReplyPrivately = comment.privateReply?.state === 'open' && !comment.hidden;
  return (
    <article
      className="flex justify-start"
      data-direction={message.direction}
      data-kind="comment"
      aria-label={`Comment: ${message.unsent ? 'deleted' : message.text}`}
    >
      <div
        className={clsx(
          'w-[min(28rem,80%)] rounded-2xl border bg-white p-3 shadow-sm max-lg:w-[min(28rem,92%)]',
          comment.hidden ? 'border-dashed border-slate-300' : 'border-slate-200',
        )}
      >
        <PostPreview comment={comment} />
        <p
          className={clsx('mt-2 text-sm whitespace-pre-wrap break-words', comment.hidden && 'text-slate-500')}
        >
          {message.unsent ? <em className="text-slate-400">Comment deleted</em> : message.text}
        </p>
        <p className="mt-1 flex flex-wrap gap-x-2 text-[11px] text-slate-400">
          <span>{timeFormat.format(new Date(message.occurredAt))}</span>
          {message.edited && !message.unsent ? <span>Edited</span> : null}
          {comment.hidden ? <span className="text-amber-700">Hidden from the post</span> : null}
          <PrivateReplyChip comment={comment} />
        </p>
        {message.unsent ? null : mode ? (
          <ReplyForm workspaceId={workspaceId} message={message} mode={mode} done={() => setMode(null)} />
        ) : (
          <div className="mt-2 flex flex-wrap gap-1 text-xs font-medium text-slate-600">
            <button
              type="button"
              onClick={() => setMode('public')}
              className={`${ACTION} hover:bg-slate-100`}
            >
              Reply publicly
            </button>
            {canReplyPrivately ? (
              <button
                type="button"
                onClick={() => setMode('private')}
                className={`${ACTION} hover:bg-slate-100`}
              >
                Reply privately
              </button>
            ) : null}
            <Moderation workspaceId={workspaceId} message={message} comment={comment} />
          </div>
        )}
      </div>
    </article>
  );
}
