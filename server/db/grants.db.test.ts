// What a member can write straight to Postgres as `authenticated`, with the claims of a real
// token (hosted Supabase exposes this role through its REST API), is no more than the app lets
// them do (issue 13): nobody adds a membership except by creating a workspace or accepting an
// invitation, an assignee is a member of the conversation's workspace, replies are stored only
// through the app's checks, and the writes the app makes as the server after its own checks are
// refused to members. Cases are generated over callers, roles and contents.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { attachmentsColumn, plainAttachment } from '../conversations/index.ts';
import { queueOutboundMessage } from '../sending/index.ts';
import {
  acceptInvitation,
  createWorkspace,
  inviteTeammate,
  updateWorkspaceRetention,
} from '../team/index.ts';
import type { Tx } from './database.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
const people = {} as Record<'owner' | 'admin' | 'agent' | 'ownerB' | 'stranger', TestOperator>;
let workspaceId: string;
let connectionId: string;
let conversationId: string;
let messageId: string;
let leadId: string;

const as = <T>(operator: TestOperator, fn: (trx: Tx) => Promise<T>) =>
  database.db.withUser(operator.actor, fn);
const denied = { code: '42501' };

/** Joins the way the app lets people join: an owner's invitation link, accepted. */
async function join(person: TestOperator, role: 'admin' | 'agent'): Promise<void> {
  const { url } = await inviteTeammate(database.db, people.owner.actor, {
    workspaceId,
    role,
    appUrl: 'http://app.test',
  });
  await acceptInvitation(database.db, person.actor, new URL(url).pathname.replace('/invite/', ''));
}

const assignedTo = async () =>
  (await database.query('select assigned_to from conversations where id = $1', [conversationId])).rows[0]
    ?.assigned_to;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  const labels = ['owner', 'admin', 'agent', 'ownerB', 'stranger'] as const;
  const signedUp = await Promise.all(labels.map((label) => signUpOperator(supabase, label)));
  for (const [i, label] of labels.entries()) people[label] = signedUp[i] as TestOperator;
  workspaceId = (await createWorkspace(database.db, people.owner.actor, 'Shop')).id;
  await createWorkspace(database.db, people.ownerB.actor, 'Other shop');
  await join(people.admin, 'admin');
  await join(people.agent, 'agent');

  const { rows } = await database.query<{
    connection_id: string;
    conversation_id: string;
    message_id: string;
    lead_id: string;
  }>(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                 values ($1, 'instagram', '17841400000000888') returning id),
     conv as (insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_inbound_at)
              select $1, id, '5830000000000001', now() from cc returning id, channel_connection_id),
     msg as (insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction,
               content, status, external_message_id)
             select $1, id, channel_connection_id, 'INBOUND', 'hello', 'RECEIVED', 'mid-1' from conv returning id),
     lead as (insert into leads (workspace_id, channel_connection_id, conversation_id, contact_identifier)
              select $1, channel_connection_id, id, '5830000000000001' from conv returning id)
     select (select id from cc) as connection_id, (select id from conv) as conversation_id,
            (select id from msg) as message_id, (select id from lead) as lead_id`,
    [workspaceId],
  );
  ({
    connection_id: connectionId,
    conversation_id: conversationId,
    message_id: messageId,
    lead_id: leadId,
  } = rows[0] as (typeof rows)[number]);
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

describe('memberships', () => {
  const callers = ['owner', 'admin', 'agent'] as const;
  const roles = ['agent', 'admin', 'owner'] as const;
  const targets = ['stranger', 'ownerB'] as const;
  const cases = callers.flatMap((caller) =>
    roles.flatMap((role) => targets.map((target) => ({ caller, role, target }))),
  );

  it.each(cases)(
    'the $caller cannot add $target as $role directly, nor then read their email',
    async ({ caller, role, target }) => {
      await expect(
        as(people[caller], (trx) =>
          trx
            .insertInto('workspace_members')
            .values({ workspace_id: workspaceId, user_id: people[target].actor.userId, role })
            .execute(),
        ),
      ).rejects.toMatchObject(denied);
      const seen = await as(people[caller], (trx) =>
        trx.selectFrom('profiles').select('email').where('id', '=', people[target].actor.userId).execute(),
      );
      expect(seen).toEqual([]);
    },
  );

  it('people who joined by invitation see each other', async () => {
    const seen = await as(people.agent, (trx) => trx.selectFrom('profiles').select('id').execute());
    expect(seen.map((p) => p.id).sort()).toEqual(
      [people.owner, people.admin, people.agent].map((p) => p.actor.userId).sort(),
    );
  });
});

describe('assignees', () => {
  const assign = (caller: TestOperator, userId: string | null) =>
    as(caller, (trx) =>
      trx
        .updateTable('conversations')
        .set({ assigned_to: userId })
        .where('id', '=', conversationId)
        .execute(),
    );
  const outsiders = {
    'someone in no workspace': () => people.stranger.actor.userId,
    "another workspace's owner": () => people.ownerB.actor.userId,
    'no one at all': () => randomUUID(),
  };

  it.each(Object.keys(outsiders) as (keyof typeof outsiders)[])(
    'a member cannot assign a conversation to %s',
    async (who) => {
      await expect(assign(people.agent, outsiders[who]())).rejects.toMatchObject({
        code: '23503',
        constraint: 'conversations_assignee_is_member',
      });
      expect(await assignedTo()).toBeNull();
    },
  );

  it.each(['owner', 'admin', 'agent'] as const)(
    'a member can assign a conversation to the %s',
    async (who) => {
      await assign(people.agent, people[who].actor.userId);
      expect(await assignedTo()).toBe(people[who].actor.userId);
      await assign(people.agent, null);
    },
  );

  it('someone who leaves the workspace is no longer anyone’s assignee', async () => {
    const leaving = await signUpOperator(supabase, 'leaving');
    await join(leaving, 'agent');
    await assign(people.agent, leaving.actor.userId);
    await as(leaving, (trx) =>
      trx.deleteFrom('workspace_members').where('user_id', '=', leaving.actor.userId).execute(),
    );
    expect(await assignedTo()).toBeNull();
  });
});

describe('replies', () => {
  const text = (content: string) => ({ kind: 'text', content, attachments: null });
  const attachment = (url: string) => ({
    kind: 'image',
    content: '',
    attachments: attachmentsColumn.encode([plainAttachment('image', url)]),
  });
  const contents = {
    'a short text': text('On its way!'),
    'a text over 1000 bytes': text('é'.repeat(501)),
    'an empty text': text(''),
    'a blank text': text('   '),
    'an https image': attachment('https://cdn.example.test/a.png'),
    'an http image': attachment('http://cdn.example.test/a.png'),
    'a javascript: link': attachment('javascript:alert(1)'),
    'a data: URL': attachment('data:image/png;base64,AAAA'),
  };
  const cases = (['owner', 'agent'] as const).flatMap((caller) =>
    (Object.keys(contents) as (keyof typeof contents)[]).map((content) => ({ caller, content })),
  );

  it.each(cases)('the $caller cannot store $content as a reply directly', async ({ caller, content }) => {
    await expect(
      as(people[caller], (trx) =>
        trx
          .insertInto('conversation_messages')
          .values({
            workspace_id: workspaceId,
            conversation_id: conversationId,
            channel_connection_id: connectionId,
            user_id: people[caller].actor.userId,
            direction: 'OUTBOUND',
            status: 'QUEUED',
            idempotency_key: randomUUID(),
            ...contents[content],
          })
          .execute(),
      ),
    ).rejects.toMatchObject(denied);
  });

  it("the app's checked path stores a member's reply", async () => {
    const [stored] = await queueOutboundMessage(
      { db: database.db, enqueue: async () => {} },
      people.agent.actor,
      {
        workspaceId,
        conversationId,
        idempotencyKey: randomUUID(),
        sentByHuman: true,
        text: 'Checked and queued',
      },
    );
    expect(stored).toMatchObject({ status: 'QUEUED', content: 'Checked and queued' });
    const { rows } = await database.query('select user_id from conversation_messages where id = $1', [
      stored?.id,
    ]);
    expect(rows).toEqual([{ user_id: people.agent.actor.userId }]);
  });
});

describe('writes the app makes as the server', () => {
  // As the owner, who may do the most: each would bypass what the app does around it.
  const writes: Record<string, (trx: Tx) => Promise<unknown>> = {
    "marking an account disconnected (its tokens would stay, Meta's webhooks keep coming)": (trx) =>
      trx
        .updateTable('channel_connections')
        .set({ status: 'DISCONNECTED' })
        .where('id', '=', connectionId)
        .execute(),
    'deleting an account (its history would stay)': (trx) =>
      trx.deleteFrom('channel_connections').where('id', '=', connectionId).execute(),
    'deleting a conversation': (trx) =>
      trx.deleteFrom('conversations').where('id', '=', conversationId).execute(),
    'deleting a message': (trx) =>
      trx.deleteFrom('conversation_messages').where('id', '=', messageId).execute(),
    'deleting a lead': (trx) => trx.deleteFrom('leads').where('id', '=', leadId).execute(),
    'deleting a workspace': (trx) => trx.deleteFrom('workspaces').where('id', '=', workspaceId).execute(),
    'creating a workspace with settings of its own': (trx) =>
      trx
        .insertInto('workspaces')
        .values({ name: 'Preset', created_by: people.owner.actor.userId, send_seen_enabled: true })
        .execute(),
  };

  it.each(Object.keys(writes))('members cannot write directly: %s', async (write) => {
    await expect(as(people.owner, writes[write] as (trx: Tx) => Promise<unknown>)).rejects.toMatchObject(
      denied,
    );
  });

  it('every write granted to authenticated is one the app makes as the member', async () => {
    const { rows } = await database.query<{ grant: string }>(
      `select c.relname || ' ' || p.privilege || case when p.privilege <> 'DELETE' then ' (' || (
                select string_agg(a.attname, ', ' order by a.attname) from pg_attribute a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and has_column_privilege('authenticated', c.oid, a.attnum, p.privilege)
              ) || ')' else '' end as grant
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       cross join unnest(array['INSERT', 'UPDATE', 'DELETE']) p(privilege)
       where n.nspname = 'public' and c.relkind = 'r'
         and case p.privilege
               when 'DELETE' then has_table_privilege('authenticated', c.oid, 'DELETE')
               else has_any_column_privilege('authenticated', c.oid, p.privilege)
             end
       order by 1`,
    );
    expect(rows.map((r) => r.grant)).toEqual([
      // notifications.unmute, notifications.mute (for oneself, in one's workspaces)
      'conversation_mutes DELETE',
      'conversation_mutes INSERT (conversation_id, user_id, workspace_id)',
      // inbox.update (assign, archive) and inbox.markRead
      'conversations UPDATE (assigned_to, status, unread_count)',
      // Not used by the app yet: the schema lets members qualify leads, bounded by its checks.
      'leads UPDATE (name, status)',
      // Not used by the app yet: a person's own display name, bounded by its check.
      'profiles UPDATE (display_name)',
      // devices.unregister (one's own devices; registering is the server's)
      'push_devices DELETE',
      // notifications.updatePreferences (one's own, bounded by its check)
      'user_notification_preferences INSERT (notify, user_id, workspace_id)',
      'user_notification_preferences UPDATE (notify)',
      // team.invite, team.revokeInvitation
      'workspace_invitations INSERT (created_by, role, token_hash, workspace_id)',
      'workspace_invitations UPDATE (revoked_at)',
      // team.removeMember, team.changeRole
      'workspace_members DELETE',
      'workspace_members UPDATE (role)',
      // operator.createWorkspace; settings.updateSend and settings.updateRetention (and renaming,
      // bounded by its check)
      'workspaces INSERT (created_by, id, name)',
      'workspaces UPDATE (delivery_retention_days, human_agent_enabled, message_retention_days, name, send_reactions_enabled, send_seen_enabled, send_typing_enabled)',
    ]);
  });

  it('only owners and admins set retention, within its bounds, for their own workspace', async () => {
    const set = (
      operator: TestOperator,
      policy: { messageDays?: number | null; deliveryDays?: number },
      id = workspaceId,
    ) => updateWorkspaceRetention(database.db, operator.actor, { workspaceId: id, policy });
    await expect(set(people.agent, { messageDays: 30 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(set(people.ownerB, { messageDays: 30 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await set(people.admin, { messageDays: 90, deliveryDays: 14 })).toEqual({
      messageDays: 90,
      deliveryDays: 14,
    });
    // The database holds the bounds too, whatever the caller checked.
    await expect(set(people.owner, { messageDays: 3 })).rejects.toMatchObject({ code: '23514' });
    await expect(set(people.owner, { deliveryDays: 0 })).rejects.toMatchObject({ code: '23514' });
    expect(await set(people.owner, { messageDays: null })).toEqual({ messageDays: null, deliveryDays: 14 });
  });
});
