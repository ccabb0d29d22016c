// One message in the thread: the ad, product or link it came from, the quote it replies to, its
// text and media, the customer's reactions, and a line of markers (time, edited, delivery state,
// seen, where it was typed, the comment it answers). A customer's comment has its own item.
import { useMutation } from '@tanstack/react-query';
import clsx from 'clsx';
import { useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';
import { CommentItem } from './comment-item.tsx';
import { QuestionIcon } from './media-icons.tsx';
import { MessageAttachment, Placeholder, StoryReply } from './message-media.tsx';
import type { ThreadMessage, ThreadReferral } from './thread-types.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const STATUS_LABEL: Record<string, string> = {
  QUEUED: 'Sending…',
  SENDING: 'Sending…',
  SENT: 'Sent',
  FAILED: 'Not sent',
  UNCERTAIN: 'Delivery unconfirmed',
};

const productLine = (referral: ThreadReferral) =>
  `Asked about shop product${referral.productId ? ` ${referral.productId}` : ''}`;

/** What a referral that came without a message says: where the customer opened the thread from. */
function referralNotice(referral: ThreadReferral): string {
  if (referral.source === 'PRODUCT') return productLine(referral);
  return referral.source === 'AD'
    ? `Opened the conversation from an ad${referral.adTitle ? ` “${referral.adTitle}”` : ''}${referral.adId ? ` (ad ${referral.adId})` : ''}`
    : `Opened the conversation from a link${referral.ref ? ` (ref “${referral.ref}”)` : ''}`;
}

/**
 * Meta delivered it on standby: another app (a chatbot, another inbox) controlled the thread, and
 * may already have answered it.
 */
function StandbyNote({ className }: { className?: string }) {
  return (
    <p className={clsx('text-[11px] text-slate-400 italic', className)}>
      received while another app handled this chat
    </p>
  );
}

/** A line in the thread that is not a message: how the customer arrived, a button they tapped. */
function Notice({ message }: { message: ThreadMessage }) {
  let text = message.text;
  if (message.kind === 'referral' && message.referral) text = referralNotice(message.referral);
  else if (message.kind === 'postback') text = `Tapped “${message.text}”`;
  return (
    <div className="text-center">
      <p className="text-xs text-slate-500">
        <span className="rounded-full bg-white px-3 py-1 shadow-sm ring-1 ring-slate-200">{text}</span>
        <span className="ml-2 text-[11px] text-slate-400">
          {timeFormat.format(new Date(message.occurredAt))}
        </span>
      </p>
      {message.standby ? <StandbyNote className="mt-1.5" /> : null}
    </div>
  );
}

/** The ad's picture, small: operators know their ads by the creative. A dead link leaves the words. */
function AdPicture({ url, name }: { url: string; name: string }) {
  const [broken, setBroken] = useState(false);
  if (broken) return null;
  return (
    <img
      src={url}
      alt={`Ad${name}`}
      loading="lazy"
      onError={() => setBroken(true)}
      className="h-10 w-10 shrink-0 rounded-lg object-cover"
    />
  );
}

/** The ad a message answers: its picture, its title (else its id) and the post it promoted. */
function AdTag({ referral }: { referral: ThreadReferral }) {
  const name = referral.adTitle ? ` “${referral.adTitle}”` : referral.adId ? ` ${referral.adId}` : '';
  return (
    <span className="mb-1 inline-flex max-w-full items-center gap-2 rounded-xl bg-amber-100 p-1 pr-2.5 text-[11px] text-amber-800">
      {referral.adPhotoUrl ? <AdPicture url={referral.adPhotoUrl} name={name} /> : null}
      <span className={clsx('min-w-0', !referral.adPhotoUrl && 'pl-1.5')}>
        <span className="block font-medium">From ad{name}</span>
        {referral.adPostId ? <span className="block">Post {referral.adPostId}</span> : null}
      </span>
    </span>
  );
}

function ReferralTag({ referral }: { referral: ThreadReferral }) {
  if (referral.source === 'AD') return <AdTag referral={referral} />;
  return (
    <span className="mb-1 inline-block rounded-full bg-amber-100 px-2 py-0.5 text-[11px] font-medium text-amber-800">
      {referral.source === 'PRODUCT'
        ? productLine(referral)
        : `From link${referral.ref ? ` “${referral.ref}”` : ''}`}
    </span>
  );
}

function Body({ message }: { message: ThreadMessage }) {
  if (message.unsent) return <em className="text-slate-400">Message unsent</em>;
  if (message.kind === 'unsupported') {
    return (
      <Placeholder icon={<QuestionIcon />}>
        The customer sent something Instagram does not share with apps. Open the Instagram app to see it.
      </Placeholder>
    );
  }
  return (
    <>
      {message.storyReply ? <StoryReply story={message.storyReply} /> : null}
      {message.attachments.map((attachment, index) => (
        // Attachments never reorder within a message.
        // biome-ignore lint/suspicious/noArrayIndexKey: the position is the identity here
        <MessageAttachment key={index} attachment={attachment} />
      ))}
    </>
  );
}

export function MessageBubble({
  workspaceId,
  message,
  canReact,
}: {
  workspaceId: string;
  message: ThreadMessage;
  /** The workspace lets operators react (and the customer's message can still be reacted to). */
  canReact: boolean;
}) {
  if (message.kind === 'referral' || message.kind === 'postback') return <Notice message={message} />;
  if (message.comment && message.direction === 'INBOUND') {
    return <CommentItem workspaceId={workspaceId} message={message} />;
  }
  const outbound = message.direction === 'OUTBOUND';
  const hasText = !message.unsent && message.kind !== 'unsupported' && message.text.length > 0;
  const media = !hasText || message.attachments.length > 0 || message.storyReply !== null;
  return (
    <div
      className={clsx('flex', outbound ? 'justify-end' : 'justify-start')}
      data-direction={message.direction}
      data-kind={message.kind}
    >
      <div
        className={clsx(
          'flex max-w-[70%] flex-col max-lg:max-w-[85%]',
          outbound ? 'items-end' : 'items-start',
        )}
      >
        {message.referral ? <ReferralTag referral={message.referral} /> : null}
        {message.quickReplyPayload !== null ? (
          <span
            className="mb-1 inline-block rounded-full bg-emerald-100 px-2 py-0.5 text-[11px] font-medium text-emerald-800"
            title={`Payload: ${message.quickReplyPayload}`}
          >
            Tapped a quick reply
          </span>
        ) : null}
        {message.quote ? (
          <p
            className={clsx(
              'mb-0.5 max-w-full truncate border-l-2 border-slate-300 px-2 text-xs text-slate-500',
              outbound && 'text-right',
            )}
          >
            <span className="sr-only">In reply to: </span>
            {message.quote.preview}
          </p>
        ) : null}
        {media ? (
          // As wide as the bubble's column at most: a row of cards scrolls inside it, not past it.
          <div className="max-w-full space-y-1.5">
            <Body message={message} />
          </div>
        ) : null}
        {hasText ? (
          <div
            className={clsx(
              'mt-1 rounded-2xl px-3.5 py-2 text-sm shadow-sm first:mt-0',
              outbound ? 'bg-brand-600 text-white' : 'bg-white text-slate-800',
              message.status === 'FAILED' && 'ring-2 ring-red-400',
            )}
          >
            <p className="whitespace-pre-wrap break-words">{message.text}</p>
          </div>
        ) : null}
        {message.quickReplies?.length ? <QuickReplyChips replies={message.quickReplies} /> : null}
        {message.reactions.length > 0 ? (
          <p className="-mt-1.5 rounded-full bg-white px-1.5 text-sm shadow ring-1 ring-slate-200">
            <span className="sr-only">Reactions: </span>
            {message.reactions.map((r) => r.emoji).join(' ')}
          </p>
        ) : null}
        {canReact && !outbound && !message.unsent && message.externalMessageId ? (
          <ReactButton workspaceId={workspaceId} message={message} />
        ) : null}
        <p className="mt-0.5 text-[11px] text-slate-400">
          {timeFormat.format(new Date(message.occurredAt))}
          {message.comment ? ' · Public reply to a comment' : ''}
          {message.privateReplyTo ? ' · Private reply to a comment' : ''}
          {message.edited && !message.unsent ? ' · Edited' : ''}
          {outbound && message.sentOutsideInbox ? ' · Sent from Instagram' : ''}
          {outbound && message.humanAgent ? ' · Human agent' : ''}
          {outbound ? ` · ${STATUS_LABEL[message.status] ?? message.status}` : ''}
          {outbound && message.seen ? ' · Seen' : ''}
        </p>
        {message.standby ? <StandbyNote /> : null}
        {message.status === 'FAILED' || message.status === 'UNCERTAIN' ? (
          <DeliveryProblem workspaceId={workspaceId} message={message} />
        ) : null}
      </div>
    </div>
  );
}

/**
 * The quick replies offered under a message of ours, drawn as the customer saw them: a row of
 * chips under the text. They are only shown to the customer, who taps one (it comes back as a
 * message marked as a quick-reply tap); here they cannot be pressed.
 */
function QuickReplyChips({ replies }: { replies: { title: string; payload: string }[] }) {
  return (
    <ul aria-label="Quick replies" className="mt-1 flex max-w-full flex-wrap justify-end gap-1">
      {replies.map((reply, index) => (
        <li
          // biome-ignore lint/suspicious/noArrayIndexKey: quick replies never reorder
          key={index}
          title={`Payload: ${reply.payload}`}
          className="rounded-full border border-brand-500 bg-white px-3 py-1 text-xs font-medium text-brand-700"
        >
          {reply.title}
        </li>
      ))}
    </ul>
  );
}

/** A heart on the customer's message (Instagram's one reaction for businesses), or taking it back. */
function ReactButton({ workspaceId, message }: { workspaceId: string; message: ThreadMessage }) {
  const trpc = useTRPC();
  const react = useMutation(trpc.messages.react.mutationOptions());
  const reacted = message.businessReaction !== null;
  return (
    <>
      <button
        type="button"
        disabled={react.isPending}
        onClick={() =>
          react.mutate({ workspaceId, messageId: message.id, reaction: reacted ? null : 'love' })
        }
        className="mt-0.5 rounded px-1 text-[11px] font-medium text-slate-400 hover:bg-white hover:text-brand-700"
      >
        {reacted ? 'Remove ❤️' : 'React ❤️'}
      </button>
      {react.isError ? (
        <p role="alert" className="text-[11px] text-red-600">
          {react.error.message}
        </p>
      ) : null}
    </>
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
