// `npm run bench:send`: replies queued faster than Meta allows, sent by two worker processes
// sharing one account's limits, against the simulator with faults injected (5xx, throttling
// with a retry hint, timeouts after acceptance, 1/1357046). The configured limit is the baseline:
// prints the achieved send rate per lane (text, then media) against it, how often the simulator's
// own limiter had to refuse, the final states, and duplicate deliveries seen by the simulator
// (must be 0).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import {
  localServerEnv,
  startWebServer,
  startWorkerProcess,
  stopProcess,
  waitForHttp,
} from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';
import { attachmentsColumn, plainAttachment } from '#server/conversations/index.ts';
import { parseEnv } from '#server/env.ts';
import { sendMessagesJob } from '#server/sending/index.ts';
import { createServices } from '#server/services.ts';
import { connectSimulatorAccount } from './simulator-account.ts';

const TEXT_MESSAGES = Number(process.env.BENCH_TEXT_MESSAGES ?? 1500);
const MEDIA_MESSAGES = Number(process.env.BENCH_MEDIA_MESSAGES ?? 100);
const TEXT_PER_SECOND = 100;
const MEDIA_PER_SECOND = 10;
const CUSTOMERS = 50;

const stack = await startLocalStack({ dataDir: await ephemeralClusterDir('bench-send'), ephemeral: true });
const { meta } = stack;
meta.setSendRateLimits({ textPerSecond: TEXT_PER_SECOND, mediaPerSecond: MEDIA_PER_SECOND });
const appPort = await freePort();
const appEnv = {
  ...localServerEnv(stack.env, appPort),
  SEND_TEXT_PER_SECOND: String(TEXT_PER_SECOND),
  SEND_MEDIA_PER_SECOND: String(MEDIA_PER_SECOND),
  GRAPH_TIMEOUT_MS: '2000',
};
const services = createServices(parseEnv(appEnv as Record<string, string>));

// One account, customers who all wrote a moment ago (so the window is open on both sides).
const { account, connectionId, workspaceId, conversations } = await connectSimulatorAccount(services, meta, {
  username: 'bench.shop',
  customers: CUSTOMERS,
});

const children: ChildProcess[] = [];
const web = startWebServer(appEnv);
children.push(web, startWorkerProcess(appEnv), startWorkerProcess(appEnv));
await waitForHttp(`http://127.0.0.1:${appPort}/sign-in`, web);
meta.setWebhookUrl(`http://127.0.0.1:${appPort}/api/instagram/webhook`);

// Faults on a share of Send API calls, each a different way a send can go wrong.
const faults = [
  { probability: 0.02, error: { status: 500, code: 2 } },
  { probability: 0.001, error: { status: 429, code: 4 }, retryAfterSeconds: 1 },
  { probability: 0.005, after: true, delayMs: 3000 },
  { probability: 0.005, after: true, error: { status: 500, code: 1, subcode: 1357046 } },
];
for (const fault of faults) meta.setFault({ path: 'messages$', account: account.igId, ...fault });

/** Queues `count` unique replies in one go (the backlog the workers drain at the limit). */
async function queueReplies(count: number, kind: 'text' | 'video', label: string): Promise<void> {
  await services.db.withService(async (trx) => {
    const rows = await trx
      .insertInto('conversation_messages')
      .values(
        Array.from({ length: count }, (_, i) => ({
          workspace_id: workspaceId,
          conversation_id: conversations[i % conversations.length] as string,
          channel_connection_id: connectionId,
          direction: 'OUTBOUND' as const,
          status: 'QUEUED' as const,
          kind,
          content: kind === 'text' ? `${label} #${i}` : '',
          attachments:
            kind === 'video'
              ? attachmentsColumn.encode([plainAttachment(kind, `https://cdn.example.com/${label}-${i}.mp4`)])
              : null,
          idempotency_key: randomUUID(),
        })),
      )
      .returning('conversation_id')
      .execute();
    for (const id of new Set(rows.map((row) => row.conversation_id)))
      await services.enqueue(trx, sendMessagesJob, { conversationId: id });
  });
}

async function waitUntilSettled(): Promise<void> {
  for (;;) {
    const { pending } = await services.db.kysely
      .selectFrom('conversation_messages')
      .select((eb) => eb.fn.countAll<string>().as('pending'))
      .where('direction', '=', 'OUTBOUND')
      .where('status', 'in', ['QUEUED', 'SENDING'])
      .executeTakeFirstOrThrow();
    if (Number(pending) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Accepted sends per second while the backlog lasts: the median of whole one-second windows
 * between the 10th and 90th percentile of send times (a window where Meta made us pause with a
 * throttling answer counts, but does not decide the median), and the plain average.
 */
function achievedRates(times: number[]): { median: number; average: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const from = sorted[Math.floor(sorted.length * 0.1)] as number;
  const to = sorted[Math.floor(sorted.length * 0.9)] as number;
  const windows = Math.floor((to - from) / 1000);
  const counts = Array.from(
    { length: windows },
    (_, w) => sorted.filter((t) => t >= from + w * 1000 && t < from + (w + 1) * 1000).length,
  ).sort((a, b) => a - b);
  const inside = sorted.filter((t) => t >= from && t <= to).length;
  return { median: counts[Math.floor(counts.length / 2)] ?? 0, average: (inside - 1) / ((to - from) / 1000) };
}

async function phase(kind: 'text' | 'video', count: number, limit: number) {
  const before = meta.sentMessages().length;
  const refusedBefore = meta.graphRequests().filter((r) => r.errorCode === 613).length;
  await queueReplies(count, kind, kind);
  await waitUntilSettled();
  const sent = meta.sentMessages().slice(before);
  const { median, average } = achievedRates(sent.map((m) => m.at));
  const refused = meta.graphRequests().filter((r) => r.errorCode === 613).length - refusedBefore;
  console.log(
    [
      `${kind.padEnd(5)} ${String(count).padStart(5)} replies`,
      `limit ${limit}/s`,
      `achieved ${median}/s (ratio ${(median / limit).toFixed(3)})`,
      `average ${average.toFixed(1)}/s (ratio ${(average / limit).toFixed(3)})`,
      `simulator limiter refusals ${refused}`,
    ].join('  '),
  );
}

try {
  console.log(
    `two worker processes, one account, faults on ${faults.map((f) => f.probability * 100).join('% / ')}% of calls`,
  );
  await phase('text', TEXT_MESSAGES, TEXT_PER_SECOND);
  await phase('video', MEDIA_MESSAGES, MEDIA_PER_SECOND);
  // UNCERTAIN ones are confirmed by their echoes, which are still arriving.
  await meta.idle();
  await new Promise((resolve) => setTimeout(resolve, 2000));

  const states = await services.db.kysely
    .selectFrom('conversation_messages')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('direction', '=', 'OUTBOUND')
    .groupBy('status')
    .execute();
  const delivered = meta.sentMessages().map((m) => m.text ?? m.attachment?.url);
  const duplicates = delivered.length - new Set(delivered).size;
  const outboundRows = states.reduce((sum, row) => sum + Number(row.n), 0);
  console.log(`final states: ${states.map((row) => `${row.status} ${row.n}`).join(', ')}`);
  console.log(
    `simulator accepted ${delivered.length} of ${TEXT_MESSAGES + MEDIA_MESSAGES} replies; duplicate deliveries: ${duplicates}; outbound rows: ${outboundRows}`,
  );
  if (duplicates > 0 || outboundRows !== TEXT_MESSAGES + MEDIA_MESSAGES) process.exitCode = 1;
} finally {
  meta.setWebhookUrl(undefined);
  await Promise.all(children.map(stopProcess));
  await services.close();
  await stack.stop();
}
