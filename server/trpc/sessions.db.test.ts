// A token is honoured only while its session lives (issue 13, finding 9): signing out through
// Auth used to leave the access token working for the rest of its hour, on tRPC calls and on the
// mobile live stream alike. Now a signed-out token is refused, a token that names no session or
// someone else's is refused, and a live stream ends when its token expires or its session does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { supabaseClient } from '#dev/supabase/client.ts';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { listenLive } from '#dev/test/mobile-client.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob] = await Promise.all([
    signUpOperator(stack.supabase, 'alice'),
    signUpOperator(stack.supabase, 'bob'),
  ]);
  workspaceId = (await createWorkspace(stack.services.db, alice.actor, 'Alice Art')).id;
});

afterAll(() => stack?.stop());

/** A new session of Alice's, as another device signing in would start. */
async function signInAgain() {
  const { data, error } = await supabaseClient(stack.supabase).auth.signInWithPassword({
    email: alice.email,
    password: alice.password,
  });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return data.session;
}

/** Ends the session `accessToken` belongs to, as the app's sign-out does (Auth's /logout). */
async function signOut(accessToken: string) {
  const { error } = await supabaseClient(stack.supabase).auth.admin.signOut(accessToken, 'local');
  if (error) throw error;
}

/** A token signed with the project's key, with Alice's claims but for `claims`. */
async function aliceToken(claims: Record<string, unknown>) {
  return stack.supabase.keys.sign({ ...alice.actor.claims, ...claims });
}

let lead = 0;
/** A change the app's triggers broadcast to the workspace, which wakes its live streams. */
async function somethingHappens() {
  lead += 1;
  await stack.database.query(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier)
                 values ($1, 'instagram', $2) returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     select workspace_id, id, '5830000000000888' from cc`,
    [workspaceId, `1784150000009${String(lead).padStart(4, '0')}`],
  );
}

/**
 * Each kind of procedure checks the session its own way (init.ts): an operator's alone, a
 * workspace member's in one query with the membership. Both must refuse the same tokens.
 */
const procedureKinds = [
  ['operator', (api: ReturnType<typeof operatorClient>) => api.operator.me.query()],
  ['workspace member', (api: ReturnType<typeof operatorClient>) => api.team.members.query({ workspaceId })],
] as const;

it.each(procedureKinds)(
  'refuses an access token once its session has signed out, while the token itself is still valid (%s)',
  async (_kind, call) => {
    const session = await signInAgain();
    const device = operatorClient(stack.api, { ...alice, session });
    await call(device);

    await signOut(session.access_token);

    const refusal = await apiRefusal(call(device));
    expect(refusal.data?.code).toBe('UNAUTHORIZED');
    expect(refusal.message).toBe('Your session has ended: sign in again');
    // Alice's other session (another device) is untouched by this one's sign-out.
    await call(operatorClient(stack.api, alice));
  },
);

it.each(procedureKinds)(
  'refuses a token that names no session, or a session of someone else (%s)',
  async (_kind, call) => {
    const withToken = (accessToken: string) =>
      operatorClient(stack.api, { ...alice, session: { ...alice.session, access_token: accessToken } });
    const noSession = await apiRefusal(call(withToken(await aliceToken({ session_id: undefined }))));
    expect(noSession.message).toBe('Access token names no session: sign in again');

    const borrowed = await apiRefusal(
      call(withToken(await aliceToken({ session_id: bob.actor.claims.session_id }))),
    );
    expect(borrowed.message).toBe('Your session has ended: sign in again');

    const notAnId = await apiRefusal(call(withToken(await aliceToken({ session_id: 'not-a-session' }))));
    expect(notAnId.message).toBe('Your session has ended: sign in again');
  },
);

it('tells a non-member their session has ended before it tells them the workspace is not theirs', async () => {
  const session = (await signUpOperator(stack.supabase, 'carol')).session;
  const carol = operatorClient(stack.api, { ...alice, session });
  expect((await apiRefusal(carol.team.members.query({ workspaceId }))).data?.reason).toBe('not_a_member');

  await signOut(session.access_token);
  expect((await apiRefusal(carol.team.members.query({ workspaceId }))).data?.reason).toBe('session_ended');
});

it('ends a live stream when its token expires, without a reconnect', async () => {
  const session = await signInAgain();
  const claims = JSON.parse(
    Buffer.from(session.access_token.split('.')[1] as string, 'base64url').toString(),
  );
  // Two seconds of validity: the stream opens, then must end on its own when they are up.
  const shortLived = await aliceToken({
    session_id: claims.session_id,
    exp: Math.floor(Date.now() / 1000) + 2,
  });
  const stream = listenLive(stack.api, shortLived, { workspaceId });
  await eventually(() => stream.received.length > 0); // the first event: resync
  await eventually(() => stream.errors.length > 0, 5000);
  expect(stream.errors[0]?.message).toBe('Access token has expired');
  expect((stream.errors[0] as { data?: { code?: string } }).data?.code).toBe('UNAUTHORIZED');
  expect(stream.connections).toBe(1);
  stream.stop();
});

it('ends a live stream when its session signs out, before it sends anything more', async () => {
  const session = await signInAgain();
  const stream = listenLive(stack.api, session.access_token, { workspaceId });
  await eventually(() => stream.received.length > 0);
  const seen = stream.received.length;

  await signOut(session.access_token);
  await somethingHappens(); // wakes the stream to read, which checks the session first

  await eventually(() => stream.errors.length > 0);
  expect(stream.errors[0]?.message).toBe('Your session has ended: sign in again');
  expect(stream.received).toHaveLength(seen);
  stream.stop();
});
