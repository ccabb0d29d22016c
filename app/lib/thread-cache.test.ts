// A thread's cached pages patched from live events: each message once, in the server's order,
// changed in place (an unsend's text gone), removed when the server no longer holds it; a message
// older than every loaded page is left for the page that will bring it.
import { expect, it } from 'vitest';
import type { ConversationPage, ThreadMessage } from '#app/components/thread/thread-types.ts';
import { dependents, patchHeader, patchMessages, type ThreadData } from './thread-cache.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function message(n: number, overrides: Partial<ThreadMessage> = {}): ThreadMessage {
  return {
    id: id(n),
    direction: 'INBOUND',
    kind: 'text',
    text: `message ${n}`,
    attachments: [],
    status: 'RECEIVED',
    externalMessageId: `mid.${n}`,
    replyToExternalId: null,
    quote: null,
    storyReply: null,
    referral: null,
    sentOutsideInbox: false,
    standby: false,
    reactions: [],
    businessReaction: null,
    edited: false,
    unsent: false,
    seen: false,
    // One a minute, message n at minute n.
    occurredAt: new Date(Date.UTC(2026, 0, 1, 12, n)).toISOString(),
    errorMessage: null,
    humanAgent: false,
    comment: null,
    privateReplyTo: null,
    quickReplies: null,
    quickReplyPayload: null,
    ...overrides,
  } as ThreadMessage;
}

function page(numbers: number[], nextCursor: string | null): ConversationPage {
  return {
    contact: { id: 'c', name: 'Ada', username: 'ada', avatar: null },
    accountName: '@shop',
    status: 'ACTIVE',
    assignedTo: null,
    assignee: null,
    assignedToMe: false,
    window: { kind: 'standard', closesAt: '2026-01-02T12:00:00.000Z' },
    messages: numbers.map((n) => message(n)),
    nextCursor,
  } as ConversationPage;
}

/** Two loaded pages, newest first (10, 9, 8 | 7, 6, 5), and older ones not loaded yet. */
const twoPages = (): ThreadData => ({
  pages: [page([10, 9, 8], 'cursor-8'), page([7, 6, 5], 'cursor-5')],
  pageParams: [null, 'cursor-8'],
});

const shown = (data: ThreadData) => data.pages.map((p) => p.messages.map((m) => Number(m.id.slice(-12))));

it('adds a new message at the top of the newest page, and only once however often it is named', () => {
  const once = patchMessages(twoPages(), [message(11)], []);
  expect(shown(once)).toEqual([
    [11, 10, 9, 8],
    [7, 6, 5],
  ]);
  expect(shown(patchMessages(once, [message(11)], []))).toEqual(shown(once));
});

it('changes a message where it is: an unsent one keeps its place and loses its text', () => {
  const unsent = message(6, { text: '', unsent: true });
  const patched = patchMessages(twoPages(), [unsent], []);
  expect(shown(patched)).toEqual(shown(twoPages()));
  const six = patched.pages[1]?.messages.find((m) => m.id === id(6));
  expect(six?.unsent).toBe(true);
  expect(six?.text).toBe('');
  expect(JSON.stringify(patched)).not.toContain('message 6');
});

it('puts a late message (Meta delivers out of order) where its time says, in the page that spans it', () => {
  const late = message(7, {
    id: id(70),
    occurredAt: new Date(Date.UTC(2026, 0, 1, 12, 8, 30)).toISOString(),
  });
  expect(shown(patchMessages(twoPages(), [late], []))).toEqual([
    [10, 9, 70, 8],
    [7, 6, 5],
  ]);
});

it('leaves a message older than every loaded one to the older pages, which would bring it again', () => {
  expect(shown(patchMessages(twoPages(), [message(2)], []))).toEqual(shown(twoPages()));
  // Once the thread's beginning is loaded, it belongs at its end.
  const whole: ThreadData = { pages: [page([10, 9], 'cursor-9'), page([7, 5], null)], pageParams: [] };
  expect(shown(patchMessages(whole, [message(2)], []))).toEqual([
    [10, 9],
    [7, 5, 2],
  ]);
});

it('takes out what the server no longer holds', () => {
  expect(shown(patchMessages(twoPages(), [], [id(9), id(6)]))).toEqual([
    [10, 8],
    [7, 5],
  ]);
});

it('puts the first message into an empty conversation', () => {
  const empty: ThreadData = { pages: [page([], null)], pageParams: [null] };
  expect(shown(patchMessages(empty, [message(1)], []))).toEqual([[1]]);
});

it("replaces the conversation's own state and keeps the loaded messages and cursors", () => {
  const fresh = {
    ...page([10], 'cursor-10'),
    status: 'ARCHIVED',
    assignedToMe: true,
    window: { kind: 'closed', reason: 'Over 7 days since the customer wrote' },
  } as ConversationPage;
  const patched = patchHeader(twoPages(), fresh);
  expect(patched.pages[0]?.status).toBe('ARCHIVED');
  expect(patched.pages[0]?.assignedToMe).toBe(true);
  expect(patched.pages[0]?.window.kind).toBe('closed');
  expect(patched.pages[0]?.nextCursor).toBe('cursor-8');
  expect(shown(patched)).toEqual(shown(twoPages()));
});

it('names the cached messages that show something of a changed one: quotes, private-reply states', () => {
  const data: ThreadData = {
    pages: [
      {
        ...page([], null),
        messages: [
          message(4, { replyToExternalId: 'mid.1', quote: { direction: 'INBOUND', preview: 'message 1' } }),
          message(3, { comment: { commentId: 'comment-2' } as ThreadMessage['comment'] }),
          message(2),
          message(1),
        ],
      },
    ],
    pageParams: [null],
  };
  expect(dependents(data, [message(1, { unsent: true })])).toEqual([id(4)]);
  expect(dependents(data, [message(5, { privateReplyTo: 'comment-2', direction: 'OUTBOUND' })])).toEqual([
    id(3),
  ]);
  expect(dependents(data, [message(2)])).toEqual([]);
});
