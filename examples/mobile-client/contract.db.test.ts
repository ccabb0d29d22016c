// The reference mobile client's contract with the API: the client in this folder, as an app runs
// it (supabase-js for Auth, @trpc/client with the types package, react-native-sse on a stand-in
// for React Native's XMLHttpRequest), against the real stack over real HTTP: the tRPC API, the
// Supabase Auth stand-in, the Meta simulator delivering customers' messages as signed webhooks,
// and the workers ingesting them and sending replies through the simulator's Send API. The phone's
// network is a TCP proxy in front of the API, which the test can cut.
//
// The app signs in; pages through the inbox and a thread; gets a customer's message live (the event
// rings, sync.changes brings the message and its conversation whole: at the top of the list, with
// the new preview) and sees a teammate's assignment; sends a reply and sees it reach SENT; marks
// the conversation read; loses its connection and, back, gets exactly what it missed; goes
// offline and catches up with sync.changes, then streams from its `next`; has its token expire
// under a call and under the stream, and carries on; signs out, and its stream and calls are
// refused with `session_ended`. Timings (event latency, resume and catch-up) are printed, not
// asserted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import ws from 'ws';
import { operatorClient } from '../../dev/test/api-stack.ts';
import { connectSimulatorAccount } from '../../dev/test/connections.ts';
import { eventually } from '../../dev/test/eventually.ts';
import { type MobileStack, startMobileStack } from '../../dev/test/mobile-stack.ts';
import { signUpOperator, type TestOperator } from '../../dev/test/operators.ts';
import { installReactNativeXMLHttpRequest } from '../../dev/test/react-native-xhr.ts';
import { type Api, createApi, isNotSignedIn, refusalReason } from './api.ts';
import { ReactNativeEventSource } from './event-source.ts';
import { markRead, sendReply } from './inbox.ts';
import { InboxSync } from './inbox-sync.ts';
import type { LiveEnvelope, LiveStatus } from './live.ts';
import { type Device, messageNotification, registerForPush, unregisterFromPush } from './push.ts';
import { createSession, type Session, SignInError } from './session.ts';

let stack: MobileStack;
let operator: TestOperator;
let workspaceId: string;
let accountIgId: string;
const customers: string[] = [];
let restoreXhr: () => void;

const timings: string[] = [];
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] as number;

/**
 * A customer writes to the business in Instagram (at `timestamp`, or now): the simulator sends the
 * app its webhook.
 */
async function customerSays(customer: string, text: string, timestamp?: number): Promise<void> {
  const response = await fetch(`${stack.meta.url}/control/events/text`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ account: accountIgId, customer, text, timestamp }),
  });
  expect(response.status).toBe(200);
}

async function control<T>(path: string): Promise<T> {
  const response = await fetch(`${stack.meta.url}/control/${path}`);
  return (await response.json()) as T;
}

/** Ids of the stored messages with these texts, once all are stored (ingested). */
async function stored(texts: string[]): Promise<string[]> {
  return eventually(async () => {
    const { rows } = await stack.database.query<{ id: string; content: string }>(
      'select id, content from conversation_messages where content = any($1)',
      [texts],
    );
    return rows.length === texts.length
      ? texts.map((t) => rows.find((r) => r.content === t)?.id as string)
      : null;
  });
}

beforeAll(async () => {
  restoreXhr = installReactNativeXMLHttpRequest();
  // React Native has a WebSocket; Node 20 has none, and supabase-js's Realtime client wants one.
  (globalThis as { WebSocket?: unknown }).WebSocket ??= ws;
  stack = await startMobileStack();
  operator = await signUpOperator(stack.supabase, 'mobile');

  // The workspace as its owner set it up on the web: an account connected, seen marks on.
  const web = operatorClient(stack.api, operator);
  workspaceId = (await web.operator.createWorkspace.mutate({ name: 'Ceramics' })).id;
  const account = stack.meta.addAccount({ username: 'ceramics.studio' });
  accountIgId = account.igId;
  await connectSimulatorAccount(stack.database, stack.services.cipher, workspaceId, account);
  await web.settings.updateSend.mutate({ workspaceId, seenEnabled: true });

  // Five customers wrote in the last minutes, a second apart; the first, six times.
  for (let i = 0; i < 5; i += 1) customers.push(stack.meta.addCustomer({ username: `buyer.${i}` }).igsid);
  const texts: string[] = [];
  const start = Date.now() - 10 * 60_000;
  for (let i = 0; i < customers.length; i += 1) texts.push(`Hello from buyer ${i}`);
  for (let i = 1; i <= 5; i += 1) texts.push(`About the vase, ${i}`);
  for (const [i, text] of texts.entries()) {
    const customer = i < customers.length ? customers[i] : customers[0];
    await customerSays(customer as string, text, start + i * 1000);
  }
  await stored(texts);
}, 120_000);

afterAll(async () => {
  if (timings.length > 0)
    console.log(`\nReference mobile client, timings (informative)\n${timings.join('\n')}\n`);
  await phone?.sync.stop();
  await stack?.stop();
  restoreXhr?.();
});

// The phone, as the app holds it.
let phone: {
  storage: Map<string, string>;
  session: Session;
  api: Api;
  sync: InboxSync;
  /** The app launched afresh (its copy gone), from the position it saved. */
  launch(position: string | null): InboxSync;
  received: LiveEnvelope[];
  statuses: LiveStatus[];
  applied: { at: number; events: LiveEnvelope[] }[];
  refetches: string[];
};
/** The conversation with the first customer. */
let main: string;
/** When each event reached the phone. */
const arrivals = new Map<LiveEnvelope, number>();

function startPhone() {
  const storage = new Map<string, string>();
  const session = createSession({
    supabaseUrl: stack.supabase.url,
    anonKey: stack.supabase.anonKey,
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    autoRefreshToken: false, // no timers in a test; getSession() still refreshes near expiry
  });
  const api = createApi({ url: stack.apiUrl, session, EventSource: ReactNativeEventSource });
  const received: LiveEnvelope[] = [];
  const statuses: LiveStatus[] = [];
  const applied: { at: number; events: LiveEnvelope[] }[] = [];
  const refetches: string[] = [];
  const launch = (position: string | null) =>
    new InboxSync({
      api,
      workspaceId,
      position,
      refreshToken: () => session.refresh(),
      onReceived: (envelope) => {
        received.push(envelope);
        arrivals.set(envelope, Date.now());
      },
      onApplied: (events) => applied.push({ at: Date.now(), events }),
      onStatus: (status) => statuses.push(status),
      onRefetch: (what) => refetches.push(...what),
      // Deterministic here; the default adds jitter.
      reconnectDelayMs: (attempt) => Math.min(1000, 100 * 2 ** attempt),
      pageSize: { conversations: 2, thread: 2, catchUp: 3 },
    });
  return { storage, session, api, sync: launch(null), launch, received, statuses, applied, refetches };
}

/** The session supabase-js stored, and a way to put a different access token in it. */
function storedSession() {
  const [key, value] = [...phone.storage.entries()].find(([k]) => k.endsWith('-auth-token')) as [
    string,
    string,
  ];
  const session = JSON.parse(value) as { access_token: string; refresh_token: string };
  return {
    ...session,
    replaceAccessToken(token: string) {
      phone.storage.set(key, JSON.stringify({ ...JSON.parse(value), access_token: token }));
    },
  };
}

/** The session's access token, re-signed to expire at `exp` (Unix seconds): supabase-js still trusts it. */
async function tokenExpiringAt(exp: number): Promise<string> {
  const { access_token } = storedSession();
  const claims = JSON.parse(Buffer.from(access_token.split('.')[1] as string, 'base64url').toString());
  return stack.supabase.keys.sign({ ...claims, exp });
}

const textsIn = (conversationId: string) => phone.sync.store.thread(conversationId).map((m) => m.text);
const createdIds = (events: LiveEnvelope[]) =>
  events.flatMap((e) => (e.data.type === 'messageCreated' ? [e.data.messageId] : []));

/**
 * When the app's copy first satisfies `probe` (at the change that made it so). A message can be
 * there before the event naming it is applied: an earlier event's catch-up read it.
 */
function whenInCopy(probe: () => unknown): Promise<number> {
  return new Promise((resolve) => {
    const check = () => {
      if (!probe()) return;
      unsubscribe();
      resolve(Date.now());
    };
    const unsubscribe = phone.sync.store.subscribe(check);
    check();
  });
}

/** Once the live event that created message `id` has been applied. */
const eventApplied = (id: string) =>
  eventually(() => phone.applied.some((a) => createdIds(a.events).includes(id)));

it('signs in with supabase-js: a wrong password is refused with Auth’s code, the right one opens the API', async () => {
  phone = startPhone();
  const wrong = await phone.session
    .signIn(operator.email, 'not-the-password')
    .catch((error: unknown) => error);
  expect(wrong).toBeInstanceOf(SignInError);
  expect((wrong as SignInError).code).toBe('invalid_credentials');
  expect(isNotSignedIn(await phone.api.operator.me.query().catch((error: unknown) => error))).toBe(true);

  await phone.session.signIn(operator.email, operator.password);
  const me = await phone.api.operator.me.query();
  expect(me.profile.email).toBe(operator.email);
  expect(me.workspaces.map((w) => [w.id, w.role])).toEqual([[workspaceId, 'owner']]);
});

it('pages through the inbox, two conversations at a time, most recent first', async () => {
  const sizes: number[] = [];
  while (await phone.sync.conversations.loadMore()) sizes.push(phone.sync.store.conversationList().length);
  sizes.push(phone.sync.store.conversationList().length);
  expect(sizes).toEqual([2, 4, 5]);
  expect(phone.sync.conversations.hasMore).toBe(false);
  const list = phone.sync.store.conversationList();
  expect(new Set(list.map((c) => c.contactIdentifier))).toEqual(new Set(customers));
  main = list.find((c) => c.contactIdentifier === customers[0])?.id as string;
  // The first customer wrote last.
  expect(list[0]?.id).toBe(main);
  expect(list[0]).toMatchObject({ lastMessagePreview: 'About the vase, 5', unreadCount: 6 });
});

it('opens a thread and pages back through it', async () => {
  const thread = phone.sync.openThread(main);
  await thread.loadMore();
  expect(textsIn(main)).toEqual(['About the vase, 4', 'About the vase, 5']);
  while (await thread.loadMore());
  expect(textsIn(main)).toEqual([
    'Hello from buyer 0',
    'About the vase, 1',
    'About the vase, 2',
    'About the vase, 3',
    'About the vase, 4',
    'About the vase, 5',
  ]);
});

it('gets a customer’s message live: the event, then the message and the conversation’s new state from sync.changes', async () => {
  await phone.sync.start();
  await eventually(() => phone.statuses.at(-1)?.state === 'live' && phone.applied.length > 0);
  expect(phone.received[0]?.data).toMatchObject({ type: 'resyncRequired', reason: 'subscribed' });

  const eventMs: number[] = [];
  const visibleMs: number[] = [];
  for (let i = 1; i <= 6; i += 1) {
    const text = `Is it still available? (${i})`;
    const before = phone.sync.store.conversation(main);
    const visible = whenInCopy(() => phone.sync.store.thread(main).some((m) => m.text === text));
    const sentAt = Date.now();
    await customerSays(customers[0] as string, text);
    visibleMs.push((await visible) - sentAt);
    const message = phone.sync.store.thread(main).find((m) => m.text === text);
    const created = await eventually(() =>
      phone.received.find((e) => e.data.type === 'messageCreated' && e.data.messageId === message?.id),
    );
    eventMs.push((arrivals.get(created) as number) - sentAt);
    expect(message).toMatchObject({ direction: 'INBOUND', status: 'RECEIVED' });
    const after = await eventually(() => {
      const now = phone.sync.store.conversation(main);
      return now && now.unreadCount === (before?.unreadCount ?? 0) + 1 ? now : null;
    });
    expect(after.version).toBeGreaterThan(before?.version ?? 0);
  }
  timings.push(
    `  customer's message (simulator → webhook → ingest) → messageCreated on the phone: p50 ${percentile(eventMs, 50)} ms, p95 ${percentile(eventMs, 95)} ms (${eventMs.length} messages)`,
    `  … → the message in the app's copy (through sync.changes):              p50 ${percentile(visibleMs, 50)} ms, p95 ${percentile(visibleMs, 95)} ms`,
  );
});

it('keeps a conversation it holds whole: a live message moves it to the top with its preview, a teammate’s assignment shows', async () => {
  const held = phone.sync.store.conversationList().find((c) => c.contactIdentifier === customers[1]);
  expect(held).toBeDefined();
  expect(phone.sync.store.conversationList()[0]?.id).not.toBe(held?.id);
  const text = 'Do you ship to Lisbon?';
  await customerSays(customers[1] as string, text);
  const [id] = await stored([text]);
  const top = await eventually(() => {
    const first = phone.sync.store.conversationList()[0];
    return first?.id === held?.id && first?.lastMessagePreview === text ? first : null;
  });
  expect(top.lastMessageAt).toBe(phone.sync.store.message(id as string)?.occurredAt);

  // A teammate joins and, on the web, assigns the conversation to the phone's operator.
  const agent = await signUpOperator(stack.supabase, 'agent');
  const { url } = await operatorClient(stack.api, operator).team.invite.mutate({
    workspaceId,
    role: 'agent',
  });
  const teammate = operatorClient(stack.api, agent);
  await teammate.team.acceptInvitation.mutate({ token: new URL(url).pathname.split('/').at(-1) as string });
  const me = operator.actor.userId;
  await teammate.inbox.update.mutate({ workspaceId, conversationId: top.id, assignedTo: me });
  const assigned = await eventually(() => {
    const now = phone.sync.store.conversation(top.id);
    return now?.assignedTo === me ? now : null;
  });
  expect(assigned.version).toBeGreaterThan(top.version);
  // The team changed too: the app is told to refetch that screen.
  expect(phone.refetches).toContain('team');
});

it('sends a reply with an idempotency key and sees it reach SENT, live and at the simulator', async () => {
  const text = 'Yes! Shall I put it aside for you?';
  const input = { workspaceId, conversationId: main, idempotencyKey: 'reply-vase-1', text };
  const startedAt = Date.now();
  const [reply] = await sendReply(phone.api, input);
  expect(reply).toMatchObject({ conversationId: main, content: text, status: 'QUEUED' });
  const id = reply?.id as string;

  await eventually(() => phone.sync.store.message(id)?.status === 'SENT');
  const sentMs = Date.now() - startedAt;
  // The events that named it, each with the state it was in then. The app's copy can be SENT
  // before the event saying so arrives: an earlier event's catch-up read the message as it was.
  const states = await eventually(() => {
    const named = phone.received.flatMap((e) =>
      (e.data.type === 'messageCreated' || e.data.type === 'messageUpdated') && e.data.messageId === id
        ? [e.data.status]
        : [],
    );
    return named.includes('SENT') ? named : null;
  });
  expect(states[0]).toBe('QUEUED');
  const sent = await control<{ recipientId: string; text: string | null }[]>('sent');
  expect(sent.filter((s) => s.text === text)).toEqual([
    expect.objectContaining({ recipientId: customers[0], text }),
  ]);

  // The same key again (the answer was lost, the app retried): the same reply, not a second.
  const [again] = await sendReply(phone.api, input);
  expect(again?.id).toBe(id);
  expect((await control<{ text: string | null }[]>('sent')).filter((s) => s.text === text)).toHaveLength(1);
  timings.push(
    `  reply: messages.send → SENT in the app's copy (worker → simulator's Send API → events): ${sentMs} ms`,
  );
});

it('marks the conversation read: the unread count goes to zero by a newer version, the customer sees it', async () => {
  const before = phone.sync.store.conversation(main);
  expect(before?.unreadCount).toBeGreaterThan(0);
  expect(await markRead(phone.api, { workspaceId, conversationId: main })).toEqual({ seenSent: true });
  const after = await eventually(() => {
    const now = phone.sync.store.conversation(main);
    return now?.unreadCount === 0 ? now : null;
  });
  expect(after.version).toBeGreaterThan(before?.version as number);
  await eventually(async () =>
    (await control<{ recipientId: string; action: string }[]>('sender-actions')).some(
      (a) => a.action === 'mark_seen' && a.recipientId === customers[0],
    ),
  );
});

it('loses its connection, and back gets exactly what it missed: each message once', async () => {
  const seenBefore = phone.received.length;
  const statusesFrom = phone.statuses.length;
  await stack.network.refuse();
  await eventually(() => phone.statuses.slice(statusesFrom).some((status) => status.state === 'waiting'));
  const missed = ['Hello? (1)', 'Hello? (2)', 'Hello? (3)'];
  for (const text of missed) await customerSays(customers[1] as string, text);
  const missedIds = await stored(missed);

  const visible = whenInCopy(() => missedIds.every((id) => phone.sync.store.message(id)));
  const restoredAt = Date.now();
  const reconnects = phone.statuses.length;
  await stack.network.restore();
  const visibleMs = (await visible) - restoredAt;
  for (const id of missedIds) await eventApplied(id);
  const reconnected = phone.statuses.findIndex((s, i) => i >= reconnects && s.state === 'live');
  expect(reconnected).toBeGreaterThan(-1);
  const afterDrop = phone.received.slice(seenBefore);
  // Each once (the stream's order is the order their transactions committed in).
  expect(createdIds(afterDrop).sort()).toEqual([...missedIds].sort());
  expect(afterDrop.map((e) => e.data.type)).not.toContain('resyncRequired');
  timings.push(
    `  resume after a dropped connection: ${missed.length} missed messages in the app's copy ${visibleMs} ms after the network came back (reconnection back-off included)`,
  );
});

it('goes offline, catches up with sync.changes page by page, and streams on from its next', async () => {
  await phone.sync.stop();
  expect(phone.statuses.at(-1)?.state).toBe('stopped');
  const seenBefore = phone.received.length;
  const missed = ['Are you open on Sunday?', 'I would take two', 'And the blue one?', 'Thanks!'];
  await customerSays(customers[2] as string, missed[0] as string);
  await customerSays(customers[2] as string, missed[1] as string);
  await customerSays(customers[3] as string, missed[2] as string);
  await customerSays(customers[3] as string, missed[3] as string);
  const missedIds = await stored(missed);

  const startedAt = Date.now();
  const caughtUp = await phone.sync.start();
  const catchUpMs = Date.now() - startedAt;
  expect(caughtUp).toMatchObject({ resyncRequired: false });
  expect(caughtUp?.calls).toBeGreaterThan(1); // three changes a page: it had to ask for more
  expect(phone.sync.position).toBe(caughtUp?.next);
  for (const [i, id] of missedIds.entries()) expect(phone.sync.store.message(id)?.text).toBe(missed[i]);
  for (const customer of [customers[2], customers[3]]) {
    const conversation = phone.sync.store.conversationList().find((c) => c.contactIdentifier === customer);
    expect(conversation?.unreadCount).toBe(3); // their first message, and the two missed
  }

  // The stream goes on from `next`: nothing caught up comes again, what follows comes live.
  await customerSays(customers[2] as string, 'One more thing');
  const [next] = await stored(['One more thing']);
  await eventApplied(next as string);
  expect(phone.sync.store.message(next as string)).toBeDefined();
  const afterCatchUp = phone.received.slice(seenBefore);
  expect(createdIds(afterCatchUp)).toEqual([next]);
  expect(afterCatchUp.map((e) => e.data.type)).not.toContain('resyncRequired');
  timings.push(
    `  catch-up after offline: ${missed.length} messages in ${caughtUp?.calls} sync.changes calls, ${catchUpMs} ms`,
  );
});

it('refreshes an expired token without the app noticing: a call, then the live stream', async () => {
  // A call whose token the server finds expired (the phone's clock was wrong): refreshed, sent again.
  const before = storedSession();
  storedSession().replaceAccessToken(await tokenExpiringAt(Math.floor(Date.now() / 1000) - 5));
  const page = await phone.api.inbox.listConversations.query({ workspaceId, limit: 1 });
  expect(page.items).toHaveLength(1);
  expect(storedSession().refresh_token).not.toBe(before.refresh_token);

  // The stream reconnects (a network blip) with a token that runs out two seconds later: the
  // server ends it with token_expired (or refuses it so, if it ran out first), and the stream
  // refreshes the token and resumes where it was. Only the stream calls meanwhile.
  const refreshToken = storedSession().refresh_token;
  storedSession().replaceAccessToken(await tokenExpiringAt(Math.floor(Date.now() / 1000) + 2));
  const statusesFrom = phone.statuses.length;
  await stack.network.refuse();
  await eventually(() => phone.statuses.slice(statusesFrom).some((s) => s.state === 'waiting'));
  await stack.network.restore();
  await eventually(() => phone.statuses.slice(statusesFrom).some((s) => s.state === 'refreshing'), 10_000);
  await eventually(() => phone.statuses.at(-1)?.state === 'live');
  expect(storedSession().refresh_token).not.toBe(refreshToken);
  const seenBefore = phone.received.length;
  await customerSays(customers[4] as string, 'Still there?');
  const [id] = await stored(['Still there?']);
  await eventApplied(id as string);
  expect(phone.sync.store.message(id as string)).toBeDefined();
  expect(createdIds(phone.received.slice(seenBefore))).toEqual([id]);
});

let device: Device;

it('is told of a message while in the background, with no content, and the app, launched by the tap, shows it in its thread', async () => {
  const token = 'ExponentPushToken[contract-phone-000001]';
  device = await registerForPush(phone.api, { token, appId: 'com.example.inbox', label: 'Test phone' });
  expect(device).toMatchObject({ platform: 'expo', appId: 'com.example.inbox', label: 'Test phone' });
  expect(JSON.stringify(device)).not.toContain(token);
  // Registering again at the next start is harmless: the same device.
  expect((await registerForPush(phone.api, { token, appId: 'com.example.inbox' })).id).toBe(device.id);

  await phone.sync.stop(); // the app goes to the background: no stream
  const positionBefore = phone.sync.position;
  const text = 'Can I pay by card when I pick it up?';
  const sentAt = Date.now();
  await customerSays(customers[3] as string, text);
  const [messageId] = await stored([text]);
  const notification = await eventually(() =>
    stack.notifications().find((n) => n.address === token && n.messageId === messageId),
  );
  // The stand-in stamps arrivals with performance.timeOrigin + performance.now(): epoch milliseconds.
  const pushMs = notification.receivedAt - sentAt;
  const { rows } = await stack.database.query<{ conversation_id: string }>(
    'select conversation_id from conversation_messages where id = $1',
    [messageId],
  );
  const { rows: unread } = await stack.database.query<{ total: number }>(
    'select sum(unread_count)::int as total from conversations where workspace_id = $1',
    [workspaceId],
  );
  expect(notification).toMatchObject({
    provider: 'expo',
    workspaceId,
    conversationId: rows[0]?.conversation_id,
    title: 'New message in Ceramics',
    badge: unread[0]?.total,
  });
  // Nothing of what the customer wrote, nor who they are, went through the push service.
  expect(notification.text).not.toContain('pay by card');
  expect(notification.text).not.toContain('buyer.3');

  // The operator taps it. The system had ended the app in the background: it starts afresh, with
  // nothing but the position it saved, catches up, and shows the conversation.
  const data = messageNotification((JSON.parse(notification.text) as { data: unknown }).data);
  expect(data).toEqual({
    workspaceId,
    conversationId: rows[0]?.conversation_id,
    messageId,
    badge: unread[0]?.total,
  });
  const seenBefore = phone.received.length;
  phone.sync = phone.launch(positionBefore);
  await phone.sync.openNotification(data as NonNullable<typeof data>);
  expect(phone.sync.position).not.toBe(positionBefore);
  expect(phone.sync.store.message(messageId as string)?.text).toBe(text);
  // The thread's first page (two messages), not only the one the catch-up brought.
  expect(textsIn(rows[0]?.conversation_id as string)).toEqual(['Thanks!', text]);
  // Caught up, not replayed: the stream does not bring it again.
  await customerSays(customers[3] as string, 'See you then');
  const [next] = await stored(['See you then']);
  await eventApplied(next as string);
  expect(phone.sync.store.message(next as string)).toBeDefined();
  expect(createdIds(phone.received.slice(seenBefore))).toEqual([next]);
  timings.push(
    `  push: customer's message → notification at the push stand-in (Expo): ${Math.round(pushMs)} ms`,
  );
});

it('signs out: the open stream ends with session_ended, and the old token is refused', async () => {
  // Its phone forgotten first, while it can still call.
  await unregisterFromPush(phone.api, device.id);
  expect(await phone.api.devices.list.query()).toEqual([]);
  const token = await phone.session.accessToken();
  await phone.session.signOut();
  // Anything happening in the workspace wakes the stream, which finds its session gone.
  await customerSays(customers[4] as string, 'Hello after sign-out');
  const ended = await eventually(() => {
    const last = phone.statuses.at(-1);
    return last?.state === 'ended' ? last : null;
  });
  expect(ended.reason).toBe('session_ended');
  expect(isNotSignedIn(await phone.api.operator.me.query().catch((error: unknown) => error))).toBe(true);
  // The token of the ended session, as a copy of the app that missed the sign-out still holds it.
  const stale = createApi({
    url: stack.apiUrl,
    session: { accessToken: async () => token, refresh: async () => {} },
    EventSource: ReactNativeEventSource,
  });
  const refused = await stale.operator.me.query().catch((error: unknown) => error);
  expect(refusalReason(refused)).toBe('session_ended');
});

it('never got an event twice in the whole journey', () => {
  const ids = phone.received.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
});
