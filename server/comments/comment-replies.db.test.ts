// Answering and moderating comments against the Meta simulator, through the tRPC API over HTTP as
// operators call it, with the real workers and webhooks: a private reply within 7 days reaches
// the customer's DMs once and opens no messaging window; after 7 days, a second time (however
// operators race), or on a hidden comment it is refused before Meta is called; a public reply
// appears once under the post and once in the thread; hiding and deleting follow Meta, and a
// comment its author deleted is recorded as deleted, its words gone from the ledgers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { startSupabaseStandIn } from '#dev/supabase/server.ts';
import { apiRefusal, operatorClient } from '#dev/test/api-stack.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpTeam, type TestTeam } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';

const DAY = 24 * 60 * 60 * 1000;

let intake: SimulatorIntake;
let meta: MetaSimulator;
let api: ServedHandler;
let team: TestTeam;
let account: Account;
let customer: Customer;
let n = 0;

const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  intake.database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  intake = await startSimulatorIntake({
    supabase: (db) => startSupabaseStandIn({ databaseUrl: db.superuserUrl }),
  });
  meta = intake.meta;
  api = intake.api;
  team = await signUpTeam(intake.supabase as NonNullable<typeof intake.supabase>, intake.database.db);
  account = meta.addAccount({ username: 'glaze.studio' });
  await connectSimulatorAccount(intake.database, intake.services.cipher, team.workspaceId, account);
});

afterAll(async () => {
  await intake?.stop();
});

beforeEach(() => {
  n += 1;
  customer = meta.addCustomer({ username: `commenter.${n}`, name: `Commenter ${n}` });
});

const owner = () => operatorClient(api, team.owner);
const agent = () => operatorClient(api, team.agent);
const key = () => `key-${crypto.randomUUID()}`;

/** The customer comments (made `ageMs` ago); the comment's row once ingest has stored it. */
async function commented(text: string, ageMs = 0) {
  const posted = meta.postComment({
    account: account.igId,
    customer: customer.igsid,
    text,
    timestamp: meta.now() - ageMs,
  });
  const [row] = await eventually(() =>
    sql<{ id: string; conversation_id: string }>(
      'select id, conversation_id from conversation_messages where comment_id = $1',
      [posted.commentId],
    ).then((rows) => rows.length > 0 && rows),
  );
  // Meta's webhook said when it was sent; the comment is as old as the test says.
  if (ageMs > 0) {
    await sql(
      "update conversation_messages set occurred_at = occurred_at - $2 * interval '1 millisecond' where id = $1",
      [row?.id, ageMs],
    );
  }
  return { ...posted, messageId: row?.id as string, conversationId: row?.conversation_id as string };
}

const privateReplies = (commentId: string) =>
  meta.sentMessages().filter((sent) => sent.commentId === commentId);

async function settledMessage(id: string) {
  return eventually(() =>
    sql<{ status: string; external_message_id: string | null; comment_id: string | null }>(
      'select status, external_message_id, comment_id from conversation_messages where id = $1',
      [id],
    ).then(([row]) => row && ['SENT', 'FAILED'].includes(row.status) && row),
  );
}

describe('a private reply', () => {
  it("within 7 days reaches the customer's DMs once, linked to the comment, and opens no messaging window", async () => {
    const comment = await commented('how much is the blue vase?', 6 * DAY);
    const reply = await agent().comments.replyPrivately.mutate({
      workspaceId: team.workspaceId,
      messageId: comment.messageId,
      text: 'It is €40 — here are the details!',
      idempotencyKey: key(),
    });
    expect(await settledMessage(reply.id)).toMatchObject({ status: 'SENT' });
    expect(privateReplies(comment.commentId).map((sent) => [sent.recipientId, sent.text])).toEqual([
      [customer.igsid, 'It is €40 — here are the details!'],
    ]);
    // Its echo confirms our row: the thread holds it once, as a private reply to the comment.
    await intake.meta.idle();
    expect(
      await sql(
        `select direction, kind, content, private_reply_to from conversation_messages
          where conversation_id = $1 and direction = 'OUTBOUND'`,
        [comment.conversationId],
      ),
    ).toEqual([
      {
        direction: 'OUTBOUND',
        kind: 'text',
        content: 'It is €40 — here are the details!',
        private_reply_to: comment.commentId,
      },
    ]);
    const view = await agent().inbox.conversation.query({
      workspaceId: team.workspaceId,
      conversationId: comment.conversationId,
    });
    expect(view.window.kind).toBe('closed');
    expect(view.messages.find((m) => m.id === comment.messageId)?.comment?.privateReply?.state).toBe(
      'replied',
    );
    // No window: a plain reply is still refused, before Meta.
    const plain = await apiRefusal(
      agent().messages.send.mutate({
        workspaceId: team.workspaceId,
        conversationId: comment.conversationId,
        text: 'and another thing',
        idempotencyKey: key(),
      }),
    );
    expect(plain.data?.code).toBe('UNPROCESSABLE_CONTENT');
  });

  it('after 7 days is refused before Meta is called', async () => {
    const comment = await commented('still available?', 8 * DAY);
    const refusal = await apiRefusal(
      agent().comments.replyPrivately.mutate({
        workspaceId: team.workspaceId,
        messageId: comment.messageId,
        text: 'Yes!',
        idempotencyKey: key(),
      }),
    );
    expect(refusal.message).toMatch(/within 7 days of the comment/);
    expect(privateReplies(comment.commentId)).toEqual([]);
    const view = await agent().inbox.conversation.query({
      workspaceId: team.workspaceId,
      conversationId: comment.conversationId,
    });
    expect(view.messages.find((m) => m.id === comment.messageId)?.comment?.privateReply?.state).toBe(
      'expired',
    );
  });

  it('is sent once however many operators race to send it; the others are refused before Meta', async () => {
    const comment = await commented('price for two?');
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? agent() : owner()).comments.replyPrivately.mutate({
          workspaceId: team.workspaceId,
          messageId: comment.messageId,
          text: `Reply number ${i}`,
          idempotencyKey: key(),
        }),
      ),
    );
    const sent = attempts.filter((a) => a.status === 'fulfilled');
    expect(sent).toHaveLength(1);
    for (const attempt of attempts.filter((a) => a.status === 'rejected')) {
      expect(String((attempt as PromiseRejectedResult).reason.message)).toMatch(
        /already been answered privately/,
      );
    }
    const [winner] = sent as PromiseFulfilledResult<{ id: string; content: string }>[];
    await settledMessage(winner?.value.id as string);
    expect(privateReplies(comment.commentId).map((s) => s.text)).toEqual([winner?.value.content]);
    // The same request again (its idempotency key) is the same reply, not a refusal.
    const later = await apiRefusal(
      agent().comments.replyPrivately.mutate({
        workspaceId: team.workspaceId,
        messageId: comment.messageId,
        text: 'one more',
        idempotencyKey: key(),
      }),
    );
    expect(later.data?.code).toBe('CONFLICT');
    expect(privateReplies(comment.commentId)).toHaveLength(1);
  });

  it('is refused on a hidden comment, and a comment of another workspace is not found', async () => {
    const comment = await commented('rude words');
    await agent().comments.hide.mutate({
      workspaceId: team.workspaceId,
      messageId: comment.messageId,
      hidden: true,
    });
    const refusal = await apiRefusal(
      agent().comments.replyPrivately.mutate({
        workspaceId: team.workspaceId,
        messageId: comment.messageId,
        text: 'hello',
        idempotencyKey: key(),
      }),
    );
    expect(refusal.message).toMatch(/hidden comment/);
    const outsider = await apiRefusal(
      operatorClient(api, team.outsider).comments.replyPrivately.mutate({
        workspaceId: team.outsiderWorkspaceId,
        messageId: comment.messageId,
        text: 'hello',
        idempotencyKey: key(),
      }),
    );
    expect(outsider.data?.code).toBe('NOT_FOUND');
    expect(privateReplies(comment.commentId)).toEqual([]);
  });
});

describe('a public reply', () => {
  it('appears once under the post and once in the thread, confirmed by its own webhook', async () => {
    const comment = await commented('do you ship to Porto?');
    const reply = await agent().comments.replyPublicly.mutate({
      workspaceId: team.workspaceId,
      messageId: comment.messageId,
      text: 'We do! Free over €50.',
      idempotencyKey: key(),
    });
    const settled = await settledMessage(reply.id);
    expect(settled.status).toBe('SENT');
    const underPost = meta.comments(comment.mediaId).filter((c) => c.parentId === comment.commentId);
    expect(underPost.map((c) => [c.id, c.text, c.byBusiness])).toEqual([
      [settled.comment_id, 'We do! Free over €50.', true],
    ]);
    await meta.idle();
    await eventually(async () => {
      const rows = await sql<{ status: string }>(
        `select status from instagram_events where kind = 'comment' and payload->>'commentId' = $1`,
        [settled.comment_id],
      );
      return rows.length === 1;
    });
    expect(
      await sql(
        `select direction, kind, content, comment_id, comment_parent_id from conversation_messages
          where conversation_id = $1 order by occurred_at, created_at`,
        [comment.conversationId],
      ),
    ).toEqual([
      {
        direction: 'INBOUND',
        kind: 'comment',
        content: 'do you ship to Porto?',
        comment_id: comment.commentId,
        comment_parent_id: null,
      },
      {
        direction: 'OUTBOUND',
        kind: 'comment',
        content: 'We do! Free over €50.',
        comment_id: settled.comment_id,
        comment_parent_id: comment.commentId,
      },
    ]);
  });
});

describe('moderation', () => {
  it('hides and shows a comment at Meta; only owners and admins delete one, and then it is gone', async () => {
    const comment = await commented('this is spam');
    const hidden = () => meta.comments(comment.mediaId).find((c) => c.id === comment.commentId)?.hidden;
    await agent().comments.hide.mutate({
      workspaceId: team.workspaceId,
      messageId: comment.messageId,
      hidden: true,
    });
    expect(hidden()).toBe(true);
    expect(
      await sql('select hidden_at is not null as hidden from conversation_messages where id = $1', [
        comment.messageId,
      ]),
    ).toEqual([{ hidden: true }]);
    await agent().comments.hide.mutate({
      workspaceId: team.workspaceId,
      messageId: comment.messageId,
      hidden: false,
    });
    expect(hidden()).toBe(false);

    const forbidden = await apiRefusal(
      agent().comments.delete.mutate({ workspaceId: team.workspaceId, messageId: comment.messageId }),
    );
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    expect(meta.comments(comment.mediaId).find((c) => c.id === comment.commentId)?.deleted).toBe(false);

    await owner().comments.delete.mutate({ workspaceId: team.workspaceId, messageId: comment.messageId });
    expect(meta.comments(comment.mediaId).find((c) => c.id === comment.commentId)?.deleted).toBe(true);
    await expectForgotten(comment.messageId, 'this is spam');
    expect(
      await sql(
        `select action from audit_events where workspace_id = $1 and action like 'comment.%' order by id`,
        [team.workspaceId],
      ),
    ).toEqual(
      expect.arrayContaining([
        { action: 'comment.hide' },
        { action: 'comment.unhide' },
        { action: 'comment.delete' },
      ]),
    );
  });

  it('learns that the customer deleted their comment when Meta says it is gone, and forgets its words', async () => {
    const comment = await commented('my phone is 555-0100');
    meta.deleteComment({ customer: customer.igsid, comment: comment.commentId }); // no webhook, as on Meta
    const refusal = await apiRefusal(
      agent().comments.hide.mutate({
        workspaceId: team.workspaceId,
        messageId: comment.messageId,
        hidden: true,
      }),
    );
    expect(refusal.message).toBe('This comment no longer exists on Instagram.');
    await expectForgotten(comment.messageId, 'my phone is 555-0100');
  });
});

/** Marked deleted, with its words in no row, parsed event or raw delivery. */
async function expectForgotten(messageId: string, words: string) {
  expect(
    await sql('select content, unsent_at is not null as deleted from conversation_messages where id = $1', [
      messageId,
    ]),
  ).toEqual([{ content: '', deleted: true }]);
  expect(
    await sql('select count(*)::int as n from instagram_events where payload::text like $1', [`%${words}%`]),
  ).toEqual([{ n: 0 }]);
  expect(
    await sql("select count(*)::int as n from webhook_events where convert_from(raw_body, 'UTF8') like $1", [
      `%${words}%`,
    ]),
  ).toEqual([{ n: 0 }]);
}

describe('the commenter and the post', () => {
  it('shows a commenter by the username the comment carried until they write; then by their profile', async () => {
    const comment = await commented('first!');
    const contact = () =>
      sql<{ contact_name: string; contact_username: string | null }>(
        'select contact_name, contact_username from conversations where id = $1',
        [comment.conversationId],
      );
    // Meta gives no profile of someone who has not messaged the account (consent, error 230).
    await eventually(() =>
      sql("select 1 from contacts where igsid = $1 and fetch_error like 'no_consent:%'", [
        customer.igsid,
      ]).then((rows) => rows.length > 0),
    );
    expect(await contact()).toEqual([
      { contact_name: customer.username, contact_username: customer.username },
    ]);
    meta.sendText({ account: account.igId, customer: customer.igsid, text: 'Hi, about my comment' });
    await eventually(async () => (await contact())[0]?.contact_name === customer.name);
  });

  it('is fetched once for the thread: its picture, link and caption (a web URL, or nothing)', async () => {
    const comment = await commented('lovely glaze');
    const media = meta.media(account.igId).find((m) => m.id === comment.mediaId);
    const [stored] = await eventually(() =>
      sql<{ permalink: string | null; caption: string | null; thumbnail_url: string | null }>(
        'select permalink, caption, thumbnail_url from instagram_media where media_id = $1 and fetched_at is not null',
        [comment.mediaId],
      ).then((rows) => rows.length > 0 && rows),
    );
    expect(stored).toMatchObject({ permalink: media?.permalink, caption: media?.caption ?? null });
    expect(stored?.thumbnail_url).toMatch(/^https?:\/\//);
    const view = await agent().inbox.conversation.query({
      workspaceId: team.workspaceId,
      conversationId: comment.conversationId,
    });
    expect(view.messages.find((m) => m.id === comment.messageId)?.comment?.media).toMatchObject({
      id: comment.mediaId,
      permalink: media?.permalink,
    });
  });
});
