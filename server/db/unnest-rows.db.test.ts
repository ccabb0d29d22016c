// Rows written through unnestRows come back exactly as given: awkward text (quotes, backslashes,
// braces, commas, the word NULL, unicode), nulls, times and JSON, over generated rows; and rows
// that leave out a listed column, or give one not listed, are refused.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { unnestRows } from './unnest-rows.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const PIECES = ['a', ' ', '"', "'", '\\', '{', '}', ',', 'NULL', 'null', 'é', '🙂', '\n', '\t', '()', ''];

it('writes generated rows exactly as given', async () => {
  const next = seededRandom(31).next;
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => PIECES[Math.floor(next() * PIECES.length)]).join('');
  const rows = Array.from({ length: 300 }, (_, i) => ({
    raw_body: Buffer.from(text()),
    object: next() < 0.2 ? null : text(),
    error: next() < 0.5 ? null : text(),
    received_at: new Date(Date.parse('2026-12-01T00:00:00Z') + Math.floor(next() * 1e9)),
    headers: JSON.stringify({ n: i, text: text(), list: [text(), null] }) as never,
    signature_valid: next() < 0.5,
  }));
  const { columns, select } = unnestRows(
    'webhook_events',
    {
      raw_body: 'bytea',
      object: 'text',
      error: 'text',
      received_at: 'timestamptz',
      headers: 'jsonb',
      signature_valid: 'boolean',
    },
    rows,
  );
  const written = await database.db.withService((trx) =>
    trx.insertInto('webhook_events').columns(columns).expression(select).returning('id').execute(),
  );
  const ids = written.map((row) => row.id);
  const { rows: stored } = await database.query(
    `select raw_body, object, error, received_at, headers, signature_valid
     from webhook_events where id = any($1::bigint[]) order by id`,
    [ids],
  );
  expect(stored).toEqual(rows.map((row) => ({ ...row, headers: JSON.parse(row.headers) })));
});

it('refuses rows that leave out a listed column or give one not listed', async () => {
  const types = { object: 'text', error: 'text' } as const;
  expect(() => unnestRows('webhook_events', types, [{ object: 'x' } as never])).toThrow(
    /exactly the columns/,
  );
  expect(() =>
    unnestRows('webhook_events', types, [{ object: 'x', error: null, status: 'FAILED' } as never]),
  ).toThrow(/exactly the columns/);
  // A column given as undefined is given: written as null.
  expect(unnestRows('webhook_events', types, [{ object: 'x', error: undefined } as never]).columns).toEqual([
    'object',
    'error',
  ]);
});
