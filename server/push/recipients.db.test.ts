// Who hears about a customer's message, and each one's badge, against a reference model: seeded
// random teams (members in one or two workspaces, preferences, mutes, assignees, unread counts,
// devices, some of them registered by sessions since ended, and people outside the workspace)
// and the rule written plainly in TypeScript.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { planNotification } from './recipients.repository.ts';

type Notify = 'all' | 'assigned' | 'none' | undefined;
interface World {
  workspaces: string[];
  users: string[];
  members: Map<string, Set<string>>; // workspace → users
  prefs: Map<string, Notify>; // `${workspace}:${user}`
  conversations: { id: string; workspaceId: string; assignedTo: string | null; unread: number }[];
  mutes: Set<string>; // `${conversation}:${user}`
  devices: { id: string; userId: string; signedIn: boolean }[];
}

let database: TestDatabase;
const USERS = 6;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The rule, as docs/decisions/024-push-notifications.md states it. */
function hears(world: World, user: string, conversation: World['conversations'][number]): boolean {
  if (!world.members.get(conversation.workspaceId)?.has(user)) return false;
  if (world.mutes.has(`${conversation.id}:${user}`)) return false;
  const notify = world.prefs.get(`${conversation.workspaceId}:${user}`) ?? 'all';
  if (conversation.assignedTo) return conversation.assignedTo === user && notify !== 'none';
  return notify === 'all';
}

function expected(world: World, target: World['conversations'][number]) {
  const badge = (user: string) =>
    world.conversations
      .filter((c) => c.unread > 0 && hears(world, user, c))
      .reduce((sum, c) => sum + c.unread, 0);
  return world.devices
    .filter((d) => d.signedIn && hears(world, d.userId, target))
    .map((d) => ({ id: d.id, userId: d.userId, badge: badge(d.userId) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function arrange(seed: number): Promise<World> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)] as T;
  await database.query('delete from workspaces; delete from push_devices; delete from auth.users');
  const users = Array.from({ length: USERS }, () => randomUUID());
  for (const id of users) {
    await database.query('insert into auth.users (id, email) values ($1, $2)', [id, `${id}@example.test`]);
  }
  const workspaces = [randomUUID(), randomUUID()];
  const world: World = {
    workspaces,
    users,
    members: new Map(),
    prefs: new Map(),
    conversations: [],
    mutes: new Set(),
    devices: [],
  };
  for (const [w, workspaceId] of workspaces.entries()) {
    await database.query('insert into workspaces (id, name) values ($1, $2)', [workspaceId, `Shop ${w}`]);
    // The last user is never a member of anything: someone with a device and no access.
    const members = new Set(users.slice(0, -1).filter((_, i) => i === 0 || random.next() < 0.7));
    world.members.set(workspaceId, members);
    for (const user of members) {
      await database.query(
        'insert into workspace_members (workspace_id, user_id, role) values ($1, $2, $3)',
        [workspaceId, user, 'agent'],
      );
      const notify = pick<Notify>(['all', 'assigned', 'none', undefined]);
      world.prefs.set(`${workspaceId}:${user}`, notify);
      if (notify) {
        await database.query(
          'insert into user_notification_preferences (workspace_id, user_id, notify) values ($1, $2, $3)',
          [workspaceId, user, notify],
        );
      }
    }
    const { rows } = await database.query<{ id: string }>(
      `insert into channel_connections (workspace_id, login_path, channel_identifier)
       values ($1, 'instagram', $2) returning id`,
      [workspaceId, `1784140000000${seed}${w}`],
    );
    const connectionId = rows[0]?.id;
    for (let c = 0; c < 4; c++) {
      const assignedTo = random.next() < 0.5 ? pick([...members]) : null;
      const unread = pick([0, 0, 1, 2, 5]);
      const id = randomUUID();
      await database.query(
        `insert into conversations (id, workspace_id, channel_connection_id, contact_identifier, assigned_to, unread_count)
         values ($1, $2, $3, $4, $5, $6)`,
        [id, workspaceId, connectionId, `contact-${c}`, assignedTo, unread],
      );
      world.conversations.push({ id, workspaceId, assignedTo, unread });
      for (const user of members) {
        if (random.next() < 0.2) {
          world.mutes.add(`${id}:${user}`);
          await database.query(
            'insert into conversation_mutes (conversation_id, user_id, workspace_id) values ($1, $2, $3)',
            [id, user, workspaceId],
          );
        }
      }
    }
  }
  for (const user of users) {
    const count = pick([0, 1, 1, 2]);
    for (let d = 0; d < count; d++) {
      const id = randomUUID();
      // A session signed out (gone), past its time limit, or alive.
      const session = pick(['gone', 'expired', 'alive', 'alive', 'alive'] as const);
      const sessionId = randomUUID();
      if (session !== 'gone') {
        await database.query('insert into auth.sessions (id, user_id, not_after) values ($1, $2, $3)', [
          sessionId,
          user,
          session === 'expired' ? new Date(Date.now() - 60_000) : null,
        ]);
      }
      world.devices.push({ id, userId: user, signedIn: session === 'alive' });
      await database.query(
        `insert into push_devices (id, user_id, session_id, platform, token_hash, token)
         values ($1, $2, $3, 'expo', $4, 'enc:v1:k:x:y:z')`,
        [id, user, sessionId, randomUUID().replaceAll('-', '').repeat(2)],
      );
    }
  }
  return world;
}

async function messageIn(
  conversation: World['conversations'][number],
  state: 'inbound' | 'outbound' | 'unsent',
) {
  const { rows } = await database.query<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, content,
       status, external_message_id, unsent_at)
     select workspace_id, id, channel_connection_id, $2, 'Hello', $3, $4, $5 from conversations where id = $1
     returning id`,
    [
      conversation.id,
      state === 'outbound' ? 'OUTBOUND' : 'INBOUND',
      state === 'outbound' ? 'SENT' : 'RECEIVED',
      `mid-${randomUUID()}`,
      state === 'unsent' ? new Date() : null,
    ],
  );
  return rows[0]?.id as string;
}

describe('who is notified, with what badge', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it.each(seeds)('matches the reference model (seed %i)', async (seed) => {
    const world = await arrange(seed);
    const random = seededRandom(seed * 7919);
    const inWorkspace = world.conversations.filter((c) => c.workspaceId === world.workspaces[0]);
    for (const target of inWorkspace) {
      const messageId = await messageIn(target, 'inbound');
      const plan = await database.db.withService((trx) =>
        planNotification(trx, { workspaceId: target.workspaceId, conversationId: target.id, messageId }),
      );
      expect(plan?.workspaceName).toBe('Shop 0');
      expect(plan?.devices.map((d) => ({ id: d.id, userId: d.userId, badge: d.badge }))).toEqual(
        expected(world, target),
      );
    }
    // Nothing to tell of a reply, an unsent message, or a message named under another conversation.
    const target = inWorkspace[
      Math.floor(random.next() * inWorkspace.length)
    ] as (typeof inWorkspace)[number];
    const other = world.conversations.find((c) => c.id !== target.id) as (typeof inWorkspace)[number];
    for (const state of ['outbound', 'unsent'] as const) {
      const messageId = await messageIn(target, state);
      expect(
        await database.db.withService((trx) =>
          planNotification(trx, { workspaceId: target.workspaceId, conversationId: target.id, messageId }),
        ),
      ).toBeUndefined();
    }
    const messageId = await messageIn(target, 'inbound');
    expect(
      await database.db.withService((trx) =>
        planNotification(trx, { workspaceId: other.workspaceId, conversationId: other.id, messageId }),
      ),
    ).toBeUndefined();
  });

  it('the model is not vacuous: the cases hold notified and silenced people alike', async () => {
    let notified = 0;
    let silenced = 0;
    for (const seed of seeds.slice(0, 10)) {
      const world = await arrange(seed);
      for (const target of world.conversations) {
        const heard = world.devices.filter((d) => d.signedIn && hears(world, d.userId, target)).length;
        notified += heard;
        silenced += world.devices.length - heard;
      }
    }
    expect(notified).toBeGreaterThan(20);
    expect(silenced).toBeGreaterThan(20);
  });
});
