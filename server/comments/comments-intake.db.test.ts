// Comments through the real webhook endpoint (signed HTTP POSTs, the real ledger and workers):
// each lands once in the commenter's thread, in Meta's order, whatever Meta redelivers or
// reorders; a comment with new words is an edit, and an older version never overwrites a newer
// one; the business's own public reply joins the commenter's thread; a comment opens no
// messaging window and makes a lead of its own source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import {
  connectInstagramAccount,
  type IngestStack,
  newInstagramAccountId,
  startIngestStack,
} from '#dev/test/webhook-intake.ts';
import { eraseContactEverywhere } from '../privacy/index.ts';

let stack: IngestStack;
const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  stack.database.query<R>(text, values).then((r) => r.rows);

beforeAll(async () => {
  stack = await startIngestStack();
});
afterAll(async () => {
  await stack?.stop();
});

let n = 0;
const nextId = () => `${17_900_000_000_000_000 + ++n * 7919}`;

interface CommentInput {
  id: string;
  from: string;
  text: string;
  media?: Record<string, unknown>;
  parentId?: string;
  field?: 'comments' | 'live_comments';
}

/** A `changes` entry as Meta sends it for a comment, at `time` (Meta's batch time, in ms). */
function commentEntry(igId: string, comment: CommentInput, time: number) {
  return {
    id: igId,
    time,
    changes: [
      {
        field: comment.field ?? 'comments',
        value: {
          id: comment.id,
          from: { id: comment.from, username: `user_${comment.from}` },
          text: comment.text,
          media: comment.media ?? { id: '18000000000000999', media_product_type: 'FEED' },
          ...(comment.parentId ? { parent_id: comment.parentId } : {}),
        },
      },
    ],
  };
}

async function deliver(entries: unknown[]): Promise<void> {
  const response = await stack.intake.postSigned(JSON.stringify({ object: 'instagram', entry: entries }));
  expect(response.status).toBe(200);
}

async function account() {
  return connectInstagramAccount(stack.database, newInstagramAccountId());
}

const items = (connectionId: string) =>
  sql<{ kind: string; direction: string; content: string; comment_id: string; comment: unknown }>(
    `select kind, direction, content, comment_id, status, comment_parent_id,
            provider_data->'comment' as comment, provider_data->>'origin' as origin
       from conversation_messages where channel_connection_id = $1 order by occurred_at, created_at`,
    [connectionId],
  );

describe('a comment in the inbox', () => {
  it("lands in the commenter's thread, unread, opening no messaging window, as a lead from a comment", async () => {
    const shop = await account();
    const id = nextId();
    await deliver([commentEntry(shop.igId, { id, from: '5820000000000001', text: 'price?' }, Date.now())]);
    await stack.intake.ingested();

    expect(await items(shop.connectionId)).toEqual([
      expect.objectContaining({
        kind: 'comment',
        direction: 'INBOUND',
        content: 'price?',
        comment_id: id,
        comment_parent_id: null,
        comment: {
          mediaId: '18000000000000999',
          mediaProductType: 'FEED',
          adId: null,
          adTitle: null,
          live: false,
        },
      }),
    ]);
    expect(
      await sql(
        `select contact_identifier, unread_count, last_inbound_at, has_comments, has_direct_messages,
                last_message_preview
           from conversations where channel_connection_id = $1`,
        [shop.connectionId],
      ),
    ).toEqual([
      {
        contact_identifier: '5820000000000001',
        unread_count: 1,
        last_inbound_at: null,
        has_comments: true,
        has_direct_messages: false,
        last_message_preview: '💬 price?',
      },
    ]);
    expect(
      await sql('select source, source_ref, source_ad_id from leads where channel_connection_id = $1', [
        shop.connectionId,
      ]),
    ).toEqual([{ source: 'COMMENT', source_ref: '18000000000000999', source_ad_id: null }]);
    // The post is registered for its details to be fetched (this account has no token to do it).
    expect(
      await sql('select media_id, product_type from instagram_media where channel_connection_id = $1', [
        shop.connectionId,
      ]),
    ).toEqual([{ media_id: '18000000000000999', product_type: 'FEED' }]);
  });

  it('a comment on an ad makes a lead from that ad; a live comment says so', async () => {
    const shop = await account();
    const media = {
      id: '18000000000000777',
      media_product_type: 'FEED',
      ad_id: '23850000000001',
      ad_title: 'Linen week',
    };
    await deliver([
      commentEntry(
        shop.igId,
        { id: nextId(), from: '5820000000000002', text: 'in blue?', media },
        Date.now(),
      ),
      commentEntry(
        shop.igId,
        {
          id: nextId(),
          from: '5820000000000003',
          text: 'hello from the live',
          field: 'live_comments',
          media: { id: '18000000000000555', media_product_type: 'LIVE' },
        },
        Date.now(),
      ),
    ]);
    await stack.intake.ingested();
    expect(
      await sql(
        `select source, source_ad_id, referral->>'adTitle' as ad_title from leads
          where channel_connection_id = $1 order by contact_identifier`,
        [shop.connectionId],
      ),
    ).toEqual([
      { source: 'AD_COMMENT', source_ad_id: '23850000000001', ad_title: 'Linen week' },
      { source: 'COMMENT', source_ad_id: null, ad_title: null },
    ]);
    expect((await items(shop.connectionId)).map((item) => item.comment)).toEqual([
      {
        mediaId: '18000000000000777',
        mediaProductType: 'FEED',
        adId: '23850000000001',
        adTitle: 'Linen week',
        live: false,
      },
      { mediaId: '18000000000000555', mediaProductType: 'LIVE', adId: null, adTitle: null, live: true },
    ]);
  });

  it('then a direct message joins the same conversation and opens the window; the lead keeps its source', async () => {
    const shop = await account();
    const customer = '5820000000000004';
    const at = Date.now() - 60_000;
    await deliver([commentEntry(shop.igId, { id: nextId(), from: customer, text: 'price?' }, at)]);
    await stack.intake.ingested();
    await deliver([
      {
        id: shop.igId,
        time: at + 30_000,
        messaging: [
          {
            sender: { id: customer },
            recipient: { id: shop.igId },
            timestamp: at + 30_000,
            message: { mid: `aWdf${nextId()}`, text: 'writing you here' },
          },
        ],
      },
    ]);
    await stack.intake.ingested();
    expect((await items(shop.connectionId)).map((item) => [item.kind, item.content])).toEqual([
      ['comment', 'price?'],
      ['text', 'writing you here'],
    ]);
    const [conversation] = await sql<{ last_inbound_at: Date }>(
      `select unread_count, has_comments, has_direct_messages, last_inbound_at
         from conversations where channel_connection_id = $1`,
      [shop.connectionId],
    );
    expect(conversation).toMatchObject({ unread_count: 2, has_comments: true, has_direct_messages: true });
    expect(conversation?.last_inbound_at.getTime()).toBe(at + 30_000);
    expect(
      await sql('select source from leads where channel_connection_id = $1', [shop.connectionId]),
    ).toEqual([{ source: 'COMMENT' }]);
  });

  it("the business's public reply joins the commenter's thread; one to a comment the inbox never saw is only ledgered", async () => {
    const shop = await account();
    const commentId = nextId();
    const replyId = nextId();
    const now = Date.now();
    await deliver([
      commentEntry(shop.igId, { id: commentId, from: '5820000000000005', text: 'size M?' }, now - 2000),
    ]);
    await stack.intake.ingested();
    await deliver([
      commentEntry(
        shop.igId,
        { id: replyId, from: shop.igId, text: 'Yes, in stock!', parentId: commentId },
        now - 1000,
      ),
      commentEntry(
        shop.igId,
        { id: nextId(), from: shop.igId, text: 'Thanks!', parentId: '17999999999999999' },
        now,
      ),
    ]);
    await stack.intake.ingested();
    expect(await items(shop.connectionId)).toEqual([
      expect.objectContaining({ direction: 'INBOUND', content: 'size M?', comment_id: commentId }),
      expect.objectContaining({
        direction: 'OUTBOUND',
        content: 'Yes, in stock!',
        comment_id: replyId,
        comment_parent_id: commentId,
        status: 'SENT',
        origin: 'echo',
      }),
    ]);
    expect(
      await sql(
        `select status, detail from instagram_events
          where channel_connection_id = $1 and status = 'IGNORED'`,
        [shop.connectionId],
      ),
    ).toEqual([
      { status: 'IGNORED', detail: 'a reply by the business to a comment the inbox does not hold' },
    ]);
    // Read, since the business wrote it; the customer's comment is still the one unread item.
    expect(
      await sql('select unread_count from conversations where channel_connection_id = $1', [
        shop.connectionId,
      ]),
    ).toEqual([{ unread_count: 1 }]);
  });

  it("erasing a commenter takes their comments, and the business's replies to them, out of every ledger", async () => {
    const shop = await account();
    const [customer, other] = ['5820000000000050', '5820000000000051'];
    const [theirs, reply, kept] = [nextId(), nextId(), nextId()];
    const now = Date.now();
    await deliver([
      commentEntry(shop.igId, { id: theirs, from: customer, text: 'call me at 555-0199' }, now - 3000),
      commentEntry(shop.igId, { id: kept, from: other, text: 'nice colours' }, now - 3000),
    ]);
    await stack.intake.ingested();
    await deliver([
      commentEntry(
        shop.igId,
        { id: reply, from: shop.igId, text: 'Calling you soon, Ana!', parentId: theirs },
        now - 1000,
      ),
    ]);
    await stack.intake.ingested();
    await stack.services.db.withService((trx) => eraseContactEverywhere(trx, customer));
    const held = await sql<{ body: string }>(
      "select convert_from(raw_body, 'UTF8') as body from webhook_events",
    );
    for (const trace of [customer, theirs, reply, '555-0199', 'Calling you soon']) {
      expect(held.filter((row) => row.body.includes(trace))).toEqual([]);
    }
    expect(held.filter((row) => row.body.includes('nice colours'))).toHaveLength(1);
    expect(
      await sql('select count(*)::int as n from conversation_messages where comment_id in ($1, $2)', [
        theirs,
        reply,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it('also reads the Postman shape (field and value on the entry) and Page-linked payloads naming comment_id', async () => {
    const shop = await account();
    const [first, second] = [nextId(), nextId()];
    await deliver([
      {
        id: shop.igId,
        time: Date.now(),
        field: 'comments',
        value: { id: first, from: { id: '5820000000000006' }, text: 'one', media: { id: '1800' } },
      },
      {
        id: shop.igId,
        time: Date.now(),
        changes: [
          {
            field: 'comments',
            value: {
              comment_id: second,
              from: { id: '5820000000000007' },
              text: 'two',
              media: { id: '1800' },
            },
          },
        ],
      },
    ]);
    await stack.intake.ingested();
    expect((await items(shop.connectionId)).map((item) => item.comment_id).sort()).toEqual(
      [first, second].sort(),
    );
  });
});

describe('never lost, never twice, in order', () => {
  /**
   * A reference model against generated deliveries: comments by several customers, some with new
   * words (edits), every version sent one to three times, all shuffled and posted concurrently in
   * batches. A comment must end with the words of its latest version, and appear exactly once.
   */
  it.each([1, 2, 3])(
    'generated redeliveries, edits and reordering match the model (seed %i)',
    async (seed) => {
      const random = seededRandom(seed);
      const shop = await account();
      const start = Date.now() - 3_600_000;
      const versions: { entry: ReturnType<typeof commentEntry>; id: string; text: string; at: number }[] = [];
      const latest = new Map<string, { text: string; at: number; edits: number }>();
      for (let c = 0; c < 12; c++) {
        const id = nextId();
        const from = `58200000000001${String(c % 4).padStart(2, '0')}`;
        const edits = Math.floor(random.next() * 3);
        for (let v = 0; v <= edits; v++) {
          const at = start + c * 60_000 + v * 1000;
          const text = `comment ${c} version ${v}`;
          versions.push({ entry: commentEntry(shop.igId, { id, from, text }, at), id, text, at });
          latest.set(id, { text, at, edits });
        }
      }
      const copies = versions.flatMap((version) =>
        Array.from({ length: 1 + Math.floor(random.next() * 3) }, () => version),
      );
      random.shuffle(copies);
      const batches: (typeof copies)[] = [];
      for (let i = 0; i < copies.length; i += 5) batches.push(copies.slice(i, i + 5));
      await Promise.all(batches.map((batch) => deliver(batch.map((copy) => copy.entry))));
      await stack.intake.ingested();

      const stored = await items(shop.connectionId);
      expect(stored.map((row) => row.comment_id).sort()).toEqual([...latest.keys()].sort());
      for (const row of stored) {
        const model = latest.get(row.comment_id);
        expect(row.content).toBe(model?.text);
      }
      // Thread order is Meta's: by the time each comment was first made.
      expect(stored.map((row) => row.comment_id)).toEqual(
        [...latest.keys()].sort(
          (a, b) => versions.findIndex((v) => v.id === a) - versions.findIndex((v) => v.id === b),
        ),
      );
      expect(
        await sql<{ n: number }>(
          `select count(distinct contact_identifier)::int as n from conversations where channel_connection_id = $1`,
          [shop.connectionId],
        ),
      ).toEqual([{ n: 4 }]);
    },
  );
});
