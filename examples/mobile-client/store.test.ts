// The app's copy on its own: which of two reads of a message it keeps when they return out of order.
import { describe, expect, it } from 'vitest';
import { InboxStore, type Message } from './store.ts';

const message = (id: string, status: string) =>
  ({ id, text: id, status, occurredAt: `2026-12-01T10:00:00.000Z` }) as unknown as Message;
const fetched = (id: string, status: string) => ({ ...message(id, status), conversationId: 'conversation' });

describe('a page of a thread', () => {
  it('read before a fetch changed a message does not put its older state back, and adds the others', () => {
    const store = new InboxStore();
    const mark = store.mark();
    store.putMessages([fetched('reply', 'SENT')]);
    store.putThread(
      'conversation',
      { messages: [message('reply', 'QUEUED'), message('before', 'RECEIVED')] },
      mark,
    );

    expect(store.message('reply')?.status).toBe('SENT');
    expect(store.message('before')?.status).toBe('RECEIVED');
  });

  it('read before a fetch found a message deleted does not bring it back', () => {
    const store = new InboxStore();
    store.putMessages([fetched('unsent', 'RECEIVED')]);
    const mark = store.mark();
    store.removeMessage('unsent');
    store.putThread('conversation', { messages: [message('unsent', 'RECEIVED')] }, mark);

    expect(store.message('unsent')).toBeUndefined();
    expect(store.thread('conversation')).toEqual([]);
  });

  it('read after the last fetch (a resync reading again what is shown) replaces what is held', () => {
    const store = new InboxStore();
    store.putMessages([fetched('reply', 'SENDING')]);
    store.putThread('conversation', { messages: [message('reply', 'FAILED')] }, store.mark());

    expect(store.message('reply')?.status).toBe('FAILED');
  });
});
