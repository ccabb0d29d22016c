// Replaying failed webhook deliveries through the API: admins only, and only their own accounts'.
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { createWorkspace } from '../inbox/create-workspace.ts';
import { createRuntime, type Runtime } from '../runtime.ts';
import type { AppRouter } from './app.router.ts';
import { handleTrpcRequest } from './handler.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let runtime: Runtime;
let api: ServedHandler;
let owner: TestOperator;
let agent: TestOperator;
let workspaceId: string;

const client = (operator: TestOperator) =>
  createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${api.url}/api/trpc`,
        headers: { Authorization: `Bearer ${operator.session.access_token}` },
      }),
    ],
  });

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  runtime = createRuntime(testEnv(database, supabase));
  api = await serveFetch((request) => handleTrpcRequest(runtime, request));
  [owner, agent] = await Promise.all([signUpOperator(supabase, 'owner'), signUpOperator(supabase, 'agent')]);
  workspaceId = (await createWorkspace(runtime.db, owner.actor, 'Shop')).id;
  await database.query(
    "insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'agent')",
    [workspaceId, agent.actor.userId],
  );
  await database.query(
    "insert into channel_connections (workspace_id, login_path, channel_identifier) values ($1, 'instagram', '17841400000000321')",
    [workspaceId],
  );
  await database.query(
    `insert into webhook_events (raw_body, signature_valid, status, error, account_ids)
     values ('{}', true, 'FAILED', 'boom', '{17841400000000321}'), ('{}', true, 'FAILED', 'boom', '{17849999999999999}')`,
  );
});

afterAll(async () => {
  await api?.close();
  await runtime?.close();
  await supabase?.stop();
  await database?.drop();
});

it('refuses agents', async () => {
  const error = await client(agent)
    .webhooks.replayFailed.mutate({ workspaceId })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCClientError);
  expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(403);
});

it("replays the workspace's failed deliveries for an admin, and no one else's", async () => {
  expect(await client(owner).webhooks.replayFailed.mutate({ workspaceId })).toEqual({ replayed: 1 });
  const { rows } = await database.query<{ account_ids: string[]; status: string }>(
    'select account_ids, status from webhook_events order by id',
  );
  expect(rows).toEqual([
    { account_ids: ['17841400000000321'], status: 'RECEIVED' },
    { account_ids: ['17849999999999999'], status: 'FAILED' },
  ]);
  const jobs = await database.query(
    "select count(*)::int as n from pgboss.job where name = 'ingest-webhook-events'",
  );
  expect(jobs.rows).toEqual([{ n: 1 }]);
});
