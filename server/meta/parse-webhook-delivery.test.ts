// One fixture per messaging shape in Meta's contract (reference §4.6), wrapped in the envelope.
import { describe, expect, it } from 'vitest';
import { MalformedDeliveryError, parseWebhookDelivery } from './parse-webhook-delivery.ts';

const IG = '17841400000000001';
const CUSTOMER = '5820000000000001';
const T = 1767225599876;

const fromCustomer = (body: Record<string, unknown>, timestamp = T) => ({
  sender: { id: CUSTOMER },
  recipient: { id: IG },
  timestamp,
  ...body,
});

function deliver(...items: unknown[]) {
  return JSON.stringify({ object: 'instagram', entry: [{ id: IG, time: T + 500, messaging: items }] });
}

function only(...items: unknown[]) {
  const { events } = parseWebhookDelivery(deliver(...items));
  expect(events).toHaveLength(1);
  return events[0];
}

describe('parseWebhookDelivery', () => {
  it('reads a text message from a customer', () => {
    expect(only(fromCustomer({ message: { mid: 'm1', text: 'Do you ship to Lisbon?' } }))).toEqual({
      kind: 'message',
      accountId: IG,
      contactId: CUSTOMER,
      occurredAt: new Date(T),
      standby: false,
      isSelf: false,
      dedupeKey: 'message:m1',
      mid: 'm1',
      direction: 'INBOUND',
      text: 'Do you ship to Lisbon?',
      attachments: [],
      replyTo: null,
      quickReplyPayload: null,
      referral: null,
      isUnsupported: false,
    });
  });

  it.each([
    ['image', 'image'],
    ['video', 'video'],
    ['audio', 'audio'],
    ['file', 'file'],
    ['share', 'share'],
    ['ig_post', 'ig_post'],
    ['ig_reel', 'ig_reel'],
    ['reel', 'ig_reel'],
    ['story_mention', 'story_mention'],
    ['ig_story', 'ig_story'],
    ['something_new', 'unsupported'],
  ])('reads a %s attachment as %s, keeping Meta’s type', (type, kind) => {
    const event = only(
      fromCustomer({
        message: {
          mid: 'm2',
          attachments: [
            { type, payload: { url: `https://cdn.example/${type}`, title: 'T', reel_video_id: '99' } },
          ],
        },
      }),
    );
    expect(event).toMatchObject({
      kind: 'message',
      attachments: [{ kind, type, url: `https://cdn.example/${type}`, title: 'T', mediaId: '99' }],
    });
  });

  it('reads several attachments with text, and an ephemeral one without payload', () => {
    const event = only(
      fromCustomer({
        message: {
          mid: 'm3',
          text: 'both',
          attachments: [{ type: 'image', payload: { url: 'https://a' } }, { type: 'ephemeral' }],
        },
      }),
    );
    expect(event).toMatchObject({
      text: 'both',
      attachments: [
        { kind: 'image', url: 'https://a' },
        { kind: 'ephemeral', url: null },
      ],
    });
  });

  it('reads an echo as outbound with the roles of sender and recipient swapped', () => {
    const event = only({
      sender: { id: IG },
      recipient: { id: CUSTOMER },
      timestamp: T,
      message: { mid: 'm4', text: 'Yes! 3 days.', is_echo: true },
    });
    expect(event).toMatchObject({
      kind: 'message',
      direction: 'OUTBOUND',
      accountId: IG,
      contactId: CUSTOMER,
    });
  });

  it('reads an unsend as its own kind, not as a duplicate of the message', () => {
    const event = only(fromCustomer({ message: { mid: 'm1', is_deleted: true } }));
    expect(event).toMatchObject({ kind: 'unsend', mid: 'm1', dedupeKey: 'unsend:m1' });
  });

  it('reads unsupported content, reply-to, story reply, quick reply and ad referral', () => {
    expect(only(fromCustomer({ message: { mid: 'm5', is_unsupported: true } }))).toMatchObject({
      isUnsupported: true,
    });
    expect(
      only(fromCustomer({ message: { mid: 'm6', text: 'this one', reply_to: { mid: 'm4' } } })),
    ).toMatchObject({
      replyTo: { kind: 'message', mid: 'm4' },
    });
    expect(
      only(
        fromCustomer({
          message: {
            mid: 'm7',
            text: 'Love it',
            reply_to: { story: { url: 'https://s', id: '18000000000000123' } },
          },
        }),
      ),
    ).toMatchObject({ replyTo: { kind: 'story', storyId: '18000000000000123', url: 'https://s' } });
    expect(
      only(fromCustomer({ message: { mid: 'm8', text: 'Book', quick_reply: { payload: 'BOOK_VISIT' } } })),
    ).toMatchObject({
      quickReplyPayload: 'BOOK_VISIT',
    });
    expect(
      only(
        fromCustomer({
          message: {
            mid: 'm9',
            text: 'Still available?',
            referral: {
              ref: 'spring_promo',
              ad_id: '120200000000000001',
              source: 'ADS',
              type: 'OPEN_THREAD',
              ads_context_data: { ad_title: 'Spring sale' },
            },
          },
        }),
      ),
    ).toMatchObject({
      referral: {
        ref: 'spring_promo',
        adId: '120200000000000001',
        source: 'ADS',
        type: 'OPEN_THREAD',
        adTitle: 'Spring sale',
      },
    });
  });

  it('reads an edit with num_edit as number or string', () => {
    expect(only(fromCustomer({ message_edit: { mid: 'm1', text: 'size L?', num_edit: '2' } }))).toMatchObject(
      {
        kind: 'edit',
        mid: 'm1',
        text: 'size L?',
        numEdit: 2,
        dedupeKey: 'edit:m1:2',
      },
    );
  });

  it('reads reactions and unreactions; each is a distinct event', () => {
    const react = only(
      fromCustomer({ reaction: { mid: 'm4', action: 'react', reaction: 'love', emoji: '\u2764\ufe0f' } }),
    );
    const unreact = only(fromCustomer({ reaction: { mid: 'm4', action: 'unreact' } }, T + 1));
    expect(react).toMatchObject({ kind: 'reaction', action: 'react', reaction: 'love', emoji: '❤️' });
    expect(unreact).toMatchObject({ kind: 'reaction', action: 'unreact', reaction: null, emoji: null });
    expect(react?.dedupeKey).not.toBe(unreact?.dedupeKey);
  });

  it('reads seen, postback (with and without mid, with an ig.me referral) and standalone referral', () => {
    expect(only(fromCustomer({ read: { mid: 'm4' } }))).toMatchObject({ kind: 'read', mid: 'm4' });
    expect(
      only(fromCustomer({ postback: { mid: 'm10', title: 'Talk to an agent', payload: 'CARE_HELP' } })),
    ).toMatchObject({
      kind: 'postback',
      mid: 'm10',
      title: 'Talk to an agent',
      payload: 'CARE_HELP',
    });
    expect(
      only(
        fromCustomer({
          postback: { title: 'Hi', referral: { ref: 'footer', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
        }),
      ),
    ).toMatchObject({
      kind: 'postback',
      mid: `postback-${CUSTOMER}-${T}`,
      referral: { ref: 'footer', source: 'SHORTLINK' },
    });
    expect(
      only(fromCustomer({ referral: { ref: 'footer_link', source: 'SHORTLINK', type: 'OPEN_THREAD' } })),
    ).toMatchObject({
      kind: 'referral',
      referral: { ref: 'footer_link' },
    });
  });

  it('ignores kinds it does not use, and keeps what it cannot read as unparsed, with the reason', () => {
    expect(only(fromCustomer({ pass_thread_control: { new_owner_app_id: '2' } }))).toMatchObject({
      kind: 'ignored',
    });
    expect(only({ sender: {}, nonsense: true })).toMatchObject({
      kind: 'ignored',
      reason: 'messaging event of a kind the inbox does not use',
    });
    // A message we cannot read is not something Meta's contract lets us ignore.
    expect(
      only({ sender: { id: CUSTOMER }, recipient: { id: IG }, timestamp: 'soon', message: { mid: 'm9' } }),
    ).toMatchObject({
      kind: 'unparsed',
      accountId: IG,
      contactId: CUSTOMER,
      mid: 'm9',
      reason: 'unreadable messaging item (timestamp: Invalid input)',
    });
    expect(only(fromCustomer({ reaction: { mid: 'm1', action: 'explode' } }))).toMatchObject({
      kind: 'unparsed',
      reason: expect.stringMatching(/^unreadable messaging item \(reaction\.action: /),
    });
  });

  it('keeps the messages of an entry whose time it cannot read', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        { id: IG, time: 'yesterday', messaging: [fromCustomer({ message: { mid: 'm1', text: 'hi' } })] },
      ],
    });
    expect(parseWebhookDelivery(body).events).toMatchObject([
      { kind: 'message', mid: 'm1', occurredAt: new Date(T) },
    ]);
  });

  it('keeps an entry it cannot read as unparsed instead of dropping it', () => {
    const body = JSON.stringify({ object: 'instagram', entry: [{ time: T, messaging: [] }] });
    expect(parseWebhookDelivery(body).events).toMatchObject([
      { kind: 'unparsed', reason: 'unreadable entry (id: Invalid input)' },
    ]);
  });

  it('reads shared stories by either field name, hearts, stickers and template cards', () => {
    const attachments = (...items: unknown[]) =>
      (only(fromCustomer({ message: { mid: 'm1', attachments: items } })) as { attachments: unknown[] })
        .attachments;
    expect(
      attachments({
        type: 'ig_story',
        payload: { story_media_url: 'https://cdn.example/s.mp4', story_media_id: '180' },
      }),
    ).toMatchObject([{ kind: 'ig_story', url: 'https://cdn.example/s.mp4', mediaId: '180' }]);
    expect(attachments({ type: 'like_heart' })).toMatchObject([{ kind: 'like_heart', url: null }]);
    expect(
      attachments({
        type: 'image',
        payload: { url: 'https://cdn.example/st.png', sticker_id: 369239263222822 },
      }),
    ).toMatchObject([{ kind: 'image', stickerId: '369239263222822' }]);
    expect(
      attachments({
        type: 'template',
        payload: {
          generic: {
            elements: [
              {
                title: 'Linen shirt',
                subtitle: '€49',
                image_url: 'https://cdn.example/s.jpg',
                default_action: { type: 'web_url', url: 'https://shop.example/p/1' },
                buttons: [
                  { type: 'web_url', url: 'javascript:alert(1)', title: 'View' },
                  { type: 'postback', title: 'Ask', payload: 'ASK_P1' },
                ],
              },
            ],
          },
        },
      }),
    ).toEqual([
      {
        kind: 'template',
        type: 'template',
        url: null,
        title: null,
        mediaId: null,
        stickerId: null,
        elements: [
          {
            title: 'Linen shirt',
            subtitle: '€49',
            imageUrl: 'https://cdn.example/s.jpg',
            url: 'https://shop.example/p/1',
            // Only web links are kept: a script URL is dropped.
            buttons: [
              { type: 'web_url', title: 'View', url: null, payload: null },
              { type: 'postback', title: 'Ask', url: null, payload: 'ASK_P1' },
            ],
          },
        ],
      },
    ]);
  });

  it('reads product referrals, the ad context, self-messages and standby postbacks', () => {
    expect(
      only(
        fromCustomer({
          message: { mid: 'm1', text: 'this one?', referral: { product: { id: '7000000000000001' } } },
        }),
      ),
    ).toMatchObject({ referral: { productId: '7000000000000001', adId: null } });
    expect(
      only(
        fromCustomer({
          message: {
            mid: 'm2',
            referral: {
              ref: 'spring',
              ad_id: '1202',
              source: 'ADS',
              ads_context_data: {
                ad_title: 'Spring sale',
                photo_url: 'https://cdn.example/ad.jpg',
                post_id: '1800',
              },
            },
          },
        }),
      ),
    ).toMatchObject({
      referral: {
        adId: '1202',
        adTitle: 'Spring sale',
        adPhotoUrl: 'https://cdn.example/ad.jpg',
        adPostId: '1800',
      },
    });
    expect(
      only({
        sender: { id: IG },
        recipient: { id: '9100000000000001' },
        timestamp: T,
        message: { mid: 'm3', text: 'test', is_echo: true, is_self: true },
      }),
    ).toMatchObject({ kind: 'message', direction: 'OUTBOUND', accountId: IG, isSelf: true });
    expect(
      only({ ...fromCustomer({ postback: { mid: 'p1', title: 'Menu' } }), is_self: true }),
    ).toMatchObject({
      kind: 'postback',
      isSelf: true,
    });
    const standby = JSON.stringify({
      object: 'instagram',
      entry: [{ id: IG, time: T, standby: [fromCustomer({ postback: { mid: 'p2', title: 'Agent' } })] }],
    });
    expect(parseWebhookDelivery(standby).events).toMatchObject([
      { kind: 'postback', standby: true, payload: null },
    ]);
  });

  it('reads every entry and every messaging and standby item of a batch, in timestamp order', () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: IG,
          time: T,
          messaging: [fromCustomer({ message: { mid: 'late', text: 'b' } }, T + 10)],
          standby: [fromCustomer({ message: { mid: 'early', text: 'a' } }, T - 10)],
        },
        {
          id: '17841400000000002',
          time: T,
          messaging: [
            {
              sender: { id: '9' },
              recipient: { id: '17841400000000002' },
              timestamp: T,
              message: { mid: 'other', text: 'c' },
            },
          ],
        },
      ],
    });
    const parsed = parseWebhookDelivery(body);
    expect(parsed.events.map((e) => [e.kind === 'message' && e.mid, e.standby])).toEqual([
      ['early', true],
      ['other', false],
      ['late', false],
    ]);
    expect(parsed.accountIds.sort()).toEqual([IG, '17841400000000002']);
  });

  it("parses the App Dashboard's changes-style Test payload as a message for its dummy account", () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: '0',
          time: 1767225600,
          changes: [
            {
              field: 'messages',
              value: {
                sender: { id: '12334' },
                recipient: { id: '23245' },
                timestamp: '1527459824',
                message: { mid: 'random_mid', text: 'random_text' },
              },
            },
          ],
        },
      ],
    });
    const { events } = parseWebhookDelivery(body);
    expect(events).toMatchObject([
      {
        kind: 'message',
        accountId: '23245',
        contactId: '12334',
        text: 'random_text',
        occurredAt: new Date(1527459824000),
      },
    ]);
  });

  const changes = (...list: unknown[]) =>
    JSON.stringify({ object: 'instagram', entry: [{ id: IG, time: 1767226600, changes: list }] });

  it('reads comments: the customer, the post, an ad, a reply in the thread, a live', () => {
    const body = changes(
      {
        field: 'comments',
        value: {
          id: '179',
          from: { id: CUSTOMER, username: 'jane' },
          text: 'price?',
          media: { id: '180', media_product_type: 'REELS', ad_id: '238', ad_title: 'Linen week' },
          parent_id: '178',
        },
      },
      {
        field: 'live_comments',
        value: { id: '181', from: { id: CUSTOMER }, text: 'hi', media: { id: '182' } },
      },
    );
    expect(parseWebhookDelivery(body).events).toEqual([
      expect.objectContaining({
        kind: 'comment',
        accountId: IG,
        contactId: CUSTOMER,
        occurredAt: new Date(1767226600_000),
        commentId: '179',
        direction: 'INBOUND',
        text: 'price?',
        parentId: '178',
        mediaId: '180',
        mediaProductType: 'REELS',
        adId: '238',
        adTitle: 'Linen week',
        live: false,
        username: 'jane',
      }),
      expect.objectContaining({ kind: 'comment', commentId: '181', live: true, adId: null, parentId: null }),
    ]);
  });

  it("reads the business's own reply as outbound, its customer to be found from the comment it answers", () => {
    const body = changes({
      field: 'comments',
      value: { id: '190', from: { id: IG, username: 'shop' }, text: 'DM us!', parent_id: '179' },
    });
    expect(parseWebhookDelivery(body).events).toEqual([
      expect.objectContaining({ kind: 'comment', direction: 'OUTBOUND', contactId: '', parentId: '179' }),
    ]);
  });

  it('gives a comment redelivered with the same words the same identity, and with other words another', () => {
    const comment = (text: string) =>
      parseWebhookDelivery(changes({ field: 'comments', value: { id: '179', from: { id: CUSTOMER }, text } }))
        .events[0]?.dedupeKey;
    expect(comment('price?')).toBe(comment('price?'));
    expect(comment('price?')).not.toBe(comment('price in EUR?'));
  });

  it('keeps a comment it cannot read, and still ignores mentions', () => {
    const body = changes(
      { field: 'comments', value: { from: { id: CUSTOMER }, text: 'no id' } },
      { field: 'mentions', value: { media_id: '180', comment_id: '179' } },
    );
    expect(parseWebhookDelivery(body).events).toMatchObject([
      { kind: 'unparsed', reason: 'unreadable comment (value.id: missing)' },
      { kind: 'ignored', reason: "'mentions' changes are not comments or direct messages" },
    ]);
  });

  it('gives a redelivered item the same identity', () => {
    const item = fromCustomer({ reaction: { mid: 'm4', action: 'react', emoji: '👍' } });
    expect(parseWebhookDelivery(deliver(item)).events[0]?.dedupeKey).toBe(
      parseWebhookDelivery(deliver(item)).events[0]?.dedupeKey,
    );
  });

  it('refuses a body that is not a delivery', () => {
    expect(() => parseWebhookDelivery('not json')).toThrow(MalformedDeliveryError);
    expect(() => parseWebhookDelivery('{"hello":1}')).toThrow(MalformedDeliveryError);
  });
});
