// Devices and preferences through the typed API over HTTP, as a phone or browser calls it, and
// the same rules in SQL as `authenticated` (what a direct client could do with a member's token).
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newBrowserKeys } from '#dev/push/web-push-crypto.ts';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, signUpTeam, type TestOperator, type TestTeam } from '#dev/test/operators.ts';
import type { Tx } from '../db/database.ts';

const PUSH_ORIGIN = 'http://127.0.0.1:4999';
let stack: ApiStack;
let team: TestTeam;
let conversationId: string;
let otherConversationId: string;

const client = (operator: TestOperator) => operatorClient(stack.api, operator);
const as = <T>(operator: TestOperator, fn: (trx: Tx) => Promise<T>) =>
  stack.database.db.withUser(operator.actor, fn);
const expoToken = (name: string) => `ExponentPushToken[${name}-0000000000]`;
const apnsToken = (n: number) => n.toString(16).padStart(64, 'b');

async function devicesInDatabase() {
  return (
    await stack.database.query('select user_id, platform, token_hash, token, app_id, label from push_devices')
  ).rows;
}

beforeAll(async () => {
  stack = await startApiStack({
    env: { PUSH_WEB_ENDPOINT_ORIGINS: `https://fcm.googleapis.com,${PUSH_ORIGIN}` },
  });
  team = await signUpTeam(stack.supabase, stack.database.db);
  const conversation = async (workspaceId: string, account: string) =>
    (
      await stack.database.query<{ id: string }>(
        `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                     values ($1, 'instagram', $2) returning id)
         insert into conversations (workspace_id, channel_connection_id, contact_identifier)
         select $1, id, '5830000000000001' from cc returning id`,
        [workspaceId, account],
      )
    ).rows[0]?.id as string;
  conversationId = await conversation(team.workspaceId, '17841400000000101');
  otherConversationId = await conversation(team.outsiderWorkspaceId, '17841400000000102');
});
beforeEach(async () => {
  await stack.database.query(
    'delete from push_devices; delete from conversation_mutes; delete from user_notification_preferences',
  );
});
afterAll(async () => {
  await stack?.stop();
});

describe('devices', () => {
  it('registering is idempotent: the same token again is the same device, seen again', async () => {
    const first = await client(team.owner).devices.register.mutate({
      platform: 'expo',
      token: expoToken('phone'),
      label: "Ana's phone",
    });
    const again = await client(team.owner).devices.register.mutate({
      platform: 'expo',
      token: expoToken('phone'),
    });
    expect(again.id).toBe(first.id);
    expect(again.label).toBe("Ana's phone");
    expect(Date.parse(again.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(first.lastSeenAt));
    expect(await client(team.owner).devices.list.query()).toEqual([again]);
  });

  it('a token registered by someone else moves to the caller (a shared phone), with a label of their own', async () => {
    const mine = await client(team.owner).devices.register.mutate({
      platform: 'apns',
      token: apnsToken(1).toUpperCase(),
      appId: 'com.example.inbox',
      label: "Ana's iPhone",
    });
    const theirs = await client(team.agent).devices.register.mutate({
      platform: 'apns',
      token: apnsToken(1),
      appId: 'com.example.inbox',
    });
    expect(theirs.id).toBe(mine.id);
    expect(theirs.label).toBeNull();
    expect(await client(team.owner).devices.list.query()).toEqual([]);
    expect((await client(team.agent).devices.list.query()).map((d) => d.id)).toEqual([mine.id]);
    expect((await devicesInDatabase()).map((d) => d.user_id)).toEqual([team.agent.actor.userId]);
  });

  it('tokens are never given back, and are sealed at rest', async () => {
    const keys = newBrowserKeys();
    const endpoint = `${PUSH_ORIGIN}/webpush/abcdef`;
    await client(team.owner).devices.register.mutate({ platform: 'expo', token: expoToken('secret') });
    await client(team.owner).devices.register.mutate({
      platform: 'web',
      subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      label: 'Chrome',
    });
    const listed = JSON.stringify(await client(team.owner).devices.list.query());
    for (const secret of [expoToken('secret'), endpoint, keys.p256dh, keys.auth, 'webpush/abcdef']) {
      expect(listed).not.toContain(secret);
    }
    const rows = JSON.stringify(await devicesInDatabase());
    for (const secret of [expoToken('secret'), 'secret-0000', 'webpush/abcdef', keys.auth]) {
      expect(rows).not.toContain(secret);
    }
  });

  it('unregisters by id, or from a browser by its endpoint; someone else’s device is not found', async () => {
    const phone = await client(team.owner).devices.register.mutate({
      platform: 'fcm',
      token: 'fcm-token-0000000000000001',
    });
    const keys = newBrowserKeys();
    const endpoint = `${PUSH_ORIGIN}/webpush/browser1`;
    await client(team.owner).devices.register.mutate({
      platform: 'web',
      subscription: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
    });
    const refusal = await apiRefusal(client(team.agent).devices.unregister.mutate({ deviceId: phone.id }));
    expect(refusal.data?.code).toBe('NOT_FOUND');
    expect((await apiRefusal(client(team.agent).devices.unregister.mutate({ endpoint }))).data?.code).toBe(
      'NOT_FOUND',
    );
    await client(team.owner).devices.unregister.mutate({ deviceId: phone.id });
    await client(team.owner).devices.unregister.mutate({ endpoint });
    expect(await client(team.owner).devices.list.query()).toEqual([]);
  });

  it('refuses bad tokens and push services off the allow-list, storing nothing', async () => {
    const keys = newBrowserKeys();
    const bad = [
      { platform: 'expo' as const, token: 'not-an-expo-token' },
      { platform: 'apns' as const, token: 'xyz', appId: 'com.example.inbox' },
      {
        platform: 'web' as const,
        subscription: {
          endpoint: 'http://169.254.169.254/latest',
          keys: { p256dh: keys.p256dh, auth: keys.auth },
        },
      },
      {
        platform: 'web' as const,
        subscription: { endpoint: 'javascript:alert(1)', keys: { p256dh: keys.p256dh, auth: keys.auth } },
      },
      {
        platform: 'web' as const,
        subscription: { endpoint: `${PUSH_ORIGIN}/x`, keys: { p256dh: 'AAAA', auth: keys.auth } },
      },
    ];
    for (const input of bad) {
      expect((await apiRefusal(client(team.owner).devices.register.mutate(input))).data?.code).toBe(
        'BAD_REQUEST',
      );
    }
    expect(await devicesInDatabase()).toEqual([]);
  });

  it('keeps a person’s 20 most recently seen devices', async () => {
    for (let i = 0; i < 22; i++) {
      await client(team.owner).devices.register.mutate({ platform: 'expo', token: expoToken(`many${i}`) });
    }
    expect(await client(team.owner).devices.list.query()).toHaveLength(20);
  });

  it('needs a signed-in caller', async () => {
    const anonymous = operatorClient(stack.api, {
      ...team.owner,
      session: { ...team.owner.session, access_token: 'x' },
    });
    expect((await apiRefusal(anonymous.devices.list.query())).data?.code).toBe('UNAUTHORIZED');
  });
});

describe('devices in SQL, as authenticated', () => {
  it('another person can neither see nor delete my device, nor read any token column', async () => {
    const mine = await client(team.owner).devices.register.mutate({
      platform: 'expo',
      token: expoToken('rls'),
    });
    const stranger = await signUpOperator(stack.supabase, 'stranger');
    for (const other of [team.agent, stranger]) {
      expect(await as(other, (trx) => trx.selectFrom('push_devices').select('id').execute())).toEqual([]);
      const deleted = await as(other, (trx) =>
        trx.deleteFrom('push_devices').where('id', '=', mine.id).executeTakeFirst(),
      );
      expect(Number(deleted.numDeletedRows)).toBe(0);
    }
    for (const column of ['token', 'token_hash']) {
      await expect(
        as(team.owner, (trx) => sql`select ${sql.ref(column)} from push_devices`.execute(trx)),
      ).rejects.toMatchObject({ code: '42501' });
    }
    expect((await devicesInDatabase()).length).toBe(1);
  });

  it('nobody registers a device directly (only the server seals tokens)', async () => {
    await expect(
      as(team.owner, (trx) =>
        trx
          .insertInto('push_devices')
          .values({
            user_id: team.owner.actor.userId,
            session_id: String(team.owner.actor.claims.session_id),
            platform: 'expo',
            token_hash: 'a'.repeat(64),
            token: 'enc:v1:x',
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
  });

  it('preferences and mutes: only one’s own, only in one’s own workspaces', async () => {
    await expect(
      as(team.agent, (trx) =>
        trx
          .insertInto('user_notification_preferences')
          .values({ workspace_id: team.workspaceId, user_id: team.owner.actor.userId, notify: 'none' })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      as(team.agent, (trx) =>
        trx
          .insertInto('conversation_mutes')
          .values({
            workspace_id: team.outsiderWorkspaceId,
            conversation_id: otherConversationId,
            user_id: team.agent.actor.userId,
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await client(team.owner).notifications.mute.mutate({ workspaceId: team.workspaceId, conversationId });
    expect(await as(team.agent, (trx) => trx.selectFrom('conversation_mutes').selectAll().execute())).toEqual(
      [],
    );
  });
});

describe('notification preferences', () => {
  it('default to everything; set per workspace; a muted conversation is listed until unmuted', async () => {
    const owner = client(team.owner);
    const workspaceId = team.workspaceId;
    expect(await owner.notifications.preferences.query({ workspaceId })).toEqual({
      notify: 'all',
      mutedConversationIds: [],
    });
    await owner.notifications.updatePreferences.mutate({ workspaceId, notify: 'assigned' });
    await owner.notifications.mute.mutate({ workspaceId, conversationId });
    await owner.notifications.mute.mutate({ workspaceId, conversationId });
    expect(await owner.notifications.preferences.query({ workspaceId })).toEqual({
      notify: 'assigned',
      mutedConversationIds: [conversationId],
    });
    // The agent's choices are their own.
    expect(await client(team.agent).notifications.preferences.query({ workspaceId })).toEqual({
      notify: 'all',
      mutedConversationIds: [],
    });
    await owner.notifications.unmute.mutate({ workspaceId, conversationId });
    await owner.notifications.updatePreferences.mutate({ workspaceId, notify: 'all' });
    expect(await owner.notifications.preferences.query({ workspaceId })).toEqual({
      notify: 'all',
      mutedConversationIds: [],
    });
  });

  it('refuses another workspace, and a conversation of another workspace', async () => {
    const agent = client(team.agent);
    expect(
      (await apiRefusal(agent.notifications.preferences.query({ workspaceId: team.outsiderWorkspaceId })))
        .data?.code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await apiRefusal(
          agent.notifications.mute.mutate({
            workspaceId: team.workspaceId,
            conversationId: otherConversationId,
          }),
        )
      ).data?.code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await apiRefusal(
          agent.notifications.updatePreferences.mutate({
            workspaceId: team.workspaceId,
            notify: 'loud' as 'all',
          }),
        )
      ).data?.code,
    ).toBe('BAD_REQUEST');
  });

  it('says whether browsers can subscribe (no VAPID key configured here)', async () => {
    expect(await client(team.agent).notifications.webPush.query()).toEqual({ vapidPublicKey: null });
  });
});
