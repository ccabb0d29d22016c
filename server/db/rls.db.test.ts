// Row-level security, table by table and operation by operation, exercised the way the app uses
// it: through withUser() as real operators signed up with the Auth stand-in. Workspace A has an
// owner and an agent; workspace B has its own owner; the outsider belongs to no workspace.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { conversationTopic, workspaceTopic } from '../realtime/topics.ts';
import { createWorkspace } from '../team/index.ts';
import type { Tx } from './database.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let ownerA: TestOperator;
let agentA: TestOperator;
let ownerB: TestOperator;
let outsider: TestOperator;

interface WorkspaceRows {
  workspaceId: string;
  connectionId: string;
  conversationId: string;
  messageId: string;
  leadId: string;
}
let a: WorkspaceRows;
let b: WorkspaceRows;

const as = <T>(operator: TestOperator, fn: (trx: Tx) => Promise<T>) =>
  database.db.withUser(operator.actor, fn);
const denied = { code: '42501' };
const count = (result: { numUpdatedRows?: bigint; numDeletedRows?: bigint } | undefined) =>
  Number(result?.numUpdatedRows ?? result?.numDeletedRows ?? 0);

async function seedInbox(workspaceId: string, igId: string): Promise<WorkspaceRows> {
  return database.db.withService(async (trx) => {
    const connection = await trx
      .insertInto('channel_connections')
      .values({
        workspace_id: workspaceId,
        login_path: 'instagram',
        channel_identifier: igId,
        display_name: `@${igId}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const conversation = await trx
      .insertInto('conversations')
      .values({
        workspace_id: workspaceId,
        channel_connection_id: connection.id,
        contact_identifier: `igsid-${igId}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const message = await trx
      .insertInto('conversation_messages')
      .values({
        workspace_id: workspaceId,
        conversation_id: conversation.id,
        channel_connection_id: connection.id,
        direction: 'INBOUND',
        content: 'hello',
        status: 'RECEIVED',
        external_message_id: `mid-${igId}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const lead = await trx
      .insertInto('leads')
      .values({
        workspace_id: workspaceId,
        channel_connection_id: connection.id,
        conversation_id: conversation.id,
        contact_identifier: `igsid-${igId}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return {
      workspaceId,
      connectionId: connection.id,
      conversationId: conversation.id,
      messageId: message.id,
      leadId: lead.id,
    };
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  [ownerA, agentA, ownerB, outsider] = await Promise.all([
    signUpOperator(supabase, 'owner-a'),
    signUpOperator(supabase, 'agent-a'),
    signUpOperator(supabase, 'owner-b'),
    signUpOperator(supabase, 'outsider'),
  ]);
  const workspaceA = await createWorkspace(database.db, ownerA.actor, 'Shop A');
  const workspaceB = await createWorkspace(database.db, ownerB.actor, 'Shop B');
  await database.db.withService((trx) =>
    trx
      .insertInto('workspace_members')
      .values({ workspace_id: workspaceA.id, user_id: agentA.actor.userId, role: 'agent' })
      .execute(),
  );
  a = await seedInbox(workspaceA.id, '1784000000000001');
  b = await seedInbox(workspaceB.id, '1784000000000002');
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

describe('workspaces', () => {
  it('members see their workspaces only', async () => {
    const seen = (op: TestOperator) => as(op, (trx) => trx.selectFrom('workspaces').select('id').execute());
    expect(await seen(ownerA)).toEqual([{ id: a.workspaceId }]);
    expect(await seen(agentA)).toEqual([{ id: a.workspaceId }]);
    expect(await seen(outsider)).toEqual([]);
  });

  it('anyone signed in creates a workspace for themselves, and becomes its owner', async () => {
    const created = await createWorkspace(database.db, outsider.actor, 'Side project');
    expect(created).toMatchObject({ name: 'Side project', role: 'owner' });
    await expect(
      as(outsider, (trx) =>
        trx.insertInto('workspaces').values({ name: 'Impostor', created_by: ownerA.actor.userId }).execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('admins rename their workspace; nobody renames another one; agents cannot rename', async () => {
    const rename = (op: TestOperator, id: string) =>
      as(op, (trx) =>
        trx.updateTable('workspaces').set({ name: 'Renamed' }).where('id', '=', id).executeTakeFirst(),
      );
    expect(count(await rename(ownerA, b.workspaceId))).toBe(0);
    expect(count(await rename(agentA, a.workspaceId))).toBe(0);
    expect(count(await rename(ownerA, a.workspaceId))).toBe(1);
  });

  it('nobody deletes a workspace directly, not even its owner', async () => {
    await expect(
      as(ownerA, (trx) => trx.deleteFrom('workspaces').where('id', '=', a.workspaceId).execute()),
    ).rejects.toMatchObject(denied);
  });
});

describe('workspace_members', () => {
  it('members see the members of their workspaces only', async () => {
    const members = await as(agentA, (trx) =>
      trx.selectFrom('workspace_members').select(['user_id', 'role']).orderBy('role', 'desc').execute(),
    );
    expect(members).toEqual([
      { user_id: ownerA.actor.userId, role: 'owner' },
      { user_id: agentA.actor.userId, role: 'agent' },
    ]);
  });

  it('nobody adds a member directly (people join by creating a workspace or by invitation)', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .insertInto('workspace_members')
          .values({ workspace_id: a.workspaceId, user_id: outsider.actor.userId, role: 'agent' })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('agents cannot promote themselves; admins cannot touch other workspaces', async () => {
    const promote = (op: TestOperator, workspaceId: string, userId: string) =>
      as(op, (trx) =>
        trx
          .updateTable('workspace_members')
          .set({ role: 'admin' })
          .where('workspace_id', '=', workspaceId)
          .where('user_id', '=', userId)
          .executeTakeFirst(),
      );
    expect(count(await promote(agentA, a.workspaceId, agentA.actor.userId))).toBe(0);
    expect(count(await promote(ownerA, b.workspaceId, ownerB.actor.userId))).toBe(0);
  });

  it('the last owner cannot leave or be demoted', async () => {
    await expect(
      as(ownerB, (trx) =>
        trx
          .deleteFrom('workspace_members')
          .where('workspace_id', '=', b.workspaceId)
          .where('user_id', '=', ownerB.actor.userId)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23514', message: 'a workspace must keep at least one owner' });
    await expect(
      as(ownerB, (trx) =>
        trx
          .updateTable('workspace_members')
          .set({ role: 'agent' })
          .where('workspace_id', '=', b.workspaceId)
          .where('user_id', '=', ownerB.actor.userId)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('profiles', () => {
  it('operators see themselves and their co-workers, nobody else', async () => {
    const ids = await as(ownerA, (trx) => trx.selectFrom('profiles').select('id').execute());
    expect(ids.map((r) => r.id).sort()).toEqual([ownerA.actor.userId, agentA.actor.userId].sort());
    const lonely = await as(outsider, (trx) => trx.selectFrom('profiles').select('id').execute());
    expect(lonely).toEqual([{ id: outsider.actor.userId }]);
  });

  it('operators change their own display name only, and never their email', async () => {
    const rename = (op: TestOperator, id: string) =>
      as(op, (trx) =>
        trx.updateTable('profiles').set({ display_name: 'Grace' }).where('id', '=', id).executeTakeFirst(),
      );
    expect(count(await rename(ownerA, agentA.actor.userId))).toBe(0);
    expect(count(await rename(ownerA, ownerA.actor.userId))).toBe(1);
    await expect(
      as(ownerA, (trx) =>
        trx.updateTable('profiles').set({ email: 'x@y.z' }).where('id', '=', ownerA.actor.userId).execute(),
      ),
    ).rejects.toMatchObject(denied);
  });
});

describe('channel_connections', () => {
  it("members see their workspace's accounts, but never the token columns", async () => {
    const ids = await as(agentA, (trx) => trx.selectFrom('channel_connections').select('id').execute());
    expect(ids).toEqual([{ id: a.connectionId }]);
    await expect(
      as(ownerA, (trx) => trx.selectFrom('channel_connections').select('access_token').execute()),
    ).rejects.toMatchObject(denied);
    await expect(
      as(ownerA, (trx) => trx.selectFrom('channel_connections').selectAll().execute()),
    ).rejects.toMatchObject(denied);
  });

  it('only the server creates connections', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .insertInto('channel_connections')
          .values({ workspace_id: a.workspaceId, login_path: 'instagram', channel_identifier: '1784999' })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('only the server changes or deletes connections (disconnecting is more than a status)', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .updateTable('channel_connections')
          .set({ is_active: false })
          .where('id', '=', a.connectionId)
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
    await expect(
      as(ownerA, (trx) => trx.deleteFrom('channel_connections').where('id', '=', a.connectionId).execute()),
    ).rejects.toMatchObject(denied);
  });

  it('refuses to store a token that is not an encrypted envelope', async () => {
    await expect(
      database.db.withService((trx) =>
        trx
          .updateTable('channel_connections')
          .set({ access_token: 'IGAAplaintext' })
          .where('id', '=', a.connectionId)
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('an Instagram account cannot be live in two workspaces', async () => {
    await expect(
      database.db.withService((trx) =>
        trx
          .insertInto('channel_connections')
          .values({
            workspace_id: b.workspaceId,
            login_path: 'instagram',
            channel_identifier: '1784000000000001',
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '23505' });
  });
});

describe('conversations', () => {
  it("members see their workspace's conversations only", async () => {
    expect(await as(agentA, (trx) => trx.selectFrom('conversations').select('id').execute())).toEqual([
      { id: a.conversationId },
    ]);
    expect(await as(outsider, (trx) => trx.selectFrom('conversations').select('id').execute())).toEqual([]);
  });

  it('only ingest creates conversations', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .insertInto('conversations')
          .values({
            workspace_id: a.workspaceId,
            channel_connection_id: a.connectionId,
            contact_identifier: 'x',
          })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('members assign and archive their own conversations only, and cannot move them', async () => {
    const assign = (op: TestOperator, id: string) =>
      as(op, (trx) =>
        trx
          .updateTable('conversations')
          .set({ assigned_to: op.actor.userId, status: 'ARCHIVED', unread_count: 0 })
          .where('id', '=', id)
          .executeTakeFirst(),
      );
    expect(count(await assign(ownerB, a.conversationId))).toBe(0);
    expect(count(await assign(agentA, a.conversationId))).toBe(1);
    await expect(
      as(ownerA, (trx) =>
        trx
          .updateTable('conversations')
          .set({ workspace_id: b.workspaceId })
          .where('id', '=', a.conversationId)
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('nobody deletes a conversation directly', async () => {
    await expect(
      as(ownerA, (trx) => trx.deleteFrom('conversations').where('id', '=', a.conversationId).execute()),
    ).rejects.toMatchObject(denied);
  });
});

describe('conversation_messages', () => {
  it("members read their workspace's messages only", async () => {
    expect(await as(agentA, (trx) => trx.selectFrom('conversation_messages').select('id').execute())).toEqual(
      [{ id: a.messageId }],
    );
    expect(
      await as(outsider, (trx) => trx.selectFrom('conversation_messages').select('id').execute()),
    ).toEqual([]);
  });

  it("only the server stores messages (replies go through the app's checks)", async () => {
    await expect(
      as(agentA, (trx) =>
        trx
          .insertInto('conversation_messages')
          .values({
            workspace_id: a.workspaceId,
            conversation_id: a.conversationId,
            channel_connection_id: a.connectionId,
            user_id: agentA.actor.userId,
            direction: 'OUTBOUND',
            status: 'QUEUED',
            content: 'On its way!',
            idempotency_key: randomUUID(),
          })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('operators never change or delete a message directly (the send worker and ingest do)', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .updateTable('conversation_messages')
          .set({ status: 'SENT' })
          .where('id', '=', a.messageId)
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
    await expect(
      as(ownerA, (trx) => trx.deleteFrom('conversation_messages').where('id', '=', a.messageId).execute()),
    ).rejects.toMatchObject(denied);
  });
});

describe('leads', () => {
  it("members see their workspace's leads only", async () => {
    expect(await as(agentA, (trx) => trx.selectFrom('leads').select('id').execute())).toEqual([
      { id: a.leadId },
    ]);
    expect(await as(outsider, (trx) => trx.selectFrom('leads').select('id').execute())).toEqual([]);
  });

  it('only ingest creates leads', async () => {
    await expect(
      as(ownerA, (trx) =>
        trx
          .insertInto('leads')
          .values({
            workspace_id: a.workspaceId,
            channel_connection_id: a.connectionId,
            contact_identifier: 'y',
          })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it('members qualify their own leads only', async () => {
    const qualify = (op: TestOperator, id: string) =>
      as(op, (trx) =>
        trx.updateTable('leads').set({ status: 'QUALIFIED' }).where('id', '=', id).executeTakeFirst(),
      );
    expect(count(await qualify(agentA, b.leadId))).toBe(0);
    expect(count(await qualify(agentA, a.leadId))).toBe(1);
  });

  it('nobody deletes a lead directly', async () => {
    await expect(
      as(ownerA, (trx) => trx.deleteFrom('leads').where('id', '=', a.leadId).execute()),
    ).rejects.toMatchObject(denied);
  });
});

describe('webhook_events', () => {
  it('is server-only: operators can neither read nor write the ledger', async () => {
    await database.db.withService((trx) =>
      trx
        .insertInto('webhook_events')
        .values({ raw_body: Buffer.from('{}'), signature_valid: true })
        .execute(),
    );
    await expect(
      as(ownerA, (trx) => trx.selectFrom('webhook_events').select('id').execute()),
    ).rejects.toMatchObject(denied);
    await expect(
      as(ownerA, (trx) =>
        trx
          .insertInto('webhook_events')
          .values({ raw_body: Buffer.from('{}'), signature_valid: true })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
    await expect(
      as(ownerA, (trx) => trx.updateTable('webhook_events').set({ status: 'FAILED' }).execute()),
    ).rejects.toMatchObject(denied);
    await expect(as(ownerA, (trx) => trx.deleteFrom('webhook_events').execute())).rejects.toMatchObject(
      denied,
    );
  });
});

describe('realtime topics', () => {
  // Realtime authorises a join the way this does: probe rows inserted, then read back as the
  // joining user with the topic set; a row that comes back means the user may listen.
  async function mayJoin(operator: TestOperator | null, topic: string): Promise<boolean> {
    const id = randomUUID();
    return database.db.kysely.transaction().execute(async (trx) => {
      await sql`insert into realtime.messages (id, topic, extension, private) values (${id}, ${topic}, 'broadcast', true)`.execute(
        trx,
      );
      const role = operator ? 'authenticated' : 'anon';
      const claims = JSON.stringify(operator ? { sub: operator.actor.userId, role } : { role });
      await sql`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${claims}, true),
                       set_config('realtime.topic', ${topic}, true)`.execute(trx);
      const { rows } = await sql`select id from realtime.messages where id = ${id}`.execute(trx);
      return rows.length === 1;
    });
  }

  it("members may join their workspace's and conversations' topics, nobody else may", async () => {
    expect(await mayJoin(agentA, workspaceTopic(a.workspaceId))).toBe(true);
    expect(await mayJoin(agentA, conversationTopic(a.conversationId))).toBe(true);
    expect(await mayJoin(agentA, workspaceTopic(b.workspaceId))).toBe(false);
    expect(await mayJoin(agentA, conversationTopic(b.conversationId))).toBe(false);
    expect(await mayJoin(outsider, workspaceTopic(a.workspaceId))).toBe(false);
    expect(await mayJoin(agentA, 'somethingelse:1')).toBe(false);
    await expect(mayJoin(null, workspaceTopic(a.workspaceId))).resolves.toBe(false);
  });
});

describe('server-only tables', () => {
  it.each(['oauth_states', 'data_deletion_requests', 'send_rate_slots', 'push_deliveries'] as const)(
    'operators cannot read %s',
    async (table) => {
      await expect(
        as(ownerA, (trx) => sql`select 1 from ${sql.table(table)} limit 1`.execute(trx)),
      ).rejects.toMatchObject(denied);
    },
  );
});

describe('the anon role', () => {
  const tables = [
    'workspaces',
    'workspace_members',
    'profiles',
    'channel_connections',
    'conversations',
    'conversation_messages',
    'leads',
    'webhook_events',
    'instagram_events',
    'ingest_failures',
    'contacts',
    'oauth_states',
    'data_deletion_requests',
    'send_rate_slots',
    'workspace_invitations',
    'push_devices',
    'push_deliveries',
    'user_notification_preferences',
    'conversation_mutes',
  ] as const;

  it.each(tables)('cannot read %s', async (table) => {
    await expect(
      database.db.kysely.transaction().execute(async (trx) => {
        await sql`select set_config('role', 'anon', true)`.execute(trx);
        return sql`select 1 from ${sql.table(table)} limit 1`.execute(trx);
      }),
    ).rejects.toMatchObject(denied);
  });
});

describe('search (a security definer function, so its indexes serve it under RLS)', () => {
  const search = (operator: TestOperator, workspaceId: string, words: string) =>
    as(operator, async (trx) => {
      const { rows } = await sql<{ id: string }>`
        select private.search_conversations(${workspaceId}::uuid, ${`%${words}%`}, ${words}) as id`.execute(
        trx,
      );
      return rows.map((row) => row.id);
    });

  it("finds a member's conversations by message text, and nothing of a workspace they are not in", async () => {
    expect(await search(ownerA, a.workspaceId, 'hell')).toEqual([a.conversationId]);
    expect(await search(agentA, a.workspaceId, 'HELLO')).toEqual([a.conversationId]);
    expect(await search(ownerB, a.workspaceId, 'hell')).toEqual([]);
    expect(await search(outsider, a.workspaceId, 'hell')).toEqual([]);
    expect(await search(outsider, b.workspaceId, '')).toEqual([]);
  });
});

describe('leads search (a security definer function, so its indexes serve it under RLS)', () => {
  const searchLeads = (operator: TestOperator, workspaceId: string, text: string) =>
    as(operator, async (trx) => {
      const { rows } = await sql<{ id: string }>`
        select private.search_leads(${workspaceId}::uuid, ${`%${text}%`}, ${`%${text}%`}) as id`.execute(trx);
      return rows.map((row) => row.id);
    });

  it("finds a member's leads by name or username, and nothing of a workspace they are not in", async () => {
    await database.query(`update leads set name = 'Giulia Rossi', username = 'giulia.r' where id = $1`, [
      a.leadId,
    ]);
    expect(await searchLeads(ownerA, a.workspaceId, 'giulia')).toEqual([a.leadId]);
    expect(await searchLeads(agentA, a.workspaceId, 'ROSSI')).toEqual([a.leadId]);
    expect(await searchLeads(ownerB, a.workspaceId, 'giulia')).toEqual([]);
    expect(await searchLeads(outsider, a.workspaceId, 'giulia')).toEqual([]);
    expect(await searchLeads(outsider, b.workspaceId, '')).toEqual([]);
  });
});

describe('schema conventions', () => {
  it('every table in public has row-level security enabled', async () => {
    const { rows } = await database.query<{ relname: string }>(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' and not c.relrowsecurity`,
    );
    expect(rows).toEqual([]);
  });

  it('policies call auth.uid() through a sub-select, so it runs once per statement', async () => {
    const { rows } = await database.query<{ policyname: string; expr: string }>(
      `select policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '') as expr
       from pg_policies where schemaname = 'public'`,
    );
    expect(rows.length).toBeGreaterThan(15);
    const unwrapped = rows.filter((r) => /(?<!SELECT )auth\.uid\(\)/.test(r.expr)).map((r) => r.policyname);
    expect(unwrapped).toEqual([]);
  });

  it('every policy is for authenticated only', async () => {
    const { rows } = await database.query<{ policyname: string }>(
      `select policyname from pg_policies where schemaname = 'public' and roles <> '{authenticated}'`,
    );
    expect(rows).toEqual([]);
  });

  // Composite keys put the parent's id first; being unique, it alone makes the lookup selective.
  it("every foreign key in public is backed by an index that starts with the key's first column", async () => {
    const { rows } = await database.query<{ constraint: string }>(
      `select c.conname as constraint
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
       where c.contype = 'f' and n.nspname = 'public'
         and not exists (
           select 1 from pg_index i
           where i.indrelid = c.conrelid and (i.indkey::int2[])[0] = c.conkey[1])`,
    );
    expect(rows).toEqual([]);
  });
});
