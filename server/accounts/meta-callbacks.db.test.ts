// Deauthorize and data deletion really remove what they say, and nothing of anyone else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { eraseContactEverywhere } from '../privacy/index.ts';
import { deauthorize, findDeletionStatus, requestDataDeletion } from './meta-callbacks.ts';

let database: TestDatabase;
const sql = <R extends Record<string, unknown>>(text: string, values?: unknown[]) =>
  database.query<R>(text, values).then((r) => r.rows);
const count = async (table: string, where = 'true', values: unknown[] = []) =>
  Number((await sql<{ n: string }>(`select count(*) as n from ${table} where ${where}`, values))[0]?.n);

/** An account authorised by `person`, with a conversation, messages, a lead, a contact, events. */
async function seedAccount(person: string, igId: string): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `with w as (insert into workspaces (name) values ('Shop') returning id)
     insert into channel_connections (workspace_id, login_path, channel_identifier, authorizing_user_id, access_token)
     select id, 'instagram', $1, $2, 'enc:v1:k:iv:ct:tag' from w returning id`,
    [igId, person],
  );
  const connection = row?.id as string;
  await sql(
    `with c as (
       insert into conversations (workspace_id, channel_connection_id, contact_identifier)
       select workspace_id, id, 'igsid-' || $2 from channel_connections where id = $1 returning id, workspace_id)
     insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content, external_message_id)
     select workspace_id, id, $1, 'INBOUND', 'RECEIVED', 'hi', 'mid-' || n || '-' || $2 from c, generate_series(1, 3) n`,
    [connection, igId],
  );
  await sql(
    `insert into leads (workspace_id, channel_connection_id, conversation_id, contact_identifier)
     select workspace_id, channel_connection_id, id, contact_identifier from conversations where channel_connection_id = $1`,
    [connection],
  );
  await sql(
    `insert into contacts (workspace_id, channel_connection_id, igsid)
     select workspace_id, channel_connection_id, contact_identifier from conversations where channel_connection_id = $1`,
    [connection],
  );
  const [event] = await sql<{ id: string }>(
    `insert into webhook_events (raw_body, signature_valid, status, account_ids) values ('{"text":"hi"}', true, 'PROCESSED', $1) returning id`,
    [[igId]],
  );
  await sql(
    `insert into instagram_events (webhook_event_id, account_id, channel_connection_id, kind, dedupe_key, occurred_at, payload, status)
     values ($1, $2, $3, 'message', 'message:x' || $2, now(), '{"text":"hi"}', 'APPLIED')`,
    [event?.id, igId, connection],
  );
  return connection;
}

let mine: string;
let theirs: string;

beforeAll(async () => {
  database = await createTestDatabase();
  mine = await seedAccount('27640875392278831', '17841400000000501');
  theirs = await seedAccount('27640875392278999', '17841400000000502');
});

afterAll(async () => {
  await database?.drop();
});

describe('deauthorize', () => {
  it("disconnects the person's accounts and wipes their tokens, keeping history", async () => {
    expect(await deauthorize(database.db, '27640875392278831')).toBe(1);
    expect(
      await sql('select status, access_token, is_active from channel_connections where id = $1', [mine]),
    ).toEqual([{ status: 'DISCONNECTED', access_token: null, is_active: false }]);
    expect(await count('conversation_messages', 'channel_connection_id = $1', [mine])).toBe(3);
    expect(await sql('select status from channel_connections where id = $1', [theirs])).toEqual([
      { status: 'CONNECTED' },
    ]);
  });

  it('does nothing for someone it does not know', async () => {
    expect(await deauthorize(database.db, '1')).toBe(0);
  });
});

describe('data deletion', () => {
  it("deletes everything stored about the person's accounts, counts it, and leaves a receipt", async () => {
    const before = {
      messages: await count('conversation_messages'),
      events: await count('instagram_events'),
      deliveries: await count('webhook_events'),
    };
    const receipt = await requestDataDeletion(database.db, '27640875392278831', (trx) =>
      eraseContactEverywhere(trx, '27640875392278831'),
    );
    expect(receipt.confirmationCode).toMatch(/^del[0-9a-f]{24}$/);
    expect(receipt.summary).toEqual({
      accounts: 1,
      conversations: 1,
      messages: 3,
      leads: 1,
      contacts: 1,
      events: 1,
      deliveries: 1,
    });
    for (const table of ['conversations', 'conversation_messages', 'leads', 'contacts', 'instagram_events']) {
      expect(await count(table, 'channel_connection_id = $1', [mine])).toBe(0);
    }
    expect(await count('channel_connections', 'id = $1', [mine])).toBe(0);
    expect(await count('conversation_messages')).toBe(before.messages - 3);
    expect(await count('instagram_events')).toBe(before.events - 1);
    expect(await count('webhook_events')).toBe(before.deliveries - 1);
    // Someone else's data is untouched.
    expect(await count('conversation_messages', 'channel_connection_id = $1', [theirs])).toBe(3);

    expect(await findDeletionStatus(database.db, receipt.confirmationCode)).toMatchObject({
      status: 'COMPLETED',
      summary: receipt.summary,
    });
  });

  it('gives a receipt even when nothing is stored for the person', async () => {
    const receipt = await requestDataDeletion(database.db, '5', (trx) => eraseContactEverywhere(trx, '5'));
    expect(receipt.summary).toEqual({ accounts: 0, conversations: 0, messages: 0, leads: 0, contacts: 0 });
    expect(await findDeletionStatus(database.db, 'delnope')).toBeNull();
  });
});
