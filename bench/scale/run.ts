// `npm run bench:scale`: the operator's reads at the size of a busy business (seed.ts), each
// measured three ways in the same run:
// - through tRPC over HTTP against the production build, with a bearer token, exactly as the
//   browser and mobile apps call it (the figure the goals are about);
// - the same command in this process under RLS, as the operator (its SQL and transaction);
// - the same command as the service role (the operator's claims kept for auth.uid(), RLS off):
//   RLS ÷ service is what row-level security costs.
// The two SQL runs must return the same rows, or the comparison would be of different work.
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { CompiledQuery } from 'kysely';
import { freePort } from '#dev/postgres.ts';
import { localServerEnv, startWebServer, stopProcess, waitForHttp } from '#dev/processes.ts';
import {
  type ConversationListFilters,
  listConversations,
  readConversation,
} from '#server/conversations/index.ts';
import { continueAsServer, createDatabase, type Database } from '#server/db/database.ts';
import { readHealth } from '#server/health/index.ts';
import { listLeads } from '#server/leads/index.ts';
import { getOperator } from '#server/team/index.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { percentile } from '../app-stack.ts';
import { openScaleDatabase, RARE_WORD } from './seed.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WARM_UP = 3;
/** A read that takes seconds stops sooner: at least MIN_RUNS, then until this much time is spent. */
const BUDGET_MS = 8_000;
const MIN_RUNS = 5;

const scale = await openScaleDatabase(path.resolve('.cache/bench-scale'));
const env = localServerEnv(scale.stack.env, await freePort());
const web = startWebServer(env);
/** What the commands ran, while `recording` (the plans below EXPLAIN each). */
let recording: { sql: string; parameters: readonly unknown[] }[] | null = null;
const db = createDatabase({
  url: env.DATABASE_URL as string,
  poolSize: 4,
  onQuery: (query) => recording?.push(query),
});
try {
  await waitForHttp(`${env.APP_URL}/sign-in`, web);
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${env.APP_URL}/api/trpc`,
        headers: { Authorization: `Bearer ${scale.owner.accessToken}` },
      }),
    ],
  });
  const actor = scale.owner.actor;
  /** The same database, the operator's claims kept, row-level security off. */
  const service: Database = {
    ...db,
    withUser: (user, fn) =>
      db.withUser(user, async (trx) => {
        await continueAsServer(trx);
        return fn(trx);
      }),
  };

  const big = scale.workspaces[0];
  if (!big) throw new Error('the scale database has no workspaces');
  const workspaceId = big.id;
  const inbox = (filters: ConversationListFilters = {}, cursor: string | null = null) =>
    ({ workspaceId, status: 'ACTIVE', cursor, limit: 30, filters }) as const;

  // Where the deep reads start: 100 list pages and 50 thread pages back, paged as a client would.
  let listCursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    listCursor = (await listConversations(db, actor, inbox({}, listCursor))).nextCursor;
  }
  let threadCursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    threadCursor = (
      await readConversation(db, actor, {
        workspaceId,
        conversationId: big.longestConversationId,
        cursor: threadCursor,
        limit: 50,
      })
    ).nextCursor;
  }
  const name = (await listConversations(db, actor, inbox({}, listCursor))).items[7]?.contactName ?? 'Giulia';
  const word = 'restock';

  interface Path {
    label: string;
    /** The issue's goal for its p95 through tRPC, in milliseconds. */
    goalMs: number;
    trpc(): Promise<unknown>;
    command(on: Database): Promise<unknown>;
  }
  const list = (label: string, filters: ConversationListFilters, cursor: string | null = null): Path => ({
    label,
    goalMs: filters.search ? 50 : 15,
    trpc: () =>
      api.inbox.listConversations.query({ workspaceId, status: 'ACTIVE', cursor, limit: 30, ...filters }),
    command: (on) => listConversations(on, actor, inbox(filters, cursor)),
  });
  const thread = (label: string, cursor: string | null): Path => ({
    label,
    goalMs: 15,
    trpc: () =>
      api.inbox.conversation.query({
        workspaceId,
        conversationId: big.longestConversationId,
        cursor,
        limit: 50,
      }),
    command: (on) =>
      readConversation(on, actor, {
        workspaceId,
        conversationId: big.longestConversationId,
        cursor,
        limit: 50,
      }),
  });
  const leads = (label: string, query: { source?: 'AD'; search?: string }): Path => ({
    label,
    goalMs: 15,
    trpc: () => api.leads.list.query({ workspaceId, ...query }),
    command: (on) => listLeads(on, actor, { workspaceId, ...query, cursor: null, limit: 50 }),
  });
  const health = (label: string, range: 'hour' | 'day'): Path => ({
    label,
    goalMs: 50,
    trpc: () => api.health.overview.query({ workspaceId, range }),
    command: (on) => readHealth(on, actor, { workspaceId, range }),
  });
  /**
   * The least a signed-in call costs: the operator and their memberships, two small reads. Its
   * tRPC figure less its command's is the fixed cost of a call (HTTP, token, session, transaction).
   */
  const floor: Path = {
    label: 'floor: operator.me (two small reads)',
    goalMs: 15,
    trpc: () => api.operator.me.query(),
    command: (on) => getOperator(on, actor),
  };
  const paths: Path[] = [
    floor,
    list('inbox list, first page', {}),
    list('inbox list, page 100', {}, listCursor),
    list('inbox list, unread', { unreadOnly: true }),
    list('inbox list, assigned to me', { assignedToMe: true }),
    list('inbox list, one account', { accountId: big.accountIds[1] }),
    list(`search by name (${name})`, { search: name }),
    list(`search by a word (${word})`, { search: word }),
    list(`search by a rare word (${RARE_WORD})`, { search: RARE_WORD }),
    thread('thread, first page', null),
    thread('thread, 50 pages back', threadCursor),
    leads('leads, from ads', { source: 'AD' }),
    leads(`leads, searched (${name})`, { search: name }),
    health('health, last hour', 'hour'),
    health('health, last day', 'day'),
  ];

  // Every plan under RLS, as the operator: a sequential scan of a big table is a read that grows
  // with the business. (A SQL function's body, such as health's, shows as one Function Scan.)
  const BIG_TABLES = [
    'conversation_messages',
    'conversations',
    'leads',
    'instagram_events',
    'webhook_events',
  ];
  let messageScans = 0;
  /** Each path's plans as text, printed for those over their goal. */
  const plans = new Map<Path, string[]>();
  console.log('Plans (EXPLAIN ANALYZE under RLS): sequential scans of big tables');
  for (const path of paths) {
    recording = [];
    await path.command(db);
    // The reads themselves: not the transaction's begin and commit, nor its identity settings.
    const ran = recording.filter((q) => /^\s*(select|with)\b/i.test(q.sql) && !q.sql.includes('set_config('));
    recording = null;
    const scans = new Set<string>();
    for (const query of ran) {
      const explain = (format: string) =>
        db.withUser(actor, async (trx) => {
          const { rows } = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(
            CompiledQuery.raw(`explain (analyze, ${format}) ${query.sql}`, [...query.parameters]),
          );
          return rows.map((row) => row['QUERY PLAN']);
        });
      const [plan] = await explain('format json');
      for (const table of seqScans(plan)) if (BIG_TABLES.includes(table)) scans.add(table);
      const text = (await explain('costs off')).join('\n');
      plans.set(path, [...(plans.get(path) ?? []), `${query.sql}\n${text}`]);
    }
    if (scans.has('conversation_messages')) messageScans += 1;
    console.log(`  ${path.label.padEnd(40)} ${scans.size === 0 ? 'none' : [...scans].join(', ')}`);
  }
  if (messageScans > 0) {
    console.error(`${messageScans} operator path(s) scan conversation_messages sequentially`);
    process.exitCode = 1;
  }

  const time = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < WARM_UP; i++) await fn();
    const ms: number[] = [];
    const began = performance.now();
    while (ms.length < RUNS && (ms.length < MIN_RUNS || performance.now() - began < BUDGET_MS)) {
      const started = performance.now();
      await fn();
      ms.push(performance.now() - started);
    }
    return { p50: percentile(ms, 50), p95: percentile(ms, 95), runs: ms.length };
  };
  const f = (ms: number) => ms.toFixed(1).padStart(7);
  const rows: string[] = [];
  const overGoal: Path[] = [];
  const p50s = new Map<Path, { trpc: number; rls: number }>();
  let mismatches = 0;
  for (const path of paths) {
    const [asOperator, asService] = [await path.command(db), await path.command(service)];
    const same = JSON.stringify(asOperator) === JSON.stringify(asService);
    if (!same) mismatches += 1;
    const trpc = await time(path.trpc);
    const rls = await time(() => path.command(db));
    const bare = await time(() => path.command(service));
    p50s.set(path, { trpc: trpc.p50, rls: rls.p50 });
    if (trpc.p95 > path.goalMs) overGoal.push(path);
    const verdict = trpc.p95 > path.goalMs ? 'over' : 'ok';
    rows.push(
      `  ${path.label.padEnd(40)} ${f(trpc.p50)} ${f(trpc.p95)} ${String(path.goalMs).padStart(5)} ${verdict.padEnd(4)}  ${f(rls.p50)} ${f(rls.p95)}   ${f(bare.p50)} ${f(bare.p95)}   ${(rls.p50 / bare.p50).toFixed(2).padStart(5)}${trpc.runs < RUNS ? `  (${trpc.runs} runs)` : ''}${same ? '' : '  (results differ!)'}`,
    );
  }
  const counts = scale.workspaces.length;
  console.log(`
Operator reads at scale: ${counts} workspaces, 2,000,000 messages (the measured one: 1,000,000 across
20,000 conversations, 20,000 leads), 30 days of webhooks at 100,000 a day. ${RUNS} runs each after ${WARM_UP}
warm-ups (fewer for a read that takes seconds), one at a time; milliseconds.

                                             tRPC over HTTP  p95 goal     command under RLS   as service role    RLS ÷
                                              p50     p95                     p50     p95         p50     p95     service
${rows.join('\n')}

  The fixed cost of a call (the floor's tRPC p50 less its command's): ${((p50s.get(floor)?.trpc ?? 0) - (p50s.get(floor)?.rls ?? 0)).toFixed(1)} ms
`);

  for (const path of overGoal) {
    console.log(
      `Over its goal: ${path.label}. What it ran, under RLS:\n${(plans.get(path) ?? []).join('\n\n')}\n`,
    );
  }
  if (mismatches > 0) {
    console.error(`${mismatches} path(s) returned different rows under RLS and as the service role`);
    process.exitCode = 1;
  }
} finally {
  await db.destroy();
  await stopProcess(web);
  await scale.stop();
}

/** The relations a plan (EXPLAIN's JSON) reads by sequential scan, at any depth. */
function seqScans(plan: unknown): string[] {
  if (Array.isArray(plan)) return plan.flatMap(seqScans);
  if (typeof plan !== 'object' || plan === null) return [];
  const node = plan as Record<string, unknown>;
  const here = node['Node Type'] === 'Seq Scan' ? [String(node['Relation Name'])] : [];
  return [
    ...here,
    ...Object.values(node).flatMap((value) => (typeof value === 'object' ? seqScans(value) : [])),
  ];
}
