// `npm run bench:push`: how long a customer's message takes from Meta's webhook POST to the push
// service (what a phone would be woken by). The production build and a worker process run against
// the local stack; an operator has registered a phone (Expo) through tRPC; the bench POSTs signed
// deliveries one at a time and the push stand-in (in this process, same clock) notes when each
// message's notification arrives. The baseline, measured in the same run, is the webhook POST's own
// round trip (until Meta would get its 200): the ratio says how many such round trips the rest of
// the path (ingest, the queue, the push job, the provider call) costs.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { receivedNotifications } from '#dev/push/received.ts';
import { signUpOperator } from '#dev/test/operators.ts';
import { createDatabase } from '#server/db/database.ts';
import { createWorkspace } from '#server/team/index.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { latencyReport, startBenchApp } from './app-stack.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const ACCOUNT = '17841400000008888';

const app = await startBenchApp('bench-push');
const { baseUrl, stack } = app;

try {
  const operator = await signUpOperator(stack.supabase, 'bench');
  const db = createDatabase({ url: stack.env.DATABASE_URL as string, poolSize: 2 });
  const { id: workspaceId } = await createWorkspace(db, operator.actor, 'Bench');
  await db.destroy();
  await app.connectAccount(workspaceId, ACCOUNT);
  const api = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${baseUrl}/api/trpc`,
        headers: { Authorization: `Bearer ${operator.session.access_token}` },
      }),
    ],
  });
  await api.devices.register.mutate({ platform: 'expo', token: 'ExponentPushToken[bench-phone-0001]' });

  const pushMs: number[] = [];
  const ackMs: number[] = [];
  for (let i = 1; i <= MESSAGES; i += 1) {
    // A new customer each time: every message opens a conversation and is a notification.
    const before = receivedNotifications(stack.push).length;
    const { sentAt, ackMs: ack } = await app.postCustomerText({
      account: ACCOUNT,
      customer: `59000000008${String(i).padStart(5, '0')}`,
      text: `probe ${i}`,
    });
    ackMs.push(ack);
    const deadline = Date.now() + 15_000;
    let arrived: number | undefined;
    while (arrived === undefined) {
      const received = receivedNotifications(stack.push);
      if (received.length > before) arrived = received[before]?.receivedAt;
      else if (Date.now() > deadline) throw new Error(`no notification for message ${i} within 15 s`);
      else await new Promise((resolve) => setTimeout(resolve, 1));
    }
    pushMs.push(arrived - sentAt);
  }

  console.log(`
Webhook POST → notification at the push service (Expo stand-in), ${MESSAGES} messages one at a time
${latencyReport('push', pushMs, ackMs)}
`);
} finally {
  await app.stop();
}
