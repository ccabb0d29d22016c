// A contact's export and erasure against data made the way production makes it: the Meta
// simulator's webhooks (batched with another customer's), an edit, a reaction, an attachment, a
// reply, a history import, the profile lookup, all through the real workers. The export holds
// everything of the contact and nothing of the other customer; after the erasure the contact's id
// and words are nowhere in the database (every table of every schema, raw bytes included, as the
// token-leak test searches), while the other customer's data is whole. Meta's data-deletion
// callback erases a customer the same way.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account, Customer } from '#dev/meta/world.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { eventually } from '#dev/test/eventually.ts';
import { tablesHolding } from '#dev/test/find-in-database.ts';
import { importSettled } from '#dev/test/history-imports.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';
import { requestDataDeletion } from '../accounts/index.ts';
import { startHistoryImport } from '../history/index.ts';
import type { Services } from '../services.ts';
import { acceptInvitation, createWorkspace, inviteTeammate } from '../team/index.ts';
import { eraseContact, eraseContactEverywhere, exportContact, messagesCsv } from './index.ts';

let intake: SimulatorIntake;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let meta: MetaSimulator;
let services: Services;
let owner: TestOperator;
let workspaceId: string;
let connectionId: string;
let account: Account;
let n = 0;

beforeAll(async () => {
  intake = await startSimulatorIntake({
    delivery: { batchWindowMs: 50 },
    supabase: (db) => startSupabaseStandIn({ databaseUrl: db.superuserUrl }),
  });
  ({ database, meta, services } = intake);
  supabase = intake.supabase as SupabaseStandIn;
  owner = await signUpOperator(supabase, 'owner');
  workspaceId = (await createWorkspace(database.db, owner.actor, 'Shop')).id;
  account = meta.addAccount({ username: 'privacy.shop' });
  connectionId = await connectSimulatorAccount(database, services.cipher, workspaceId, account);
});

afterAll(async () => {
  await intake?.stop();
});

/** A customer's life in the inbox: history from before, then live messages of every sort. */
async function customerWithHistory(): Promise<{
  customer: Customer;
  words: string[];
  conversationId: string;
}> {
  n += 1;
  const customer = meta.addCustomer({ username: `private.person.${n}`, name: `Private Person ${n}` });
  const words = [
    `old words ${n} before connecting`,
    `hello there ${n}`,
    `my address is ${n} Elm Street`,
    `edited to ${n} Oak Street`,
    `answer for person ${n}`,
  ];
  meta.seedHistory({
    account: account.igId,
    conversations: [
      {
        customer: customer.igsid,
        messages: [{ timestamp: Date.now() - 60_000, from: 'customer', kind: 'text', text: words[0] }],
      },
    ],
  });
  const target = { account: account.igId, customer: customer.igsid };
  const first = meta.sendText({ ...target, text: words[1] as string });
  const second = meta.sendText({ ...target, text: words[2] as string });
  meta.sendAttachments({ ...target, attachments: [{ type: 'image' }] });
  meta.editMessage({ ...target, mid: second.mid, text: words[3] as string });
  meta.react({ ...target, mid: first.mid, emoji: '❤️' });
  meta.businessEcho({ ...target, text: words[4] as string });
  await meta.idle();
  const [row] = await eventually(async () => {
    const { rows } = await database.query<{ id: string }>(
      `select c.id from conversations c where c.contact_identifier = $1
       and (select count(*) from conversation_messages m where m.conversation_id = c.id) >= 4
       and exists (select 1 from contacts k where k.igsid = $1 and k.fetched_at is not null)`,
      [customer.igsid],
    );
    return rows.length > 0 && rows;
  });
  return { customer, words, conversationId: row?.id as string };
}

async function backfill(): Promise<void> {
  const { importId } = await startHistoryImport(services, {
    workspaceId,
    connectionId,
    kind: 'BACKFILL',
    days: 30,
    requestedBy: null,
  });
  await importSettled(database, importId);
}

describe('a contact’s privacy', () => {
  it('exports everything of the contact and nothing of another; erasing leaves no trace of them', async () => {
    const jane = await customerWithHistory();
    const john = await customerWithHistory();
    // One delivery carries both of them (Meta batches events within moments of each other).
    meta.sendText({
      account: account.igId,
      customer: jane.customer.igsid,
      text: 'jane in a shared delivery',
    });
    meta.sendText({
      account: account.igId,
      customer: john.customer.igsid,
      text: 'john in a shared delivery',
    });
    jane.words.push('jane in a shared delivery');
    john.words.push('john in a shared delivery');
    await meta.idle();
    await backfill();
    const shared = await database.query(
      'select 1 from webhook_events where position($1::bytea in raw_body) > 0 and position($2::bytea in raw_body) > 0',
      [Buffer.from(jane.customer.igsid), Buffer.from(john.customer.igsid)],
    );
    expect(shared.rows.length).toBeGreaterThan(0);

    const exported = await exportContact(services, owner.actor, {
      workspaceId,
      conversationId: jane.conversationId,
    });
    const json = JSON.stringify(exported);
    for (const word of [jane.words[0], jane.words[1], jane.words[3], jane.words[4]])
      expect(json).toContain(word);
    expect(json).toContain(jane.customer.igsid);
    expect(exported.contact.profile).toMatchObject({ username: jane.customer.username });
    expect(exported.leads).toHaveLength(1);
    expect(exported.events.length).toBeGreaterThan(0);
    for (const word of [john.customer.igsid, john.customer.username, ...john.words])
      expect(json).not.toContain(word);
    const csv = messagesCsv(exported);
    expect(csv.split('\r\n')[0]).toBe(
      '\uFEFFtime,direction,status,kind,text,attachments,instagram_message_id,edited,unsent',
    );
    expect(csv).toContain(jane.words[4]);

    const summary = await eraseContact(services, owner.actor, {
      workspaceId,
      conversationId: jane.conversationId,
    });
    expect(summary).toMatchObject({ conversations: 1, leads: 1, contacts: 1 });
    expect(summary.messages).toBeGreaterThanOrEqual(5);
    for (const trace of [jane.customer.igsid, jane.customer.username, ...jane.words]) {
      expect({ trace, tables: await tablesHolding(database, trace) }).toEqual({ trace, tables: [] });
    }
    // The other customer, who shared deliveries with her, is whole.
    const johnsStanding = john.words.filter((_, i) => i !== 2); // the third was replaced by his edit
    for (const word of johnsStanding) {
      expect(await tablesHolding(database, word)).toContain('public.conversation_messages');
    }
    expect(await tablesHolding(database, john.customer.igsid)).toEqual(
      expect.arrayContaining(['public.webhook_events', 'public.contacts', 'public.leads']),
    );
    // Both were recorded, naming her by a tag only.
    const { rows: audit } = await database.query<{ action: string; target: string }>(
      'select action, target from audit_events where workspace_id = $1 order by id',
      [workspaceId],
    );
    expect(audit.map((a) => a.action)).toEqual(['contact.export', 'contact.erase']);
    expect(audit[0]?.target).toBe(audit[1]?.target);
  }, 60_000);

  it('Meta’s data-deletion callback for a customer erases them the same way', async () => {
    const person = await customerWithHistory();
    await backfill();
    const receipt = await requestDataDeletion(database.db, person.customer.igsid, (trx) =>
      eraseContactEverywhere(trx, person.customer.igsid),
    );
    expect(receipt.summary).toMatchObject({ conversations: 1, leads: 1, contacts: 1 });
    for (const trace of [person.customer.username, ...person.words]) {
      expect({ trace, tables: await tablesHolding(database, trace) }).toEqual({ trace, tables: [] });
    }
    // The receipt keeps the id Meta asked about (its status page is looked up by it), nothing else.
    expect(await tablesHolding(database, person.customer.igsid)).toEqual(['public.data_deletion_requests']);
  }, 60_000);

  it('refuses another workspace’s conversation, and an agent of this one, in the database too', async () => {
    const stranger = await signUpOperator(supabase, 'stranger');
    const theirs = (await createWorkspace(database.db, stranger.actor, 'Theirs')).id;
    const agent = await signUpOperator(supabase, 'agent');
    const { url } = await inviteTeammate(database.db, owner.actor, {
      workspaceId,
      role: 'agent',
      appUrl: 'http://app.test',
    });
    await acceptInvitation(database.db, agent.actor, new URL(url).pathname.replace('/invite/', ''));
    const person = await customerWithHistory();
    const attempts = [
      { actor: stranger.actor, workspaceId: theirs },
      { actor: stranger.actor, workspaceId },
      { actor: agent.actor, workspaceId },
    ];
    for (const act of [exportContact, eraseContact]) {
      for (const { actor, workspaceId: asked } of attempts) {
        await expect(
          act(services, actor, { workspaceId: asked, conversationId: person.conversationId }),
        ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
    }
    expect(await tablesHolding(database, person.words[1] as string)).toContain(
      'public.conversation_messages',
    );
  }, 60_000);
});
