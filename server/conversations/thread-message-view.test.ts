import { describe, expect, it } from 'vitest';
import { plainAttachment } from './jsonb-columns.ts';
import type { ThreadRow } from './thread.repository.ts';
import { STORY_LIFETIME_MS, threadMessageView } from './thread-message-view.ts';

const sentAt = new Date('2026-11-20T10:00:00Z');
const later = (ms: number) => new Date(sentAt.getTime() + ms);

function row(overrides: Partial<ThreadRow> = {}): ThreadRow {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    direction: 'INBOUND',
    kind: 'text',
    content: 'Hello',
    attachments: null,
    status: 'RECEIVED',
    external_message_id: 'mid.1',
    reply_to_external_id: null,
    reactions: [],
    business_reaction: null,
    edit_count: 0,
    unsent_at: null,
    seen_at: null,
    occurred_at: sentAt,
    error_code: null,
    error_message: null,
    messaging_tag: null,
    provider_data: null,
    quoted_id: null,
    quoted_direction: null,
    quoted_kind: null,
    quoted_content: null,
    quoted_attachments: null,
    quoted_unsent_at: null,
    ...overrides,
  } as ThreadRow;
}

describe('threadMessageView', () => {
  it('shows story media for a day, then only an expired placeholder without the link', () => {
    const mention = row({
      kind: 'story_mention',
      content: '',
      attachments: [plainAttachment('story_mention', 'https://cdn.test/story')],
    });
    expect(threadMessageView(mention, later(STORY_LIFETIME_MS - 1)).attachments).toEqual([
      {
        kind: 'story_mention',
        url: 'https://cdn.test/story',
        title: null,
        expired: false,
        sticker: false,
        elements: null,
      },
    ]);
    expect(threadMessageView(mention, later(STORY_LIFETIME_MS)).attachments).toEqual([
      { kind: 'story_mention', url: null, title: null, expired: true, sticker: false, elements: null },
    ]);

    const reply = row({ provider_data: { replyToStory: { url: 'https://cdn.test/s2', storyId: '9' } } });
    expect(threadMessageView(reply, later(1000)).storyReply).toEqual({
      url: 'https://cdn.test/s2',
      expired: false,
    });
    expect(threadMessageView(reply, later(2 * STORY_LIFETIME_MS)).storyReply).toEqual({
      url: null,
      expired: true,
    });
  });

  it('keeps other media links whatever their age (the browser shows a placeholder if they died)', () => {
    const photo = row({
      kind: 'image',
      attachments: [plainAttachment('image', 'https://cdn.test/p')],
    });
    expect(threadMessageView(photo, later(30 * STORY_LIFETIME_MS)).attachments[0]).toMatchObject({
      url: 'https://cdn.test/p',
      expired: false,
    });
  });

  it('quotes the replied-to message as a one-line preview, and says when it was unsent', () => {
    const quoting = row({
      reply_to_external_id: 'mid.0',
      quoted_id: '00000000-0000-4000-8000-000000000000',
      quoted_direction: 'OUTBOUND',
      quoted_kind: 'text',
      quoted_content: 'We ship\nworldwide',
    });
    expect(threadMessageView(quoting, sentAt).quote).toEqual({
      direction: 'OUTBOUND',
      preview: 'You: We ship worldwide',
    });
    expect(
      threadMessageView({ ...quoting, quoted_unsent_at: sentAt, quoted_content: '' }, sentAt).quote?.preview,
    ).toBe('Message unsent');
    // A quote of a message we never received.
    expect(threadMessageView(row({ reply_to_external_id: 'mid.gone' }), sentAt).quote).toBeNull();
  });

  it("names reactions by emoji, from Meta's reaction name when no emoji came", () => {
    const reacted = row({
      reactions: [
        { by: '1', reaction: 'like', emoji: null, at: sentAt.toISOString() },
        { by: '2', reaction: 'love', emoji: '😍', at: sentAt.toISOString() },
        { by: '3', reaction: 'other', emoji: null, at: sentAt.toISOString() },
      ],
    });
    expect(threadMessageView({ ...reacted, business_reaction: 'love' }, sentAt).reactions).toEqual([
      { emoji: '👍', fromBusiness: false },
      { emoji: '😍', fromBusiness: false },
      { emoji: '❤️', fromBusiness: false },
      { emoji: '❤️', fromBusiness: true },
    ]);
  });

  it('tells an ad from an ig.me link, and a reply typed in the Instagram app from ours', () => {
    const fromAd = row({
      provider_data: {
        referral: { ref: null, source: 'ADS', type: 'OPEN_THREAD', adId: '77', adTitle: 'Sale' },
      },
    });
    expect(threadMessageView(fromAd, sentAt).referral).toEqual({
      source: 'AD',
      ref: null,
      adId: '77',
      adTitle: 'Sale',
      // Referrals stored before the ad's context was kept read as having none.
      adPhotoUrl: null,
      adPostId: null,
      productId: null,
    });
    const fromLink = row({
      provider_data: {
        referral: { ref: 'spring', source: 'SHORTLINK', type: 'OPEN_THREAD', adId: null, adTitle: null },
      },
    });
    expect(threadMessageView(fromLink, sentAt).referral?.source).toBe('LINK');
    expect(
      threadMessageView(row({ direction: 'OUTBOUND', provider_data: { origin: 'echo' } }), sentAt),
    ).toMatchObject({ sentOutsideInbox: true });
    expect(threadMessageView(row({ direction: 'OUTBOUND' }), sentAt).sentOutsideInbox).toBe(false);
    const fromProduct = row({ provider_data: { referral: { productId: '7000000000000001' } } });
    expect(threadMessageView(fromProduct, sentAt).referral).toMatchObject({
      source: 'PRODUCT',
      productId: '7000000000000001',
    });
  });

  it('shows a sticker as a sticker, and the cards of a template the business sent', () => {
    const sticker = row({
      kind: 'image',
      attachments: [{ ...plainAttachment('image', 'https://cdn.test/st.png'), stickerId: '3692' }],
    });
    expect(threadMessageView(sticker, sentAt).attachments[0]).toMatchObject({ kind: 'image', sticker: true });
    const card = { title: 'Linen shirt', subtitle: '€49', imageUrl: null, url: null, buttons: [] };
    const template = row({
      direction: 'OUTBOUND',
      kind: 'template',
      attachments: [{ ...plainAttachment('template', 'https://cdn.test/t'), url: null, elements: [card] }],
    });
    expect(threadMessageView(template, sentAt).attachments[0]?.elements).toEqual([card]);
  });

  it('shows the quick replies the business offered, and the payload of the customer’s tap', () => {
    const offered = [{ title: 'Book a visit', payload: 'BOOK' }];
    const ours = row({ direction: 'OUTBOUND', status: 'SENT', provider_data: { quickReplies: offered } });
    expect(threadMessageView(ours, later(1)).quickReplies).toEqual(offered);
    // Rows written before quick replies existed read as offering none.
    expect(
      threadMessageView(row({ direction: 'OUTBOUND', provider_data: { origin: null } }), later(1))
        .quickReplies,
    ).toBeNull();
    const tap = row({ content: 'Book a visit', provider_data: { quickReplyPayload: 'BOOK' } });
    expect(threadMessageView(tap, later(1))).toMatchObject({ quickReplyPayload: 'BOOK', quickReplies: null });
    expect(threadMessageView(row(), later(1)).quickReplyPayload).toBeNull();
  });
});
