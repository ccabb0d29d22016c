// The database `npm run bench:scale` measures: the size of a busy business. Five workspaces hold
// 2 million messages in all; one of them holds 1 million across 20,000 conversations with 20,000
// leads; 30 days of webhook history come in at 100,000 events a day. Generated set-based (a few
// statements per table, no row-by-row round trips) from fixed formulas, so every run measures the
// same data; kept between runs in its own persistent cluster, and made again only when SHAPE
// changes (a migration added since is applied on start, as on any local stack).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { type LocalStack, startLocalStack } from '#dev/stack.ts';
import { supabaseClient } from '#dev/supabase/client.ts';
import { createAccessTokenVerifier } from '#server/auth/access-token.ts';
import type { Actor } from '#server/db/database.ts';

export const SHAPE = {
  version: 2,
  workspaces: [
    { name: 'Scale: big shop', conversations: 20_000, messages: 1_000_000, accounts: 2 },
    { name: 'Scale: shop 2', conversations: 5_000, messages: 250_000, accounts: 1 },
    { name: 'Scale: shop 3', conversations: 5_000, messages: 250_000, accounts: 1 },
    { name: 'Scale: shop 4', conversations: 5_000, messages: 250_000, accounts: 1 },
    { name: 'Scale: shop 5', conversations: 5_000, messages: 250_000, accounts: 1 },
  ],
  /** Each workspace's first conversation is this long, so 50 pages back exist. */
  longestThread: 5_000,
  eventDays: 30,
  eventsPerDay: 100_000,
} as const;

/** Everyone signs in with this password; the emails say who they are. */
const PASSWORD = 'bench-scale-2026';
const OPERATORS = ['owner', 'agent1', 'agent2', 'agent3'] as const;

export interface ScaleOperator {
  email: string;
  accessToken: string;
  actor: Actor;
}

export interface ScaleWorkspace {
  id: string;
  name: string;
  accountIds: string[];
  /** Its first (and longest) conversation. */
  longestConversationId: string;
}

export interface ScaleDatabase {
  stack: LocalStack;
  /** Owner of every workspace: the figures are read as them. */
  owner: ScaleOperator;
  workspaces: ScaleWorkspace[];
  stop(): Promise<void>;
}

const progress = (line: string) => process.stderr.write(`bench:scale: ${line}\n`);

export async function openScaleDatabase(dataDir: string): Promise<ScaleDatabase> {
  const marker = path.join(dataDir, 'seeded-shape.json');
  const wanted = JSON.stringify(SHAPE);
  if (existsSync(marker) && (await readFile(marker, 'utf8')) !== wanted) {
    progress('the shape changed: seeding again');
    await rm(dataDir, { recursive: true, force: true });
  }
  await mkdir(dataDir, { recursive: true });
  const stack = await startLocalStack({ dataDir, log: () => {} });
  try {
    const db = new pg.Client({ connectionString: stack.postgres.superuserUrl() });
    await db.connect();
    try {
      if (!existsSync(marker)) {
        const started = performance.now();
        const operators = [];
        for (const name of OPERATORS) operators.push(await operator(stack, name, 'sign-up'));
        await seed(
          db,
          operators.map((o) => o.actor.userId),
        );
        await writeFile(marker, wanted);
        progress(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
      return {
        stack,
        owner: await operator(stack, 'owner', 'sign-in'),
        workspaces: await workspacesOf(db),
        stop: () => stack.stop(),
      };
    } finally {
      await db.end();
    }
  } catch (error) {
    await stack.stop();
    throw error;
  }
}

async function operator(stack: LocalStack, name: string, how: 'sign-up' | 'sign-in'): Promise<ScaleOperator> {
  const email = `${name}@scale.bench`;
  const auth = supabaseClient(stack.supabase).auth;
  const { data, error } =
    how === 'sign-up'
      ? await auth.signUp({ email, password: PASSWORD })
      : await auth.signInWithPassword({ email, password: PASSWORD });
  if (error || !data.session) throw new Error(`${how} of ${email} failed: ${error?.message ?? 'no session'}`);
  const actor = await createAccessTokenVerifier({ supabaseUrl: stack.supabase.url }).verify(
    data.session.access_token,
  );
  return { email, accessToken: data.session.access_token, actor };
}

async function workspacesOf(db: pg.Client): Promise<ScaleWorkspace[]> {
  const { rows } = await db.query<ScaleWorkspace>(
    `select w.id, w.name,
            array(select id from channel_connections c where c.workspace_id = w.id order by channel_identifier)
              as "accountIds",
            (select id from conversations c where c.workspace_id = w.id order by contact_identifier limit 1)
              as "longestConversationId"
       from workspaces w where w.name like 'Scale: %' order by w.name`,
  );
  return rows;
}

/**
 * Words customers write, then made-up ones: 1,800 in all. A message picks them by a skewed draw
 * (the first words in most messages, the last in a few), so frequencies fall off as in life and a
 * search can be for a common word or a rare one.
 */
const COMMON_WORDS =
  'hi hello thanks please is the a this still available in size colour color blue green red black white small medium large price how much shipping delivery order when will it arrive can i pay by card cash return exchange jacket dress shirt vase bowl mug ring necklace earrings bag shoes boots sale discount code promo stock sold out restock tomorrow today week store address open hours gift wrap box love it perfect great awesome beautiful wow amazing photo picture story post reel link sent paid tracking number refund damaged broken wrong item wait question answer yes no maybe ok okay sure'.split(
    ' ',
  );
const SYLLABLES = 'ka lo mi ne ru sa te vi zo pa da fe gi ho ju'.split(' ');
const WORDS = [
  ...COMMON_WORDS,
  ...Array.from(
    { length: 1_800 - COMMON_WORDS.length },
    (_, i) =>
      `${SYLLABLES[i % 15]}${SYLLABLES[Math.floor(i / 15) % 15]}${SYLLABLES[Math.floor(i / 225) % 15]}n`,
  ),
];
/** A word in about one message in 600: what an operator searching for a product's name meets. */
export const RARE_WORD = WORDS[1_700] as string;

const FIRST_NAMES =
  'Marco Giulia Luca Sofia Anna Paolo Elena Sara Chiara Davide Maria Jose Lucia Pablo Carmen Hugo Emma Louis Chloe Noah Mia Liam Olivia Ava Ethan Zoe Leo Nina Ivan Olga Yuki Hana Kenji Amir Lina Omar Priya Ravi Ana Pedro'.split(
    ' ',
  );
const LAST_NAMES =
  'Rossi Bianchi Ferrari Romano Colombo Ricci Marino Greco Garcia Martinez Lopez Gonzalez Sanchez Perez Martin Bernard Dubois Smith Jones Brown Taylor Wilson Davies Evans Novak Kowalski Nowak Sato Suzuki Tanaka Khan Patel Silva Santos Costa Oliveira'.split(
    ' ',
  );

async function seed(db: pg.Client, [owner, ...agents]: string[]): Promise<void> {
  // Generated rows are complete as written: the triggers that publish changes and count versions
  // (and the foreign-key checks, which the formulas satisfy) would only slow the load.
  await db.query('set session_replication_role = replica');
  await db.query('set synchronous_commit = off');
  for (const [index, shape] of SHAPE.workspaces.entries()) {
    const started = performance.now();
    await seedWorkspace(db, index, shape, owner as string, agents);
    progress(
      `${shape.name}: ${shape.messages.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  const started = performance.now();
  await seedWebhookHistory(db);
  progress(
    `webhook history: ${(SHAPE.eventDays * SHAPE.eventsPerDay).toLocaleString('en')} events in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  await db.query('set session_replication_role = origin');
  // What the triggers would have kept as rows arrived: each conversation's search words, and
  // Health's running totals of the days it can show.
  await db.query('select private.build_search_documents()');
  await db.query(`select private.build_webhook_latency(now() - interval '2 days')`);
  await db.query('vacuum analyze');
}

async function seedWorkspace(
  db: pg.Client,
  index: number,
  shape: (typeof SHAPE.workspaces)[number],
  owner: string,
  agents: string[],
): Promise<void> {
  const { rows } = await db.query<{ id: string }>('insert into workspaces (name) values ($1) returning id', [
    shape.name,
  ]);
  const workspaceId = rows[0]?.id as string;
  await db.query(
    `insert into workspace_members (workspace_id, user_id, role)
     select $1, u, case when u = $2 then 'owner' else 'agent' end from unnest($3::uuid[]) u`,
    [workspaceId, owner, [owner, ...agents]],
  );
  await db.query(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name, status)
     select $1, 'instagram', '178414' || lpad(($2 * 10 + a)::text, 11, '0'), '@shop' || $2 || '_' || a, 'CONNECTED'
       from generate_series(1, $3::int) a`,
    [workspaceId, index + 1, shape.accounts],
  );
  // Conversations: one contact each; a tenth archived; a tenth each assigned to the owner and to
  // an agent; contact ids ordered so the first is the longest thread.
  await db.query(
    `create temp table conv on commit preserve rows as
     select gen_random_uuid() as id, c as rn,
            (select id from channel_connections cc where cc.workspace_id = $1
              order by channel_identifier offset (c % $3) limit 1) as connection_id,
            '59' || lpad($2::text, 2, '0') || lpad(c::text, 12, '0') as contact,
            ($4::text[])[1 + c % array_length($4, 1)] || ' ' || ($5::text[])[1 + (c / 7) % array_length($5, 1)] as name
       from generate_series(1, $6::int) c`,
    [workspaceId, index + 1, shape.accounts, FIRST_NAMES, LAST_NAMES, shape.conversations],
  );
  await db.query(
    `insert into conversations (id, workspace_id, channel_connection_id, contact_identifier, contact_name,
                                contact_username, status, assigned_to, has_direct_messages, created_at)
     select id, $1, connection_id, contact, name, lower(replace(name, ' ', '.')) || rn,
            case when rn % 10 = 3 then 'ARCHIVED' else 'ACTIVE' end,
            case rn % 10 when 1 then $2::uuid when 2 then ($3::uuid[])[1 + rn % array_length($3, 1)] end,
            true, now() - interval '120 days'
       from conv`,
    [workspaceId, owner, agents],
  );
  await db.query(
    `insert into contacts (workspace_id, channel_connection_id, igsid, name, username, fetched_at)
     select $1, connection_id, contact, name, lower(replace(name, ' ', '.')) || rn, now() from conv`,
    [workspaceId],
  );
  // Messages, oldest first over 90 days: the longest thread first, then round the conversations;
  // 3–14 words each, customers and the shop taking turns.
  await db.query(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction,
                                        content, status, external_message_id, occurred_at, created_at)
     select $1, conv.id, conv.connection_id,
            case when n % 2 = 0 then 'INBOUND' else 'OUTBOUND' end,
            array_to_string(array(
              select ($3::text[])[1 + floor(array_length($3, 1)
                                            * power((abs(hashint8(n * 16 + k)) % 1000003) / 1000003.0, 3))::int]
                from generate_series(1, 3 + n % 12) k), ' '),
            case when n % 2 = 0 then 'RECEIVED' else 'SENT' end,
            'mid.scale.' || $4 || '.' || n,
            t.at, t.at
       from generate_series(1, $2::int) n
       cross join lateral (select now() - interval '90 days' + (n * interval '90 days') / $2 as at) t
       join conv on conv.rn = case when n <= $5 then 1 else 2 + n % ($6 - 1) end`,
    [workspaceId, shape.messages, WORDS, index + 1, SHAPE.longestThread, shape.conversations],
  );
  // What the list shows of each conversation, from its messages.
  await db.query(
    `update conversations c
        set last_message_at = m.last_at, last_inbound_at = m.last_inbound_at,
            last_message_preview = left(m.preview, 120),
            unread_count = case when conv.rn % 5 = 0 then 1 + conv.rn % 3 else 0 end
       from conv,
            lateral (select max(occurred_at) as last_at,
                            max(occurred_at) filter (where direction = 'INBOUND') as last_inbound_at,
                            (select content from conversation_messages x where x.conversation_id = conv.id
                              order by occurred_at desc limit 1) as preview
                       from conversation_messages y where y.conversation_id = conv.id) m
      where c.id = conv.id`,
  );
  // Every contact is a lead: most from a DM, some from ads and story replies.
  await db.query(
    `insert into leads (workspace_id, channel_connection_id, conversation_id, contact_identifier, name,
                        username, source, status, origin_at, created_at)
     select $1, connection_id, id, contact, name, lower(replace(name, ' ', '.')) || rn,
            (array['DM', 'DM', 'DM', 'AD', 'STORY_REPLY'])[1 + rn % 5],
            (array['NEW', 'NEW', 'CONTACTED', 'QUALIFIED', 'WON', 'LOST'])[1 + rn % 6],
            now() - interval '120 days' + rn * interval '1 minute', now() - interval '120 days' + rn * interval '1 minute'
       from conv`,
    [workspaceId],
  );
  await db.query('drop table conv');
}

/** 100,000 events a day for 30 days, three in five of them the big shop's. */
async function seedWebhookHistory(db: pg.Client): Promise<void> {
  const total = SHAPE.eventDays * SHAPE.eventsPerDay;
  await db.query(
    `create temp table accounts on commit preserve rows as
     select row_number() over (order by w.name, cc.channel_identifier) - 1 as i, cc.id, cc.workspace_id,
            cc.channel_identifier
       from channel_connections cc join workspaces w on w.id = cc.workspace_id where w.name like 'Scale: %'`,
  );
  await db.query(
    `with events as (
       select n, now() - make_interval(days => $2) + (n * make_interval(days => $2)) / $1 as received_at,
              (select a from accounts a where a.i = case when n % 5 < 3 then n % 2 else 2 + n % 4 end) as account
         from generate_series(1, $1::int) n
     ), webhooks as (
       insert into webhook_events (received_at, raw_body, signature_valid, object, status, attempts, processed_at)
       select received_at, convert_to('{"object":"instagram","entry":[]}', 'UTF8'), true, 'instagram',
              'PROCESSED', 1, received_at + interval '40 ms'
         from events
       returning id, received_at
     )
     insert into instagram_events (webhook_event_id, account_id, channel_connection_id, workspace_id, contact_id,
                                   kind, dedupe_key, mid, occurred_at, payload, status, received_at, applied_at)
     select w.id, (e.account).channel_identifier, (e.account).id, (e.account).workspace_id,
            '59' || lpad((e.n % 20000)::text, 14, '0'), 'message', 'scale.' || e.n, 'mid.hook.' || e.n,
            e.received_at - (300 + e.n % 1700) * interval '1 ms', '{}', 'APPLIED',
            e.received_at + (20 + e.n % 80) * interval '1 ms', e.received_at + (30 + e.n % 90) * interval '1 ms'
       from webhooks w join events e on e.received_at = w.received_at`,
    [total, SHAPE.eventDays],
  );
  await db.query('drop table accounts');
}
