// Every event kind of Meta's contract, emitted by the Meta simulator, delivered over real HTTP
// with real signatures (both login paths), ingested by the real workers, then checked in the
// database. Also Meta's delivery faults (retries, duplicates, reordering) and the profile
// lookup's refusals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import { startMetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { lockConversationKey } from '../conversations/index.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import { receiveDelivery } from '../meta/webhook-endpoint.ts';
import { createServices, type Services } from '../services.ts';
import { startWorkers, type Workers } from '../worker.ts';
import { enrichContact } from './enrich-contact.ts';

let database: TestDatabase;
let meta: MetaSimulator;
let services: Services;
let workers: Workers;
let server: ServedHandler;
let account: Account;
let connectionId: string;
let customer: Customer;
let n = 0;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  database = await createTestDatabase();
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app, delivery: { batchWindowMs: 5, retryDelaysMs: [0, 50, 100, 200] } });
  services = createServices(
    testEnv(
      database,
      undefined,
      { INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl, FACEBOOK_GRAPH_URL: meta.facebookGraphUrl },
      app,
    ),
  );
  workers = await startWorkers(services);
  server = await serveFetch((request) =>
    receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
  meta.setWebhookUrl(`${server.url}/api/instagram/webhook`);
});

afterAll(async () => {
  await meta?.stop();
  await server?.close();
  await workers?.stop();
  await services?.close();
  await database?.drop();
});

/** Connects a simulator account to a fresh workspace, the way the connect flow will store it. */
async function connect(
  loginPath: 'instagram' | 'facebook',
): Promise<{ account: Account; connectionId: string }> {
  n += 1;
  const created = meta.addAccount({ username: `shop.${n}`, loginPath });
  const [row] = await sql<{ id: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier, provider_account_id, display_name)
     select id, $1, $2, $3, $4 from w returning id`,
    [loginPath, created.igId, created.pageId, `@${created.username}`],
  );
  const id = row?.id as string;
  await sql('update channel_connections set access_token = $1 where id = $2', [
    services.cipher.encrypt(created.accessToken, tokenContext(id, 'access_token')),
    id,
  ]);
  return { account: created, connectionId: id };
}

beforeEach(async () => {
  ({ account, connectionId } = await connect('instagram'));
  customer = meta.addCustomer({ username: `customer.${n}`, name: `Customer ${n}` });
});

/** Waits until the simulator has delivered everything and ingest has caught up. */
async function settled(): Promise<void> {
  await meta.idle();
  for (let i = 0; i < 300; i++) {
    const [row] = await sql<{ waiting: string }>(
      `select (select count(*) from webhook_events where status = 'RECEIVED')
            + (select count(*) from pgboss.job where state in ('created', 'retry', 'active')) as waiting`,
    );
    if (Number(row?.waiting) === 0) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error('ingest did not settle');
}

// Each event one second after the previous: Meta's timestamps (milliseconds) order the thread.
let clock = Date.now() - 3_600_000;
function target() {
  clock += 1000;
  return { account: account.username, customer: customer.username, timestamp: clock };
}
const thread = () =>
  sql<{
    kind: string;
    direction: string;
    content: string;
    attachments: { kind: string; url: string | null }[] | null;
    reply_to_external_id: string | null;
    provider_data: Record<string, unknown>;
    edit_count: number;
    unsent_at: Date | null;
    reactions: { emoji: string }[];
    seen_at: Date | null;
    external_message_id: string;
  }>(
    'select * from conversation_messages where channel_connection_id = $1 order by occurred_at, created_at',
    [connectionId],
  );

describe('every event kind, from the simulator to the database', () => {
  it('text, each attachment kind, unsupported content and a story mention', async () => {
    meta.sendText({ ...target(), text: 'Olá! Têm isto em azul?' });
    for (const type of [
      'image',
      'video',
      'audio',
      'file',
      'share',
      'ig_post',
      'ig_reel',
      'ephemeral',
    ] as const) {
      meta.sendAttachments({ ...target(), attachments: [{ type }] });
    }
    meta.sendUnsupported(target());
    meta.sendAttachments({ ...target(), attachments: [{ type: 'story_mention' }] });
    await settled();
    const rows = await thread();
    expect(rows.map((m) => m.kind)).toEqual([
      'text',
      'image',
      'video',
      'audio',
      'file',
      'share',
      'ig_post',
      'ig_reel',
      'ephemeral',
      'unsupported',
      'story_mention',
    ]);
    expect(rows[0]?.content).toBe('Olá! Têm isto em azul?');
    expect(rows[1]?.attachments?.[0]?.url).toMatch(/\/lookaside\.fbsbx\.com\/ig_messaging_cdn\/\?asset_id=/);
    expect(
      await sql('select unread_count from conversations where channel_connection_id = $1', [connectionId]),
    ).toEqual([{ unread_count: 11 }]);
  });

  it('story reply, reply-to, quick reply and ad referral keep their context', async () => {
    const first = meta.sendText({ ...target(), text: 'first' });
    meta.replyToStory({ ...target(), text: 'Love this look!' });
    meta.replyToMessage({ ...target(), text: 'about this one', replyToMid: first.mid });
    meta.sendQuickReply({ ...target(), text: 'Book a visit', payload: 'BOOK_VISIT' });
    meta.sendAdReferral({ ...target(), text: 'Still on?', adId: '120200000000000001', ref: 'spring' });
    await settled();
    const rows = await thread();
    expect(rows.map((m) => m.kind)).toEqual(['text', 'story_reply', 'text', 'text', 'text']);
    expect(rows[1]?.provider_data.replyToStory).toMatchObject({
      url: expect.stringContaining('/ig_messaging_cdn/'),
    });
    expect(rows[2]?.reply_to_external_id).toBe(first.mid);
    expect(rows[3]?.provider_data.quickReplyPayload).toBe('BOOK_VISIT');
    expect(rows[4]?.provider_data.referral).toMatchObject({ adId: '120200000000000001', ref: 'spring' });
    // The lead remembers how the contact first arrived: a plain DM here.
    expect(await sql('select source from leads where channel_connection_id = $1', [connectionId])).toEqual([
      { source: 'DM' },
    ]);
  });

  it('postback, ig.me referral, reaction, unreaction, edit, unsend and seen', async () => {
    const message = meta.sendText({ ...target(), text: 'size M?' });
    meta.sendPostback({ ...target(), title: 'Talk to an agent', payload: 'CARE_HELP' });
    meta.sendReferral({ ...target(), ref: 'bio_link', source: 'SHORTLINK' });
    meta.react({ ...target(), mid: message.mid, reaction: 'love' });
    meta.editMessage({ ...target(), mid: message.mid, text: 'size L?' });
    const echo = meta.businessEcho({ ...target(), text: 'We have L in stock.' });
    meta.markSeen({ ...target(), mid: echo.mid });
    const oops = meta.sendText({ ...target(), text: 'wrong chat, sorry' });
    meta.unsendMessage({ ...target(), mid: oops.mid });
    await settled();
    const rows = await thread();
    expect(rows.map((m) => [m.kind, m.direction])).toEqual([
      ['text', 'INBOUND'],
      ['postback', 'INBOUND'],
      ['referral', 'INBOUND'],
      ['text', 'OUTBOUND'],
      ['text', 'INBOUND'],
    ]);
    expect(rows[0]).toMatchObject({ content: 'size L?', edit_count: 1, reactions: [{ emoji: '❤️' }] });
    expect(rows[1]?.content).toBe('Talk to an agent');
    expect(rows[3]?.seen_at).toBeInstanceOf(Date);
    expect(rows[4]).toMatchObject({ content: '', unsent_at: expect.any(Date) });

    meta.unreact({ ...target(), mid: message.mid });
    await settled();
    expect((await thread())[0]?.reactions).toEqual([]);
  });

  it('a postback that carries the mid of the card it was tapped on is stored beside the card, once', async () => {
    meta.sendText({ ...target(), text: 'What do you have?' });
    const card = meta.businessEcho({
      ...target(),
      attachments: [
        {
          type: 'template',
          elements: [{ title: 'Linen shirt', buttons: [{ type: 'postback', title: 'Ask', payload: 'ASK' }] }],
        },
      ],
    });
    // The tap names the card's message; Meta may deliver it more than once.
    meta.sendPostback({ ...target(), mid: card.mid, title: 'Ask', payload: 'ASK' });
    meta.sendPostback({ ...target(), mid: card.mid, title: 'Ask', payload: 'ASK' });
    await settled();
    expect((await thread()).map((m) => [m.kind, m.direction, m.external_message_id])).toEqual([
      ['text', 'INBOUND', expect.any(String)],
      ['template', 'OUTBOUND', card.mid],
      ['postback', 'INBOUND', `postback:${card.mid}`],
    ]);
    expect((await thread())[2]?.provider_data.postbackPayload).toBe('ASK');
  });

  it('events under standby (another app controls the thread) are stored like the others', async () => {
    meta.sendText({ ...target(), text: 'via standby', standby: true });
    await settled();
    expect((await thread()).map((m) => [m.content, m.provider_data.standby])).toEqual([
      ['via standby', true],
    ]);
  });

  it('accounts connected through Facebook Login deliver signed with the Meta app secret', async () => {
    ({ account, connectionId } = await connect('facebook'));
    meta.sendText({ ...target(), text: 'from the page-linked account' });
    await settled();
    expect((await thread()).map((m) => m.content)).toEqual(['from the page-linked account']);
  });

  it("the dashboard's Test payload is kept in the ledger, not in the inbox; a comment is in the inbox", async () => {
    const before = await sql<{ n: number }>('select count(*)::int as n from conversations');
    meta.sendDashboardTest();
    await settled();
    expect(await sql("select status, kind from instagram_events where account_id = '23245'")).toEqual([
      { status: 'UNMATCHED', kind: 'message' },
    ]);
    expect(await sql('select count(*)::int as n from conversations')).toEqual(before);
    meta.postComment({ ...target(), text: 'price?' });
    await settled();
    expect((await thread()).map((m) => [m.kind, m.content])).toEqual([['comment', 'price?']]);
  });
});

describe("Meta's delivery faults", () => {
  it('retried, duplicated and reordered deliveries still give each message once, in order', async () => {
    meta.setDelivery({ duplicateProbability: 1, reorder: true, batchWindowMs: 1, maxBatch: 3 });
    const realUrl = meta.webhookUrl();
    meta.setWebhookUrl(`${server.url.replace(/:\d+$/, ':9')}/unreachable`);
    const base = Date.now() - 60_000;
    for (let i = 0; i < 12; i++) meta.sendText({ ...target(), text: `m${i}`, timestamp: base + i * 1000 });
    await new Promise((r) => setTimeout(r, 80)); // the first attempts fail
    meta.setWebhookUrl(realUrl);
    await settled();
    meta.setDelivery({ duplicateProbability: 0, reorder: false, batchWindowMs: 5, maxBatch: 1000 });

    expect(meta.deliveries().some((d) => d.attempts > 1)).toBe(true);
    expect(meta.deliveries().some((d) => d.duplicateOf !== null)).toBe(true);
    expect((await thread()).map((m) => m.content)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(
      await sql('select unread_count from conversations where channel_connection_id = $1', [connectionId]),
    ).toEqual([{ unread_count: 12 }]);
  });
});

describe('profile enrichment', () => {
  const contact = () =>
    sql<{
      name: string | null;
      username: string | null;
      profile_pic: string | null;
      fetch_error: string | null;
    }>('select name, username, profile_pic, fetch_error from contacts where channel_connection_id = $1', [
      connectionId,
    ]);

  it("fills in the contact's name, username and picture everywhere it appears", async () => {
    meta.sendText({ ...target(), text: 'hi' });
    await settled();
    await expect
      .poll(contact)
      .toMatchObject([{ name: customer.name, username: customer.username, fetch_error: null }]);
    expect(
      await sql('select contact_name, contact_username from conversations where channel_connection_id = $1', [
        connectionId,
      ]),
    ).toEqual([{ contact_name: customer.name, contact_username: customer.username }]);
    expect(
      await sql('select name, username from leads where channel_connection_id = $1', [connectionId]),
    ).toEqual([{ name: customer.name, username: customer.username }]);
  });

  it("writes the profile under the conversation's key, as ingest does (in opposite orders they deadlocked)", async () => {
    meta.sendText({ ...target(), text: 'hi' });
    await settled();
    await expect.poll(contact).toMatchObject([{ name: customer.name }]);
    await sql('update contacts set name = null, fetched_at = null where channel_connection_id = $1', [
      connectionId,
    ]);
    // Ingest holds the conversation's key (as while applying a delivery) until released.
    let release = () => {};
    const held = services.db.withService(async (trx) => {
      await lockConversationKey(trx, connectionId, customer.igsid);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await expect
      .poll(() => sql("select 1 from pg_locks where locktype = 'advisory' and granted"))
      .toHaveLength(1);
    const enriched = enrichContact(services, { connectionId, igsid: customer.igsid });
    // The lookup waits for the key: its write is not granted while ingest holds it.
    await expect
      .poll(() => sql("select 1 from pg_locks where locktype = 'advisory' and not granted"))
      .toHaveLength(1);
    expect(await contact()).toMatchObject([{ name: null }]);
    release();
    await held;
    expect(await enriched).toBe('enriched');
    expect(await contact()).toMatchObject([{ name: customer.name }]);
  });

  it('records a refusal without retrying (no consent, unknown user), and never blocks the message', async () => {
    meta.setFault({
      path: customer.igsid,
      error: { code: 230, message: '(#230) User consent is required to access user profile' },
    });
    meta.sendText({ ...target(), text: 'hello' });
    await settled();
    await expect
      .poll(contact)
      .toMatchObject([{ name: null, fetch_error: expect.stringMatching(/^no_consent/) }]);
    expect((await thread()).map((m) => m.content)).toEqual(['hello']);
    meta.clearFaults();
  });

  it('marks the account for reconnection when Meta rejects its token, and keeps storing messages', async () => {
    meta.revokeToken(account.username);
    meta.sendText({ ...target(), text: 'are you there?' });
    await settled();
    await expect
      .poll(() =>
        sql('select status, needs_reauth_reason from channel_connections where id = $1', [connectionId]),
      )
      .toMatchObject([
        {
          status: 'NEEDS_REAUTH',
          needs_reauth_reason: expect.stringContaining('Meta rejected the access token'),
        },
      ]);
    meta.sendText({ ...target(), text: 'hello??' });
    await settled();
    expect((await thread()).map((m) => m.content)).toEqual(['are you there?', 'hello??']);
  });

  it('retries after a transient Graph failure', async () => {
    meta.setFault({ path: customer.igsid, times: 1, error: { status: 503 } });
    meta.sendText({ ...target(), text: 'hi' });
    await settled();
    await expect
      .poll(contact, { timeout: 15_000 })
      .toMatchObject([{ username: customer.username, fetch_error: null }]);
    meta.clearFaults();
  });
});
