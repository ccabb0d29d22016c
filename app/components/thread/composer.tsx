// The reply box: text, with an attachment by URL (or several images), cards, and quick replies
// under the text, all under the messaging window the server enforces (shown here so the operator
// knows before typing). Enter in the reply sends, Shift+Enter breaks the line.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';
import {
  type AttachDraft,
  AttachFields,
  attachInput,
  type CardDraft,
  CardsFields,
  emptyAttach,
  field,
  newCard,
  newQuickReply,
  type QuickReplyDraft,
  QuickReplyFields,
  quickRepliesInput,
  templateInput,
} from './rich-reply-fields.tsx';
import type { ConversationPage } from './thread-types.ts';

type Window = ConversationPage['window'];

function WindowNotice({ window }: { window: Window }) {
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

/** Meta shows "typing…" for about 20 s: while the operator keeps typing, say so again every 10 s. */
const TYPING_REFRESH_MS = 10_000;

/** Tells the customer an operator is typing, when the workspace allows it; a few calls, not one per key. */
function useTypingSignal(workspaceId: string, conversationId: string, enabled: boolean) {
  const trpc = useTRPC();
  const typing = useMutation(trpc.messages.typing.mutationOptions());
  const signalledAt = useRef(0);
  return {
    typed(text: string) {
      if (!enabled) return;
      const now = Date.now();
      if (text.trim() !== '' && now - signalledAt.current > TYPING_REFRESH_MS) {
        signalledAt.current = now;
        typing.mutate({ workspaceId, conversationId, typing: true });
      } else if (text.trim() === '' && signalledAt.current !== 0) {
        signalledAt.current = 0;
        typing.mutate({ workspaceId, conversationId, typing: false });
      }
    },
    /** A sent reply ends the indicator on Instagram by itself. */
    sent() {
      signalledAt.current = 0;
    },
  };
}

/** A refusal as the operator should read it: the server's reasons, or the fields it named. */
function refusalText(error: { message: string; data?: { issues?: { message: string }[] | null } | null }) {
  const issues = error.data?.issues;
  return issues?.length ? issues.map((issue) => issue.message).join('; ') : error.message;
}

type Body = 'none' | 'attach' | 'cards';

export function Composer({
  workspaceId,
  conversationId,
  window,
  typingEnabled,
}: {
  workspaceId: string;
  conversationId: string;
  window: Window;
  typingEnabled: boolean;
}) {
  const trpc = useTRPC();
  const typingSignal = useTypingSignal(
    workspaceId,
    conversationId,
    typingEnabled && window.kind !== 'closed',
  );
  const [text, setText] = useState('');
  // One attachment (or several images) or cards go with a reply, not both: Meta sends each alone.
  const [body, setBody] = useState<Body>('none');
  const [attach, setAttach] = useState<AttachDraft>(emptyAttach);
  const [cards, setCards] = useState<CardDraft[]>([]);
  const [quickReplies, setQuickReplies] = useState<QuickReplyDraft[] | null>(null);
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: () => {
        typingSignal.sent();
        setText('');
        setBody('none');
        setAttach(emptyAttach);
        setCards([]);
        setQuickReplies(null);
      },
    }),
  );
  const closed = window.kind === 'closed';
  const rich = {
    ...(body === 'attach' ? attachInput(attach) : {}),
    ...(body === 'cards' ? templateInput(cards) : {}),
    ...(quickReplies ? quickRepliesInput(quickReplies) : {}),
  };
  const hasBody =
    rich.attachment !== undefined || rich.attachments !== undefined || rich.template !== undefined;
  const ready = (text.trim() !== '' || hasBody) && !closed && !send.isPending;

  function toggle(next: Body) {
    setBody((current) => (current === next ? 'none' : next));
    if (next === 'cards' && cards.length === 0) setCards([newCard()]);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    send.mutate({
      workspaceId,
      conversationId,
      text: text.trim() === '' ? undefined : text,
      ...rich,
      // One key per reply: a retried request can never send it twice.
      idempotencyKey: crypto.randomUUID(),
    });
  }

  const tool =
    'rounded-lg border border-slate-300 px-3 py-1.5 text-xs font-medium text-slate-600 hover:bg-slate-50 disabled:opacity-50 aria-pressed:border-brand-500 aria-pressed:bg-brand-50 aria-pressed:text-brand-700 max-lg:min-h-10';
  return (
    // Sticky at the bottom of the conversation, which is as tall as the visible screen: on a phone
    // it rides above the on-screen keyboard (see the viewport meta in root.tsx).
    <form
      onSubmit={submit}
      className="sticky bottom-0 border-t border-slate-200 bg-white px-6 py-3 max-lg:flex max-lg:max-h-[60dvh] max-lg:flex-col max-lg:px-3 max-lg:py-2"
    >
      {/* On a phone the rich parts scroll here, so the tools, the text and Send stay in view. */}
      <div className="max-lg:min-h-0 max-lg:flex-1 max-lg:overflow-y-auto">
        <WindowNotice window={window} />
        {send.isError ? (
          <p role="alert" className="mt-1 text-xs text-red-600">
            {refusalText(send.error)}
          </p>
        ) : null}
        {body === 'attach' ? <AttachFields draft={attach} onChange={setAttach} disabled={closed} /> : null}
        {body === 'cards' ? <CardsFields cards={cards} onChange={setCards} disabled={closed} /> : null}
        {quickReplies ? (
          <QuickReplyFields drafts={quickReplies} onChange={setQuickReplies} disabled={closed} />
        ) : null}
      </div>
      <div className="mt-2 flex flex-wrap gap-2">
        <button
          type="button"
          onClick={() => toggle('attach')}
          disabled={closed}
          aria-pressed={body === 'attach'}
          title="Attach a file by its link, or several images"
          className={tool}
        >
          {body === 'attach' ? 'Remove attachment' : 'Attach'}
        </button>
        <button
          type="button"
          onClick={() => setQuickReplies((current) => (current ? null : [newQuickReply()]))}
          disabled={closed}
          aria-pressed={quickReplies !== null}
          title="Offer buttons the customer can tap to answer"
          className={tool}
        >
          Quick replies
        </button>
        <button
          type="button"
          onClick={() => toggle('cards')}
          disabled={closed}
          aria-pressed={body === 'cards'}
          title="Send cards with a picture, a link and buttons (a generic template)"
          className={tool}
        >
          Cards
        </button>
      </div>
      <div className="mt-2 flex gap-2">
        <label className="sr-only" htmlFor="reply">
          Reply
        </label>
        <textarea
          id="reply"
          rows={2}
          value={text}
          disabled={closed}
          onChange={(event) => {
            setText(event.target.value);
            typingSignal.typed(event.target.value);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) submit(event);
          }}
          placeholder={closed ? 'Replies are closed for this conversation' : 'Write a reply…'}
          className={`${field} min-h-0 flex-1 resize-none max-lg:text-base`}
        />
        <button
          type="submit"
          disabled={!ready}
          className="self-end rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50 max-lg:min-h-11"
        >
          Send
        </button>
      </div>
    </form>
  );
}
