// The typed API over real HTTP, called the way a mobile app calls it: @trpc/client with a bearer
// token. Also the web path (the @supabase/ssr session cookie) and every way a token can be bad.
import { createServerClient } from '@supabase/ssr';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import type { SupabaseStandIn } from '#dev/supabase/server.ts';
import { type ApiStack, apiClient, apiRefusal, startApiStack } from '#dev/test/api-stack.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';

let stack: ApiStack;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let api: ServedHandler;
let alice: TestOperator;
let bob: TestOperator;

beforeAll(async () => {
  stack = await startApiStack();
  ({ database, supabase, api } = stack);
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
});

afterAll(() => stack?.stop());

const client = (headers: Record<string, string> = {}) => apiClient(api, headers);
const bearer = (token: string) => client({ Authorization: `Bearer ${token}` });

async function rawCall(path: string, init: RequestInit & { input?: unknown } = {}) {
  const query = init.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(init.input))}`;
  const response = await fetch(`${api.url}/api/trpc/${path}${query}`, init);
  return {
    status: response.status,
    body: (await response.json()) as { error: { message: string; data: Record<string, unknown> } },
  };
}

async function signToken(claims: Record<string, unknown>, sign = supabase.keys.sign) {
  const now = Math.floor(Date.now() / 1000);
  return sign({
    iss: `${supabase.url}/auth/v1`,
    aud: 'authenticated',
    role: 'authenticated',
    sub: alice.actor.userId,
    iat: now,
    exp: now + 600,
    ...claims,
  });
}

describe('authentication', () => {
  it('answers 401 when no session or token is sent', async () => {
    const { status, body } = await rawCall('operator.me');
    expect(status).toBe(401);
    expect(body.error.message).toMatch(/sign in first/i);
  });

  it.each([
    ['a malformed token', 'Bearer not-a-jwt', /malformed/],
    ['a non-bearer scheme', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', /must be 'Bearer <access token>'/],
  ])('answers 401 for %s', async (_, authorization, message) => {
    const { status, body } = await rawCall('operator.me', { headers: { Authorization: authorization } });
    expect(status).toBe(401);
    expect(body.error.message).toMatch(message);
  });

  it('answers 401 for an expired token', async () => {
    const expired = await signToken({ exp: Math.floor(Date.now() / 1000) - 60 });
    const { status, body } = await rawCall('operator.me', {
      headers: { Authorization: `Bearer ${expired}` },
    });
    expect(status).toBe(401);
    expect(body.error.message).toBe('Access token has expired');
  });

  it('answers 401 for a token forged with another key under the real key id', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await signToken({}, (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: supabase.keys.kid }).sign(privateKey),
    );
    const { status, body } = await rawCall('operator.me', { headers: { Authorization: `Bearer ${forged}` } });
    expect(status).toBe(401);
    expect(body.error.message).toBe('Access token signature is invalid');
  });

  it('answers 401 for an HS256 token when the project has no shared secret', async () => {
    const secret = new TextEncoder().encode('a-secret-the-attacker-chose-32-bytes!!');
    const hs = await signToken({}, (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(secret),
    );
    const { status } = await rawCall('operator.me', { headers: { Authorization: `Bearer ${hs}` } });
    expect(status).toBe(401);
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example/auth/v1' }, /iss claim/],
    ['another audience', { aud: 'anon' }, /aud claim/],
    ['the anon role', { role: 'anon' }, /not a signed-in user token/],
  ])('answers 401 for a token with %s', async (_, claims, message) => {
    const token = await signToken(claims);
    const { status, body } = await rawCall('operator.me', { headers: { Authorization: `Bearer ${token}` } });
    expect(status).toBe(401);
    expect(body.error.message).toMatch(message);
  });

  it("answers 401 for a token whose key id is not in the project's JWKS", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await signToken({}, (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'rotated-away' }).sign(privateKey),
    );
    const { status } = await rawCall('operator.me', { headers: { Authorization: `Bearer ${token}` } });
    expect(status).toBe(401);
  });

  it('accepts the @supabase/ssr session cookie the web app sets', async () => {
    const jar = new Map<string, string>();
    const ssr = createServerClient(supabase.url, supabase.anonKey, {
      cookies: {
        getAll: () => [...jar].map(([name, value]) => ({ name, value })),
        setAll: (cookies) => {
          for (const { name, value } of cookies) jar.set(name, value);
        },
      },
      realtime: { transport: ws as unknown as typeof WebSocket },
    });
    await ssr.auth.signInWithPassword({ email: alice.email, password: alice.password });
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const me = await client({ Cookie: cookie }).operator.me.query();
    expect(me.profile.email).toBe(alice.email);
  });
});

describe('operator', () => {
  it('returns the profile and no workspaces for a new operator', async () => {
    const me = await bearer(bob.session.access_token).operator.me.query();
    expect(me).toEqual({
      profile: { id: bob.actor.userId, email: bob.email, displayName: null },
      workspaces: [],
    });
  });

  it('creates a workspace owned by its creator', async () => {
    const created = await bearer(bob.session.access_token).operator.createWorkspace.mutate({
      name: '  Bob’s Bikes ',
    });
    expect(created).toMatchObject({ name: 'Bob’s Bikes', role: 'owner', humanAgentEnabled: true });
    const me = await bearer(bob.session.access_token).operator.me.query();
    expect(me.workspaces).toEqual([created]);
  });

  it("answers 400 with zod's issues for invalid input, and creates nothing", async () => {
    const before = await bearer(alice.session.access_token).operator.me.query();
    const { status, body } = await rawCall('operator.createWorkspace', {
      method: 'POST',
      headers: { Authorization: `Bearer ${alice.session.access_token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '   ' }),
    });
    expect(status).toBe(400);
    expect(body.error.data.issues).toEqual([
      { path: ['name'], message: 'Give the workspace a name', code: 'too_small' },
    ]);
    const after = await bearer(alice.session.access_token).operator.me.query();
    expect(after.workspaces).toEqual(before.workspaces);
  });
});

describe('inbox.listConversations', () => {
  let workspaceId: string;
  const contacts = ['c1', 'c2', 'c3', 'c4', 'c5'];

  beforeAll(async () => {
    workspaceId = (
      await bearer(alice.session.access_token).operator.createWorkspace.mutate({ name: 'Alice Art' })
    ).id;
    await database.db.withService(async (trx) => {
      const { id } = await trx
        .insertInto('channel_connections')
        .values({
          workspace_id: workspaceId,
          login_path: 'instagram',
          channel_identifier: '1784111',
          display_name: '@aliceart',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // c2, c3 and c4 share a timestamp: paging must still return each exactly once.
      const at = [
        '2026-11-20T10:00:00.000001Z',
        '2026-11-21T10:00:00.5Z',
        '2026-11-21T10:00:00.5Z',
        '2026-11-21T10:00:00.5Z',
        '2026-11-22T09:00:00Z',
      ];
      await trx
        .insertInto('conversations')
        .values(
          contacts.map((contact, i) => ({
            workspace_id: workspaceId,
            channel_connection_id: id,
            contact_identifier: contact,
            contact_name: contact.toUpperCase(),
            last_message_at: at[i] as string,
            unread_count: i,
          })),
        )
        .execute();
    });
  });

  it('pages through every conversation once, newest first', async () => {
    const api = bearer(alice.session.access_token);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.inbox.listConversations.query({ workspaceId, limit: 2, cursor });
      seen.push(...page.items.map((c) => c.contactIdentifier));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen[0]).toBe('c5');
    expect(seen.at(-1)).toBe('c1');
    expect([...seen].sort()).toEqual(contacts);
  });

  it('returns the account badge and counts for each conversation', async () => {
    const page = await bearer(alice.session.access_token).inbox.listConversations.query({
      workspaceId,
      limit: 1,
    });
    expect(page.items[0]).toMatchObject({
      contactName: 'C5',
      accountName: '@aliceart',
      unreadCount: 4,
      status: 'ACTIVE',
    });
  });

  it('filters by unread, assignee and account, and searches names and message text', async () => {
    const api = bearer(alice.session.access_token);
    const contactsOf = async (
      input: Omit<Parameters<typeof api.inbox.listConversations.query>[0], 'workspaceId'>,
    ) =>
      (await api.inbox.listConversations.query({ workspaceId, ...input })).items
        .map((c) => c.contactIdentifier)
        .sort();
    expect(await contactsOf({ unreadOnly: true })).toEqual(['c2', 'c3', 'c4', 'c5']);
    await database.query(
      `update conversations set assigned_to = $1 where workspace_id = $2 and contact_identifier = 'c3'`,
      [alice.actor.userId, workspaceId],
    );
    expect(await contactsOf({ assignedToMe: true })).toEqual(['c3']);
    const [{ channelConnectionId } = { channelConnectionId: '' }] = (
      await api.inbox.listConversations.query({ workspaceId, limit: 1 })
    ).items;
    expect(await contactsOf({ accountId: channelConnectionId })).toEqual(contacts);
    expect(await contactsOf({ accountId: '00000000-0000-4000-8000-000000000000' })).toEqual([]);
    expect(await contactsOf({ search: 'c4' })).toEqual(['c4']);
    await database.query(
      `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content)
       select workspace_id, id, channel_connection_id, 'INBOUND', 'RECEIVED', 'Do you have 50% off?'
       from conversations where workspace_id = $1 and contact_identifier = 'c2'`,
      [workspaceId],
    );
    expect(await contactsOf({ search: '50% OFF' })).toEqual(['c2']);
    // A percent sign is no word, and no wildcard either: it matches nothing, not everything.
    expect(await contactsOf({ search: '%' })).toEqual([]);
  });

  it('reads the named conversations the list shows, newest first, whatever the limit', async () => {
    const api = bearer(alice.session.access_token);
    const all = (await api.inbox.listConversations.query({ workspaceId, limit: 100 })).items;
    const byContact = new Map(all.map((c) => [c.contactIdentifier, c.id]));
    const ids = ['c1', 'c3', 'c5'].map((contact) => byContact.get(contact) as string);
    const named = await api.inbox.listConversations.query({ workspaceId, ids, limit: 1 });
    expect(named.items.map((c) => c.contactIdentifier)).toEqual(['c5', 'c3', 'c1']);
    expect(named.nextCursor).toBeNull();
    // Of those named, only the ones the list's filters and tab let through.
    const unread = await api.inbox.listConversations.query({ workspaceId, ids, unreadOnly: true });
    expect(unread.items.map((c) => c.contactIdentifier)).toEqual(['c5', 'c3']);
    const archived = await api.inbox.listConversations.query({ workspaceId, ids, status: 'ARCHIVED' });
    expect(archived.items).toEqual([]);
    // Another workspace's conversation is not read by naming it.
    const foreign = await apiRefusal(
      bearer(bob.session.access_token).inbox.listConversations.query({ workspaceId, ids }),
    );
    expect(foreign.data?.httpStatus).toBe(404);
    const bobs = (await bearer(bob.session.access_token).operator.createWorkspace.mutate({ name: 'Bob' })).id;
    const other = await bearer(bob.session.access_token).inbox.listConversations.query({
      workspaceId: bobs,
      ids,
    });
    expect(other.items).toEqual([]);
    const both = await apiRefusal(
      api.inbox.listConversations.query({ workspaceId, ids, cursor: named.nextCursor ?? 'x' }),
    );
    expect(both.data?.httpStatus).toBe(400);
    expect(both.message).toMatch(/ids or a cursor/);
  });

  it('archives, assigns to members only, and refuses other workspaces', async () => {
    const api = bearer(alice.session.access_token);
    const [first] = (await api.inbox.listConversations.query({ workspaceId, limit: 1 })).items;
    const conversationId = first?.id as string;
    await api.inbox.update.mutate({
      workspaceId,
      conversationId,
      status: 'ARCHIVED',
      assignedTo: alice.actor.userId,
    });
    const archived = await api.inbox.listConversations.query({ workspaceId, status: 'ARCHIVED' });
    expect(archived.items.map((c) => [c.id, c.assignedTo])).toEqual([[conversationId, alice.actor.userId]]);
    await api.inbox.update.mutate({ workspaceId, conversationId, status: 'ACTIVE', assignedTo: null });

    const outsider = await apiRefusal(
      api.inbox.update.mutate({ workspaceId, conversationId, assignedTo: bob.actor.userId }),
    );
    expect(outsider.data?.httpStatus).toBe(400);
    const foreign = await apiRefusal(
      bearer(bob.session.access_token).inbox.update.mutate({
        workspaceId,
        conversationId,
        status: 'ARCHIVED',
      }),
    );
    expect(foreign.data?.httpStatus).toBe(404);
  });

  it('answers 404 for a workspace the caller is not a member of', async () => {
    const error = await apiRefusal(
      bearer(bob.session.access_token).inbox.listConversations.query({ workspaceId }),
    );
    expect(error.data?.httpStatus).toBe(404);
  });

  it('answers 400 for a cursor it did not issue and for a malformed workspace id', async () => {
    const badCursor = await apiRefusal(
      bearer(alice.session.access_token).inbox.listConversations.query({
        workspaceId,
        cursor: 'bm90IGEgY3Vyc29y',
      }),
    );
    expect(badCursor.data?.httpStatus).toBe(400);
    expect(badCursor.message).toMatch(/cursor/);
    const { status } = await rawCall('inbox.listConversations', {
      headers: { Authorization: `Bearer ${alice.session.access_token}` },
      input: { workspaceId: 'nope' },
    });
    expect(status).toBe(400);
  });
});
