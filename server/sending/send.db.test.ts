// Replies sent through the real send job to the Meta simulator over HTTP, with echoes coming back
// through the real webhook endpoint and ingest: every state, every refusal, and the faults that
// could deliver a reply twice (timeouts after acceptance, 1/1357046, echoes before the answer,
// concurrent requests with one idempotency key).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { freePort } from '#dev/postgres.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import { AppError } from '../errors.ts';
import { createGraphClient } from '../meta/graph-client.ts';
import { receiveDelivery } from '../meta/webhook-endpoint.ts';
import { createServices, type Services } from '../services.ts';
import { createWorkspace, updateWorkspaceSendSettings } from '../team/index.ts';
import { startWorkers, type Workers } from '../worker.ts';
import { markConversationRead } from './mark-conversation-read.ts';
import type { OutboundMessage } from './outbound-messages.repository.ts';
import { type OutboundRequest, queueOutboundMessage } from './queue-outbound-message.ts';
import { reactToMessage } from './react-to-message.ts';
import { resolveUncertainMessage } from './resolve-uncertain-message.ts';
import { retryOutboundMessage } from './retry-outbound-message.ts';
import { SEND_DEAD_LETTER_QUEUE, sendConversationReplies, sendMessagesJob } from './send-messages.job.ts';
import { signalTyping } from './signal-typing.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let services: Services;
let workers: Workers;
let server: ServedHandler;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;
let bobWorkspaceId: string;
let account: Account;
let customer: Customer;
let connectionId: string;
let conversationId: string;
let n = 0;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app, delivery: { batchWindowMs: 5, retryDelaysMs: [0, 50, 100, 200] } });
  services = createServices(
    testEnv(
      database,
      supabase,
      {
        INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
        FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
        // Short enough for the timeout test, long enough that no other call here times out on a
        // busy machine (that would leave it UNCERTAIN, not the state the test expects).
        GRAPH_TIMEOUT_MS: '3000',
      },
      app,
    ),
  );
  workers = await startWorkers(services);
  server = await serveFetch((request) =>
    receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  workspaceId = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
  bobWorkspaceId = (await createWorkspace(services.db, bob.actor, 'Bob Bikes')).id;
});

afterAll(async () => {
  await meta?.stop();
  await server?.close();
  await workers?.stop();
  await services?.close();
  await supabase?.stop();
  await database?.drop();
});

beforeEach(async () => {
  n += 1;
  meta.setWebhookUrl(`${server.url}/api/instagram/webhook`);
  account = meta.addAccount({ username: `art.${n}` });
  customer = meta.addCustomer({ username: `buyer.${n}` });
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
  conversationId = await customerWrites('Hi! Is the blue vase still available?');
});

afterEach(() => {
  meta.clearFaults();
  meta.setDelivery({ batchWindowMs: 5 });
});

/** The customer writes (at `at`, default now); resolves with the conversation once ingested. */
async function customerWrites(text: string, at = Date.now()): Promise<string> {
  meta.sendText({ account: account.username, customer: customer.username, text, timestamp: at });
  return eventually(async () => {
    const [row] = await sql<{ id: string }>(
      'select c.id from conversations c join conversation_messages m on m.conversation_id = c.id where c.channel_connection_id = $1 and m.content = $2',
      [connectionId, text],
    );
    return row?.id;
  });
}

/** The send job as this file runs it itself: Meta's own limits, claims lasting 8 s. */
const jobServices = () => ({
  ...services,
  sendLimits: { textPerSecond: 100, mediaPerSecond: 10 },
  claimTtlMs: 8000,
});

/** A QUEUED message with no job for it, so only the test runs the send job on it. */
async function queuedWithoutJob(text: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, user_id, direction,
       status, kind, content, idempotency_key)
     values ($1, $2, $3, $4, 'OUTBOUND', 'QUEUED', 'text', $5, $6) returning id`,
    [workspaceId, conversationId, connectionId, alice.actor.userId, text, randomUUID()],
  );
  return row?.id as string;
}

function reply(input: Partial<OutboundRequest> = {}, operator = alice) {
  return queueOutboundMessage(services, operator.actor, {
    workspaceId,
    conversationId,
    idempotencyKey: randomUUID(),
    sentByHuman: true,
    text: 'Yes, it is! Shall I reserve it for you?',
    ...input,
  });
}

type Row = {
  id: string;
  status: string;
  external_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  send_attempts: number;
  content: string;
  kind: string;
};
const messageRow = async (id: string) =>
  (await sql<Row>('select * from conversation_messages where id = $1', [id]))[0] as Row;
const settledAs = (id: string, statuses: string[]) =>
  eventually(async () => {
    const row = await messageRow(id);
    return statuses.includes(row.status) && row;
  });
const sentToCustomer = () => meta.sentMessages().filter((m) => m.recipientId === customer.igsid);
const sendCalls = () =>
  meta.graphRequests().filter((r) => r.accountIgId === account.igId && /\/messages$/.test(r.path));
const outboundRows = () =>
  sql<Row>("select * from conversation_messages where conversation_id = $1 and direction = 'OUTBOUND'", [
    conversationId,
  ]);
const first = (parts: OutboundMessage[]) => parts[0] as OutboundMessage;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('a reply', () => {
  it('is queued, sent once with Meta’s mid, and its echo does not add a second row', async () => {
    const parts = await reply();
    expect(parts.map((p) => p.status)).toEqual(['QUEUED']);
    const sent = await settledAs(first(parts).id, ['SENT']);
    const [delivered] = sentToCustomer();
    expect(sent.external_message_id).toBe(delivered?.mid);
    expect(delivered).toMatchObject({ text: 'Yes, it is! Shall I reserve it for you?', tag: null });
    // The echo has come back through the webhook by the time the simulator is idle.
    await meta.idle();
    await eventually(
      async () => (await sql("select 1 from webhook_events where status = 'RECEIVED'")).length === 0,
    );
    expect(await outboundRows()).toHaveLength(1);
    const [conversation] = await sql<{ last_message_preview: string }>(
      'select last_message_preview from conversations where id = $1',
      [conversationId],
    );
    expect(conversation?.last_message_preview).toBe('You: Yes, it is! Shall I reserve it for you?');
  });

  it('with text and an attachment goes out as two Send calls, text first', async () => {
    const parts = await reply({
      text: 'Here it is',
      attachment: { url: 'https://cdn.example.com/vase.jpg' },
    });
    expect(parts.map((p) => p.kind)).toEqual(['text', 'image']);
    for (const part of parts) await settledAs(part.id, ['SENT']);
    expect(sentToCustomer().map((m) => m.text ?? m.attachment?.type)).toEqual(['Here it is', 'image']);
    expect(sentToCustomer()[1]?.attachment).toEqual({
      type: 'image',
      url: 'https://cdn.example.com/vase.jpg',
    });
    // The thread sorts by time: the text's is strictly earlier, so it shows first.
    const [order] = await sql<{ text_first: boolean }>(
      `select (select occurred_at from conversation_messages where id = $1)
            < (select occurred_at from conversation_messages where id = $2) as text_first`,
      [parts[0]?.id, parts[1]?.id],
    );
    expect(order?.text_first).toBe(true);
  });

  it('with the same idempotency key, even from ten concurrent requests, is one message sent once', async () => {
    const idempotencyKey = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => reply({ idempotencyKey })));
    const ids = new Set(results.map((parts) => first(parts).id));
    expect(ids.size).toBe(1);
    await settledAs([...ids][0] as string, ['SENT']);
    // Asked again after it went out: the same message, nothing new sent.
    expect(first(await reply({ idempotencyKey })).status).toBe('SENT');
    expect(sentToCustomer()).toHaveLength(1);
    expect(await outboundRows()).toHaveLength(1);
  });

  it('refuses a reused idempotency key with different content', async () => {
    const idempotencyKey = randomUUID();
    await reply({ idempotencyKey, text: 'first' });
    const error = await rejection(reply({ idempotencyKey, text: 'second' }));
    expect(error.code).toBe('CONFLICT');
  });
});

describe('content checks, before anything is stored', () => {
  it.each([
    [
      { text: 'é'.repeat(501) },
      'The message is 1002 bytes long; Instagram accepts at most 1000 bytes (UTF-8)',
    ],
    [{ text: '   ' }, 'Write a message or attach a file'],
    [{ text: '', attachment: { url: 'http://cdn.example.com/a.jpg' } }, 'The attachment URL must use https'],
    [{ text: '', attachment: { url: 'not a url' } }, 'The attachment URL is not a valid URL'],
    [
      { text: '', attachment: { url: 'https://cdn.example.com/download' } },
      'Cannot tell the attachment type',
    ],
    [
      { text: '', attachment: { url: 'https://cdn.example.com/a.pdf', type: 'image' as const } },
      'cannot be sent as image',
    ],
  ])('%j', async (input, message) => {
    const before = (await outboundRows()).length;
    const error = await rejection(reply(input));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain(message);
    expect(await outboundRows()).toHaveLength(before);
  });

  it('exactly 1000 bytes is accepted', async () => {
    const parts = await reply({ text: 'é'.repeat(500) });
    await settledAs(first(parts).id, ['SENT']);
  });
});

describe('the messaging window', () => {
  it('uses the HUMAN_AGENT tag for a person between 24 hours and 7 days', async () => {
    await sql("update conversations set last_inbound_at = now() - interval '30 hours' where id = $1", [
      conversationId,
    ]);
    const parts = await reply();
    expect(first(parts).messagingTag).toBe('HUMAN_AGENT');
    await settledAs(first(parts).id, ['SENT']);
    expect(sentToCustomer()[0]?.tag).toBe('HUMAN_AGENT');
  });

  it('refuses an API (non-human) reply after 24 hours, and every reply after 7 days', async () => {
    await sql("update conversations set last_inbound_at = now() - interval '30 hours' where id = $1", [
      conversationId,
    ]);
    const automated = await rejection(reply({ sentByHuman: false }));
    expect(automated.code).toBe('UNPROCESSABLE');
    expect(automated.message).toBe(
      'Only a person may reply between 24 hours and 7 days after the customer last wrote.',
    );
    await sql("update conversations set last_inbound_at = now() - interval '8 days' where id = $1", [
      conversationId,
    ]);
    const human = await rejection(reply());
    expect(human.message).toContain('More than 7 days have passed');
    expect(await outboundRows()).toHaveLength(0);
    expect(sendCalls()).toHaveLength(0);
  });

  it('refuses a person after 24 hours when the workspace does not use Human Agent', async () => {
    await sql('update workspaces set human_agent_enabled = false where id = $1', [workspaceId]);
    try {
      await sql("update conversations set last_inbound_at = now() - interval '30 hours' where id = $1", [
        conversationId,
      ]);
      const error = await rejection(reply());
      expect(error.message).toContain('does not use Human Agent replies');
    } finally {
      await sql('update workspaces set human_agent_enabled = true where id = $1', [workspaceId]);
    }
  });

  it("maps Meta's 10/2534022 to a failed message with the window explained, never retried", async () => {
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 1,
      error: { code: 10, subcode: 2534022 },
    });
    const parts = await reply();
    const failed = await settledAs(first(parts).id, ['FAILED']);
    expect(failed.error_code).toBe('10/2534022');
    expect(failed.error_message).toContain('messaging window is closed');
    expect(sendCalls()).toHaveLength(1);
  });
});

describe('faults that must not send twice', () => {
  it('a timeout after Meta accepted the message: UNCERTAIN, then SENT by its echo, one delivery', async () => {
    // The answer comes 2 s after the timeout and the echo 4 s after it: UNCERTAIN is written
    // first however busy the machine.
    meta.setDelivery({ batchWindowMs: 7000 });
    meta.setFault({ path: 'messages$', account: account.igId, times: 1, after: true, delayMs: 5000 });
    const parts = await reply();
    const uncertain = await settledAs(first(parts).id, ['UNCERTAIN']);
    expect(uncertain.error_code).toBe('timeout');
    expect(uncertain.error_message).toContain('may or may not have delivered');
    const sent = await settledAs(first(parts).id, ['SENT']);
    expect(sent.external_message_id).toBe(sentToCustomer()[0]?.mid);
    expect(sentToCustomer()).toHaveLength(1);
    expect(sendCalls()).toHaveLength(1);
    expect(await outboundRows()).toHaveLength(1);
  });

  it('1/1357046 ("may have succeeded"): UNCERTAIN until the operator settles it; retried only on their word', async () => {
    meta.setWebhookUrl(undefined); // the echo never comes
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 1,
      after: true,
      error: { code: 1, subcode: 1357046, status: 500 },
    });
    const parts = await reply();
    const uncertain = await settledAs(first(parts).id, ['UNCERTAIN']);
    expect(uncertain.error_code).toBe('1/1357046');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sendCalls()).toHaveLength(1); // not re-sent blindly

    const notDelivered = await resolveUncertainMessage(services.db, alice.actor, {
      workspaceId,
      messageId: first(parts).id,
      delivered: false,
    });
    expect(notDelivered.status).toBe('FAILED');
    await retryOutboundMessage(services, alice.actor, { workspaceId, messageId: first(parts).id });
    await settledAs(first(parts).id, ['SENT']);
    expect(sendCalls()).toHaveLength(2);
  });

  it('the echo arrives before the Send API answers: one row, SENT with the mid', async () => {
    meta.setFault({ path: 'messages$', account: account.igId, times: 1, after: true, webhooksFirst: true });
    const parts = await reply({ text: 'Echo first!' });
    const sent = await settledAs(first(parts).id, ['SENT']);
    expect(sent.external_message_id).toBe(sentToCustomer()[0]?.mid);
    expect(await outboundRows()).toHaveLength(1);
  });

  it('two identical replies whose echoes outrun the answers end as two rows, each with its own mid', async () => {
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 2,
      after: true,
      webhooksFirst: true,
      delayMs: 150,
    });
    const replies = await Promise.all([reply({ text: 'Thanks!' }), reply({ text: 'Thanks!' })]);
    const rows = await Promise.all(replies.map((parts) => settledAs(first(parts).id, ['SENT'])));
    expect(new Set(rows.map((row) => row.external_message_id)).size).toBe(2);
    expect(await outboundRows()).toHaveLength(2);
    expect(sentToCustomer()).toHaveLength(2);
  });

  it('an attachment echo that outruns the answer and cannot be matched by content is merged when the answer comes', async () => {
    // The echo is ingested while the send is still SENDING; adoptEcho matches it by kind and count.
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 1,
      after: true,
      webhooksFirst: true,
      delayMs: 200,
    });
    const parts = await reply({ text: '', attachment: { url: 'https://cdn.example.com/receipt.pdf' } });
    await settledAs(first(parts).id, ['SENT']);
    expect(await outboundRows()).toHaveLength(1);
  });

  it('429 with Retry-After: back in the queue, then sent once after the hint', async () => {
    meta.setFault({
      path: 'messages$',
      account: account.igId,
      times: 1,
      error: { status: 429, code: 4, message: '(#4) Application request limit reached' },
      retryAfterSeconds: 1,
    });
    const parts = await reply();
    const throttled = await eventually(async () => {
      const row = await messageRow(first(parts).id);
      return row.send_attempts > 0 && row.status !== 'SENDING' && row;
    });
    expect(throttled.status).toBe('QUEUED');
    expect(throttled.error_message).toContain('slow down');
    const sent = await settledAs(first(parts).id, ['SENT']);
    expect(sent.send_attempts).toBe(2);
    expect(sendCalls()).toHaveLength(2);
    expect(sentToCustomer()).toHaveLength(1);
  });

  it.each([
    ['613 rate limit', { code: 613, subcode: 2534040 }],
    ['a transient 500 (code 2)', { status: 500, code: 2 }],
    ['a 503 with Graph’s error', { status: 503 }],
  ])('%s: retried with backoff and sent once', async (_label, error) => {
    meta.setFault({ path: 'messages$', account: account.igId, times: 2, error });
    const parts = await reply();
    const sent = await settledAs(first(parts).id, ['SENT']);
    expect(sent.send_attempts).toBe(3);
    expect(sentToCustomer()).toHaveLength(1);
  });

  it('a refused connection is retried (Meta never saw it) and then delivered once', async () => {
    const id = await queuedWithoutJob('Are you there?');
    const closedPort = `http://127.0.0.1:${await freePort()}`;
    const unreachable = createGraphClient({
      instagramGraphUrl: closedPort,
      facebookGraphUrl: closedPort,
      version: 'v25.0',
    });
    await sendConversationReplies({ ...jobServices(), graph: unreachable }, conversationId);
    const queued = await messageRow(id);
    expect(queued).toMatchObject({ status: 'QUEUED', error_code: 'network', send_attempts: 1 });
    // The re-queued job runs on the real workers, with the real Graph client.
    await settledAs(id, ['SENT']);
    expect(sentToCustomer()).toHaveLength(1);
  });
});

describe('the send job on its own', () => {
  it('checks the window again when it runs: queued in time, too late by now, refused before calling Meta', async () => {
    const id = await queuedWithoutJob('Still interested?');
    await sql("update conversations set last_inbound_at = now() - interval '25 hours' where id = $1", [
      conversationId,
    ]);
    await sendConversationReplies(jobServices(), conversationId);
    expect(await messageRow(id)).toMatchObject({ status: 'FAILED', error_code: 'window_closed' });
    expect(sendCalls()).toHaveLength(0);
  });

  it('finds a message SENDING (its worker died during the call) and leaves it UNCERTAIN, not re-sent', async () => {
    const id = await queuedWithoutJob('Did this go out?');
    await sql("update conversation_messages set status = 'SENDING', send_attempts = 1 where id = $1", [id]);
    await sendConversationReplies(jobServices(), conversationId);
    expect(await messageRow(id)).toMatchObject({ status: 'UNCERTAIN', error_code: 'interrupted' });
    expect(sendCalls()).toHaveLength(0);
  });

  it('skips parts already sent and sends the rest in order', async () => {
    const done = await queuedWithoutJob('part one');
    await sql(
      "update conversation_messages set status = 'SENT', external_message_id = 'mid-done' where id = $1",
      [done],
    );
    const next = await queuedWithoutJob('part two');
    await sendConversationReplies(jobServices(), conversationId);
    expect(sentToCustomer().map((m) => m.text)).toEqual(['part two']);
    expect((await messageRow(next)).status).toBe('SENT');
  });
});

describe('send jobs that run out of retries', () => {
  /**
   * What pg-boss does with a send job whose last try failed (the database was away longer than
   * its retry schedule): the job fails for good, and its dead-letter queue gets its payload. The
   * job is due in an hour, so no worker takes it before it fails.
   */
  async function lastTryFails(payload: object): Promise<void> {
    const boss = await services.queue();
    const id = await boss.send(sendMessagesJob.queue, payload, { retryLimit: 0, startAfter: 3600 });
    await boss.fail(sendMessagesJob.queue, id as string, new Error('the database was away'));
  }
  const deadLetterSettled = (payload: object) =>
    eventually(async () => {
      const rows = await sql<{ state: string }>(
        'select state from pgboss.job where name = $1 and data = $2',
        [SEND_DEAD_LETTER_QUEUE, JSON.stringify(payload)],
      );
      return rows[0]?.state === 'completed';
    });
  const sendJobsFor = async (id: string) =>
    (
      await sql<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = $1 and data ->> 'conversationId' = $2",
        [sendMessagesJob.queue, id],
      )
    )[0]?.n;

  it('give their conversation a new job: the waiting reply goes out, once', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const stranded = await queuedWithoutJob('Sorry for the wait, here is your tracking number');
      await lastTryFails({ conversationId });
      await settledAs(stranded, ['SENT']);
      expect(sentToCustomer().map((m) => m.text)).toEqual([
        'Sorry for the wait, here is your tracking number',
      ]);
      expect(sendCalls()).toHaveLength(1);
      expect(logged).toHaveBeenCalledWith(
        expect.stringContaining(`conversation ${conversationId} is queued again`),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('settle a reply left SENDING by a run that died, and the rest go out', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const interrupted = await queuedWithoutJob('Was this delivered?');
      const after = await queuedWithoutJob('And this comes next');
      await sql("update conversation_messages set status = 'SENDING', send_attempts = 1 where id = $1", [
        interrupted,
      ]);
      // As queued by the release before replies were sent by conversation.
      await lastTryFails({ messageIds: [interrupted] });
      await settledAs(after, ['SENT']);
      expect((await messageRow(interrupted)).status).toBe('UNCERTAIN');
      expect(sentToCustomer().map((m) => m.text)).toEqual(['And this comes next']);
    } finally {
      logged.mockRestore();
    }
  });

  it('leave a conversation with nothing waiting alone', async () => {
    const [sent] = await reply({ text: 'Already on its way' });
    await settledAs(first([sent as OutboundMessage]).id, ['SENT']);
    const jobsBefore = await sendJobsFor(conversationId);
    await lastTryFails({ conversationId });
    await deadLetterSettled({ conversationId });
    // Only the job that failed was added.
    expect(await sendJobsFor(conversationId)).toBe((jobsBefore ?? 0) + 1);
    expect(sendCalls()).toHaveLength(1);
  });
});

describe('order within a conversation', () => {
  const texts = () => sentToCustomer().map((m) => m.text);

  it('a later reply waits behind an earlier one that Meta asked us to retry', async () => {
    meta.setFault({ path: 'messages$', account: account.igId, times: 1, error: { status: 500, code: 2 } });
    const earlier = first(await reply({ text: 'First: yes, we have it' }));
    // The earlier reply is back in the queue, due again after its backoff.
    await eventually(async () => (await messageRow(earlier.id)).error_code === '2');
    const later = first(await reply({ text: 'Second: shall I reserve it?' }));
    await settledAs(later.id, ['SENT']);
    expect(texts()).toEqual(['First: yes, we have it', 'Second: shall I reserve it?']);
  });

  it('a reply being sent by a live run holds the ones after it; once its claim lapses it is left UNCERTAIN', async () => {
    const sending = await queuedWithoutJob('Being sent elsewhere');
    const next = await queuedWithoutJob('Waits its turn');
    await sql("update conversation_messages set status = 'SENDING', send_attempts = 1 where id = $1", [
      sending,
    ]);
    await sql("insert into send_claims (message_id, claimed_until) values ($1, now() + interval '1 hour')", [
      sending,
    ]);
    await sendConversationReplies(jobServices(), conversationId);
    expect(sendCalls()).toHaveLength(0);
    expect((await messageRow(next)).status).toBe('QUEUED');

    await sql("update send_claims set claimed_until = now() - interval '1 second' where message_id = $1", [
      sending,
    ]);
    await sendConversationReplies(jobServices(), conversationId);
    expect((await messageRow(sending)).status).toBe('UNCERTAIN');
    expect(texts()).toEqual(['Waits its turn']);
  });

  it('a run that waited for another to claim the next reply sees that claim, and leaves the reply to it', async () => {
    const id = await queuedWithoutJob('Claimed while the other run waited');
    // The other run: claims the reply, and commits only once this run is waiting for the row.
    const other = new pg.Client({ connectionString: database.appUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('select id from conversation_messages where id = $1 for update', [id]);
      await other.query(
        "update conversation_messages set status = 'SENDING', send_attempts = 1 where id = $1",
        [id],
      );
      await other.query(
        "insert into send_claims (message_id, claimed_until) values ($1, now() + interval '1 hour')",
        [id],
      );
      const run = sendConversationReplies(jobServices(), conversationId);
      await eventually(async () => {
        const waiting = await sql("select 1 from pg_stat_activity where wait_event_type = 'Lock'");
        return waiting.length > 0;
      });
      await other.query('commit');
      await run;
    } finally {
      await other.end();
    }
    expect(await messageRow(id)).toMatchObject({ status: 'SENDING', error_code: null });
    expect(sendCalls()).toHaveLength(0);
  });

  it.each([1, 2, 3])(
    'runs racing over one conversation send each reply once, in order (seed %i)',
    async (seed) => {
      let state = seed;
      const random = () => {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        return state / 2 ** 31;
      };
      const count = 10 + Math.floor(random() * 20);
      const written: string[] = [];
      for (let i = 0; i < count; i++) {
        written.push(`reply ${i} of ${count}`);
        await queuedWithoutJob(written[i] as string);
      }
      const runs = 2 + Math.floor(random() * 6);
      // Each run starts after a random pause, so they overlap differently per seed.
      const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
      await Promise.all(
        Array.from({ length: runs }, async () => {
          await sleep(random() * 50);
          await sendConversationReplies(jobServices(), conversationId);
        }),
      );
      expect(texts()).toEqual(written);
    },
  );
});

describe('refusals that need the operator', () => {
  it('190 marks the account needs_reauth and fails the message; further replies are refused up front', async () => {
    // Only the Send API call sees the dead token (a revoked token would also fail profile lookups).
    meta.setFault({ path: 'messages$', account: account.igId, times: 1, error: { code: 190, subcode: 460 } });
    const parts = await reply();
    const failed = await settledAs(first(parts).id, ['FAILED']);
    expect(failed.error_code).toBe('190/460');
    expect(failed.error_message).toContain('reconnected');
    const [connection] = await sql<{ status: string; needs_reauth_reason: string }>(
      'select status, needs_reauth_reason from channel_connections where id = $1',
      [connectionId],
    );
    expect(connection?.status).toBe('NEEDS_REAUTH');
    const error = await rejection(reply());
    expect(error.code).toBe('UNPROCESSABLE');
    expect(error.message).toContain('must be reconnected');
  });

  it('200/2534041: the owner turned off access to messages, explained exactly', async () => {
    meta.setMessagingAccess(account.username, false);
    const failed = await settledAs(first(await reply()).id, ['FAILED']);
    expect(failed.error_code).toBe('200/2534041');
    expect(failed.error_message).toContain('Allow access to messages');
    expect(sendCalls()).toHaveLength(1);
  });

  it('551: the customer is unavailable (blocked, deactivated), explained exactly', async () => {
    meta.setBlocked(account.username, customer.username, true);
    const failed = await settledAs(first(await reply()).id, ['FAILED']);
    expect(failed.error_code).toBe('551/1545041');
    expect(failed.error_message).toContain('not available right now');
  });

  it('a FAILED reply can be retried and then goes out once', async () => {
    meta.setMessagingAccess(account.username, false);
    const parts = await reply();
    await settledAs(first(parts).id, ['FAILED']);
    meta.setMessagingAccess(account.username, true);
    const retried = await retryOutboundMessage(services, alice.actor, {
      workspaceId,
      messageId: first(parts).id,
    });
    expect(retried.status).toBe('QUEUED');
    await settledAs(first(parts).id, ['SENT']);
    expect(sentToCustomer()).toHaveLength(1);
    const again = await rejection(
      retryOutboundMessage(services, alice.actor, { workspaceId, messageId: first(parts).id }),
    );
    expect(again.code).toBe('CONFLICT');
  });
});

describe('workspaces', () => {
  it("an operator of another workspace can neither send into, retry nor settle this workspace's messages", async () => {
    const sendAsBob = await rejection(reply({}, bob));
    expect(sendAsBob.code).toBe('NOT_FOUND');
    const crossWorkspace = await rejection(
      queueOutboundMessage(services, bob.actor, {
        workspaceId: bobWorkspaceId,
        conversationId,
        idempotencyKey: randomUUID(),
        sentByHuman: true,
        text: 'hi',
      }),
    );
    expect(crossWorkspace.code).toBe('NOT_FOUND');
    const parts = await reply();
    await settledAs(first(parts).id, ['SENT']);
    for (const attempt of [
      () => retryOutboundMessage(services, bob.actor, { workspaceId, messageId: first(parts).id }),
      () =>
        resolveUncertainMessage(services.db, bob.actor, {
          workspaceId: bobWorkspaceId,
          messageId: first(parts).id,
          delivered: true,
        }),
    ]) {
      expect((await rejection(attempt())).code).toBe('NOT_FOUND');
    }
    expect(await outboundRows()).toHaveLength(1);
  });
});

describe('reactions, seen marks and typing (opt-in per workspace)', () => {
  const actionsFor = () => meta.senderActions().filter((a) => a.recipientId === customer.igsid);
  const setSendSettings = (changes: Parameters<typeof updateWorkspaceSendSettings>[2]['changes']) =>
    updateWorkspaceSendSettings(services.db, alice.actor, { workspaceId, changes });
  async function customerMessageId(): Promise<string> {
    const [row] = await sql<{ id: string }>(
      "select id from conversation_messages where conversation_id = $1 and direction = 'INBOUND'",
      [conversationId],
    );
    return row?.id as string;
  }

  afterEach(async () => {
    await setSendSettings({ reactionsEnabled: false, seenEnabled: false, typingEnabled: false });
  });

  it('sends nothing while they are off (the default)', async () => {
    const error = await rejection(
      reactToMessage(services, alice.actor, {
        workspaceId,
        messageId: await customerMessageId(),
        reaction: '❤️',
      }),
    );
    expect(error.message).toContain('turned off');
    expect(await markConversationRead(services, alice.actor, { workspaceId, conversationId })).toEqual({
      seenSent: false,
    });
    expect(await signalTyping(services, alice.actor, { workspaceId, conversationId, typing: true })).toEqual({
      sent: false,
    });
    const [conversation] = await sql<{ unread_count: number }>(
      'select unread_count from conversations where id = $1',
      [conversationId],
    );
    expect(conversation?.unread_count).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(actionsFor()).toEqual([]);
  });

  it('once an admin turns them on, each reaches Meta as its sender action', async () => {
    await setSendSettings({ reactionsEnabled: true, seenEnabled: true, typingEnabled: true });
    const messageId = await customerMessageId();
    await reactToMessage(services, alice.actor, { workspaceId, messageId, reaction: '❤️' });
    await markConversationRead(services, alice.actor, { workspaceId, conversationId });
    // Read again (another tab, a refetch) with nothing new: the customer is not told twice.
    expect(await markConversationRead(services, alice.actor, { workspaceId, conversationId })).toEqual({
      seenSent: false,
    });
    await signalTyping(services, alice.actor, { workspaceId, conversationId, typing: true });
    await eventually(async () => actionsFor().length === 3);
    const [mid] = (
      await sql<{ external_message_id: string }>(
        'select external_message_id from conversation_messages where id = $1',
        [messageId],
      )
    ).map((row) => row.external_message_id);
    expect(
      actionsFor()
        .map((a) => a.action)
        .sort(),
    ).toEqual(['mark_seen', 'react', 'typing_on']);
    expect(actionsFor().find((a) => a.action === 'react')?.payload).toEqual({
      message_id: mid,
      reaction: '❤️',
    });
    const [row] = await sql<{ business_reaction: string | null }>(
      'select business_reaction from conversation_messages where id = $1',
      [messageId],
    );
    expect(row?.business_reaction).toBe('❤️');

    await reactToMessage(services, alice.actor, { workspaceId, messageId, reaction: null });
    await eventually(async () => actionsFor().some((a) => a.action === 'unreact'));
  });

  it('are not sent outside the messaging window', async () => {
    await setSendSettings({ reactionsEnabled: true, seenEnabled: true });
    await sql("update conversations set last_inbound_at = now() - interval '8 days' where id = $1", [
      conversationId,
    ]);
    const error = await rejection(
      reactToMessage(services, alice.actor, {
        workspaceId,
        messageId: await customerMessageId(),
        reaction: '👍',
      }),
    );
    expect(error.code).toBe('UNPROCESSABLE');
    expect(await markConversationRead(services, alice.actor, { workspaceId, conversationId })).toEqual({
      seenSent: false,
    });
  });

  it('only the workspace’s admins can turn them on', async () => {
    const error = await rejection(
      updateWorkspaceSendSettings(services.db, bob.actor, {
        workspaceId,
        changes: { reactionsEnabled: true },
      }),
    );
    expect(error.code).toBe('FORBIDDEN');
  });
});
