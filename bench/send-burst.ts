// The send part of `npm run bench:faults`: operators write a burst of replies through the app's API
// (tRPC `messages.send`, as the inbox does), each conversation's replies one after the other, while
// two worker processes send them and are each SIGKILLed once and started again. Then: was every
// reply handed to Meta exactly once, how long did the slowest wait, and did each customer receive
// a conversation's replies in the order they were written?
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { FaultStack } from '#dev/fault-stack.ts';
import { waitForIngest } from '#dev/intake-audit.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator } from '#dev/test/operators.ts';
import { parseEnv } from '#server/env.ts';
import { createServices } from '#server/services.ts';
import { createWorkspace } from '#server/team/index.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { connectSimulatorAccount } from './simulator-account.ts';

export interface SendBurstOptions {
  conversations: number;
  repliesPerConversation: number;
  /** How long to wait for the last reply before giving up on it (it is then counted as never sent). */
  settleTimeoutMs: number;
  progress(message: string): void;
}

export interface SendBurstReport {
  replies: number;
  conversations: number;
  /** Whether a send job was running when each worker was killed. */
  killedHoldingJobs: boolean[];
  sentOnce: number;
  duplicates: number;
  neverSent: number;
  states: Record<string, number>;
  /** From written (committed QUEUED) to accepted by Meta, in ms. */
  longestWaitMs: number;
  waitedOver30s: number;
  outOfOrder: number;
}

interface Reply {
  conversationId: string;
  text: string;
}

export async function runSendBurst(faults: FaultStack, options: SendBurstOptions): Promise<SendBurstReport> {
  const { meta, supabase } = faults.stack;
  const services = createServices(parseEnv(faults.env as Record<string, string>));
  try {
    const operator = await signUpOperator(supabase, 'bench');
    const workspace = await createWorkspace(services.db, operator.actor, 'Faults bench');
    const { account, conversations } = await connectSimulatorAccount(services, meta, {
      username: 'faults.shop',
      customers: options.conversations,
      workspaceId: workspace.id,
    });
    // Echoes confirm replies whose answer was lost (UNCERTAIN), as Meta's would.
    meta.setWebhookUrl(faults.webhookUrl);
    const api = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${faults.baseUrl}/api/trpc`,
          headers: { Authorization: `Bearer ${operator.session.access_token}` },
        }),
      ],
    });

    while (faults.workers().length < 2) faults.startWorker();
    const [first, second] = faults.workers() as [ChildProcess, ChildProcess];
    const written: Reply[] = [];
    const total = options.conversations * options.repliesPerConversation;

    /** Kills a worker once `afterWritten` replies are written and a send job runs, and starts another. */
    async function killWhileSending(worker: ChildProcess, afterWritten: number): Promise<boolean> {
      await eventually(() => written.length >= afterWritten, 600_000);
      const holding = await eventually(() => activeSendJobs(faults), 30_000, 50).then(
        () => true,
        () => false,
      );
      await faults.kill(worker);
      faults.startWorker();
      options.progress(`killed a worker with ${written.length}/${total} replies written; started another`);
      return holding;
    }

    options.progress(`writing ${total} replies, 2 workers sending them`);
    const [, killedHoldingJobs] = await Promise.all([
      Promise.all(
        conversations.map(async (conversationId, c) => {
          // An operator writes a conversation's replies one after the other.
          for (let i = 0; i < options.repliesPerConversation; i++) {
            const text = `Reply ${i + 1} in conversation ${c + 1}`;
            await api.messages.send.mutate({
              workspaceId: workspace.id,
              conversationId,
              text,
              idempotencyKey: randomUUID(),
            });
            written.push({ conversationId, text });
          }
        }),
      ),
      (async () => [
        await killWhileSending(first, Math.floor(total / 3)),
        await killWhileSending(second, Math.floor((2 * total) / 3)),
      ])(),
    ]);

    await settle(faults, account.igId, options);
    return await measure(faults, account.igId, written, killedHoldingJobs);
  } finally {
    faults.stack.meta.setWebhookUrl(undefined);
    await services.close();
  }
}

async function activeSendJobs(faults: FaultStack): Promise<number> {
  const { rows } = await faults.db.query<{ n: string }>(
    "select count(*) as n from pgboss.job where name = 'send-messages' and state = 'active'",
  );
  return Number(rows[0]?.n);
}

async function outboundStates(faults: FaultStack, igId: string): Promise<Record<string, number>> {
  const { rows } = await faults.db.query<{ status: string; n: string }>(
    `select m.status, count(*) as n from conversation_messages m
       join channel_connections c on c.id = m.channel_connection_id
      where c.channel_identifier = $1 and m.direction = 'OUTBOUND' group by 1 order by 1`,
    [igId],
  );
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

/**
 * Until no reply waits to be sent, every webhook (echoes included) has been delivered and ingested,
 * and the replies left UNCERTAIN have had time to be confirmed by their echo. One that stays
 * UNCERTAIN never reached Meta (its worker died between claiming it and calling Meta) and waits
 * for the operator's verdict, by design.
 */
async function settle(faults: FaultStack, igId: string, options: SendBurstOptions): Promise<void> {
  let reported = 0;
  const settled = (waiting: string[], timeoutMs: number) =>
    eventually(
      async () => {
        const states = await outboundStates(faults, igId);
        if (Date.now() - reported > 10_000) {
          reported = Date.now();
          options.progress(`replies: ${JSON.stringify(states)}`);
        }
        return waiting.every((state) => !states[state]);
      },
      timeoutMs,
      250,
    ).catch(() => options.progress(`still ${waiting.join(' or ')} after ${timeoutMs} ms`));
  await settled(['QUEUED', 'SENDING'], options.settleTimeoutMs);
  await faults.stack.meta.idle();
  await waitForIngest(faults.db, { timeoutMs: 60_000 });
  await settled(['UNCERTAIN'], 15_000);
}

async function measure(
  faults: FaultStack,
  igId: string,
  written: Reply[],
  killedHoldingJobs: boolean[],
): Promise<SendBurstReport> {
  const received = faults.stack.meta.sentMessages().filter((m) => m.accountIgId === igId);
  const receipts = new Map<string, number[]>();
  for (const message of received) {
    if (message.text !== null)
      receipts.set(message.text, [...(receipts.get(message.text) ?? []), message.at]);
  }
  const { rows } = await faults.db.query<{ conversation_id: string; content: string; created: string }>(
    `select m.conversation_id, m.content, extract(epoch from m.created_at) * 1000 as created
       from conversation_messages m join channel_connections c on c.id = m.channel_connection_id
      where c.channel_identifier = $1 and m.direction = 'OUTBOUND' order by m.created_at, m.id`,
    [igId],
  );
  const createdAt = new Map(rows.map((row) => [row.content, Number(row.created)]));
  const waits = written.flatMap(({ text }) => {
    const first = receipts.get(text)?.[0];
    const created = createdAt.get(text);
    return first === undefined || created === undefined ? [] : [first - created];
  });

  // A conversation is in order when the customer got its replies in the order they were written.
  const byConversation = new Map<string, string[]>();
  for (const row of rows) {
    byConversation.set(row.conversation_id, [
      ...(byConversation.get(row.conversation_id) ?? []),
      row.content,
    ]);
  }
  const firstReceipt = new Map<string, number>();
  received.forEach((message, index) => {
    if (message.text !== null && !firstReceipt.has(message.text)) firstReceipt.set(message.text, index);
  });
  const outOfOrder = [...byConversation.values()].filter((texts) => {
    const order = texts.filter((text) => firstReceipt.has(text));
    const arrival = [...order].sort((a, b) => (firstReceipt.get(a) ?? 0) - (firstReceipt.get(b) ?? 0));
    return order.some((text, i) => text !== arrival[i]);
  }).length;

  const counts = written.map(({ text }) => receipts.get(text)?.length ?? 0);
  return {
    replies: written.length,
    conversations: byConversation.size,
    killedHoldingJobs,
    sentOnce: counts.filter((n) => n === 1).length,
    duplicates: counts.filter((n) => n > 1).length,
    neverSent: counts.filter((n) => n === 0).length,
    states: await outboundStates(faults, igId),
    longestWaitMs: Math.max(0, ...waits),
    waitedOver30s: waits.filter((ms) => ms > 30_000).length,
    outOfOrder,
  };
}
