// Team members and invitations over tRPC, called with bearer tokens as a mobile app would: links
// that work once, for 7 days, until revoked; two people racing for one link; who may manage the
// team; the last owner; and nothing of one workspace's team visible to anyone else.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseStandIn } from '#dev/supabase/server.ts';
import { type ApiStack, apiClient, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { BROADCAST_EVENTS, workspaceTopic } from '../realtime/topics.ts';
import type { Services } from '../services.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let services: Services;
let api: ServedHandler;
let owner: TestOperator;
let outsider: TestOperator;
let workspaceId: string;
let outsiderWorkspaceId: string;

beforeAll(async () => {
  stack = await startApiStack();
  ({ database, supabase, services, api } = stack);
  [owner, outsider] = await Promise.all([
    signUpOperator(supabase, 'owner'),
    signUpOperator(supabase, 'outsider'),
  ]);
  workspaceId = (await createWorkspace(services.db, owner.actor, 'Studio Owl')).id;
  outsiderWorkspaceId = (await createWorkspace(services.db, outsider.actor, 'Elsewhere')).id;
});

afterAll(() => stack?.stop());

/** The operator's client, or a caller without a session. */
const client = (operator?: TestOperator) => (operator ? operatorClient(api, operator) : apiClient(api));

const tokenOf = (url: string) => new URL(url).pathname.replace('/invite/', '');

async function invite(by: TestOperator, role: 'admin' | 'agent', inWorkspace = workspaceId) {
  const created = await client(by).team.invite.mutate({ workspaceId: inWorkspace, role });
  return { ...created, token: tokenOf(created.url) };
}

/** A new operator who joins the workspace through a fresh link. */
async function teammate(role: 'admin' | 'agent', label: string): Promise<TestOperator> {
  const operator = await signUpOperator(supabase, label);
  const { token } = await invite(owner, role);
  await client(operator).team.acceptInvitation.mutate({ token });
  return operator;
}

async function roleOf(operator: TestOperator, inWorkspace = workspaceId): Promise<string | null> {
  const { rows } = await database.query<{ role: string }>(
    'select role from workspace_members where workspace_id = $1 and user_id = $2',
    [inWorkspace, operator.actor.userId],
  );
  return rows[0]?.role ?? null;
}

const invitationCount = async () =>
  Number((await database.query('select count(*) from workspace_invitations')).rows[0]?.count);

/**
 * Makes requests collide: the superuser holds row locks the requests need until `waiters` of them
 * are queued behind the locks, then lets go, so they run their writes at the same moment instead
 * of one after the other by luck of timing.
 */
async function collide<T>(
  lock: { sql: string; params: unknown[]; waiters: number },
  requests: () => Promise<T>[],
): Promise<PromiseSettledResult<T>[]> {
  const holder = new pg.Client({ connectionString: database.superuserUrl });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query(lock.sql, lock.params);
    const settled = Promise.allSettled(requests());
    await eventually(async () => {
      const { rows } = await database.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'`,
      );
      return (rows[0]?.waiting ?? 0) >= lock.waiters;
    });
    await holder.query('commit');
    return await settled;
  } finally {
    await holder.end();
  }
}

describe('an invitation link', () => {
  it('is a random token in a link, stored only as its SHA-256, and shows what it offers', async () => {
    const created = await invite(owner, 'agent');
    expect(created.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/invite\/[\w-]{43}$/);
    expect(created.invitation).toMatchObject({ role: 'agent', invitedBy: owner.email });
    const lifetime = Date.parse(created.invitation.expiresAt) - Date.parse(created.invitation.createdAt);
    expect(lifetime).toBe(7 * 24 * 60 * 60 * 1000);

    const { rows } = await database.query('select * from workspace_invitations where id = $1', [
      created.invitation.id,
    ]);
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const visitor = await signUpOperator(supabase, 'visitor');
    expect(await client(visitor).team.invitation.query({ token: created.token })).toEqual({
      status: 'pending',
      workspaceId,
      workspaceName: 'Studio Owl',
      role: 'agent',
      invitedBy: owner.email,
      expiresAt: created.invitation.expiresAt,
    });
  });

  it('makes whoever accepts it a member with its role, and lists them in the team', async () => {
    const bob = await signUpOperator(supabase, 'bob');
    const { token } = await invite(owner, 'agent');
    expect(await client(bob).team.acceptInvitation.mutate({ token })).toEqual({ workspaceId, joined: true });
    expect(await roleOf(bob)).toBe('agent');
    const me = await client(bob).operator.me.query();
    expect(me.workspaces).toContainEqual(expect.objectContaining({ id: workspaceId, role: 'agent' }));
    const team = await client(owner).team.members.query({ workspaceId });
    expect(team.members).toContainEqual(
      expect.objectContaining({ userId: bob.actor.userId, email: bob.email, role: 'agent', isYou: false }),
    );
  });

  it('announces a join on the workspace topic, so open team pages refresh', async () => {
    const newcomer = await signUpOperator(supabase, 'newcomer');
    const { token } = await invite(owner, 'agent');
    const before = await database.query(
      'select count(*)::int as n from realtime.messages where topic = $1 and event = $2',
      [workspaceTopic(workspaceId), BROADCAST_EVENTS.teamUpdated],
    );
    await client(newcomer).team.acceptInvitation.mutate({ token });
    const after = await database.query(
      'select payload from realtime.messages where topic = $1 and event = $2',
      [workspaceTopic(workspaceId), BROADCAST_EVENTS.teamUpdated],
    );
    expect(after.rows.length).toBeGreaterThan(before.rows[0]?.n as number);
    expect(after.rows.at(-1)?.payload).toMatchObject({
      change: expect.stringMatching(/^workspace_(members|invitations)$/),
    });
  });

  it('works once: a second person is refused and nothing changes', async () => {
    const [first, second] = await Promise.all([
      signUpOperator(supabase, 'first'),
      signUpOperator(supabase, 'second'),
    ]);
    const { token, invitation } = await invite(owner, 'admin');
    await client(first).team.acceptInvitation.mutate({ token });
    const refused = await apiRefusal(client(second).team.acceptInvitation.mutate({ token }));
    expect(refused.data?.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/already been used/);
    expect(await roleOf(second)).toBeNull();
    // Used links leave the pending list, and tell a non-member nothing about the workspace.
    const team = await client(owner).team.members.query({ workspaceId });
    expect(team.invitations.map((i) => i.id)).not.toContain(invitation.id);
    expect(await client(second).team.invitation.query({ token })).toEqual({
      status: 'accepted',
      title: 'This invitation has already been used',
      message: expect.stringMatching(/ask a workspace admin/i),
    });
  });

  it('is idempotent for a member: accepting again, or an admin trying their own link, changes nothing', async () => {
    const carol = await signUpOperator(supabase, 'carol');
    const { token } = await invite(owner, 'admin');
    await client(carol).team.acceptInvitation.mutate({ token });
    expect(await client(carol).team.acceptInvitation.mutate({ token })).toEqual({
      workspaceId,
      joined: false,
    });

    const fresh = await invite(owner, 'agent');
    expect(await client(owner).team.invitation.query({ token: fresh.token })).toEqual({
      status: 'member',
      workspaceId,
      workspaceName: 'Studio Owl',
    });
    expect(await client(owner).team.acceptInvitation.mutate({ token: fresh.token })).toEqual({
      workspaceId,
      joined: false,
    });
    expect(await roleOf(owner)).toBe('owner');
    const pending = (await client(owner).team.members.query({ workspaceId })).invitations;
    expect(pending.map((i) => i.id)).toContain(fresh.invitation.id);
  });

  it('expires after 7 days', async () => {
    const dave = await signUpOperator(supabase, 'dave');
    const { token, invitation } = await invite(owner, 'agent');
    await database.query(
      `update workspace_invitations set created_at = now() - interval '8 days', expires_at = now() - interval '1 day'
       where id = $1`,
      [invitation.id],
    );
    expect(await client(dave).team.invitation.query({ token })).toMatchObject({ status: 'expired' });
    const refused = await apiRefusal(client(dave).team.acceptInvitation.mutate({ token }));
    expect(refused.data?.code).toBe('CONFLICT');
    expect(refused.message).toMatch(/expired/);
    expect(await roleOf(dave)).toBeNull();
    const team = await client(owner).team.members.query({ workspaceId });
    expect(team.invitations.map((i) => i.id)).not.toContain(invitation.id);
  });

  it('can be revoked before it is used, and then lets nobody in', async () => {
    const erin = await signUpOperator(supabase, 'erin');
    const { token, invitation } = await invite(owner, 'agent');
    await client(owner).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id });
    // Revoking twice is harmless.
    await client(owner).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id });
    expect(await client(erin).team.invitation.query({ token })).toMatchObject({
      status: 'revoked',
      title: 'This invitation was withdrawn',
    });
    const refused = await apiRefusal(client(erin).team.acceptInvitation.mutate({ token }));
    expect(refused.message).toMatch(/withdrawn/);
    expect(await roleOf(erin)).toBeNull();
  });

  it('is withdrawn when the admin who made it is removed or made an agent, so they cannot let anyone back in', async () => {
    const removed = await teammate('admin', 'removed-admin');
    const demoted = await teammate('admin', 'demoted-admin');
    const [fromRemoved, fromDemoted, fromOwner] = [
      await invite(removed, 'agent'),
      await invite(demoted, 'agent'),
      await invite(owner, 'agent'),
    ];
    await client(owner).team.removeMember.mutate({ workspaceId, userId: removed.actor.userId });
    await client(owner).team.changeRole.mutate({ workspaceId, userId: demoted.actor.userId, role: 'agent' });

    // The removed admin tries to rejoin through their own link.
    const rejoin = await apiRefusal(
      client(removed).team.acceptInvitation.mutate({ token: fromRemoved.token }),
    );
    expect(rejoin.message).toMatch(/withdrawn/);
    expect(await roleOf(removed)).toBeNull();
    const frank = await signUpOperator(supabase, 'frank');
    expect(await client(frank).team.invitation.query({ token: fromDemoted.token })).toMatchObject({
      status: 'revoked',
    });
    // Other admins' links still work.
    await client(frank).team.acceptInvitation.mutate({ token: fromOwner.token });
    expect(await roleOf(frank)).toBe('agent');
  });

  it('cannot be revoked once used', async () => {
    const frank = await signUpOperator(supabase, 'frank');
    const { token, invitation } = await invite(owner, 'agent');
    await client(frank).team.acceptInvitation.mutate({ token });
    const refused = await apiRefusal(
      client(owner).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id }),
    );
    expect(refused.data?.code).toBe('CONFLICT');
    expect(await roleOf(frank)).toBe('agent');
  });

  it.each([
    ['a token never issued', 'A'.repeat(43)],
    ['a malformed token', 'not a token'],
  ])('refuses %s clearly', async (_, token) => {
    const visitor = await signUpOperator(supabase, 'stranger');
    expect(await client(visitor).team.invitation.query({ token })).toMatchObject({ status: 'invalid' });
    const refused = await apiRefusal(client(visitor).team.acceptInvitation.mutate({ token }));
    expect(refused.data?.code).toBe('NOT_FOUND');
    expect(refused.message).toMatch(/not valid/);
  });

  it('needs a signed-in visitor', async () => {
    const { token } = await invite(owner, 'agent');
    const refused = await apiRefusal(client().team.acceptInvitation.mutate({ token }));
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    expect((await apiRefusal(client().team.invitation.query({ token }))).data?.code).toBe('UNAUTHORIZED');
  });

  it('lets exactly one of two people racing for it in', async () => {
    const racers = await Promise.all([signUpOperator(supabase, 'racer'), signUpOperator(supabase, 'racer')]);
    const { token, invitation } = await invite(owner, 'agent');
    const results = await collide(
      {
        sql: 'select 1 from workspace_invitations where id = $1 for update',
        params: [invitation.id],
        waiters: 2,
      },
      () => racers.map((racer) => client(racer).team.acceptInvitation.mutate({ token })),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as Error).message).toMatch(/already been used/);
    const roles = await Promise.all(racers.map((racer) => roleOf(racer)));
    expect(roles.sort()).toEqual(['agent', null]);
  });
});

describe('who manages the team', () => {
  it('agents see the team but cannot invite, revoke, remove or change roles', async () => {
    const agent = await teammate('agent', 'agent');
    const colleague = await teammate('agent', 'colleague');
    const { invitation } = await invite(owner, 'agent');
    const before = await invitationCount();

    const team = await client(agent).team.members.query({ workspaceId });
    expect(team.yourRole).toBe('agent');
    expect(team.members.map((m) => m.userId)).toContain(colleague.actor.userId);

    const attempts = [
      () => client(agent).team.invite.mutate({ workspaceId, role: 'agent' }),
      () => client(agent).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id }),
      () => client(agent).team.removeMember.mutate({ workspaceId, userId: colleague.actor.userId }),
      () => client(agent).team.changeRole.mutate({ workspaceId, userId: agent.actor.userId, role: 'admin' }),
    ];
    for (const attempt of attempts) expect((await apiRefusal(attempt())).data?.code).toBe('FORBIDDEN');
    expect(await invitationCount()).toBe(before);
    expect(await roleOf(colleague)).toBe('agent');
    expect(await roleOf(agent)).toBe('agent');
    const pending = (await client(owner).team.members.query({ workspaceId })).invitations;
    expect(pending.map((i) => i.id)).toContain(invitation.id);
  });

  it('admins invite, change roles and remove members, but never touch an owner or make one', async () => {
    const admin = await teammate('admin', 'admin');
    const agent = await teammate('agent', 'agent');
    const created = await client(admin).team.invite.mutate({ workspaceId, role: 'admin' });
    expect(created.invitation.role).toBe('admin');

    expect(
      await client(admin).team.changeRole.mutate({ workspaceId, userId: agent.actor.userId, role: 'admin' }),
    ).toEqual({ userId: agent.actor.userId, role: 'admin' });
    expect(await roleOf(agent)).toBe('admin');

    const promote = await apiRefusal(
      client(admin).team.changeRole.mutate({ workspaceId, userId: agent.actor.userId, role: 'owner' }),
    );
    expect(promote.data?.code).toBe('FORBIDDEN');
    expect(promote.message).toBe('Only an owner can make someone an owner');
    const demoteOwner = await apiRefusal(
      client(admin).team.changeRole.mutate({ workspaceId, userId: owner.actor.userId, role: 'agent' }),
    );
    expect(demoteOwner.message).toBe('Only an owner can change or remove an owner');
    const removeOwner = await apiRefusal(
      client(admin).team.removeMember.mutate({ workspaceId, userId: owner.actor.userId }),
    );
    expect(removeOwner.data?.code).toBe('FORBIDDEN');
    expect(await roleOf(owner)).toBe('owner');
    expect(await roleOf(agent)).toBe('admin');

    await client(admin).team.removeMember.mutate({ workspaceId, userId: agent.actor.userId });
    expect(await roleOf(agent)).toBeNull();
    // Removed means locked out at once.
    expect((await apiRefusal(client(agent).team.members.query({ workspaceId }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('the database holds the same line for an admin writing directly (row-level security)', async () => {
    const admin = await teammate('admin', 'direct-admin');
    const asAdmin = <T>(fn: Parameters<typeof services.db.withUser<T>>[1]) =>
      services.db.withUser(admin.actor, fn);
    const demoted = await asAdmin((trx) =>
      trx
        .updateTable('workspace_members')
        .set({ role: 'agent' })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', owner.actor.userId)
        .executeTakeFirst(),
    );
    expect(demoted.numUpdatedRows).toBe(0n);
    const removed = await asAdmin((trx) =>
      trx
        .deleteFrom('workspace_members')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', owner.actor.userId)
        .executeTakeFirst(),
    );
    expect(removed.numDeletedRows).toBe(0n);
    await expect(
      asAdmin((trx) =>
        trx
          .updateTable('workspace_members')
          .set({ role: 'owner' })
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', admin.actor.userId)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    // An invitation is made as oneself, and a revoked one stays revoked.
    await expect(
      asAdmin((trx) =>
        trx
          .insertInto('workspace_invitations')
          .values({
            workspace_id: workspaceId,
            role: 'agent',
            token_hash: 'a'.repeat(64),
            created_by: owner.actor.userId,
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const { invitation } = await invite(admin, 'agent');
    await client(admin).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id });
    await expect(
      asAdmin((trx) =>
        trx
          .updateTable('workspace_invitations')
          .set({ revoked_at: null })
          .where('id', '=', invitation.id)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    expect(await roleOf(owner)).toBe('owner');
  });
});

describe('the last owner', () => {
  it('cannot be removed or demoted, and is told why', async () => {
    const solo = await signUpOperator(supabase, 'solo');
    const soloWorkspace = (await createWorkspace(services.db, solo.actor, 'Solo')).id;
    const demote = await apiRefusal(
      client(solo).team.changeRole.mutate({
        workspaceId: soloWorkspace,
        userId: solo.actor.userId,
        role: 'admin',
      }),
    );
    expect(demote.data?.code).toBe('CONFLICT');
    expect(demote.message).toBe(
      'A workspace must keep at least one owner. Make someone else an owner first.',
    );
    const remove = await apiRefusal(
      client(solo).team.removeMember.mutate({ workspaceId: soloWorkspace, userId: solo.actor.userId }),
    );
    expect(remove.data?.code).toBe('CONFLICT');
    expect(await roleOf(solo, soloWorkspace)).toBe('owner');
  });

  it('can step down once someone else is an owner; two owners demoting each other keep one', async () => {
    const first = await signUpOperator(supabase, 'first-owner');
    const shared = (await createWorkspace(services.db, first.actor, 'Shared')).id;
    const second = await signUpOperator(supabase, 'second-owner');
    const { token } = await invite(first, 'admin', shared);
    await client(second).team.acceptInvitation.mutate({ token });
    await client(first).team.changeRole.mutate({
      workspaceId: shared,
      userId: second.actor.userId,
      role: 'owner',
    });

    const results = await collide(
      {
        sql: 'select 1 from workspace_members where workspace_id = $1 for update',
        params: [shared],
        waiters: 2,
      },
      () => [
        client(first).team.changeRole.mutate({
          workspaceId: shared,
          userId: second.actor.userId,
          role: 'agent',
        }),
        client(second).team.changeRole.mutate({
          workspaceId: shared,
          userId: first.actor.userId,
          role: 'agent',
        }),
      ],
    );
    const roles = [await roleOf(first, shared), await roleOf(second, shared)];
    expect(roles.filter((role) => role === 'owner')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);

    const survivor = roles[0] === 'owner' ? first : second;
    const other = survivor === first ? second : first;
    await client(survivor).team.changeRole.mutate({
      workspaceId: shared,
      userId: other.actor.userId,
      role: 'owner',
    });
    await client(survivor).team.removeMember.mutate({ workspaceId: shared, userId: survivor.actor.userId });
    expect(await roleOf(survivor, shared)).toBeNull();
    expect(await roleOf(other, shared)).toBe('owner');
  });
});

describe('isolation', () => {
  it("an outsider can neither list another workspace's team nor manage it", async () => {
    const { invitation } = await invite(owner, 'agent');
    const member = (await client(owner).team.members.query({ workspaceId })).members[0];
    const attempts = [
      () => client(outsider).team.members.query({ workspaceId }),
      () => client(outsider).team.invite.mutate({ workspaceId, role: 'admin' }),
      () => client(outsider).team.revokeInvitation.mutate({ workspaceId, invitationId: invitation.id }),
      () => client(outsider).team.removeMember.mutate({ workspaceId, userId: member?.userId as string }),
      () =>
        client(outsider).team.changeRole.mutate({ workspaceId, userId: owner.actor.userId, role: 'agent' }),
      // Nor through their own workspace.
      () =>
        client(outsider).team.revokeInvitation.mutate({
          workspaceId: outsiderWorkspaceId,
          invitationId: invitation.id,
        }),
      () =>
        client(outsider).team.removeMember.mutate({
          workspaceId: outsiderWorkspaceId,
          userId: owner.actor.userId,
        }),
    ];
    for (const attempt of attempts) expect((await apiRefusal(attempt())).data?.code).toBe('NOT_FOUND');
    expect(await roleOf(owner)).toBe('owner');

    const seen = await services.db.withUser(outsider.actor, (trx) =>
      trx.selectFrom('workspace_invitations').select(['id', 'workspace_id']).execute(),
    );
    expect(seen.every((row) => row.workspace_id === outsiderWorkspaceId)).toBe(true);
    const ownTeam = await client(outsider).team.members.query({ workspaceId: outsiderWorkspaceId });
    expect(ownTeam.members.map((m) => m.userId)).toEqual([outsider.actor.userId]);
    expect(ownTeam.invitations).toEqual([]);
  });

  it('team.members never returns a token or its hash, and operators cannot read the hash', async () => {
    const { token } = await invite(owner, 'agent');
    const team = await client(owner).team.members.query({ workspaceId });
    const hashes = (
      await database.query<{ token_hash: string }>('select token_hash from workspace_invitations')
    ).rows;
    const body = JSON.stringify(team);
    expect(body).not.toContain(token);
    for (const { token_hash } of hashes) expect(body).not.toContain(token_hash);
    await expect(
      services.db.withUser(owner.actor, (trx) =>
        sql`select token_hash from workspace_invitations`.execute(trx),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });
});
