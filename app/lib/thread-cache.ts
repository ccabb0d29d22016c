// An open thread's cached pages, patched with what a live event named instead of refetched: every
// loaded page of a long thread came back on each new message. The pages are the server's, newest
// first (occurred_at desc, id desc); a patch keeps that order and each message once, so a message
// the thread already shows (one the operator sent, its echo, an edit, an unsend) is replaced where
// it is, never added twice.
import type { InfiniteData } from '@tanstack/react-query';
import type { ConversationPage, ThreadMessage } from '#app/components/thread/thread-types.ts';

export type ThreadData = InfiniteData<ConversationPage, unknown>;

/** Newest first, as the server pages them. */
function newerFirst(a: ThreadMessage, b: ThreadMessage): number {
  const byTime = Date.parse(b.occurredAt) - Date.parse(a.occurredAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The thread with `fresh` messages put in (in place when already there) and `gone` ones taken
 * out. A message older than every loaded one while older pages remain is left for those pages to
 * bring: added now, it would come again with them.
 */
export function patchMessages(data: ThreadData, fresh: ThreadMessage[], gone: string[]): ThreadData {
  const replacing = new Map(fresh.map((message) => [message.id, message]));
  const removing = new Set(gone);
  let pages = data.pages.map((page) => {
    if (!page.messages.some((m) => replacing.has(m.id) || removing.has(m.id))) return page;
    const messages = page.messages
      .filter((m) => !removing.has(m.id))
      .map((m) => {
        const replacement = replacing.get(m.id);
        if (replacement) replacing.delete(m.id);
        return replacement ?? m;
      });
    return { ...page, messages };
  });
  for (const message of replacing.values()) pages = insert(pages, message);
  return { ...data, pages };
}

function insert(pages: ConversationPage[], message: ThreadMessage): ConversationPage[] {
  // The first page whose oldest message is older: the pages are contiguous, so it belongs there.
  const at = pages.findIndex((page, index) => {
    const oldest = page.messages.at(-1);
    const last = index === pages.length - 1;
    return (oldest !== undefined && newerFirst(message, oldest) < 0) || (last && page.nextCursor === null);
  });
  if (at === -1) return pages;
  return pages.map((page, index) =>
    index === at ? { ...page, messages: [...page.messages, message].sort(newerFirst) } : page,
  );
}

/** The conversation's own state (contact, status, assignee, messaging window) from a fresh read. */
export function patchHeader(data: ThreadData, fresh: ConversationPage): ThreadData {
  const [first, ...rest] = data.pages;
  if (!first) return data;
  const { messages: _messages, nextCursor: _nextCursor, ...header } = fresh;
  return { ...data, pages: [{ ...first, ...header }, ...rest] };
}

/**
 * Cached messages whose view shows something of `changed`, to read again with them: a reply's
 * quote of the message it answers (edited, unsent, or only now arrived), a comment's private-reply
 * state once a private reply to it exists.
 */
export function dependents(data: ThreadData, changed: ThreadMessage[]): string[] {
  const quoted = new Set(changed.flatMap((m) => (m.externalMessageId ? [m.externalMessageId] : [])));
  const replied = new Set(changed.flatMap((m) => (m.privateReplyTo ? [m.privateReplyTo] : [])));
  const changedIds = new Set(changed.map((m) => m.id));
  return data.pages
    .flatMap((page) => page.messages)
    .filter(
      (m) =>
        !changedIds.has(m.id) &&
        ((m.replyToExternalId !== null && quoted.has(m.replyToExternalId)) ||
          (m.comment?.commentId != null && replied.has(m.comment.commentId))),
    )
    .map((m) => m.id);
}
