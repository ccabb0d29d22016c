// The reply box: text and/or an attachment by URL, under the messaging window the server enforces
// (shown here so the operator knows before typing). Enter sends, Shift+Enter breaks the line.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';
import type { ConversationPage } from './thread-types.ts';

type Window = ConversationPage['window'];
type AttachmentType = 'image' | 'video' | 'audio' | 'file';

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

const field =
  'rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none disabled:bg-slate-100';

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
  const [attaching, setAttaching] = useState(false);
  const [attachmentUrl, setAttachmentUrl] = useState('');
  const [attachmentType, setAttachmentType] = useState<AttachmentType | ''>('');
  const send = useMutation(
    trpc.messages.send.mutationOptions({
      onSuccess: () => {
        typingSignal.sent();
        setText('');
        setAttachmentUrl('');
        setAttachmentType('');
        setAttaching(false);
      },
    }),
  );
  const closed = window.kind === 'closed';
  const url = attaching ? attachmentUrl.trim() : '';
  const ready = (text.trim() !== '' || url !== '') && !closed && !send.isPending;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    send.mutate({
      workspaceId,
      conversationId,
      text: text.trim() === '' ? undefined : text,
      attachment: url ? { url, type: attachmentType || undefined } : undefined,
      // One key per reply: a retried request can never send it twice.
      idempotencyKey: crypto.randomUUID(),
    });
  }

  return (
    <form onSubmit={submit} className="border-t border-slate-200 bg-white px-6 py-3">
      <WindowNotice window={window} />
      {send.isError ? (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {send.error.message}
        </p>
      ) : null}
      {attaching ? (
        <div className="mt-2 flex gap-2">
          <label className="sr-only" htmlFor="attachment-url">
            Attachment URL
          </label>
          <input
            id="attachment-url"
            type="url"
            inputMode="url"
            placeholder="https://… (image, video, audio or PDF)"
            value={attachmentUrl}
            disabled={closed}
            onChange={(event) => setAttachmentUrl(event.target.value)}
            className={`${field} min-w-0 flex-1`}
          />
          <label className="sr-only" htmlFor="attachment-type">
            Attachment type
          </label>
          <select
            id="attachment-type"
            value={attachmentType}
            disabled={closed}
            onChange={(event) => setAttachmentType(event.target.value as AttachmentType | '')}
            className={field}
          >
            <option value="">Type from the link</option>
            <option value="image">Image</option>
            <option value="video">Video</option>
            <option value="audio">Audio</option>
            <option value="file">File (PDF)</option>
          </select>
        </div>
      ) : null}
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          onClick={() => setAttaching((open) => !open)}
          disabled={closed}
          aria-pressed={attaching}
          title="Attach a file by its link"
          className="self-end rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-50 disabled:opacity-50"
        >
          {attaching ? 'Remove attachment' : 'Attach'}
        </button>
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
          className={`${field} min-h-0 flex-1 resize-none`}
        />
        <button
          type="submit"
          disabled={!ready}
          className="self-end rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Send
        </button>
      </div>
    </form>
  );
}
