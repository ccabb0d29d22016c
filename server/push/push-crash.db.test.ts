// A worker killed while a push service is answering: its job is retried by another worker, which
// sends nothing again. What the dead worker had recorded as sent stays sent; what it was waiting
// for stays unsettled (it may have been delivered), never repeated.
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Account } from '#dev/meta/world.ts';
import { type PushStandIn, startPushStandIn } from '#dev/push/stand-in.ts';
import { operatorClient } from '#dev/test/api-stack.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpTeam, type TestTeam } from '#dev/test/operators.ts';
import { startWorkerProcessStack, type WorkerProcessStack } from '#dev/test/worker-process-stack.ts';

let standIn: PushStandIn;
let stack: WorkerProcessStack;
let team: TestTeam;
let account: Account;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  stack.database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  standIn = await startPushStandIn();
  stack = await startWorkerProcessStack({
    retryDelaysMs: [],
    webhooksOpen: true,
    operators: true,
    env: standIn.env(),
  });
  team = await signUpTeam(stack.supabase as NonNullable<typeof stack.supabase>, stack.database.db);
  account = stack.meta.addAccount({ username: 'crash.shop' });
  await connectSimulatorAccount(stack.database, stack.services.cipher, team.workspaceId, account);
  const owner = operatorClient(stack.api as NonNullable<typeof stack.api>, team.owner);
  await owner.devices.register.mutate({ platform: 'expo', token: 'ExponentPushToken[crash-phone-0001]' });
  await owner.devices.register.mutate({
    platform: 'apns',
    token: 'c3'.repeat(32),
    appId: 'com.example.inbox',
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await standIn?.stop();
});

it('a worker killed mid-call: the retried job sends nothing twice', { timeout: 90_000 }, async () => {
  const release = standIn.hold('expo');
  const first = await stack.startWorker();
  const customer = stack.meta.addCustomer({ username: 'crash.customer' });
  const { mid } = stack.meta.sendText({
    account: account.igId,
    customer: customer.igsid,
    text: 'Still open?',
  });
  // Expo is hanging on the request; APNs answered and that answer is recorded.
  await eventually(() => standIn.requests('expo').length === 1);
  const deliveries = () =>
    sql<{ platform: string; status: string; attempts: number }>(
      `select p.platform, d.status, d.attempts from push_deliveries d join push_devices p on p.id = d.device_id
       join conversation_messages m on m.id = d.message_id where m.external_message_id = $1 order by p.platform`,
      [mid],
    );
  await eventually(async () =>
    (await deliveries()).some((d) => d.platform === 'apns' && d.status === 'SENT'),
  );

  first.kill('SIGKILL');
  await once(first, 'exit');
  release();
  await stack.startWorker();
  // The dead worker's job expires and another worker runs it to completion.
  await eventually(
    async () =>
      (
        await sql(
          `select 1 from pgboss.job where name = 'push-new-message' and state = 'completed' and retry_count > 0`,
        )
      ).length === 1,
    60_000,
  );
  expect(standIn.requests('expo')).toHaveLength(1);
  expect(standIn.requests('apns').map((r) => r.status)).toEqual([200]);
  expect(await deliveries()).toEqual([
    { platform: 'apns', status: 'SENT', attempts: 1 },
    { platform: 'expo', status: 'SENDING', attempts: 1 },
  ]);
});
