// The Realtime stand-in driven by the real supabase-js client: private channels joined with the
// operator's token and authorised by the RLS policies on realtime.messages, broadcasts from the
// database triggers, refusals worded like hosted Realtime, token changes and heartbeats, and what
// its subscribers see when it loses its database.
import type { RealtimeChannel, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { workspaceTopic } from '#server/realtime/topics.ts';
import { createWorkspace } from '#server/team/index.ts';
import { createTestDatabase, type TestDatabase } from '../test/database.ts';
import { eventually } from '../test/eventually.ts';
import { signUpOperator, type TestOperator } from '../test/operators.ts';
import { startSupabaseBehindProxy } from '../test/supabase-behind-proxy.ts';
import { supabaseClient } from './client.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from './server.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  workspaceId = (await createWorkspace(database.db, alice.actor, 'Alice Art')).id;
});

afterEach(async () => {
  for (const client of clients.splice(0)) {
    await client.removeAllChannels();
    client.realtime.disconnect();
  }
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

/** A signed-in client whose Realtime token is the operator's access token. */
async function clientFor(operator: TestOperator | null): Promise<SupabaseClient> {
  const client = supabaseClient(supabase);
  clients.push(client);
  if (operator) {
    await client.auth.signInWithPassword({ email: operator.email, password: operator.password });
    await client.realtime.setAuth();
  }
  return client;
}

interface Subscription {
  channel: RealtimeChannel;
  statuses: { status: string; message?: string }[];
  received: { event: string; payload: Record<string, unknown> }[];
  /** Resolves with the first status other than the ones passed through. */
  settled: Promise<{ status: string; message?: string }>;
}

function subscribe(client: SupabaseClient, name: string, isPrivate = true): Subscription {
  const statuses: Subscription['statuses'] = [];
  const received: Subscription['received'] = [];
  let settle: (value: { status: string; message?: string }) => void = () => {};
  const settled = new Promise<{ status: string; message?: string }>((resolve) => {
    settle = resolve;
  });
  const channel = client
    .channel(name, { config: { private: isPrivate } })
    .on('broadcast', { event: '*' }, (message) =>
      received.push({ event: message.event, payload: message.payload as Record<string, unknown> }),
    )
    .subscribe((status, error) => {
      const entry = { status, message: error?.message };
      statuses.push(entry);
      settle(entry);
    });
  return { channel, statuses, received, settled };
}

const broadcast = (topic: string, event: string, payload: Record<string, unknown>) =>
  database.query('select realtime.send($1::jsonb, $2, $3, true)', [JSON.stringify(payload), event, topic]);

it("lets a member join the workspace's private channel and delivers the database's broadcasts", async () => {
  const subscription = subscribe(await clientFor(alice), workspaceTopic(workspaceId));
  expect(await subscription.settled).toEqual({ status: 'SUBSCRIBED', message: undefined });
  await broadcast(workspaceTopic(workspaceId), 'conversation_changed', { conversation_id: 'c1' });
  await eventually(() => subscription.received.length === 1);
  expect(subscription.received[0]).toMatchObject({
    event: 'conversation_changed',
    payload: { conversation_id: 'c1' },
  });
});

it('delivers what the app’s triggers send when a message is stored', async () => {
  const subscription = subscribe(await clientFor(alice), workspaceTopic(workspaceId));
  await subscription.settled;
  const { rows } = await database.query<{ id: string }>(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                 values ($1, 'instagram', '17841400000055555') returning id, workspace_id),
     c as (insert into conversations (workspace_id, channel_connection_id, contact_identifier)
           select workspace_id, id, '5830000000000555' from cc returning id, workspace_id, channel_connection_id)
     insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content)
     select workspace_id, id, channel_connection_id, 'INBOUND', 'RECEIVED', 'hello' from c returning id`,
    [workspaceId],
  );
  await eventually(() => subscription.received.some((m) => m.payload.message_id === rows[0]?.id));
});

it('refuses a non-member, also when they name the other workspace’s topic by hand', async () => {
  const subscription = subscribe(await clientFor(bob), workspaceTopic(workspaceId));
  expect(await subscription.settled).toEqual({
    status: 'CHANNEL_ERROR',
    message: `Unauthorized: You do not have permissions to read from this Channel topic: ${workspaceTopic(workspaceId)}`,
  });
  await broadcast(workspaceTopic(workspaceId), 'secret', { n: 1 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(subscription.received).toEqual([]);
});

it('refuses the signed-out anon key and public channels', async () => {
  const anonymous = subscribe(await clientFor(null), workspaceTopic(workspaceId));
  expect((await anonymous.settled).message).toContain('Unauthorized');
  const open = subscribe(await clientFor(alice), workspaceTopic(workspaceId), false);
  expect((await open.settled).message).toBe('PrivateOnly: This project only allows private channels');
});

it('refuses an expired or forged token with hosted Realtime’s reasons', async () => {
  const expired = await supabase.keys.sign({
    sub: alice.actor.userId,
    role: 'authenticated',
    aud: 'authenticated',
    iss: `${supabase.url}/auth/v1`,
    exp: Math.floor(Date.now() / 1000) - 30,
  });
  const client = await clientFor(null);
  await client.realtime.setAuth(expired);
  expect((await subscribe(client, workspaceTopic(workspaceId)).settled).message).toMatch(
    /^InvalidJWTToken: Token has expired \d+ seconds ago$/,
  );
  const forged = await clientFor(null);
  await forged.realtime.setAuth(`${alice.session.access_token.slice(0, -4)}AAAA`);
  expect((await subscribe(forged, workspaceTopic(workspaceId)).settled).message).toBe(
    'MalformedJWT: The token provided is not a valid JWT',
  );
});

it('closes a joined channel when a pushed token no longer grants the topic', async () => {
  const client = await clientFor(alice);
  const subscription = subscribe(client, workspaceTopic(workspaceId));
  await subscription.settled;
  await client.realtime.setAuth(bob.session.access_token);
  await eventually(() => subscription.statuses.some((s) => s.status === 'CLOSED'));
});

it('answers heartbeats, so a quiet channel stays open', async () => {
  const client = await clientFor(alice);
  const subscription = subscribe(client, workspaceTopic(workspaceId));
  await subscription.settled;
  // Heartbeats sent one at a time, each answered before the next: on a short automatic interval
  // the client itself would call a reply late by a busy machine's clock a timeout.
  const heartbeats: string[] = [];
  client.realtime.onHeartbeat((status) => heartbeats.push(status));
  for (let answered = 1; answered <= 3; answered++) {
    await client.realtime.sendHeartbeat();
    await eventually(() => heartbeats.filter((status) => status === 'ok').length === answered);
  }
  expect(heartbeats).toEqual(['sent', 'ok', 'sent', 'ok', 'sent', 'ok']);
  await broadcast(workspaceTopic(workspaceId), 'still_here', {});
  await eventually(() => subscription.received.length === 1);
  expect(subscription.statuses.map((s) => s.status)).toEqual(['SUBSCRIBED']);
});

it('rejoins its channels after its database session comes back, so subscribers refetch what they missed', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    const subscription = subscribe(await clientFor(alice), workspaceTopic(workspaceId));
    await subscription.settled;
    // Postgres ends the stand-in's LISTEN session (a restart, a failover): whatever was broadcast
    // until it listens again is never heard, so its subscribers are told to rejoin (and refetch).
    await database.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where application_name = 'realtime stand-in' and datname = current_database()`,
    );
    await eventually(() => subscription.statuses.filter((s) => s.status === 'SUBSCRIBED').length === 2);
    expect(subscription.statuses.map((s) => s.status)).toEqual(['SUBSCRIBED', 'CHANNEL_ERROR', 'SUBSCRIBED']);
    await broadcast(workspaceTopic(workspaceId), 'after_the_blip', {});
    await eventually(() => subscription.received.some((m) => m.event === 'after_the_blip'));
  } finally {
    warn.mockRestore();
  }
});

it('refuses joins while its database is away with hosted Realtime’s reason, and lets the client in once it is back', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const away = await startSupabaseBehindProxy(database);
  try {
    await away.proxy.refuse();
    const subscription = subscribe(away.client, away.topic);
    // At once (a join left unanswered would time out after 10 s before the client tried again).
    expect(await subscription.settled).toEqual({
      status: 'CHANNEL_ERROR',
      message: 'UnableToConnectToProject: Realtime was unable to connect to the project database',
    });
    await away.proxy.restore();
    await eventually(() => subscription.statuses.some((s) => s.status === 'SUBSCRIBED'));
  } finally {
    await away.stop();
    warn.mockRestore();
  }
});

it('closes a channel whose new token it cannot check while its database is away, as hosted Realtime does', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const away = await startSupabaseBehindProxy(database);
  try {
    const subscription = subscribe(away.client, away.topic);
    await subscription.settled;
    const token = await away.freshToken();
    await away.proxy.refuse();
    await away.client.realtime.setAuth(token);
    await eventually(() => subscription.statuses.some((s) => s.status === 'CLOSED'));
    expect(error).not.toHaveBeenCalled();
  } finally {
    await away.stop();
    warn.mockRestore();
    error.mockRestore();
  }
});
