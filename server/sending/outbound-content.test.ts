import { describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { parseOutgoingMessage } from '#dev/meta/send-content.ts';
import { AppError } from '../errors.ts';
import { sendMessage } from '../meta/graph-api.ts';
import type { GraphRequest } from '../meta/graph-client.ts';
import {
  MAX_BUTTON_TITLE,
  MAX_CARD_BUTTONS,
  MAX_CARD_TEXT,
  MAX_CARDS,
  MAX_IMAGES,
  MAX_PAYLOAD,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_TITLE,
  type OutboundContent,
  type OutboundPart,
  planParts,
} from './outbound-content.ts';
import { outgoingContent } from './send-messages.job.ts';

const refusal = (content: OutboundContent) => {
  try {
    planParts(content);
  } catch (error) {
    if (error instanceof AppError) return error.message;
    throw error;
  }
  return undefined;
};

const quickReplies = (count: number, title = 'Yes') =>
  Array.from({ length: count }, (_, i) => ({ title, payload: `P${i}` }));
const card = (overrides: Record<string, unknown> = {}) => ({ title: 'Linen shirt', ...overrides });
const images = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ url: `https://cdn.example.com/${i}.jpg` }));

describe('planParts', () => {
  it('text first, then the attachment', () => {
    expect(
      planParts({ text: 'Here you go', attachment: { url: 'https://cdn.example.com/menu.pdf' } }),
    ).toEqual([
      { kind: 'text', text: 'Here you go', quickReplies: null },
      { kind: 'attachment', type: 'file', url: 'https://cdn.example.com/menu.pdf' },
    ]);
  });

  it.each([
    ['https://i.example.com/vi/x/hq720.jpg?sqp=abc&rs=def', 'image'],
    ['https://cdn.example.com/a.PNG', 'image'],
    ['https://cdn.example.com/clip.mov', 'video'],
    ['https://cdn.example.com/clip.mp4', 'video'],
    ['https://cdn.example.com/note.m4a', 'audio'],
    ['https://cdn.example.com/voice.wav', 'audio'],
    ['https://cdn.example.com/catalogue.pdf', 'file'],
  ])('reads the type of %s from its extension: %s', (url, type) => {
    expect(planParts({ attachment: { url } })).toEqual([{ kind: 'attachment', type, url }]);
  });

  it('takes the type the operator names, also for extensions that are ambiguous or absent', () => {
    expect(
      planParts({ attachment: { url: 'https://cdn.example.com/voice.mp4', type: 'audio' } })[0],
    ).toMatchObject({
      type: 'audio',
    });
    expect(
      planParts({ attachment: { url: 'https://cdn.example.com/download?id=4', type: 'image' } })[0],
    ).toMatchObject({ type: 'image' });
    expect(
      planParts({ attachment: { url: 'https://cdn.example.com/doc?id=4', type: 'file' } })[0],
    ).toMatchObject({ type: 'file' });
  });

  it('measures text in UTF-8 bytes, as Meta does', () => {
    expect(planParts({ text: '😀'.repeat(250) })).toHaveLength(1); // 1000 bytes
    expect(refusal({ text: '😀'.repeat(251) })).toBe(
      'The message is 1004 bytes long; Instagram accepts at most 1000 bytes (UTF-8)',
    );
  });

  it.each([
    [{}, 'Write a message or attach a file'],
    [{ text: '\n ' }, 'Write a message or attach a file'],
    [{ attachment: { url: 'ftp://cdn.example.com/a.jpg' } }, 'The attachment URL must use https'],
    [
      { attachment: { url: 'https://user:pw@cdn.example.com/a.jpg' } },
      'must not contain a user name or password',
    ],
    [
      { attachment: { url: `https://cdn.example.com/${'a'.repeat(2100)}.jpg` } },
      'longer than 2048 characters',
    ],
    [
      { attachment: { url: 'https://cdn.example.com/clip.mov', type: 'audio' as const } },
      'cannot be sent as audio',
    ],
    [
      { attachment: { url: 'https://cdn.example.com/deck.pptx', type: 'file' as const } },
      undefined, // an extension no type claims: Meta is the judge (and answers 2018047)
    ],
    [{ attachment: { url: 'https://cdn.example.com/song.mp3' } }, 'Cannot tell the attachment type'],
  ])('refuses %j', (content, message) => {
    if (message === undefined) expect(refusal(content)).toBeUndefined();
    else expect(refusal(content)).toContain(message);
  });
});

describe('quick replies', () => {
  it('go with their text, which is sent last so they show under the thread’s last message', () => {
    expect(
      planParts({
        text: 'Which size?',
        quickReplies: [{ title: ' Small ', payload: 'SIZE_S' }, { title: 'Large' }],
        attachment: { url: 'https://cdn.example.com/sizes.png' },
      }),
    ).toEqual([
      { kind: 'attachment', type: 'image', url: 'https://cdn.example.com/sizes.png' },
      {
        kind: 'text',
        text: 'Which size?',
        // Titles are trimmed; a payload left out is the title.
        quickReplies: [
          { title: 'Small', payload: 'SIZE_S' },
          { title: 'Large', payload: 'Large' },
        ],
      },
    ]);
  });

  it(`allow ${MAX_QUICK_REPLIES}, not one more`, () => {
    expect(planParts({ text: 'Pick', quickReplies: quickReplies(MAX_QUICK_REPLIES) })[0]).toMatchObject({
      kind: 'text',
    });
    expect(refusal({ text: 'Pick', quickReplies: quickReplies(MAX_QUICK_REPLIES + 1) })).toBe(
      'A message can offer at most 13 quick replies; this one has 14',
    );
  });

  it(`allow titles of ${MAX_QUICK_REPLY_TITLE} characters (an emoji is one), not 21`, () => {
    expect(refusal({ text: 'Pick', quickReplies: [{ title: '👍'.repeat(MAX_QUICK_REPLY_TITLE) }] })).toBe(
      undefined,
    );
    expect(refusal({ text: 'Pick', quickReplies: [{ title: 'x'.repeat(21), payload: 'P' }] })).toBe(
      'Quick reply 1: the title is 21 characters long; Instagram allows at most 20',
    );
  });

  it(`allow payloads of ${MAX_PAYLOAD} characters, not 1001`, () => {
    expect(refusal({ text: 'Pick', quickReplies: [{ title: 'A', payload: 'p'.repeat(MAX_PAYLOAD) }] })).toBe(
      undefined,
    );
    expect(
      refusal({
        text: 'Pick',
        quickReplies: [
          { title: 'A', payload: 'p' },
          { title: 'B', payload: 'p'.repeat(MAX_PAYLOAD + 1) },
        ],
      }),
    ).toBe('Quick reply 2: the payload is 1001 characters long; Instagram allows at most 1000');
  });

  it('need a title and a text to go under; every problem is named at once', () => {
    expect(refusal({ quickReplies: [{ title: '  ' }, { title: 'y'.repeat(25) }] })).toBe(
      'Quick reply 1: the title is required; Quick reply 2: the title is 25 characters long; Instagram allows at most 20; Quick replies go under a text: write the message they answer',
    );
  });
});

describe('several images', () => {
  it(`go as one part, up to ${MAX_IMAGES}; one alone is a plain attachment`, () => {
    expect(planParts({ attachments: images(MAX_IMAGES) })).toEqual([
      { kind: 'images', urls: images(MAX_IMAGES).map((image) => image.url) },
    ]);
    expect(planParts({ attachments: images(1) })).toEqual([
      { kind: 'attachment', type: 'image', url: 'https://cdn.example.com/0.jpg' },
    ]);
    expect(refusal({ attachments: images(MAX_IMAGES + 1) })).toBe(
      'At most 10 images can be sent in one message; this one has 11',
    );
  });

  it('are checked like a single attachment, each named', () => {
    expect(
      refusal({
        attachments: [
          { url: 'https://cdn.example.com/a.jpg' },
          { url: 'http://cdn.example.com/b.jpg' },
          { url: 'https://cdn.example.com/c.pdf' },
          { url: 'https://me:secret@cdn.example.com/d.jpg' },
          { url: 'https://cdn.example.com/e.mov', type: 'video' },
        ],
      }),
    ).toBe(
      [
        'Image 2: the URL must use https',
        'Image 3: A .pdf file cannot be sent as image; Instagram accepts png, jpg, jpeg, gif',
        'Image 4: the URL must not contain a user name or password',
        'Image 5: only images can be sent several at once; send the video on its own',
      ].join('; '),
    );
  });

  it('take no other attachment or template beside them', () => {
    expect(
      refusal({ attachments: images(2), attachment: { url: 'https://cdn.example.com/x.pdf' } }),
    ).toContain('Send one attachment, several images or a template at a time');
    expect(refusal({ attachments: images(2), template: { elements: [card()] } })).toContain(
      'Send one attachment, several images or a template at a time',
    );
  });
});

describe('generic templates', () => {
  it('store cards as the thread shows them (links normalised, empty fields null)', () => {
    expect(
      planParts({
        text: 'Our bestsellers',
        template: {
          elements: [
            {
              title: 'Linen shirt',
              subtitle: '€49 · 3 colours',
              imageUrl: 'https://cdn.example.com/s.jpg',
              defaultUrl: 'https://shop.example.com/p/1',
              buttons: [
                { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/1' },
                { type: 'postback', title: 'Ask about it', payload: 'ASK_P1' },
              ],
            },
            { title: 'Socks', subtitle: ' ', imageUrl: '' },
          ],
        },
      }),
    ).toEqual([
      { kind: 'text', text: 'Our bestsellers', quickReplies: null },
      {
        kind: 'template',
        elements: [
          {
            title: 'Linen shirt',
            subtitle: '€49 · 3 colours',
            imageUrl: 'https://cdn.example.com/s.jpg',
            url: 'https://shop.example.com/p/1',
            buttons: [
              { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/1', payload: null },
              { type: 'postback', title: 'Ask about it', url: null, payload: 'ASK_P1' },
            ],
          },
          { title: 'Socks', subtitle: null, imageUrl: null, url: null, buttons: [] },
        ],
      },
    ]);
  });

  it(`allow ${MAX_CARDS} cards, not 11, and at least one`, () => {
    const cards = (n: number) => ({ elements: Array.from({ length: n }, () => card()) });
    expect(planParts({ template: cards(MAX_CARDS) })).toHaveLength(1);
    expect(refusal({ template: cards(MAX_CARDS + 1) })).toBe(
      'A template can hold at most 10 cards; this one has 11',
    );
    expect(refusal({ template: cards(0) })).toBe('A template needs at least one card');
  });

  it(`allow titles and subtitles of ${MAX_CARD_TEXT} characters, not 81; a title is required`, () => {
    const at = 'é'.repeat(MAX_CARD_TEXT);
    expect(refusal({ template: { elements: [card({ title: at, subtitle: at })] } })).toBeUndefined();
    expect(
      refusal({
        template: { elements: [card({ title: `${at}x`, subtitle: `${at}x` }), card({ title: '' })] },
      }),
    ).toBe(
      'Card 1: the title is 81 characters long; Instagram allows at most 80; Card 1: the subtitle is 81 characters long; Instagram allows at most 80; Card 2: the title is required',
    );
  });

  it(`allow ${MAX_CARD_BUTTONS} buttons with titles of ${MAX_BUTTON_TITLE} characters, not more`, () => {
    const button = (title: string) => ({ type: 'postback' as const, title, payload: 'P' });
    const three = Array.from({ length: MAX_CARD_BUTTONS }, () => button('b'.repeat(MAX_BUTTON_TITLE)));
    expect(refusal({ template: { elements: [card({ buttons: three })] } })).toBeUndefined();
    expect(refusal({ template: { elements: [card({ buttons: [...three, button('Fourth')] })] } })).toBe(
      'Card 1 can have at most 3 buttons; it has 4',
    );
    expect(refusal({ template: { elements: [card({ buttons: [button('b'.repeat(21))] })] } })).toBe(
      'Card 1, button 1: the title is 21 characters long; Instagram allows at most 20',
    );
  });

  it('want https links with no credentials, a URL on link buttons and a payload on postbacks', () => {
    expect(
      refusal({
        template: {
          elements: [
            card({
              imageUrl: 'http://cdn.example.com/s.jpg',
              defaultUrl: 'javascript:alert(1)',
              buttons: [
                { type: 'web_url', title: 'View' },
                { type: 'web_url', title: 'Log in', url: 'https://a:b@shop.example.com/' },
                { type: 'postback', title: 'Ask', payload: '' },
              ],
            }),
            card({ buttons: [{ type: 'postback', title: 'Ask', payload: 'p'.repeat(MAX_PAYLOAD + 1) }] }),
          ],
        },
      }),
    ).toBe(
      [
        'Card 1: the image URL must use https',
        'Card 1: the link must use https',
        'Card 1, button 1: a link button needs its https URL',
        'Card 1, button 2: the URL must not contain a user name or password',
        'Card 1, button 3: a postback button needs a payload',
        'Card 2, button 1: the payload is 1001 characters long; Instagram allows at most 1000',
      ].join('; '),
    );
  });
});

/** The Send API body the job builds for each planned part, as graph-api.ts would post it. */
async function sendBodies(parts: OutboundPart[]): Promise<Record<string, unknown>[]> {
  const requests: GraphRequest[] = [];
  const graph = {
    async request<T>(request: GraphRequest): Promise<T> {
      requests.push(request);
      return { message_id: 'm' } as T;
    },
  };
  const account = { loginPath: 'instagram' as const, channelIdentifier: '1784', providerAccountId: null };
  for (const part of parts) {
    await sendMessage(graph, account, 'token', {
      recipientId: '58',
      content: outgoingContent(stored(part)),
      replyToMid: null,
      humanAgent: false,
    });
  }
  return requests.map((request) => (request.body as { message: Record<string, unknown> }).message);
}

/** A part as the send job reads it back from its row. */
function stored(part: OutboundPart) {
  const attachment = (kind: string, url: string | null, elements: unknown = null) => ({
    kind,
    type: kind,
    url,
    title: null,
    mediaId: null,
    stickerId: null,
    elements,
  });
  switch (part.kind) {
    case 'text':
      return {
        kind: 'text',
        content: part.text,
        attachments: null,
        providerData: { quickReplies: part.quickReplies },
      };
    case 'attachment':
      return {
        kind: part.type,
        content: '',
        attachments: [attachment(part.type, part.url)],
        providerData: null,
      };
    case 'images':
      return {
        kind: 'image',
        content: '',
        attachments: part.urls.map((url) => attachment('image', url)),
        providerData: null,
      };
    case 'template':
      return {
        kind: 'template',
        content: '',
        attachments: [attachment('template', null, part.elements)],
        providerData: null,
      };
  }
}

describe('generated replies (seeded): what we accept, Meta accepts as sent', () => {
  const WORDS = ['Yes', 'No', 'Book a visit', 'Talk to us', 'Größe M', '👍', 'Later', 'x'];
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

  it.each(seeds)('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const int = (max: number) => Math.floor(random.next() * (max + 1));
    const pick = <T>(items: T[]) => items[int(items.length - 1)] as T;
    // Mostly within the limit, at it or just under; now and then empty or one over.
    const text = (max: number) => {
      const length = random.next() < 0.9 ? pick([1, max - 1, max, 1 + int(max - 1)]) : pick([0, max + 1]);
      return Array.from({ length }, () => pick(['a', 'é', '😀', ' '])).join('');
    };
    const url = () =>
      random.next() < 0.8
        ? 'https://cdn.example.com/a.jpg'
        : pick([
            'https://cdn.example.com/a.jpg',
            'https://cdn.example.com/a',
            'http://cdn.example.com/a.png',
            'https://u:p@cdn.example.com/a.png',
            'https://cdn.example.com/a.pdf',
          ]);
    let accepted = 0;
    for (let round = 0; round < 60; round++) {
      const content: OutboundContent = {};
      if (random.next() < 0.7) content.text = pick(WORDS);
      const shape = int(3);
      if (shape === 0) {
        content.quickReplies = Array.from({ length: pick([1, 12, 13, 14]) }, () => ({
          title: text(MAX_QUICK_REPLY_TITLE),
          payload: random.next() < 0.5 ? undefined : text(MAX_PAYLOAD),
        }));
      } else if (shape === 1) {
        content.attachments = Array.from({ length: pick([2, 9, 10, 11]) }, () => ({ url: url() }));
      } else if (shape === 2) {
        content.template = {
          elements: Array.from({ length: pick([1, 2, 10, 11]) }, () => ({
            title: text(MAX_CARD_TEXT),
            subtitle: random.next() < 0.5 ? undefined : text(MAX_CARD_TEXT),
            imageUrl: random.next() < 0.5 ? undefined : url(),
            buttons: Array.from({ length: pick([0, 1, 3, 4]) }, () =>
              random.next() < 0.5
                ? { type: 'web_url' as const, title: text(MAX_BUTTON_TITLE), url: url() }
                : { type: 'postback' as const, title: text(MAX_BUTTON_TITLE), payload: text(MAX_PAYLOAD) },
            ),
          })),
        };
      } else content.attachment = { url: url() };

      let parts: OutboundPart[];
      try {
        parts = planParts(content);
      } catch (error) {
        // Refused: with a reason, never a crash.
        expect(error).toBeInstanceOf(AppError);
        continue;
      }
      accepted += 1;
      for (const message of await sendBodies(parts)) {
        // The simulator checks a message as Meta does; it must not refuse anything we accepted.
        expect(() => parseOutgoingMessage(message, () => 'https://cdn.test/x')).not.toThrow();
      }
    }
    // Enough accepted to say something about Meta's side, enough refused to exercise the limits.
    expect(accepted).toBeGreaterThan(10);
    expect(accepted).toBeLessThan(60);
  });
});
