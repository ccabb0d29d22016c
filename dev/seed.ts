// Demo data for `npm start`: an operator who owns a workspace with a connected Instagram account,
// and a few customers whose messages travel the real path (simulator → signed webhook → ledger →
// ingest). Created through the paths real users take, and idempotent across restarts: the
// simulator forgets everything when it stops, so the account and customers the database already
// knows are registered with it again under the same ids and token.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createAccessTokenVerifier } from '#server/auth/access-token.ts';
import { createTokenCipher, parseKeyRing } from '#server/crypto/token-cipher.ts';
import { createDatabase, type Database } from '#server/db/database.ts';
import { sealToken, unsealToken } from '#server/meta/graph-api.ts';
import { createWorkspace, getOperator } from '#server/team/index.ts';
import type { Account, Customer } from './meta/world.ts';
import type { LocalStack } from './stack.ts';
import { supabaseClient } from './supabase/client.ts';

export const DEMO_OPERATOR = {
  email: 'demo@example.com',
  password: 'demo-inbox-2026',
  name: 'Demo Operator',
};
export const DEMO_WORKSPACE = 'Demo Shop';
const DEMO_ACCOUNT = { username: 'demo.shop', name: 'Demo Shop' };
const DEMO_CUSTOMERS = [
  { username: 'jane.doe', name: 'Jane Doe' },
  { username: 'marco.rossi', name: 'Marco Rossi' },
  { username: 'aiko.tanaka', name: 'Aiko Tanaka' },
  { username: 'lena.berg', name: 'Lena Berg' },
];

export interface DemoData {
  workspaceId: string;
  account: Account;
  customers: Customer[];
  /** True on the first start: nothing has been said yet. */
  fresh: boolean;
}

async function demoOperator(stack: LocalStack) {
  const supabase = supabaseClient(stack.supabase);
  const { email, password, name } = DEMO_OPERATOR;
  const signIn = await supabase.auth.signInWithPassword({ email, password });
  let session = signIn.data.session;
  if (!session) {
    const signUp = await supabase.auth.signUp({ email, password, options: { data: { display_name: name } } });
    if (signUp.error || !signUp.data.session)
      throw new Error(`demo sign-up failed: ${signUp.error?.message}`);
    session = signUp.data.session;
  }
  return createAccessTokenVerifier({ supabaseUrl: stack.supabase.url }).verify(session.access_token);
}

async function demoAccount(stack: LocalStack, db: Database, workspaceId: string, userId: string) {
  const cipher = createTokenCipher(parseKeyRing(stack.env.TOKEN_ENCRYPTION_KEYS as string));
  const existing = await db.kysely
    .selectFrom('channel_connections')
    .select(['id', 'channel_identifier', 'access_token'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '<>', 'DISCONNECTED')
    .executeTakeFirst();
  if (existing?.access_token) {
    return stack.meta.addAccount({
      ...DEMO_ACCOUNT,
      igId: existing.channel_identifier,
      accessToken: unsealToken(cipher, existing.id, existing.access_token),
    });
  }
  // Until accounts are connected through OAuth, the demo account is connected directly.
  const account = stack.meta.addAccount(DEMO_ACCOUNT);
  const id = randomUUID();
  await db.kysely
    .insertInto('channel_connections')
    .values({
      id,
      workspace_id: workspaceId,
      user_id: userId,
      login_path: 'instagram',
      channel_identifier: account.igId,
      provider_account_id: account.appScopedUserId,
      display_name: `@${account.username}`,
      access_token: sealToken(cipher, id, account.accessToken),
      token_expires_at: new Date(Date.now() + 60 * 24 * 3600 * 1000),
      token_refreshed_at: new Date(),
      webhook_fields: account.subscribedFields,
      webhook_subscribed_at: new Date(),
    })
    .execute();
  return account;
}

async function demoCustomers(stack: LocalStack, db: Database, account: Account): Promise<Customer[]> {
  const known = await db.kysely
    .selectFrom('contacts')
    .innerJoin('channel_connections', 'channel_connections.id', 'contacts.channel_connection_id')
    .select(['contacts.igsid', 'contacts.name', 'contacts.username'])
    .where('channel_connections.channel_identifier', '=', account.igId)
    .execute();
  if (known.length > 0) {
    return known.map((c) =>
      stack.meta.addCustomer({
        igsid: c.igsid,
        name: c.name,
        username: c.username ?? `customer.${c.igsid.slice(-4)}`,
      }),
    );
  }
  return DEMO_CUSTOMERS.map((customer) => stack.meta.addCustomer(customer));
}

export async function seedDemo(stack: LocalStack): Promise<DemoData> {
  const actor = await demoOperator(stack);
  const db = createDatabase({ url: stack.env.DATABASE_URL as string, poolSize: 2 });
  try {
    const { workspaces } = await getOperator(db, actor);
    const workspace =
      workspaces.find((w) => w.name === DEMO_WORKSPACE) ?? (await createWorkspace(db, actor, DEMO_WORKSPACE));
    const account = await demoAccount(stack, db, workspace.id, actor.userId);
    const customers = await demoCustomers(stack, db, account);
    const said = await db.kysely
      .selectFrom('conversations')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .limit(1)
      .execute();
    return { workspaceId: workspace.id, account, customers, fresh: said.length === 0 };
  } finally {
    await db.destroy();
  }
}

/**
 * The first conversations, sent through the simulator once the app can receive them (workers
 * running). They are backdated, as if said over the last hour; one at a time, so each arrives in
 * a delivery of its own.
 */
export async function playDemoConversations(stack: LocalStack, demo: DemoData): Promise<void> {
  const [jane, marco, aiko, lena] = demo.customers;
  if (!jane || !marco || !aiko || !lena) return;
  const account = demo.account.username;
  const playedAt = Date.now();
  const minutesAgo = (m: number) => playedAt - m * 60_000;
  const events = [
    () =>
      stack.meta.sendText({
        account,
        customer: jane.username,
        text: 'Hi! Do you ship to Lisbon? 🇵🇹',
        timestamp: minutesAgo(42),
      }),
    () =>
      stack.meta.businessEcho({
        account,
        customer: jane.username,
        text: 'We do: 3 days, tracked.',
        timestamp: minutesAgo(40),
      }),
    () =>
      stack.meta.sendText({
        account,
        customer: jane.username,
        text: 'Perfect, ordering now. Thanks!',
        timestamp: minutesAgo(38),
      }),
    // From the shop: she asks about a product, and gets its card back.
    () =>
      stack.meta.sendProductReferral({
        account,
        customer: lena.username,
        text: 'Do you have this one in blue?',
        productId: '7000000000000042',
        timestamp: minutesAgo(25),
      }),
    () =>
      stack.meta.businessEcho({
        account,
        customer: lena.username,
        text: 'Yes! Here it is:',
        timestamp: minutesAgo(24),
      }),
    () =>
      stack.meta.businessEcho({
        account,
        customer: lena.username,
        attachments: [
          {
            type: 'template',
            elements: [
              {
                title: 'Linen shirt, blue',
                subtitle: '€49 · sizes S to XL',
                buttons: [{ type: 'web_url', url: 'https://shop.example.com/linen-shirt', title: 'View' }],
              },
            ],
          },
        ],
        timestamp: minutesAgo(24) + 1000,
      }),
    () =>
      stack.meta.replyToStory({
        account,
        customer: marco.username,
        text: 'Is this jacket still available in M?',
        timestamp: minutesAgo(15),
      }),
    () =>
      stack.meta.sendAdReferral({
        account,
        customer: aiko.username,
        text: 'Is the spring sale still on?',
        ref: 'spring_sale',
        adId: '120200000000000123',
        adsContextData: { ad_title: 'Spring sale: 20% off' },
        timestamp: minutesAgo(3),
      }),
    // Under the shop's newest post, as comments come: now (Meta dates them when it sends them).
    () => stack.meta.postComment({ account, customer: marco.username, text: 'Love this one! What sizes?' }),
  ];
  for (const send of events) {
    send();
    await stack.meta.idle();
  }
  await receivedWhenSaid(stack, demo.workspaceId, new Date(playedAt));
}

/**
 * Moves the demo's webhook ledger back to when its messages were said: Health would otherwise
 * count 40-minute-old messages received now as 40 minutes of Meta-to-us lag. Each delivery keeps
 * its real delivery and processing times, shifted by how far its message was backdated.
 */
async function receivedWhenSaid(stack: LocalStack, workspaceId: string, playedAt: Date): Promise<void> {
  const db = createDatabase({ url: stack.env.DATABASE_URL as string, poolSize: 1 });
  try {
    // The worker is ingesting what was just delivered; the ledger is complete once nothing waits.
    for (;;) {
      const waiting = await db.kysely
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .where('status', '=', 'RECEIVED')
        .executeTakeFirstOrThrow();
      if (Number(waiting.count) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await sql`
      with shifted as (
        select e.webhook_event_id as id, ${playedAt}::timestamptz - max(e.occurred_at) as back
        from public.instagram_events e
        where e.workspace_id = ${workspaceId}
        group by e.webhook_event_id
      ),
      deliveries as (
        update public.webhook_events w set received_at = w.received_at - s.back
        from shifted s where w.id = s.id
      )
      update public.instagram_events e set received_at = e.received_at - s.back
      from shifted s where e.webhook_event_id = s.id`.execute(db.kysely);
    // Health's running totals were added as the events were recorded, at the real times.
    await sql`select private.rebuild_webhook_latency(${workspaceId}::uuid)`.execute(db.kysely);
  } finally {
    await db.destroy();
  }
}
