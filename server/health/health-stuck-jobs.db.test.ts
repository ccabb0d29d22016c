// Health's stuck background work, from job rows written straight into pg-boss's table at known
// times and read at a fixed moment. Every kind of job (each payload shape a workspace can be
// found from) is put in every state, healthy and stuck, for two workspaces; the expected counts
// and ages follow from the states' declared meaning. Another workspace's jobs never count, and a
// non-member learns nothing.
import { sql as kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiStack, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';
import { stuckJobs } from './health.repository.ts';
import { readHealth } from './read-health.ts';

let stack: ApiStack;
let alice: TestOperator;
let bob: TestOperator;

const NOW = new Date('2026-11-20T10:30:20Z');
const secondsBefore = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
const sql = <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  stack.database.query<R>(text, values);
const one = async <R extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await sql<R>(text, values)).rows[0] as R;

type Owner = 'alice' | 'bob';
type Kind = 'receiving' | 'sending' | 'contacts';

/** What a job is about, and whose work that is. */
interface Subject {
  label: string;
  queue: 'ingest-webhook-events' | 'send-messages' | 'sender-actions' | 'enrich-contact';
  data: object;
  owners: Owner[];
}

/** A job's state and times relative to NOW, and whether it is stuck by the definition. */
interface Scenario {
  label: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'failed' | 'cancelled';
  /** Seconds before NOW the job became due (negative: not yet due). */
  dueSecondsAgo: number;
  /** For active jobs: how far ahead of NOW the worker's renewals keep its expiry (negative: lapsed). */
  leaseSecondsAhead?: number;
  stuck: boolean;
  /** Far from any threshold: each job is made older by its place in the list, so ages differ. */
  spread?: true;
}

const SCENARIOS: Scenario[] = [
  { label: 'just queued', state: 'created', dueSecondsAgo: 2, stuck: false },
  { label: 'queued 29 s ago', state: 'created', dueSecondsAgo: 29, stuck: false },
  { label: 'queued to start later', state: 'created', dueSecondsAgo: -600, stuck: false },
  { label: 'due 31 s ago, not taken', state: 'created', dueSecondsAgo: 31, stuck: true },
  { label: 'due 10 min ago, not taken', state: 'created', dueSecondsAgo: 600, stuck: true, spread: true },
  { label: 'retry waiting for its backoff', state: 'retry', dueSecondsAgo: -20, stuck: false },
  { label: 'retry due 45 s ago, not taken', state: 'retry', dueSecondsAgo: 45, stuck: true, spread: true },
  {
    label: 'running, renewed',
    state: 'active',
    dueSecondsAgo: 300,
    leaseSecondsAhead: 3,
    stuck: false,
    spread: true,
  },
  {
    label: 'running, worker gone',
    state: 'active',
    dueSecondsAgo: 130,
    leaseSecondsAhead: -1,
    stuck: true,
    spread: true,
  },
  { label: 'completed', state: 'completed', dueSecondsAgo: 900, stuck: false, spread: true },
  { label: 'failed for good', state: 'failed', dueSecondsAgo: 900, stuck: false, spread: true },
  { label: 'cancelled', state: 'cancelled', dueSecondsAgo: 900, stuck: false, spread: true },
];

const KIND_OF: Record<Subject['queue'], Kind> = {
  'ingest-webhook-events': 'receiving',
  'send-messages': 'sending',
  'sender-actions': 'sending',
  'enrich-contact': 'contacts',
};

interface Shop {
  igId: string;
  connectionId: string;
  conversationId: string;
  messageId: string;
}

async function shop(workspaceId: string, igId: string, loginPath = 'instagram', pageId?: string) {
  const connection = await one<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, provider_account_id, display_name)
     values ($1, $2, $3, $4, $3) returning id`,
    [workspaceId, loginPath, igId, pageId ?? null],
  );
  const conversation = await one<{ id: string }>(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier)
     values ($1, $2, '5830000000000001') returning id`,
    [workspaceId, connection.id],
  );
  const message = await one<{ id: string }>(
    `insert into conversation_messages (workspace_id, conversation_id, channel_connection_id, direction, status,
       content, idempotency_key)
     values ($1, $2, $3, 'OUTBOUND', 'QUEUED', 'reply', gen_random_uuid()::text) returning id`,
    [workspaceId, conversation.id, connection.id],
  );
  return { igId, connectionId: connection.id, conversationId: conversation.id, messageId: message.id };
}

/**
 * A delivery in the ledger naming these business accounts in its entries, as Meta sends them. A
 * delivery ingest has not settled yet has no account_ids; one it settled (and that waits for a
 * replay) has them, and they are what count then (its body may have been redacted since).
 */
async function delivery(entryIds: string[], options: { settledAccountIds?: string[]; body?: Buffer } = {}) {
  const body =
    options.body ??
    Buffer.from(
      JSON.stringify({ object: 'instagram', entry: entryIds.map((id) => ({ id, time: 1, messaging: [] })) }),
    );
  const row = await one<{ id: string }>(
    `insert into webhook_events (raw_body, signature_valid, status, account_ids)
     values ($1, true, $2, $3) returning id`,
    [body, options.settledAccountIds ? 'FAILED' : 'RECEIVED', options.settledAccountIds ?? []],
  );
  return String(row.id);
}

async function insertJob(subject: Subject, scenario: Scenario, ageSeconds: number) {
  const due = secondsBefore(ageSeconds);
  const running = scenario.state === 'active';
  const leaseEnds = new Date(NOW.getTime() + (scenario.leaseSecondsAhead ?? 0) * 1000);
  await sql(
    `insert into pgboss.job (name, data, state, start_after, started_on, expire_in, created_on, completed_on)
     values ($1, $2, $3, $4, $5, $6 * interval '1 second', $4, $7)`,
    [
      subject.queue,
      subject.data,
      scenario.state,
      due,
      running ? due : null,
      running ? (leaseEnds.getTime() - due.getTime()) / 1000 : 120,
      ['completed', 'failed', 'cancelled'].includes(scenario.state) ? due : null,
    ],
  );
}

interface Expected {
  kind: Kind;
  jobs: number;
  abandoned: number;
  oldestSeconds: number | null;
}

let workspaces: Record<Owner, string>;
const jobs: { subject: Subject; scenario: Scenario; ageSeconds: number }[] = [];

/** The figures for a workspace when the jobs stuck are those `isStuck` picks (ages at NOW). */
function expectedFor(owner: Owner, isStuck: (scenario: Scenario) => boolean): Expected[] {
  return (['receiving', 'sending', 'contacts'] as const).map((kind) => {
    const stuck = jobs.filter(
      (job) =>
        KIND_OF[job.subject.queue] === kind && job.subject.owners.includes(owner) && isStuck(job.scenario),
    );
    return {
      kind,
      jobs: stuck.length,
      abandoned: stuck.filter((job) => job.scenario.state === 'active').length,
      oldestSeconds: stuck.length === 0 ? null : Math.max(...stuck.map((job) => job.ageSeconds)),
    };
  });
}

beforeAll(async () => {
  stack = await startApiStack();
  [alice, bob] = await Promise.all([
    signUpOperator(stack.supabase, 'alice'),
    signUpOperator(stack.supabase, 'bob'),
  ]);
  workspaces = {
    alice: (await createWorkspace(stack.services.db, alice.actor, 'Alice Art')).id,
    bob: (await createWorkspace(stack.services.db, bob.actor, 'Bob Bikes')).id,
  };
  // Alice had Bob's account once: its deliveries are Bob's work now, not hers.
  const former = await shop(workspaces.alice, '17841400000000002');
  await sql("update channel_connections set status = 'DISCONNECTED' where id = $1", [former.connectionId]);
  const shops: Record<Owner, Shop> = {
    alice: await shop(workspaces.alice, '17841400000000001'),
    bob: await shop(workspaces.bob, '17841400000000002'),
  };
  // Alice's second account, connected through Facebook Login: deliveries may name its Page.
  const alicePage = await shop(workspaces.alice, '17841400000000003', 'facebook', '104000000000003');

  const subjects: Subject[] = [];
  for (const owner of ['alice', 'bob'] as const) {
    const s = shops[owner];
    subjects.push(
      {
        label: `${owner}: a delivery not ingested yet`,
        queue: 'ingest-webhook-events',
        data: { webhookEventIds: [await delivery([s.igId])] },
        owners: [owner],
      },
      {
        label: `${owner}: a settled delivery queued again`,
        queue: 'ingest-webhook-events',
        data: {
          webhookEventIds: [await delivery([], { settledAccountIds: [s.igId], body: Buffer.from('{}') })],
        },
        owners: [owner],
      },
      {
        label: `${owner}: replies of a conversation`,
        queue: 'send-messages',
        data: { conversationId: s.conversationId },
        owners: [owner],
      },
      {
        label: `${owner}: replies by id (the older payload)`,
        queue: 'send-messages',
        data: { messageIds: [s.messageId] },
        owners: [owner],
      },
      {
        label: `${owner}: a typing indicator`,
        queue: 'sender-actions',
        data: {
          connectionId: s.connectionId,
          contactId: '5830000000000001',
          senderAction: { action: 'typing_on' },
        },
        owners: [owner],
      },
      {
        label: `${owner}: a contact's profile`,
        queue: 'enrich-contact',
        data: { connectionId: s.connectionId, igsid: '5830000000000001' },
        owners: [owner],
      },
    );
  }
  subjects.push(
    {
      label: 'one delivery naming both workspaces’ accounts',
      queue: 'ingest-webhook-events',
      data: { webhookEventIds: [await delivery([shops.alice.igId]), await delivery([shops.bob.igId, 'x'])] },
      owners: ['alice', 'bob'],
    },
    {
      label: 'a delivery to Bob whose customer wrote the id of Alice’s account',
      queue: 'ingest-webhook-events',
      data: {
        webhookEventIds: [
          await delivery([], {
            body: Buffer.from(
              JSON.stringify({
                object: 'instagram',
                entry: [{ id: shops.bob.igId, messaging: [{ message: { text: shops.alice.igId } }] }],
              }),
            ),
          }),
        ],
      },
      owners: ['bob'],
    },
    {
      label: 'a delivery naming a Facebook Page',
      queue: 'ingest-webhook-events',
      data: { webhookEventIds: [await delivery(['104000000000003'])] },
      owners: ['alice'],
    },
    {
      label: 'an unknown account',
      queue: 'ingest-webhook-events',
      data: { webhookEventIds: [await delivery(['17841499999999999'])] },
      owners: [],
    },
    {
      label: 'a body that is not JSON to Postgres',
      queue: 'ingest-webhook-events',
      data: { webhookEventIds: [await delivery([], { body: Buffer.from([0xff, 0xfe, 0x7b]) })] },
      owners: [],
    },
    {
      label: 'a delivery that is gone',
      queue: 'ingest-webhook-events',
      data: { webhookEventIds: ['999999999', 'not a number'] },
      owners: [],
    },
    {
      label: 'a payload naming nothing readable',
      queue: 'send-messages',
      data: { conversationId: 'not-a-uuid', messageIds: 'nope' },
      owners: [],
    },
    {
      label: 'a connection that does not exist',
      queue: 'enrich-contact',
      data: { connectionId: '00000000-0000-4000-8000-000000000000', igsid: '1' },
      owners: [],
    },
    {
      label: 'Alice’s second account’s contact',
      queue: 'enrich-contact',
      data: { connectionId: alicePage.connectionId, igsid: '5830000000000002' },
      owners: ['alice'],
    },
  );

  for (const subject of subjects) {
    for (const scenario of SCENARIOS) {
      const ageSeconds = scenario.dueSecondsAgo + (scenario.spread ? jobs.length : 0);
      await insertJob(subject, scenario, ageSeconds);
      jobs.push({ subject, scenario, ageSeconds });
    }
  }
});

afterAll(() => stack?.stop());

const stuckAt = async (operator: TestOperator, owner: Owner, now = NOW) =>
  (
    await readHealth(
      stack.services.db,
      operator.actor,
      { workspaceId: workspaces[owner], range: 'hour' },
      now,
    )
  ).stuckJobs;

describe('stuck background work in Health', () => {
  it("counts each workspace's stuck jobs by kind, with the oldest one's wait, and only those", async () => {
    for (const owner of ['alice', 'bob'] as const) {
      const expected = expectedFor(owner, (scenario) => scenario.stuck);
      // Guards the fixture itself: every kind has stuck jobs in both workspaces, of both sorts.
      for (const kind of expected) expect(kind.jobs).toBeGreaterThan(kind.abandoned);
      for (const kind of expected) expect(kind.abandoned).toBeGreaterThan(0);
      expect(await stuckAt(owner === 'alice' ? alice : bob, owner)).toEqual(expected);
    }
  });

  it('counts nothing at a moment when no job was late yet', async () => {
    // Every generated job was due within the last half hour before NOW (or after it).
    const early = await stuckAt(alice, 'alice', secondsBefore(3600));
    expect(early.filter((k) => k.jobs > 0)).toEqual([]);
  });

  it('tells a non-member nothing, through the app or straight through SQL', async () => {
    const nosy = await stuckAt(bob, 'alice');
    expect(nosy).toEqual(
      (['receiving', 'sending', 'contacts'] as const).map((kind) => ({
        kind,
        jobs: 0,
        abandoned: 0,
        oldestSeconds: null,
      })),
    );
    const direct = await stack.services.db.withUser(bob.actor, (trx) =>
      stuckJobs(trx, workspaces.alice, NOW),
    );
    expect(direct).toEqual([]);
    // The queue's own table is not readable by members at all.
    const jobs = stack.services.db.withUser(bob.actor, (trx) =>
      kysely`select count(*) from pgboss.job`.execute(trx),
    );
    await expect(jobs).rejects.toThrow(/permission denied/);
  });

  it('is part of health.overview over tRPC, in its declared shape', async () => {
    const overview = await operatorClient(stack.api, alice).health.overview.query({
      workspaceId: workspaces.alice,
      range: 'hour',
    });
    // Read at the database's clock, days after the fixtures' NOW: by then every job that is not
    // finished has been late for longer than any grace, renewed or not.
    const unfinished = expectedFor('alice', (scenario) =>
      ['created', 'retry', 'active'].includes(scenario.state),
    );
    expect(overview.stuckJobs.map((k) => [k.kind, k.jobs, k.abandoned])).toEqual(
      unfinished.map((k) => [k.kind, k.jobs, k.abandoned]),
    );
    for (const [i, kind] of overview.stuckJobs.entries()) {
      expect(kind.oldestSeconds).toBeGreaterThan(unfinished[i]?.oldestSeconds ?? 0);
    }
  });
});
