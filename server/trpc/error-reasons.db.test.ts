// Each refusal says why in a word a program can branch on (`error.data.reason`, listed in
// server/errors.ts), not only in a message meant for people: shown here over real HTTP with
// @trpc/client and a bearer token, as a mobile app meets them. (`unavailable` is shown in
// outage.db.test.ts, where the database is taken away.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supabaseClient } from '#dev/supabase/client.ts';
import { type ApiStack, apiClient, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { eventually } from '#dev/test/eventually.ts';
import { listenLive } from '#dev/test/mobile-client.ts';
import { signUpTeam, type TestOperator, type TestTeam } from '#dev/test/operators.ts';
import { ERROR_REASONS, type ErrorReason } from '../errors.ts';

let stack: ApiStack;
let team: TestTeam;
let workspaceId: string;
/** The customer wrote an hour ago: the window is open. */
let openConversation: string;
let customerMessage: string;
/** The customer wrote ten days ago. */
let closedConversation: string;
/** On an account Meta refused the token of. */
let reauthConversation: string;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  stack.database.query<R>(text, values).then((result) => result.rows);

async function conversation(status: string, lastInbound: string, account: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier, display_name,
                   status, needs_reauth_reason)
                 values ($1, 'instagram', $2, '@shop', $3, case when $3 = 'NEEDS_REAUTH' then 'token expired' end)
                 returning id, workspace_id)
     insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_inbound_at)
     select workspace_id, id, '5830000000000777', now() - $4::interval from cc returning id`,
    [workspaceId, account, status, lastInbound],
  );
  return row?.id as string;
}

beforeAll(async () => {
  stack = await startApiStack();
  team = await signUpTeam(stack.supabase, stack.services.db);
  workspaceId = team.workspaceId;
  openConversation = await conversation('CONNECTED', '1 hour', '17841400000000701');
  closedConversation = await conversation('CONNECTED', '10 days', '17841400000000702');
  reauthConversation = await conversation('NEEDS_REAUTH', '1 hour', '17841400000000703');
  const [message] = await sql<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
       content, external_message_id, occurred_at)
     select workspace_id, id, channel_connection_id, 'INBOUND', 'RECEIVED', 'Hello?', 'mid.hello', now()
     from conversations where id = $1 returning id`,
    [openConversation],
  );
  customerMessage = message?.id as string;
});

afterAll(() => stack?.stop());

const as = (operator: TestOperator) => operatorClient(stack.api, operator);
const bearer = (token: string) => apiClient(stack.api, { Authorization: `Bearer ${token}` });

/** The reason (and the HTTP status that goes with it) a call was refused with. */
async function refusal(call: Promise<unknown>) {
  const error = await apiRefusal(call);
  return { reason: error.data?.reason, httpStatus: error.data?.httpStatus, error };
}

function expectReason(answer: Awaited<ReturnType<typeof refusal>>, reason: ErrorReason) {
  expect({ reason: answer.reason, httpStatus: answer.httpStatus }).toEqual({
    reason,
    httpStatus: ERROR_REASONS[reason].status,
  });
}

/** A procedure the typed client does not know: what an older or newer client might call. */
function untyped(client: ReturnType<typeof apiClient>, path: string) {
  let node: unknown = client;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as { query(input?: unknown): Promise<unknown>; mutate(input?: unknown): Promise<unknown> };
}

describe('who is calling', () => {
  it('token_missing: no token at all', async () => {
    expectReason(await refusal(apiClient(stack.api).operator.me.query()), 'token_missing');
  });

  it('token_malformed: not a bearer header, or not a JWT', async () => {
    const basic = apiClient(stack.api, { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' });
    expectReason(await refusal(basic.operator.me.query()), 'token_malformed');
    expectReason(await refusal(bearer('not-a-jwt').operator.me.query()), 'token_malformed');
  });

  it('token_invalid: a token whose signature does not hold', async () => {
    const [header, payload, signature] = team.owner.session.access_token.split('.') as [
      string,
      string,
      string,
    ];
    const tampered = `${header}.${payload}.${signature.slice(0, -6)}AAAAAA`;
    expectReason(await refusal(bearer(tampered).operator.me.query()), 'token_invalid');
  });

  it('token_expired: a genuine token past its exp', async () => {
    const expired = await stack.supabase.keys.sign({
      ...team.owner.actor.claims,
      exp: Math.floor(Date.now() / 1000) - 60,
    });
    const answer = await refusal(bearer(expired).operator.me.query());
    expectReason(answer, 'token_expired');
    expect(answer.error.message).toBe('Access token has expired');
  });

  it('token_expired on a live stream whose token runs out while it is open', async () => {
    const shortLived = await stack.supabase.keys.sign({
      ...team.owner.actor.claims,
      exp: Math.floor(Date.now() / 1000) + 2,
    });
    const stream = listenLive(stack.api, shortLived, { workspaceId });
    await eventually(() => stream.received.length > 0);
    await eventually(() => stream.errors.length > 0, 5000);
    expect((stream.errors[0] as { data?: { reason?: string } }).data?.reason).toBe('token_expired');
    stream.stop();
  });

  it('session_ended: a token whose session signed out, on calls and on the live stream', async () => {
    const { data } = await supabaseClient(stack.supabase).auth.signInWithPassword({
      email: team.owner.email,
      password: team.owner.password,
    });
    const token = data.session?.access_token as string;
    const stream = listenLive(stack.api, token, { workspaceId });
    await eventually(() => stream.received.length > 0); // resync: the stream stands
    expect((await bearer(token).operator.me.query()).profile.email).toBe(team.owner.email);

    const { error } = await supabaseClient(stack.supabase).auth.admin.signOut(token, 'local');
    expect(error).toBeNull();
    expectReason(await refusal(bearer(token).operator.me.query()), 'session_ended');

    // A change in the workspace wakes the stream, which checks the session before reading.
    await sql(`update conversations set unread_count = unread_count + 1 where id = $1`, [openConversation]);
    await eventually(() => stream.errors.length > 0);
    expect((stream.errors[0] as { data?: { reason?: string } }).data?.reason).toBe('session_ended');
    stream.stop();
  });
});

describe('what they may do', () => {
  it('not_a_member: a workspace of someone else (as if it did not exist)', async () => {
    expectReason(
      await refusal(as(team.outsider).inbox.listConversations.query({ workspaceId })),
      'not_a_member',
    );
    expectReason(
      await refusal(as(team.owner).inbox.listConversations.query({ workspaceId: randomUUID() })),
      'not_a_member',
    );
  });

  it('role_required: an agent asking for what owners and admins do', async () => {
    expectReason(
      await refusal(as(team.agent).team.invite.mutate({ workspaceId, role: 'agent' })),
      'role_required',
    );
    // The same call is fine for the owner.
    expect((await as(team.owner).team.invite.mutate({ workspaceId, role: 'agent' })).url).toMatch(/invite/);
  });

  it('not_found: a conversation that is not in the workspace', async () => {
    expectReason(
      await refusal(as(team.owner).inbox.conversation.query({ workspaceId, conversationId: randomUUID() })),
      'not_found',
    );
  });
});

describe('what they sent', () => {
  it('validation: input outside the schema, with each issue and its field', async () => {
    const answer = await refusal(as(team.owner).inbox.listConversations.query({ workspaceId: 'nope' }));
    expectReason(answer, 'validation');
    expect(answer.error.data?.issues).toEqual([
      { path: ['workspaceId'], message: expect.any(String), code: 'invalid_format' },
    ]);
  });

  it('invalid_cursor: a cursor no page handed out, a resume point no event had', async () => {
    expectReason(
      await refusal(as(team.owner).inbox.listConversations.query({ workspaceId, cursor: 'not-a-cursor' })),
      'invalid_cursor',
    );
    const stream = listenLive(stack.api, team.owner.session.access_token, {
      workspaceId,
      lastEventId: 'not-an-event',
    });
    await eventually(() => stream.errors.length > 0);
    expect((stream.errors[0] as { data?: { reason?: string } }).data?.reason).toBe('invalid_cursor');
    stream.stop();
  });

  it('bad_input: well-formed, but refused by a rule the schema cannot state', async () => {
    const answer = await refusal(
      as(team.owner).messages.send.mutate({
        workspaceId,
        conversationId: openConversation,
        idempotencyKey: randomUUID(),
      }),
    );
    expectReason(answer, 'bad_input');
    expect(answer.error.data?.issues).toBeNull();
  });

  it('unknown_procedure and bad_request: a path no procedure has, a query sent as a mutation', async () => {
    const client = as(team.owner);
    expectReason(
      await refusal(untyped(client, 'inbox.noSuchThing').query({ workspaceId })),
      'unknown_procedure',
    );
    const answer = await refusal(untyped(client, 'operator.me').mutate());
    expect(answer.reason).toBe('bad_request');
    expect(answer.httpStatus).toBe(405);
  });
});

describe('what the state allows', () => {
  it('window_closed: a reply ten days after the customer last wrote', async () => {
    expectReason(
      await refusal(
        as(team.owner).messages.send.mutate({
          workspaceId,
          conversationId: closedConversation,
          text: 'Still there?',
          idempotencyKey: randomUUID(),
        }),
      ),
      'window_closed',
    );
  });

  it('account_needs_reconnect: a reply through an account whose token Meta refused', async () => {
    expectReason(
      await refusal(
        as(team.owner).messages.send.mutate({
          workspaceId,
          conversationId: reauthConversation,
          text: 'Hello',
          idempotencyKey: randomUUID(),
        }),
      ),
      'account_needs_reconnect',
    );
  });

  it('account_needs_reconnect: importing the history of an account whose token Meta refused', async () => {
    const [account] = await sql<{ id: string }>(
      'select channel_connection_id as id from conversations where id = $1',
      [reauthConversation],
    );
    const refused = await refusal(
      as(team.owner).history.start.mutate({ workspaceId, connectionId: account?.id as string }),
    );
    expectReason(refused, 'account_needs_reconnect');
    expect(refused.httpStatus).toBe(422);
  });

  it('idempotency_key_reused and conflict: a key used for another reply, a retry of what did not fail', async () => {
    const idempotencyKey = randomUUID();
    const send = (text: string) =>
      as(team.owner).messages.send.mutate({
        workspaceId,
        conversationId: openConversation,
        text,
        idempotencyKey,
      });
    const [queued] = await send('Hello!');
    expect(await send('Hello!')).toEqual([queued]); // the same request again is the same reply
    expectReason(await refusal(send('Something else')), 'idempotency_key_reused');
    expectReason(
      await refusal(as(team.owner).messages.retry.mutate({ workspaceId, messageId: queued?.id as string })),
      'conflict',
    );
  });

  it('unprocessable: reacting while the workspace has reactions turned off', async () => {
    expectReason(
      await refusal(
        as(team.owner).messages.react.mutate({ workspaceId, messageId: customerMessage, reaction: '❤️' }),
      ),
      'unprocessable',
    );
  });
});
