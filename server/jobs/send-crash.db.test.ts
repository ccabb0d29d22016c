// A worker process killed with SIGKILL while Meta is answering its Send API call (Meta has
// already delivered the message): the restarted worker must not send it again. It finds the
// message SENDING, leaves it UNCERTAIN, and the echo webhook then confirms it as SENT.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import { startWorkerProcess } from '#dev/processes.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnvVars } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { tokenContext } from '../crypto/token-cipher.ts';
import { parseEnv } from '../env.ts';
import { receiveDelivery } from '../meta/webhook-endpoint.ts';
import { createRuntime, type Runtime } from '../runtime.ts';

let database: TestDatabase;
let meta: MetaSimulator;
let runtime: Runtime;
let env: Record<string, string>;
let webhook: ServedHandler;
/** Webhooks are refused (Meta retries them) until the test opens the gate. */
let gateOpen = false;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({
    app,
    delivery: { batchWindowMs: 5, retryDelaysMs: Array(100).fill(200) },
  });
  env = testEnvVars(
    database,
    undefined,
    {
      INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl,
      FACEBOOK_GRAPH_URL: meta.facebookGraphUrl,
      // A dead worker's job is noticed after two seconds.
      JOB_TIMEOUT_SECONDS: '2',
      GRAPH_TIMEOUT_MS: '30000',
    },
    app,
  );
  runtime = createRuntime(parseEnv(env));
  webhook = await serveFetch(async (request) =>
    gateOpen
      ? receiveDelivery(request, runtime.webhookEndpoint, runtime.webhookLedger)
      : new Response('unavailable', { status: 503 }),
  );
  meta.setWebhookUrl(`${webhook.url}/api/instagram/webhook`);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await meta?.stop();
  await webhook?.close();
  await runtime?.close();
  await database?.drop();
});

function startWorker(): ChildProcess {
  const child = startWorkerProcess({ ...process.env, ...env }, 'ignore');
  children.push(child);
  return child;
}

const messageStatus = async (id: string) =>
  (
    await database.query<{ status: string; external_message_id: string | null }>(
      'select status, external_message_id from conversation_messages where id = $1',
      [id],
    )
  ).rows[0];

it('never re-sends a message whose worker died during the Send API call', async () => {
  const account = meta.addAccount({ username: 'crash.shop' });
  const customer = meta.addCustomer({ username: 'patient.customer' });
  // The customer wrote (the window is open on both sides); that delivery waits at the gate.
  meta.sendText({ account: account.username, customer: customer.username, text: 'Hello?' });
  const { rows } = await database.query<{
    connection_id: string;
    conversation_id: string;
    workspace_id: string;
  }>(
    `with w as (insert into workspaces (name) values ('Crash Shop') returning id),
     cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
            select id, 'instagram', $1 from w returning id, workspace_id),
     c as (insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_inbound_at)
           select workspace_id, id, $2, now() from cc returning id, channel_connection_id, workspace_id)
     select channel_connection_id as connection_id, id as conversation_id, workspace_id from c`,
    [account.igId, customer.igsid],
  );
  const { connection_id, conversation_id, workspace_id } = rows[0] as (typeof rows)[number];
  await database.query('update channel_connections set access_token = $1 where id = $2', [
    runtime.cipher.encrypt(account.accessToken, tokenContext(connection_id, 'access_token')),
    connection_id,
  ]);
  // Meta takes the message, then answers slowly: the worker is killed while it waits.
  meta.setFault({ path: 'messages$', account: account.igId, times: 1, after: true, delayMs: 10_000 });
  const messageId = await runtime.db.withService(async (trx) => {
    const { id } = await trx
      .insertInto('conversation_messages')
      .values({
        workspace_id,
        conversation_id,
        channel_connection_id: connection_id,
        direction: 'OUTBOUND',
        status: 'QUEUED',
        kind: 'text',
        content: 'Your order has shipped!',
        idempotency_key: randomUUID(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await runtime.enqueueSend(trx, conversation_id);
    return id;
  });

  // Waits that include a worker process's cold start (tsx, queue) get the bound that takes on a
  // busy machine; what each waits for happens once, so a longer bound hides no race.
  const STARTED_MS = 60_000;
  const first = startWorker();
  await eventually(() => meta.sentMessages().length === 1, STARTED_MS);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  expect((await messageStatus(messageId))?.status).toBe('SENDING');

  startWorker();
  await eventually(async () => (await messageStatus(messageId))?.status === 'UNCERTAIN', STARTED_MS);
  expect(meta.sentMessages()).toHaveLength(1);

  gateOpen = true; // the echo (and the customer's message) now reach the app
  await eventually(async () => (await messageStatus(messageId))?.status === 'SENT');
  expect((await messageStatus(messageId))?.external_message_id).toBe(meta.sentMessages()[0]?.mid);
  expect(meta.sentMessages()).toHaveLength(1);
  const { rows: outbound } = await database.query(
    "select id from conversation_messages where conversation_id = $1 and direction = 'OUTBOUND'",
    [conversation_id],
  );
  expect(outbound).toHaveLength(1);
}, 90_000);
