// Rich replies end to end, as a mobile app or the composer sends them: tRPC `messages.send` over
// HTTP with an operator's bearer token, a worker process sending to the Meta simulator over HTTP,
// and the echoes coming back through the real webhook endpoint and ingest. Each kind (quick
// replies, a carousel of cards, ten images, a PDF, audio and video) reaches the customer exactly
// as sent, once; bad input is refused before anything is stored; the echo settles a send whose
// answer was lost (Meta's "may have succeeded", a worker killed during the call), matched by its
// shape when it has no text; and the customer's taps come back into the thread.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SentRecord } from '#dev/meta/graph-send.ts';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { apiRefusal, operatorClient } from '#dev/test/api-stack.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { startWorkerProcessStack, type WorkerProcessStack } from '#dev/test/worker-process-stack.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import type { Services } from '../services.ts';
import { createWorkspace } from '../team/index.ts';

let stack: WorkerProcessStack;
let database: TestDatabase;
let meta: MetaSimulator;
let services: Services;
let api: ServedHandler;
let alice: TestOperator;
let workspaceId: string;
let worker: ChildProcess;

let account: Account;
let customer: Customer;
let connectionId: string;
let conversationId: string;
let n = 0;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  stack = await startWorkerProcessStack({
    retryDelaysMs: Array(200).fill(100),
    webhooksOpen: true,
    operators: true,
  });
  ({ database, meta, services } = stack);
  api = stack.api as ServedHandler;
  alice = await signUpOperator(stack.supabase as NonNullable<typeof stack.supabase>, 'alice');
  workspaceId = (await createWorkspace(services.db, alice.actor, 'Alice Linen')).id;
  worker = await stack.startWorker();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  n += 1;
  stack.webhooks.open();
  account = meta.addAccount({ username: `linen.${n}` });
  customer = meta.addCustomer({ username: `shopper.${n}` });
  const [row] = await sql<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     values ($1, 'instagram', $2, $3) returning id`,
    [workspaceId, account.igId, `@${account.username}`],
  );
  connectionId = row?.id as string;
  await sql('update channel_connections set access_token = $1 where id = $2', [
    services.cipher.encrypt(account.accessToken, tokenContext(connectionId, 'access_token')),
    connectionId,
  ]);
  meta.sendText({ account: account.username, customer: customer.username, text: 'Hi! What do you have?' });
  conversationId = await eventually(async () => {
    const [conversation] = await sql<{ id: string }>(
      'select id from conversations where channel_connection_id = $1',
      [connectionId],
    );
    return conversation?.id;
  });
});

afterEach(() => {
  meta.clearFaults();
});

const client = () => operatorClient(api, alice);

type SendInput = Parameters<ReturnType<typeof client>['messages']['send']['mutate']>[0];

/** A reply sent as the composer sends it. */
function send(input: Omit<SendInput, 'workspaceId' | 'conversationId' | 'idempotencyKey'>) {
  return client().messages.send.mutate({
    workspaceId,
    conversationId,
    idempotencyKey: randomUUID(),
    ...input,
  });
}

const view = () => client().inbox.conversation.query({ workspaceId, conversationId });

type Row = { id: string; status: string; external_message_id: string | null; kind: string };
const messageRow = async (id: string) =>
  (await sql<Row>('select * from conversation_messages where id = $1', [id]))[0] as Row;
const settledAs = (id: string, status: string) =>
  eventually(async () => {
    const row = await messageRow(id);
    return row.status === status && row;
  });
const outboundRows = () =>
  sql<Row>(
    "select * from conversation_messages where conversation_id = $1 and direction = 'OUTBOUND' order by occurred_at",
    [conversationId],
  );
const sentToCustomer = (): SentRecord[] =>
  meta.sentMessages().filter((m) => m.recipientId === customer.igsid);
/** Every webhook Meta sent has been ingested. */
async function echoesIngested() {
  await meta.idle();
  await eventually(
    async () => (await sql("select 1 from webhook_events where status = 'RECEIVED'")).length === 0,
  );
}

const CARDS = {
  elements: [
    {
      title: 'Linen shirt',
      subtitle: '€49 · 3 colours',
      imageUrl: 'https://cdn.example.com/shirt.jpg',
      defaultUrl: 'https://shop.example.com/p/1',
      buttons: [
        { type: 'web_url' as const, title: 'View', url: 'https://shop.example.com/p/1' },
        { type: 'postback' as const, title: 'Ask about it', payload: 'ASK_SHIRT' },
      ],
    },
    {
      title: 'Linen trousers',
      buttons: [{ type: 'postback' as const, title: 'Reserve a pair', payload: 'RESERVE_TROUSERS' }],
    },
  ],
};
/** The generic template Meta must receive for CARDS. */
const CARDS_ON_THE_WIRE = {
  attachment: {
    type: 'template',
    payload: {
      template_type: 'generic',
      elements: [
        {
          title: 'Linen shirt',
          subtitle: '€49 · 3 colours',
          image_url: 'https://cdn.example.com/shirt.jpg',
          default_action: { type: 'web_url', url: 'https://shop.example.com/p/1' },
          buttons: [
            { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/1' },
            { type: 'postback', title: 'Ask about it', payload: 'ASK_SHIRT' },
          ],
        },
        {
          title: 'Linen trousers',
          buttons: [{ type: 'postback', title: 'Reserve a pair', payload: 'RESERVE_TROUSERS' }],
        },
      ],
    },
  },
};
const TEN_IMAGES = Array.from({ length: 10 }, (_, i) => `https://cdn.example.com/look-${i + 1}.jpg`);

describe('each rich kind reaches the customer exactly as sent, once', () => {
  it('a text with quick replies, after the PDF it goes with; the customer’s tap comes back as their choice', async () => {
    const parts = await send({
      text: 'Here is our catalogue. What would you like to do?',
      attachment: { url: 'https://cdn.example.com/catalogue.pdf' },
      quickReplies: [
        { title: 'Book a visit', payload: 'BOOK_VISIT' },
        { title: 'Talk to us', payload: 'TALK' },
        { title: 'Just browsing' },
      ],
    });
    // The quick replies' text goes last, so they are still on offer under the thread's last message.
    expect(parts.map((part) => [part.kind, part.status])).toEqual([
      ['file', 'QUEUED'],
      ['text', 'QUEUED'],
    ]);
    const [pdf, text] = [
      await settledAs(parts[0]?.id as string, 'SENT'),
      await settledAs(parts[1]?.id as string, 'SENT'),
    ];
    const sent = sentToCustomer();
    expect(sent.map((record) => record.message)).toEqual([
      { attachment: { type: 'file', payload: { url: 'https://cdn.example.com/catalogue.pdf' } } },
      {
        text: 'Here is our catalogue. What would you like to do?',
        quick_replies: [
          { content_type: 'text', title: 'Book a visit', payload: 'BOOK_VISIT' },
          { content_type: 'text', title: 'Talk to us', payload: 'TALK' },
          { content_type: 'text', title: 'Just browsing', payload: 'Just browsing' },
        ],
      },
    ]);
    expect([pdf.external_message_id, text.external_message_id]).toEqual(sent.map((record) => record.mid));
    await echoesIngested();
    expect(await outboundRows()).toHaveLength(2);

    const offered = (await view()).messages.find((message) => message.id === text.id);
    expect(offered?.quickReplies).toEqual([
      { title: 'Book a visit', payload: 'BOOK_VISIT' },
      { title: 'Talk to us', payload: 'TALK' },
      { title: 'Just browsing', payload: 'Just browsing' },
    ]);

    meta.tapQuickReply({ account: account.username, customer: customer.username, payload: 'TALK' });
    const choice = await eventually(async () =>
      (await view()).messages.find((message) => message.quickReplyPayload !== null),
    );
    expect(choice).toMatchObject({ direction: 'INBOUND', text: 'Talk to us', quickReplyPayload: 'TALK' });
  });

  it('a carousel of cards; the customer’s postback tap comes back, a link tap sends nothing', async () => {
    const [part] = await send({ template: CARDS });
    const row = await settledAs(part?.id as string, 'SENT');
    expect(row.kind).toBe('template');
    const [sent] = sentToCustomer();
    expect(sentToCustomer()).toHaveLength(1);
    expect(sent?.message).toEqual(CARDS_ON_THE_WIRE);
    expect(row.external_message_id).toBe(sent?.mid);
    await echoesIngested();
    expect(await outboundRows()).toHaveLength(1);

    const shown = (await view()).messages.find((message) => message.id === row.id);
    expect(shown?.attachments).toEqual([
      {
        kind: 'template',
        url: null,
        title: null,
        expired: false,
        sticker: false,
        elements: [
          {
            title: 'Linen shirt',
            subtitle: '€49 · 3 colours',
            imageUrl: 'https://cdn.example.com/shirt.jpg',
            url: 'https://shop.example.com/p/1',
            buttons: [
              { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/1', payload: null },
              { type: 'postback', title: 'Ask about it', url: null, payload: 'ASK_SHIRT' },
            ],
          },
          {
            title: 'Linen trousers',
            subtitle: null,
            imageUrl: null,
            url: null,
            buttons: [{ type: 'postback', title: 'Reserve a pair', url: null, payload: 'RESERVE_TROUSERS' }],
          },
        ],
      },
    ]);

    const target = { account: account.username, customer: customer.username, mid: sent?.mid as string };
    expect(meta.tapTemplateButton({ ...target, element: 0, button: 0 })).toEqual({
      opened: 'https://shop.example.com/p/1',
    });
    meta.tapTemplateButton({ ...target, element: 1, button: 0 });
    const tap = await eventually(async () =>
      (await view()).messages.find((message) => message.kind === 'postback'),
    );
    expect(tap).toMatchObject({ direction: 'INBOUND', text: 'Reserve a pair' });
    const [stored] = await sql<{ payload: string }>(
      "select provider_data->>'postbackPayload' as payload from conversation_messages where id = $1",
      [tap.id],
    );
    expect(stored?.payload).toBe('RESERVE_TROUSERS');
  });

  it('ten images in one Send API call, shown as one message', async () => {
    const [part] = await send({ attachments: TEN_IMAGES.map((url) => ({ url })) });
    const row = await settledAs(part?.id as string, 'SENT');
    expect(sentToCustomer()).toHaveLength(1);
    const [sent] = sentToCustomer();
    expect(sent?.message).toEqual({
      attachments: TEN_IMAGES.map((url) => ({ type: 'image', payload: { url } })),
    });
    expect(sent?.attachments).toEqual(TEN_IMAGES.map((url) => ({ type: 'image', url })));
    expect(row.external_message_id).toBe(sent?.mid);
    await echoesIngested();
    expect(await outboundRows()).toHaveLength(1);
    const shown = (await view()).messages.find((message) => message.id === row.id);
    expect(shown?.attachments.map((attachment) => [attachment.kind, attachment.url])).toEqual(
      TEN_IMAGES.map((url) => ['image', url]),
    );
    const [conversation] = await sql<{ last_message_preview: string }>(
      'select last_message_preview from conversations where id = $1',
      [conversationId],
    );
    expect(conversation?.last_message_preview).toBe('You: 📷 10 photos');
  });

  it('a PDF, a voice note and a video, each by its link, each as its own attachment type', async () => {
    const links = [
      { url: 'https://cdn.example.com/size-guide.pdf', type: 'file' },
      { url: 'https://cdn.example.com/welcome.m4a', type: 'audio' },
      { url: 'https://cdn.example.com/fitting.mp4', type: 'video' },
    ] as const;
    for (const link of links) {
      const [part] = await send({ attachment: { url: link.url } });
      expect(part?.kind).toBe(link.url.endsWith('.m4a') ? 'audio' : link.type);
      await settledAs(part?.id as string, 'SENT');
    }
    expect(sentToCustomer().map((record) => record.message)).toEqual(
      links.map(({ url, type }) => ({ attachment: { type, payload: { url } } })),
    );
  });
});

describe('the same idempotency key', () => {
  it('names the same rich reply: repeated, it sends nothing new; with other content, it is refused', async () => {
    const idempotencyKey = randomUUID();
    const reply = {
      workspaceId,
      conversationId,
      idempotencyKey,
      text: 'Pick one',
      quickReplies: [{ title: 'Shirt', payload: 'SHIRT' }],
      template: CARDS,
    };
    const first = await client().messages.send.mutate(reply);
    for (const part of first) await settledAs(part.id, 'SENT');
    const again = await client().messages.send.mutate(reply);
    expect(again.map((part) => [part.id, part.status])).toEqual(first.map((part) => [part.id, 'SENT']));
    expect(sentToCustomer()).toHaveLength(2);

    const changed = await apiRefusal(
      client().messages.send.mutate({ ...reply, quickReplies: [{ title: 'Shirt', payload: 'OTHER' }] }),
    );
    expect(changed.message).toContain('already used for a different message');
    expect(sentToCustomer()).toHaveLength(2);
  });
});

describe('bad input is refused before anything is stored', () => {
  it.each([
    [
      'fourteen quick replies',
      { text: 'Pick', quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `Option ${i}` })) },
      'at most 13 quick replies',
    ],
    [
      'a quick reply title of 21 characters',
      { text: 'Pick', quickReplies: [{ title: 'x'.repeat(21) }] },
      'Quick reply 1: the title is 21 characters long; Instagram allows at most 20',
    ],
    ['quick replies without a text', { quickReplies: [{ title: 'Yes' }] }, 'Quick replies go under a text'],
    [
      'eleven images',
      { attachments: Array.from({ length: 11 }, (_, i) => ({ url: `https://cdn.example.com/${i}.jpg` })) },
      'At most 10 images',
    ],
    [
      'an image over http among several',
      { attachments: [{ url: 'https://cdn.example.com/1.jpg' }, { url: 'http://cdn.example.com/2.jpg' }] },
      'Image 2: the URL must use https',
    ],
    [
      'a card title of 81 characters',
      { template: { elements: [{ title: 'x'.repeat(81) }] } },
      'Card 1: the title is 81 characters long; Instagram allows at most 80',
    ],
    [
      'a card with a javascript: link',
      { template: { elements: [{ title: 'Shirt', defaultUrl: 'javascript:alert(1)' }] } },
      'Card 1: the link must use https',
    ],
    [
      'eleven cards',
      { template: { elements: Array.from({ length: 11 }, () => ({ title: 'Shirt' })) } },
      'at most 10 cards',
    ],
  ] as [string, Omit<SendInput, 'workspaceId' | 'conversationId' | 'idempotencyKey'>, string][])(
    '%s',
    async (_name, input, message) => {
      const before = (await outboundRows()).length;
      const refusal = await apiRefusal(send(input));
      expect(refusal.data?.httpStatus).toBe(400);
      expect(refusal.message).toContain(message);
      expect(await outboundRows()).toHaveLength(before);
      expect(sentToCustomer()).toHaveLength(0);
    },
  );

  it('an old client’s reply (text and one attachment) goes out as before', async () => {
    const parts = await send({ text: 'Here it is', attachment: { url: 'https://cdn.example.com/vase.jpg' } });
    expect(parts.map((part) => part.kind)).toEqual(['text', 'image']);
    for (const part of parts) await settledAs(part.id, 'SENT');
    expect(sentToCustomer().map((record) => record.message)).toEqual([
      { text: 'Here it is' },
      { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/vase.jpg' } } },
    ]);
  });
});

describe('echoes settle rich sends whose answer did not', () => {
  it('echoes that outrun the answers: each part is one row, SENT with its mid', async () => {
    meta.setFault({ path: 'messages$', account: account.igId, times: 3, after: true, webhooksFirst: true });
    const parts = [
      ...(await send({ template: CARDS })),
      ...(await send({ attachments: TEN_IMAGES.slice(0, 3).map((url) => ({ url })) })),
      ...(await send({ text: 'Which one?', quickReplies: [{ title: 'The shirt' }] })),
    ];
    const rows = await Promise.all(parts.map((part) => settledAs(part.id, 'SENT')));
    expect(rows.map((row) => row.external_message_id)).toEqual(sentToCustomer().map((record) => record.mid));
    await echoesIngested();
    expect(await outboundRows()).toHaveLength(3);
  });

  it('answers lost for two templates and two image sends: each echo finds its own reply by its cards or its count', async () => {
    // Meta takes each and answers "may have succeeded"; the echoes wait until all four are UNCERTAIN,
    // so every echo has two replies of its kind to choose from.
    stack.webhooks.shut();
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 4,
      after: true,
      error: { code: 1, subcode: 1357046, status: 500 },
    });
    const other = { elements: [{ title: 'Linen scarf', subtitle: 'One size' }] };
    const parts = [
      ...(await send({ template: CARDS })),
      ...(await send({ template: other })),
      ...(await send({ attachments: TEN_IMAGES.slice(0, 2).map((url) => ({ url })) })),
      ...(await send({ attachments: TEN_IMAGES.slice(0, 3).map((url) => ({ url })) })),
    ];
    for (const part of parts) await settledAs(part.id, 'UNCERTAIN');
    expect(sentToCustomer()).toHaveLength(4);

    stack.webhooks.open();
    const rows = await Promise.all(parts.map((part) => settledAs(part.id, 'SENT')));
    expect(rows.map((row) => row.external_message_id)).toEqual(sentToCustomer().map((record) => record.mid));
    await echoesIngested();
    expect(await outboundRows()).toHaveLength(4);
    expect(sentToCustomer()).toHaveLength(4);
  });

  // A worker process killed with SIGKILL after Meta took the message and before its answer was
  // recorded: the next worker leaves it UNCERTAIN and never sends it again; the echo settles it.
  const STARTED_MS = 60_000;
  it.each([
    [
      'a text with quick replies',
      { text: 'Shall I hold it?', quickReplies: [{ title: 'Yes please' }, { title: 'No' }] },
    ],
    ['a carousel of cards', { template: CARDS }],
    ['ten images', { attachments: TEN_IMAGES.map((url) => ({ url })) }],
  ] as [string, Omit<SendInput, 'workspaceId' | 'conversationId' | 'idempotencyKey'>][])(
    'a worker killed mid-send of %s: never sent twice, the echo settles it',
    async (_name, input) => {
      stack.webhooks.shut();
      // Meta takes the message, then answers slowly: the worker is killed while it waits.
      meta.setFault({ path: 'messages$', account: account.igId, times: 1, after: true, delayMs: 15_000 });
      const [part] = await send(input);
      const id = part?.id as string;
      await eventually(() => sentToCustomer().length === 1, STARTED_MS);
      const sent = sentToCustomer()[0] as SentRecord;
      worker.kill('SIGKILL');
      await new Promise((resolve) => worker.once('exit', resolve));
      expect((await messageRow(id)).status).toBe('SENDING');

      worker = await stack.startWorker();
      await eventually(async () => (await messageRow(id)).status === 'UNCERTAIN', STARTED_MS);
      expect(sentToCustomer()).toHaveLength(1);

      stack.webhooks.open(); // the echo now reaches the app
      const row = await settledAs(id, 'SENT');
      expect(row.external_message_id).toBe(sent.mid);
      await echoesIngested();
      expect(sentToCustomer()).toEqual([sent]);
      expect(await outboundRows()).toHaveLength(1);
    },
    120_000,
  );
});
