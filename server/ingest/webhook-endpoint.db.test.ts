// The webhook endpoint over real HTTP with real signatures, against a real ledger and queue.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { type ServedHandler, serveFetch, serveNode } from '#dev/test/serve-fetch.ts';
import { createDatabase } from '../db/database.ts';
import { handleWebhookDelivery } from '../http/node-webhook.ts';
import { answerVerification, receiveDelivery } from '../meta/webhook-endpoint.ts';
import { signWebhookBody } from '../meta/webhook-signature.ts';
import { createServices, type Services } from '../services.ts';
import { createWebhookLedger } from './webhook-ledger.ts';

let database: TestDatabase;
let services: Services;
let server: ServedHandler;
let fastPath: { url: string; close(): Promise<void> };

beforeAll(async () => {
  database = await createTestDatabase();
  services = createServices(testEnv(database));
  fastPath = await serveNode((req, res) =>
    handleWebhookDelivery(req, res, services.webhookEndpoint, services.webhookLedger),
  );
  server = await serveFetch(async (request) =>
    request.method === 'GET'
      ? answerVerification(new URL(request.url), services.webhookEndpoint)
      : receiveDelivery(request, services.webhookEndpoint, services.webhookLedger),
  );
});

afterAll(async () => {
  await server?.close();
  await fastPath?.close();
  await services?.close();
  await database?.drop();
});

// The POST tests run against both ways in: the Remix route (fetch API) and the production
// server's fast path (Node's HTTP server).
let transport: 'fetch' | 'node' = 'fetch';
const url = () => `${transport === 'fetch' ? server.url : fastPath.url}/api/instagram/webhook`;
const secret = () => services.env.INSTAGRAM_APP_SECRET;

function delivery(text = `hello ${randomBytes(4).toString('hex')}`) {
  return JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: '17841400000000001',
        time: Date.now(),
        messaging: [
          {
            sender: { id: '5820000000000001' },
            recipient: { id: '17841400000000001' },
            timestamp: Date.now(),
            message: { mid: `mid-${randomBytes(6).toString('hex')}`, text },
          },
        ],
      },
    ],
  });
}

function post(body: string | Uint8Array, signature: string | null = signWebhookBody(body, secret())) {
  return fetch(url(), {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(signature ? { 'X-Hub-Signature-256': signature } : {}),
    },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

async function ledgerCount(): Promise<number> {
  const { rows } = await database.query<{ n: string }>('select count(*) as n from webhook_events');
  return Number(rows[0]?.n);
}

describe('GET verification', () => {
  const verify = (params: Record<string, string>) => fetch(`${url()}?${new URLSearchParams(params)}`);

  it('echoes the challenge as text/plain for a subscribe request with our verify token', async () => {
    const response = await verify({
      'hub.mode': 'subscribe',
      'hub.verify_token': services.env.INSTAGRAM_VERIFY_TOKEN,
      'hub.challenge': '1158201444',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('1158201444');
  });

  it('never serves the challenge as HTML', async () => {
    const response = await verify({
      'hub.mode': 'subscribe',
      'hub.verify_token': services.env.INSTAGRAM_VERIFY_TOKEN,
      'hub.challenge': '<script>alert(1)</script>',
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['a wrong token', { 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }],
    ['another mode', { 'hub.mode': 'unsubscribe', 'hub.verify_token': 'TOKEN', 'hub.challenge': '1' }],
    ['no parameters', {}],
  ])('answers 403 for %s', async (_, params) => {
    const withToken = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, v === 'TOKEN' ? services.env.INSTAGRAM_VERIFY_TOKEN : v]),
    );
    const response = await verify(withToken);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Forbidden');
  });
});

describe.each(['fetch', 'node'] as const)('POST delivery through the %s server', (via) => {
  beforeAll(() => {
    transport = via;
  });

  it('stores the exact bytes and queues ingest before answering {"received":true}', async () => {
    const body = delivery('Ol\u00e1 \u2764\ufe0f');
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });

    const { rows } = await database.query<{
      id: string;
      raw_body: Buffer;
      status: string;
      object: string;
      headers: Record<string, string>;
    }>('select id, raw_body, status, object, headers from webhook_events order by id desc limit 1');
    expect(rows[0]?.raw_body.equals(Buffer.from(body))).toBe(true);
    expect(rows[0]).toMatchObject({ status: 'RECEIVED', object: 'instagram' });
    expect(rows[0]?.headers['x-hub-signature-256']).toBe(signWebhookBody(body, secret()));
    const jobs = await database.query<{ data: { webhookEventIds: string[] } }>(
      "select data from pgboss.job where name = 'ingest-webhook-events'",
    );
    expect(jobs.rows.flatMap((job) => job.data.webhookEventIds)).toContain(rows[0]?.id);
  });

  it('accepts a signature made with the Meta app secret too', async () => {
    const body = delivery();
    const response = await post(body, signWebhookBody(body, services.env.META_APP_SECRET as string));
    expect(response.status).toBe(200);
  });

  it.each([
    ['no signature', null, 401],
    ['a signature with another secret', 'other', 403],
    ['a malformed signature', 'sha256=nothex', 403],
  ])('answers %s with %i and stores nothing', async (_, signature, status) => {
    const body = delivery();
    const before = await ledgerCount();
    const header = signature === 'other' ? signWebhookBody(body, 'not-the-app-secret') : signature;
    const response = await post(body, header);
    expect(response.status).toBe(status);
    expect(await ledgerCount()).toBe(before);
  });

  it('answers 400 for a signed body that is not JSON, and stores nothing', async () => {
    const before = await ledgerCount();
    const response = await post('{"object":"instagram",');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'Body is not valid JSON' });
    expect(await ledgerCount()).toBe(before);
  });

  it('answers 413 for a body over the limit, declared or streamed, and stores nothing', async () => {
    const before = await ledgerCount();
    const huge = Buffer.alloc(services.env.WEBHOOK_MAX_BODY_BYTES + 1, 0x20);
    expect((await post(huge)).status).toBe(413);
    const streamed = await fetch(url(), {
      method: 'POST',
      headers: { 'X-Hub-Signature-256': signWebhookBody(huge, secret()) },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(huge);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await ledgerCount()).toBe(before);
  });

  it('does not answer until the event is committed', async () => {
    const blocker = new pg.Client({ connectionString: database.superuserUrl });
    await blocker.connect();
    await blocker.query('begin; lock table webhook_events in access exclusive mode');
    let answered = false;
    const response = post(delivery()).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    await blocker.query('rollback');
    await blocker.end();
    expect((await response).status).toBe(200);
  });

  it('answers 503 when the database is unavailable, so Meta retries', async () => {
    const unreachable = createDatabase({ url: 'postgres://postgres:x@127.0.0.1:9/postgres', poolSize: 1 });
    const ledger = createWebhookLedger({ db: unreachable, enqueue: async () => {} });
    const body = delivery();
    const request = new Request(url(), {
      method: 'POST',
      headers: { 'X-Hub-Signature-256': signWebhookBody(body, secret()) },
      body,
    });
    const response = await receiveDelivery(request, services.webhookEndpoint, ledger);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    await unreachable.destroy();
  });

  it('stores each of 300 concurrent deliveries exactly once', async () => {
    const before = await ledgerCount();
    const bodies = Array.from({ length: 300 }, () => delivery());
    const responses = await Promise.all(bodies.map((body) => post(body)));
    expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 200));
    expect(await ledgerCount()).toBe(before + 300);
    const stored = await database.query<{ raw_body: Buffer }>('select raw_body from webhook_events');
    const texts = new Set(stored.rows.map((r) => r.raw_body.toString()));
    expect(bodies.every((body) => texts.has(body))).toBe(true);
  });
});
