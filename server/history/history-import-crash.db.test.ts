// History imports run by real worker processes: one killed with SIGKILL in the middle of a page is
// taken over by another, which redoes at most that page, and nothing is missed or stored twice;
// and the import keeps to its share of Meta's 2 calls a second, or waits when Meta says slow down.
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { newMetaAppCredentials } from '#dev/meta/app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from '#dev/meta/simulator.ts';
import { startReadyWorker, stopProcess } from '#dev/processes.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnvVars } from '#dev/test/env.ts';
import { eventually } from '#dev/test/eventually.ts';
import {
  conversationFetches,
  DAY,
  expectedImport,
  historyOf,
  importSettled,
  inboxOf,
  MINUTE,
} from '#dev/test/history-imports.ts';
import { parseEnv } from '../env.ts';
import { createServices, type Services } from '../services.ts';
import { CONVERSATIONS_PER_PAGE } from './import-history.job.ts';
import { startHistoryImport } from './start-history-import.ts';

let database: TestDatabase;
let meta: MetaSimulator;
let env: Record<string, string>;
let services: Services;
const children: ChildProcess[] = [];
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  const app = newMetaAppCredentials();
  meta = await startMetaSimulator({ app });
  env = testEnvVars(
    database,
    undefined,
    { INSTAGRAM_GRAPH_URL: meta.instagramGraphUrl, FACEBOOK_GRAPH_URL: meta.facebookGraphUrl },
    app,
  );
  services = createServices(parseEnv(env));
});

afterEach(async () => {
  await Promise.all(children.splice(0).map(stopProcess));
});

afterAll(async () => {
  await meta?.stop();
  await services?.close();
  await database?.drop();
});

async function worker(extra: Record<string, string> = {}): Promise<ChildProcess> {
  const child = await startReadyWorker({ ...process.env, ...env, ...extra });
  children.push(child);
  return child;
}

async function accountWithHistory(conversations: number) {
  n += 1;
  const account = meta.addAccount({ username: `crash.${n}` });
  const { rows } = await database.query<{ id: string }>(
    "insert into workspaces (name) values ('Shop') returning id",
  );
  const workspaceId = rows[0]?.id as string;
  const connectionId = await connectSimulatorAccount(database, services.cipher, workspaceId, account);
  // Older than the catch-up reaches back, so each conversation is fetched once by a clean import.
  const seeded = meta.seedHistory({
    account: account.igId,
    conversations: historyOf(conversations, { spacing: MINUTE, newest: 10 * MINUTE }),
  });
  return { account, workspaceId, connectionId, seeded };
}

const backfill = (connected: { workspaceId: string; connectionId: string }) =>
  startHistoryImport(services, { ...connected, kind: 'BACKFILL', days: 30, requestedBy: null });

/** Holds the import's row, so a page the worker has fetched waits to be recorded. */
async function holdImport(importId: string) {
  const holder = new pg.Client({ connectionString: database.appUrl });
  await holder.connect();
  await holder.query('begin');
  const { rows } = await holder.query<{ pages_done: number }>(
    'select pages_done from history_imports where id = $1 for update',
    [importId],
  );
  return {
    pagesDone: rows[0]?.pages_done,
    release: async () => {
      await holder.query('rollback');
      await holder.end();
    },
  };
}

it('a worker killed in the middle of a page is taken over: that page is redone, nothing is missed or stored twice', async () => {
  meta.setConversationsRateLimit(10_000);
  const connected = await accountWithHistory(5 * CONVERSATIONS_PER_PAGE);
  const fast = { HISTORY_CALLS_PER_SECOND: '40' };
  const first = await worker(fast);
  // The first page is held until it is fetched (its listing answers late, so the hold comes first).
  meta.setFault({ path: 'conversations$', account: connected.account.igId, delayMs: 500, times: 1 });
  const { importId } = await backfill(connected);
  let hold = await holdImport(importId);
  expect(hold.pagesDone).toBe(0);
  await eventually(() => conversationFetches(meta, connected.seeded) === CONVERSATIONS_PER_PAGE);
  await hold.release();
  // The second page takes half a second at this pace: it is held again before it is recorded.
  await eventually(async () => {
    const { rows } = await database.query('select 1 from history_imports where id = $1 and pages_done = 1', [
      importId,
    ]);
    return rows.length === 1;
  });
  hold = await holdImport(importId);
  expect(hold.pagesDone).toBe(1);
  await eventually(() => conversationFetches(meta, connected.seeded) === 2 * CONVERSATIONS_PER_PAGE);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  await hold.release();

  await worker(fast);
  const outcome = await importSettled(database, importId, 90_000);
  const want = expectedImport(connected.seeded, Date.now() - 30 * DAY);
  expect(outcome).toEqual({
    status: 'DONE',
    conversations_seen: want.length,
    messages_found: want.reduce((sum, c) => sum + c.messages.length, 0),
    error_count: 0,
  });
  const held = (await inboxOf(database, connected.connectionId)).map((m) => m.mid).sort();
  expect(held).toEqual(want.flatMap((c) => c.messages.map((m) => m.mid)).sort());
  // The page the killed worker had fetched was fetched again, and nothing else.
  expect(conversationFetches(meta, connected.seeded)).toBe(want.length + CONVERSATIONS_PER_PAGE);
}, 120_000);

it('keeps to its share of Meta’s 2 calls a second: Meta never has to refuse a call', async () => {
  meta.setConversationsRateLimit(2);
  const connected = await accountWithHistory(6);
  await worker(); // the default share
  const { importId } = await backfill(connected);
  expect(await importSettled(database, importId)).toMatchObject({
    status: 'DONE',
    conversations_seen: 6,
    error_count: 0,
  });
  const refused = meta
    .graphRequests()
    .filter((r) => r.accountIgId === connected.account.igId && r.errorCode === 613);
  expect(refused).toEqual([]);
}, 60_000);

it('waits when Meta says slow down (someone else used the account’s calls), and misses nothing', async () => {
  meta.setConversationsRateLimit(2);
  const connected = await accountWithHistory(6);
  await worker({ HISTORY_CALLS_PER_SECOND: '1000' }); // as if the share were all used already
  const { importId } = await backfill(connected);
  expect(await importSettled(database, importId)).toMatchObject({ status: 'DONE', conversations_seen: 6 });
  const refused = meta
    .graphRequests()
    .filter((r) => r.accountIgId === connected.account.igId && r.errorCode === 613);
  expect(refused.length).toBeGreaterThan(0);
  const held = (await inboxOf(database, connected.connectionId)).map((m) => m.mid).sort();
  expect(held).toEqual(connected.seeded.flatMap((c) => c.messages.map((m) => m.mid)).sort());
}, 60_000);
