// The conversation thread over tRPC as a mobile app reads it (bearer token): pages newest first
// without gaps or repeats (also when messages share a timestamp), quotes resolved across pages,
// and nothing for anyone outside the workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;
let workspaceId: string;
let bobWorkspaceId: string;
let conversationId: string;

const MESSAGES = 120;

beforeAll(async () => {
  stack = await startApiStack();
  const { database, supabase, services } = stack;
  [alice, bob] = await Promise.all([signUpOperator(supabase, 'alice'), signUpOperator(supabase, 'bob')]);
  workspaceId = (await createWorkspace(services.db, alice.actor, 'Alice Art')).id;
  bobWorkspaceId = (await createWorkspace(services.db, bob.actor, 'Bob Bikes')).id;
  // Messages arrive in threes within one second, some in the same microsecond, some 250 µs apart
  // (finer than a JavaScript date): the cursor must keep full precision and break ties by id.
  const { rows } = await database.query<{ id: string }>(
    `with cc as (insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
                 values ($1, 'instagram', '17841400000000123', '@alice.art') returning id, workspace_id),
          c as (insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_inbound_at)
                select workspace_id, id, '5830000000000001', now() from cc returning id, workspace_id, channel_connection_id),
          m as (insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction,
                  status, content, external_message_id, occurred_at)
                select workspace_id, id, channel_connection_id, 'INBOUND', 'RECEIVED', 'Message ' || n, 'mid.' || n,
                       timestamptz '2026-11-20 10:00:00+00' + (n / 3) * interval '1 second'
                         + (n % 2) * interval '250 microseconds'
                from c, generate_series(1, $2::int) n)
     select id from c`,
    [workspaceId, MESSAGES],
  );
  conversationId = rows[0]?.id as string;
  await database.query(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
       content, external_message_id, reply_to_external_id, occurred_at)
     select workspace_id, id, channel_connection_id, 'INBOUND', 'RECEIVED', 'Still about message 2?', 'mid.reply',
       'mid.2', timestamptz '2026-11-20 11:00:00+00'
     from conversations where id = $1`,
    [conversationId],
  );
});

afterAll(() => stack?.stop());

const client = (operator: TestOperator) => operatorClient(stack.api, operator);

describe('inbox.conversation', () => {
  it('pages through the whole thread newest first, each message once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client(alice).inbox.conversation.query({
        workspaceId,
        conversationId,
        cursor,
        limit: 50,
      });
      seen.push(...page.messages.map((m) => m.text));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    const expected = [
      'Still about message 2?',
      ...Array.from({ length: MESSAGES }, (_, i) => `Message ${MESSAGES - i}`),
    ];
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected));
    // Newest first; within one second the order is by id (random), so compare the seconds.
    const second = (text: string) => Math.floor(Number(text.replace('Message ', '')) / 3);
    const seconds = seen.slice(1).map(second);
    expect(seconds).toEqual([...seconds].sort((a, b) => b - a));
  });

  it('quotes the message a reply answers, even when it sits pages further back', async () => {
    const page = await client(alice).inbox.conversation.query({ workspaceId, conversationId, limit: 1 });
    expect(page.messages[0]).toMatchObject({
      text: 'Still about message 2?',
      replyToExternalId: 'mid.2',
      quote: { direction: 'INBOUND', preview: 'Message 2' },
    });
  });

  it('refuses a malformed cursor without reading anything', async () => {
    const error = await apiRefusal(
      client(alice).inbox.conversation.query({ workspaceId, conversationId, cursor: 'not-a-cursor' }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
  });

  it('shows nothing to an operator of another workspace', async () => {
    const asOutsider = await apiRefusal(
      client(bob).inbox.conversation.query({ workspaceId, conversationId }),
    );
    expect(asOutsider.data?.code).toBe('NOT_FOUND'); // not even whether the workspace exists
    // Asking through their own workspace does not reach it either.
    const throughOwn = await apiRefusal(
      client(bob).inbox.conversation.query({ workspaceId: bobWorkspaceId, conversationId }),
    );
    expect(throughOwn.data?.code).toBe('NOT_FOUND');
  });
});
