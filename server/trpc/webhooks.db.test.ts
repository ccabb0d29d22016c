// Replaying failed webhook deliveries through the API: admins only, and only their own accounts'.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let owner: TestOperator;
let agent: TestOperator;
let workspaceId: string;

const client = (operator: TestOperator) => operatorClient(stack.api, operator);

beforeAll(async () => {
  stack = await startApiStack();
  const { database, supabase, services } = stack;
  [owner, agent] = await Promise.all([signUpOperator(supabase, 'owner'), signUpOperator(supabase, 'agent')]);
  workspaceId = (await createWorkspace(services.db, owner.actor, 'Shop')).id;
  await database.query(
    "insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'agent')",
    [workspaceId, agent.actor.userId],
  );
  await database.query(
    "insert into channel_connections (workspace_id, login_path, channel_identifier) values ($1, 'instagram', '17841400000000321')",
    [workspaceId],
  );
  // Ingest counts a failure against the connection it failed for; the second names an account
  // the workspace does not have.
  await database.query(
    `with failed as (
       insert into webhook_events (raw_body, signature_valid, status, error, account_ids)
       values ('{}', true, 'FAILED', 'boom', '{17841400000000321}'), ('{}', true, 'FAILED', 'boom', '{17849999999999999}')
       returning id, account_ids)
     insert into ingest_failures (webhook_event_id, workspace_id, channel_connection_id, event_count)
     select f.id, c.workspace_id, c.id, 1 from failed f join channel_connections c on c.channel_identifier = any(f.account_ids)`,
  );
});

afterAll(() => stack?.stop());

it('refuses agents', async () => {
  const error = await apiRefusal(client(agent).webhooks.replayFailed.mutate({ workspaceId }));
  expect(error.data?.httpStatus).toBe(403);
});

it("replays the workspace's failed deliveries for an admin, and no one else's", async () => {
  expect(await client(owner).webhooks.replayFailed.mutate({ workspaceId })).toEqual({ replayed: 1 });
  const { rows } = await stack.database.query<{ account_ids: string[]; status: string }>(
    'select account_ids, status from webhook_events order by id',
  );
  expect(rows).toEqual([
    { account_ids: ['17841400000000321'], status: 'RECEIVED' },
    { account_ids: ['17849999999999999'], status: 'FAILED' },
  ]);
  const jobs = await stack.database.query(
    "select count(*)::int as n from pgboss.job where name = 'ingest-webhook-events'",
  );
  expect(jobs.rows).toEqual([{ n: 1 }]);
});
