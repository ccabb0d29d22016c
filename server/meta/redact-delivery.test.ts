// A conversation fetched from history holds a message's words like a delivery does: an unsend or
// an edit must reach them there too.
import { describe, expect, it } from 'vitest';
import { historyEnvelope } from './conversations-api.ts';
import { redactContact, redactDelivery } from './redact-delivery.ts';

const BUSINESS = '17841400000000001';
const stored = () =>
  Buffer.from(
    historyEnvelope(BUSINESS, {
      id: 'conversation-1',
      messages: {
        data: [
          {
            id: 'm1',
            created_time: '2026-03-02T10:15:00+0000',
            message: 'my address is 1 Main St',
            attachments: {
              data: [{ mime_type: 'image/jpeg', image_data: { url: 'https://cdn.example/p.jpg' } }],
            },
            shares: { data: [{ link: 'https://www.instagram.com/p/abc/' }] },
            story: { reply_to: { link: 'https://cdn.example/s.jpg' } },
          },
          { id: 'm2', created_time: '2026-03-02T10:16:00+0000', message: 'keep me' },
        ],
      },
    }),
  );

const nodes = (body: Buffer | null) =>
  (
    JSON.parse(String(body)) as {
      entry: { conversation: { messages: { data: Record<string, unknown>[] } } }[];
    }
  ).entry[0]?.conversation.messages.data;

describe('redactDelivery on a history conversation', () => {
  it('removes an unsent message’s words and media, and nothing of the others', () => {
    const [unsent, other] = nodes(redactDelivery(stored(), { mid: 'm1', unsent: true, latestEdit: 0 })) ?? [];
    expect(unsent).toEqual({ id: 'm1', created_time: '2026-03-02T10:15:00+0000' });
    expect(other).toEqual({ id: 'm2', created_time: '2026-03-02T10:16:00+0000', message: 'keep me' });
  });

  it('removes the words an edit replaced, keeping the media', () => {
    const [edited] = nodes(redactDelivery(stored(), { mid: 'm1', unsent: false, latestEdit: 1 })) ?? [];
    expect(edited).not.toHaveProperty('message');
    expect(edited).toHaveProperty('attachments');
  });

  it('answers null when there is nothing left to remove', () => {
    const once = redactDelivery(stored(), { mid: 'm1', unsent: true, latestEdit: 0 });
    expect(once).not.toBeNull();
    expect(redactDelivery(once as Buffer, { mid: 'm1', unsent: true, latestEdit: 0 })).toBeNull();
    expect(redactDelivery(stored(), { mid: 'other', unsent: true, latestEdit: 0 })).toBeNull();
  });
});

describe('redactContact', () => {
  const JANE = '5820000000000001';
  const JOHN = '5820000000000002';
  const item = (sender: string, recipient: string, text: string) => ({
    sender: { id: sender },
    recipient: { id: recipient },
    timestamp: 1,
    message: { mid: `m-${text}`, text },
  });
  const webhook = (...messaging: unknown[]) =>
    Buffer.from(JSON.stringify({ object: 'instagram', entry: [{ id: BUSINESS, time: 1, messaging }] }));

  it('removes what the contact sent and what was sent to them, and keeps everyone else’s', () => {
    const redacted = redactContact(
      webhook(
        item(JANE, BUSINESS, 'jane writes'),
        item(BUSINESS, JANE, 'echo to jane'),
        item(JOHN, BUSINESS, 'john'),
      ),
      JANE,
    );
    expect(redacted?.empty).toBe(false);
    const text = String(redacted?.body);
    expect(text).not.toContain(JANE);
    expect(text).not.toContain('jane');
    expect(text).toContain('john');
  });

  it('says when nothing else is left, and answers null when the contact was never in it', () => {
    expect(redactContact(webhook(item(JANE, BUSINESS, 'only jane')), JANE)?.empty).toBe(true);
    expect(redactContact(webhook(item(JOHN, BUSINESS, 'john')), JANE)).toBeNull();
  });

  it('removes a conversation with the contact fetched from history, and a change they made', () => {
    const history = Buffer.from(
      historyEnvelope(BUSINESS, {
        id: 'c1',
        participants: { data: [{ id: BUSINESS }, { id: JANE }] },
        messages: { data: [] },
      }),
    );
    expect(redactContact(history, JANE)).toEqual({ body: expect.any(Buffer), empty: true });
    const change = Buffer.from(
      JSON.stringify({
        object: 'instagram',
        entry: [{ id: BUSINESS, field: 'comments', value: { from: { id: JANE }, text: 'hi' } }],
      }),
    );
    expect(String(redactContact(change, JANE)?.body)).not.toContain(JANE);
  });
});
