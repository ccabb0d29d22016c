// The mobile live feed as a mobile app uses it: @trpc/client's SSE subscription link with a
// bearer token, over real HTTP. Events arrive as the database broadcasts them, and a reconnect
// with the last event id picks up exactly what was missed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ApiStack, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { listenLive, type ReceivedLiveEvent } from '#dev/test/mobile-client.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { BROADCAST_EVENTS, RESYNC_EVENT } from '../realtime/topics.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;

beforeAll(async () => {
  stack = await startApiStack();
  const { supabase, services } = stack;
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  workspaceId = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
});

afterAll(() => stack?.stop());

const listen = (token: string, lastEventId?: string) =>
  listenLive(stack.api, token, { workspaceId, lastEventId });

let lead = 0;
/** A change the app's triggers broadcast to the workspace (a new conversation). */
async function somethingHappens(): Promise<string> {
  lead += 1;
  const { rows } = await stack.database.query<{ id: string }>(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                 values ($1, 'instagram', $2) returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     select workspace_id, id, '5830000000000777' from cc returning id`,
    [workspaceId, `1784140000009${String(lead).padStart(4, '0')}`],
  );
  return rows[0]?.id as string;
}

const conversationIds = (received: ReceivedLiveEvent[]) =>
  received
    .filter((r) => r.data.event === BROADCAST_EVENTS.conversationUpdated)
    .map((r) => r.data.payload.conversation_id);

it('streams the workspace’s events to a member and resumes after a reconnect without losing any', async () => {
  const first = listen(alice.session.access_token);
  await new Promise((resolve) => setTimeout(resolve, 300)); // connected
  const one = await somethingHappens();
  await eventually(() => conversationIds(first.received).includes(one));
  first.stop();

  // Offline meanwhile: these two happen while the app is disconnected.
  const missed = [await somethingHappens(), await somethingHappens()];
  const lastSeen = first.received.at(-1)?.id as string;
  const resumed = listen(alice.session.access_token, lastSeen);
  await eventually(() => missed.every((id) => conversationIds(resumed.received).includes(id)));
  // Events of the few seconds before the resume point may come again (late commits are caught
  // that way); an app recognises them by id, and none repeats within a stream.
  const after = await somethingHappens();
  await eventually(() => conversationIds(resumed.received).includes(after));
  expect(new Set(resumed.received.map((r) => r.id)).size).toBe(resumed.received.length);
  resumed.stop();
});

it('gives a subscriber that has seen nothing yet a point to resume from, so a reconnect misses nothing', async () => {
  const fresh = listen(alice.session.access_token);
  await eventually(() => fresh.received.length > 0);
  // First of all: refetch what you show, and resume from here.
  expect(fresh.received[0]?.data).toMatchObject({ event: RESYNC_EVENT, payload: {} });
  fresh.stop();

  const missed = await somethingHappens();
  const resumed = listen(alice.session.access_token, fresh.received[0]?.id);
  await eventually(() => conversationIds(resumed.received).includes(missed));
  // Resuming replays; there is nothing to refetch.
  expect(resumed.received.map((r) => r.data.event)).not.toContain(RESYNC_EVENT);
  resumed.stop();
});

it('refuses a non-member and a bad token', async () => {
  const outsider = listen(bob.session.access_token);
  await eventually(() => outsider.errors.length > 0);
  expect(outsider.errors[0]?.message).toBe('Workspace not found');
  outsider.stop();
  const forged = listen('not-a-token');
  await eventually(() => forged.errors.length > 0);
  expect(forged.errors[0]?.message).toMatch(/token/i);
  forged.stop();
});

it('refuses a resume point it never issued, once, instead of reconnecting to it', async () => {
  const bad = listen(alice.session.access_token, 'not-an-event-id');
  await eventually(() => bad.errors.length > 0);
  expect(bad.errors[0]?.message).toMatch(/not a value returned by a previous page/);
  expect((bad.errors[0] as { data?: { code?: string } }).data?.code).toBe('BAD_REQUEST');
  bad.stop();
});
