// `npm run bench:mobile-live`: the mobile live stream as an app sees it. The production build and a
// worker run against the local stack; an operator signs in through supabase-js and subscribes to
// `live.events` with @trpc/client over SSE, as a phone does. It measures:
// - live: webhook POST → `messageCreated` on the stream, one message at a time;
// - resume: the app drops its connection, BENCH_MISSED messages arrive, and it resubscribes from
//   its last event id: how long until it holds them all, and that each came exactly once;
// - catch-up: the same gap read with `sync.changes` instead, page after page.
// The baseline, measured in the same run, is the webhook POST's own round trip (until Meta would
// get its 200): the ratios say how many such round trips the rest of the path costs.
import pg from 'pg';
import { supabaseClient } from '#dev/supabase/client.ts';
import { mobileClient } from '#dev/test/mobile-client.ts';
import type { LiveEvent } from '#server/realtime/live-event.schemas.ts';
import { latencyReport, startBenchApp } from './app-stack.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const MISSED = Number(process.env.BENCH_MISSED ?? 500);
const ACCOUNT = '17841400000007778';
const CUSTOMER = '5900000000778001';

const app = await startBenchApp('bench-mobile');
const { baseUrl, stack } = app;

const post = (text: string) => app.postCustomerText({ account: ACCOUNT, customer: CUSTOMER, text });

try {
  const supabase = supabaseClient({
    url: stack.env.SUPABASE_URL as string,
    anonKey: stack.env.SUPABASE_ANON_KEY as string,
  });
  const credentials = { email: 'mobile-bench@example.test', password: 'bench-password-1' };
  await supabase.auth.signUp(credentials);
  const { data, error } = await supabase.auth.signInWithPassword(credentials);
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  const api = mobileClient({ url: baseUrl }, data.session.access_token);
  const workspaceId = (await api.operator.createWorkspace.mutate({ name: 'Mobile bench' })).id;
  await app.connectAccount(workspaceId, ACCOUNT);

  /** `live.events`, noting when each new message arrived; resolves once the stream stands. */
  function subscribe(lastEventId?: string) {
    const arrived: { id: string; event: LiveEvent; at: number }[] = [];
    let standing = () => {};
    const stands = new Promise<void>((resolve) => {
      standing = resolve;
    });
    const handle = api.live.events.subscribe(
      { workspaceId, lastEventId },
      {
        onStarted: () => standing(),
        onData: ({ id, data }) => arrived.push({ id, event: data, at: Date.now() }),
        onError: (e) => console.error('stream error', e),
      },
    );
    return { arrived, stands, stop: () => handle.unsubscribe() };
  }
  const created = <T extends { event: LiveEvent }>(arrived: T[]) =>
    arrived.filter((a) => a.event.type === 'messageCreated');
  const waitFor = async (check: () => boolean) => {
    const deadline = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  // Live, one message at a time.
  const live = subscribe();
  await live.stands;
  await post('Hello, opening the conversation');
  await waitFor(() => created(live.arrived).length === 1);
  const liveMs: number[] = [];
  const ackMs: number[] = [];
  for (let i = 1; i <= MESSAGES; i += 1) {
    const sent = await post(`Latency probe <${i}>`);
    ackMs.push(sent.ackMs);
    await waitFor(() => created(live.arrived).length === i + 1);
    liveMs.push((created(live.arrived).at(-1)?.at as number) - sent.sentAt);
  }
  const lastSeen = live.arrived.at(-1)?.id as string;
  live.stop();

  // Offline while MISSED messages arrive; then back, by resuming the stream…
  for (let i = 1; i <= MISSED; i += 1) await post(`Missed <${i}>`);
  // Stored, not only acknowledged: the resume then has all of them to send.
  const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const storedMissed = async () =>
    (
      await db.query<{ n: number }>(
        "select count(*)::int as n from conversation_messages where content like 'Missed <%'",
      )
    ).rows[0]?.n ?? 0;
  while ((await storedMissed()) < MISSED) await new Promise((resolve) => setTimeout(resolve, 20));
  await db.end();
  const resumeStarted = Date.now();
  const resumed = subscribe(lastSeen);
  await waitFor(() => created(resumed.arrived).length >= MISSED);
  const resumeMs = Date.now() - resumeStarted;
  const resumedIds = created(resumed.arrived).map((a) => (a.event as { messageId: string }).messageId);
  resumed.stop();

  // …or by reading the same gap with sync.changes.
  const syncStarted = Date.now();
  let since: string = lastSeen;
  let calls = 0;
  const synced = new Set<string>();
  for (;;) {
    const changes = await api.sync.changes.query({ workspaceId, since, limit: 500 });
    calls += 1;
    for (const m of changes.messages) synced.add(m.id);
    since = changes.next;
    if (!changes.hasMore) break;
  }
  const syncMs = Date.now() - syncStarted;

  console.log(`
Mobile live stream (tRPC over SSE, @trpc/client), local stack, production build
  webhook POST → messageCreated on the stream, ${MESSAGES} one at a time:
${latencyReport('stream', liveMs, ackMs)}
  resume after ${MISSED} missed messages: all in ${resumeMs} ms, ${resumedIds.length} received, ${new Set(resumedIds).size} distinct
  sync.changes over the same gap: ${synced.size} messages in ${syncMs} ms, ${calls} call(s)
`);
} finally {
  await app.stop();
}
