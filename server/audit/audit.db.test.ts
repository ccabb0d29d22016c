// The audit log as owners, admins and agents meet it: each admin action the app makes leaves one
// entry, in the action's own transaction, naming who did it; owners and admins read the log, agents
// do not; no one writes an entry in another's name, or into a workspace they do not run.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { testEnv } from '#dev/test/env.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { disconnectAccount } from '../accounts/index.ts';
import { csvExportResponse } from '../exports/index.ts';
import { startHistoryImport } from '../history/index.ts';
import { replayWorkspaceDeliveries } from '../ingest/index.ts';
import { createServices, type Services } from '../services.ts';
import {
  acceptInvitation,
  changeMemberRole,
  createWorkspace,
  inviteTeammate,
  removeMember,
  updateWorkspaceRetention,
} from '../team/index.ts';
import { listAudit, recordOwnAudit } from './index.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let services: Services;
let workspaceId: string;
let otherWorkspaceId: string;
const people = {} as Record<'owner' | 'admin' | 'agent' | 'leaver' | 'stranger', TestOperator>;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  services = createServices(testEnv(database, supabase));
  const labels = ['owner', 'admin', 'agent', 'leaver', 'stranger'] as const;
  for (const label of labels) people[label] = await signUpOperator(supabase, label);
  workspaceId = (await createWorkspace(database.db, people.owner.actor, 'Shop')).id;
  otherWorkspaceId = (await createWorkspace(database.db, people.stranger.actor, 'Other')).id;
  for (const [person, role] of [
    [people.admin, 'admin'],
    [people.agent, 'agent'],
    [people.leaver, 'agent'],
  ] as const) {
    const { url } = await inviteTeammate(database.db, people.owner.actor, {
      workspaceId,
      role,
      appUrl: 'http://app.test',
    });
    await acceptInvitation(database.db, person.actor, new URL(url).pathname.replace('/invite/', ''));
  }
});

afterAll(async () => {
  await services?.close();
  await supabase?.stop();
  await database?.drop();
});

it('records each admin action with who did it, for owners and admins to read', async () => {
  const { rows } = await database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     values ($1, 'instagram', '17841400000000301', '@audited.shop') returning id`,
    [workspaceId],
  );
  const connectionId = rows[0]?.id as string;

  await updateWorkspaceRetention(database.db, people.admin.actor, {
    workspaceId,
    policy: { messageDays: 90 },
  });
  await changeMemberRole(database.db, people.owner.actor, {
    workspaceId,
    userId: people.agent.actor.userId,
    role: 'admin',
  });
  await removeMember(database.db, people.admin.actor, { workspaceId, userId: people.leaver.actor.userId });
  await startHistoryImport(services, {
    workspaceId,
    connectionId,
    kind: 'BACKFILL',
    days: 7,
    requestedBy: people.admin.actor.userId,
  });
  await replayWorkspaceDeliveries(services, people.owner.actor, workspaceId);
  await disconnectAccount(services, people.owner.actor, { workspaceId, connectionId, deleteHistory: true });

  const page = await listAudit(database.db, people.owner.actor, { workspaceId, before: null, limit: 50 });
  expect(
    page.items
      .map((item) => ({
        action: item.action,
        actor: item.actor?.id,
        target: item.target,
        detail: item.detail,
      }))
      .reverse(),
  ).toEqual([
    {
      action: 'retention.change',
      actor: people.admin.actor.userId,
      target: null,
      detail: { messageDaysBefore: null, messageDays: 90, deliveryDaysBefore: 30, deliveryDays: 30 },
    },
    {
      action: 'member.role_change',
      actor: people.owner.actor.userId,
      target: people.agent.email,
      detail: { from: 'agent', to: 'admin' },
    },
    {
      action: 'member.remove',
      actor: people.admin.actor.userId,
      target: people.leaver.email,
      detail: { role: 'agent' },
    },
    {
      action: 'history.import',
      actor: people.admin.actor.userId,
      target: '17841400000000301',
      detail: { days: 7 },
    },
    { action: 'deliveries.replay', actor: people.owner.actor.userId, target: null, detail: { replayed: 0 } },
    {
      action: 'account.delete_history',
      actor: people.owner.actor.userId,
      target: '@audited.shop',
      detail: expect.objectContaining({ accounts: 1 }),
    },
  ]);
  // Admins read it too, a page at a time; an agent reads nothing of it.
  const first = await listAudit(database.db, people.admin.actor, { workspaceId, before: null, limit: 4 });
  const rest = await listAudit(database.db, people.admin.actor, {
    workspaceId,
    before: first.nextCursor,
    limit: 4,
  });
  expect([...first.items, ...rest.items].map((i) => i.id)).toEqual(page.items.map((i) => i.id));
  expect(rest.nextCursor).toBeNull();
  const agentView = await listAudit(database.db, people.leaver.actor, {
    workspaceId,
    before: null,
    limit: 50,
  });
  expect(agentView.items).toEqual([]);
});

it('records a CSV export with its size, but not its filters (a search may name a customer)', async () => {
  const response = await csvExportResponse(database.db, people.admin.actor, {
    kind: 'leads',
    workspaceId,
    searchParams: new URLSearchParams({ search: 'Jane Doe' }),
  });
  expect(response.status).toBe(200);
  await response.text();
  const [latest] = (await listAudit(database.db, people.owner.actor, { workspaceId, before: null, limit: 1 }))
    .items;
  expect(latest).toMatchObject({
    action: 'export.leads',
    actor: { id: people.admin.actor.userId },
    target: null,
    detail: { rows: 0, filtered: true },
  });
  expect(JSON.stringify(latest)).not.toContain('Jane');
});

it('no one writes an entry into a workspace they do not run, or in another’s name', async () => {
  const entry = { workspaceId, action: 'retention.change' as const, target: null };
  await expect(
    database.db.withUser(people.stranger.actor, (trx) => recordOwnAudit(trx, entry)),
  ).rejects.toMatchObject({ code: '42501' });
  await expect(
    database.db.withUser(people.owner.actor, (trx) =>
      recordOwnAudit(trx, { ...entry, workspaceId: otherWorkspaceId }),
    ),
  ).rejects.toMatchObject({ code: '42501' });
  // Directly, as a member, the table takes nothing.
  await expect(
    database.db.withUser(people.owner.actor, (trx) =>
      sql`insert into audit_events (workspace_id, actor_id, action) values (${workspaceId}, ${people.admin.actor.userId}, 'member.remove')`.execute(
        trx,
      ),
    ),
  ).rejects.toMatchObject({ code: '42501' });
});
