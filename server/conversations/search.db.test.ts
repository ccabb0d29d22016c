// Inbox search by the words of each conversation (decision 029), against a reference model: a
// search matches a conversation whose contact's name holds it as typed, or whose messages hold,
// for every word typed, a word that starts with it. Messages arrive, are edited, unsent and
// purged in generated (seeded) orders; after each step the list must say what the model says.
// Unsent and purged text must stop matching at once: deleted means deleted.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';
import { listConversations } from './index.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let owner: TestOperator;
let workspaceId: string;
let connectionId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  owner = await signUpOperator(supabase, 'owner');
  workspaceId = (await createWorkspace(database.db, owner.actor, 'Search shop')).id;
  const { rows } = await database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier)
     values ($1, 'instagram', '17841400000077001') returning id`,
    [workspaceId],
  );
  connectionId = rows[0]?.id as string;
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

// Words that share prefixes ("rest" starts two), with case and punctuation around them.
const WORDS = ['restock', 'rest', 'red', 'reduce', 'blue', 'Bluetooth', 'price', 'PRICE?', 'zolovin', 'café'];

/** The model: each conversation's contact name and its messages' text, by message id. */
interface ModelConversation {
  id: string;
  name: string;
  messages: Map<string, string>;
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function modelMatches(conversation: ModelConversation, search: string): boolean {
  const typed = search.trim();
  if (conversation.name.toLowerCase().includes(typed.toLowerCase())) return true;
  const wanted = wordsOf(typed);
  if (wanted.length === 0) return false;
  const words = [...conversation.messages.values()].flatMap(wordsOf);
  return wanted.every((prefix) => words.some((word) => word.startsWith(prefix)));
}

async function searchIds(search: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await listConversations(database.db, owner.actor, {
      workspaceId,
      status: 'ACTIVE',
      cursor,
      limit: 7,
      filters: { search },
    });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids.sort();
}

it('finds what the model finds as messages arrive, are edited, unsent and purged', async () => {
  const next = seededRandom(18).next;
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const conversations: ModelConversation[] = [];
  for (let i = 0; i < 12; i++) {
    const name = `Contact ${pick(['Anna', 'Ben', 'Restrepo', 'Zoe'])} ${i}`;
    const { rows } = await database.query<{ id: string }>(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier, contact_name)
       values ($1, $2, $3, $4) returning id`,
      [workspaceId, connectionId, `customer-${i}`, name],
    );
    conversations.push({ id: rows[0]?.id as string, name, messages: new Map() });
  }
  const sentence = () =>
    Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(WORDS)).join(pick([' ', ', ', '! ']));

  for (let step = 0; step < 60; step++) {
    const conversation = pick(conversations);
    const existing = [...conversation.messages.keys()];
    const action = existing.length === 0 ? 'batch' : pick(['batch', 'batch', 'edit', 'unsend', 'purge']);
    if (action === 'batch') {
      // Several conversations' messages in one statement, as ingest writes a delivery.
      const batch = [conversation, pick(conversations)].map((c) => ({ c, text: sentence() }));
      const { rows } = await database.query<{ id: string; conversation_id: string }>(
        `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content)
         select $1, b.conversation_id, $2, 'INBOUND', 'RECEIVED', b.content
         from unnest($3::uuid[], $4::text[]) as b(conversation_id, content)
         returning id, conversation_id`,
        [workspaceId, connectionId, batch.map((b) => b.c.id), batch.map((b) => b.text)],
      );
      rows.forEach((row, index) => {
        conversations
          .find((c) => c.id === row.conversation_id)
          ?.messages.set(row.id, batch[index]?.text ?? '');
      });
    } else {
      const messageId = pick(existing);
      if (action === 'edit') {
        const text = sentence();
        await database.query('update conversation_messages set content = $1 where id = $2', [
          text,
          messageId,
        ]);
        conversation.messages.set(messageId, text);
      } else if (action === 'unsend') {
        await database.query(
          `update conversation_messages set content = '', unsent_at = now() where id = $1`,
          [messageId],
        );
        conversation.messages.set(messageId, '');
      } else {
        await database.query('delete from conversation_messages where id = $1', [messageId]);
        conversation.messages.delete(messageId);
      }
    }
    const search = pick([...WORDS, 'rest', 're', 'blue pri', 'Restrepo', 'tooth', 'CAFÉ', 'zolovin red']);
    const expected = conversations.filter((c) => modelMatches(c, search)).map((c) => c.id);
    expect(await searchIds(search), `step ${step} (${action}), searching "${search}"`).toEqual(
      expected.sort(),
    );
  }
});

it('reads anything typed as words, never as operators or wildcards', async () => {
  const { rows } = await database.query<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier, contact_name)
     values ($1, $2, 'customer-hostile', 'Hostile') returning id`,
    [workspaceId, connectionId],
  );
  const id = rows[0]?.id as string;
  await database.query(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content)
     values ($1, $2, $3, 'INBOUND', 'RECEIVED', $4)`,
    [workspaceId, id, connectionId, `it's 50% off: a\\b & c | !d (e) f:* "quoted"`],
  );
  for (const typed of ["it's", '50% OFF', 'a\\b', '& c', '!d', '(e)', 'f:*', '"quoted"', "'", '\\']) {
    const found = await searchIds(typed);
    const expected = wordsOf(typed).length > 0 ? [id] : [];
    expect(found.includes(id), `searching ${JSON.stringify(typed)}`).toBe(expected.length > 0);
  }
  // Punctuation alone is no word (and no wildcard): it matches no message, so not everything.
  expect(await searchIds('%')).toEqual([]);
  expect(await searchIds('&|!')).toEqual([]);
});

it('keeps taking messages however many different words a customer sends', async () => {
  const { rows } = await database.query<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier, contact_name)
     values ($1, $2, 'customer-flood', 'Flood') returning id`,
    [workspaceId, connectionId],
  );
  const id = rows[0]?.id as string;
  const next = seededRandom(1800).next;
  const gibberish = () =>
    Array.from({ length: 200 }, () =>
      Array.from({ length: 10 }, () => String.fromCharCode(0x4e00 + Math.floor(next() * 20000))).join(''),
    ).join(' ');
  // 60 statements of 200 distinct 10-character (30-byte) words each: past the document's cap.
  for (let i = 0; i < 60; i++) {
    await database.query(
      `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content)
       values ($1, $2, $3, 'INBOUND', 'RECEIVED', $4), ($1, $2, $3, 'INBOUND', 'RECEIVED', 'flood' || $5)`,
      [workspaceId, id, connectionId, gibberish(), String(i)],
    );
  }
  // Its first words stay findable; the conversation keeps receiving.
  expect(await searchIds('flood0')).toEqual([id]);
  const { rows: count } = await database.query<{ n: string }>(
    'select count(*) as n from conversation_messages where conversation_id = $1',
    [id],
  );
  expect(Number(count[0]?.n)).toBe(120);
});
