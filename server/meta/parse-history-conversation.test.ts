// The Conversations API's message nodes → the events a webhook would have carried. Every kind the
// simulator's threads hold is checked end to end in server/history/history-import.db.test.ts;
// here, the rules that are the parser's own.
import { describe, expect, it } from 'vitest';
import { HISTORY_OBJECT, historyEnvelope } from './conversations-api.ts';
import { parseHistoryConversation } from './parse-history-conversation.ts';
import { parseWebhookDelivery } from './parse-webhook-delivery.ts';

const BUSINESS = '17841400000000001';
const CUSTOMER = '5820000000000001';
const business = { username: 'acme.store', id: BUSINESS };
const customer = { username: 'jane.doe', id: CUSTOMER };

const node = (id: string, time: string, from: typeof business, extra: Record<string, unknown> = {}) => ({
  id,
  created_time: time,
  from,
  to: { data: [from === business ? customer : business] },
  message: '',
  ...extra,
});

const conversation = (...messages: unknown[]) => ({
  id: 'aWdfZAG06MTpJR01lc3NhZA2VUaHJlYWQ6',
  updated_time: '2026-03-02T10:20:00+0000',
  participants: { data: [business, customer] },
  messages: { data: messages },
});

describe('parseHistoryConversation', () => {
  it('reads messages oldest first, with the identities and directions a webhook gives', () => {
    const events = parseHistoryConversation(
      BUSINESS,
      conversation(
        node('m3', '2026-03-02T10:20:00+0000', business, { message: 'Yes, in stock' }),
        node('m2', '2026-03-02T10:15:00+0000', customer, { message: 'Is it available?' }),
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'message',
        mid: 'm2',
        dedupeKey: 'message:m2',
        accountId: BUSINESS,
        contactId: CUSTOMER,
        direction: 'INBOUND',
        text: 'Is it available?',
        occurredAt: new Date('2026-03-02T10:15:00Z'),
        isSelf: false,
      }),
      expect.objectContaining({
        mid: 'm3',
        direction: 'OUTBOUND',
        contactId: CUSTOMER,
        text: 'Yes, in stock',
      }),
    ]);
  });

  it('maps Graph attachments to the kinds intake knows, and keeps only web links', () => {
    const [event] = parseHistoryConversation(
      BUSINESS,
      conversation(
        node('m1', '2026-03-02T10:15:00+0000', customer, {
          attachments: {
            data: [
              {
                mime_type: 'image/png',
                image_data: { url: 'https://cdn.example/s.png', render_as_sticker: true },
              },
              { mime_type: 'image/jpeg', image_data: { url: 'javascript:alert(1)' } },
              { mime_type: 'video/mp4', video_data: { url: 'https://cdn.example/v.mp4' } },
              { mime_type: 'audio/mpeg', file_url: 'https://cdn.example/a.mp3' },
              { mime_type: 'application/pdf', name: 'prices.pdf', file_url: 'https://cdn.example/p.pdf' },
              { generic_template: { title: 'Summer sale' } },
            ],
          },
          shares: { data: [{ link: 'https://www.instagram.com/p/abc/' }] },
          story: { mention: { link: 'https://cdn.example/story.jpg' } },
        }),
      ),
    );
    expect(event?.kind === 'message' && event.attachments.map((a) => [a.kind, a.url, a.title])).toEqual([
      ['image', 'https://cdn.example/s.png', null],
      ['image', null, null],
      ['video', 'https://cdn.example/v.mp4', null],
      ['audio', 'https://cdn.example/a.mp3', null],
      ['file', 'https://cdn.example/p.pdf', 'prices.pdf'],
      ['template', null, 'Summer sale'],
      ['share', 'https://www.instagram.com/p/abc/', null],
      ['story_mention', 'https://cdn.example/story.jpg', null],
    ]);
  });

  it('reads a story reply, and shows a message Meta gives nothing of as unsupported', () => {
    const events = parseHistoryConversation(
      BUSINESS,
      conversation(
        node('m1', '2026-03-02T10:15:00+0000', customer, {
          message: 'Love it',
          story: { reply_to: { link: 'https://cdn.example/story.jpg', id: 9001 } },
        }),
        node('m2', '2026-03-02T10:16:00+0000', customer),
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({
        replyTo: { kind: 'story', storyId: '9001', url: 'https://cdn.example/story.jpg' },
        isUnsupported: false,
      }),
      expect.objectContaining({ mid: 'm2', text: null, attachments: [], isUnsupported: true }),
    ]);
  });

  it('keeps a message it cannot read as unparsed, with its id and the reason, and reads the rest', () => {
    const events = parseHistoryConversation(
      BUSINESS,
      conversation(
        node('m1', 'yesterday', customer, { message: 'hi' }),
        node('m2', '2026-03-02T10:16:00+0000', customer, { message: 'hello' }),
      ),
    );
    expect(events).toEqual([
      expect.objectContaining({ kind: 'message', mid: 'm2' }),
      expect.objectContaining({
        kind: 'unparsed',
        mid: 'm1',
        contactId: CUSTOMER,
        reason: expect.stringContaining('created_time'),
      }),
    ]);
    expect(JSON.stringify(events[1])).not.toContain('hi');
  });

  it('marks the business writing to itself', () => {
    const [event] = parseHistoryConversation(
      BUSINESS,
      conversation({
        ...node('m1', '2026-03-02T10:15:00+0000', business, { message: 'test' }),
        to: { data: [business] },
      }),
    );
    expect(event).toMatchObject({ contactId: BUSINESS, isSelf: true });
  });
});

describe('a history entry in the ledger', () => {
  it('parses as history, through the same entry point as a webhook', () => {
    const body = historyEnvelope(
      BUSINESS,
      conversation(node('m1', '2026-03-02T10:15:00+0000', customer, { message: 'hi' })),
    );
    const parsed = parseWebhookDelivery(body);
    expect(parsed).toMatchObject({ object: HISTORY_OBJECT, source: 'history', accountIds: [BUSINESS] });
    expect(parsed.events).toEqual([expect.objectContaining({ kind: 'message', mid: 'm1', text: 'hi' })]);
  });

  it('keeps an unreadable conversation as unparsed', () => {
    const parsed = parseWebhookDelivery(historyEnvelope(BUSINESS, { messages: 'none' }));
    expect(parsed.events).toEqual([expect.objectContaining({ kind: 'unparsed', accountId: BUSINESS })]);
  });
});
