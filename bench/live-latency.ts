// `npm run bench:live`: how long a customer's message takes from Meta's webhook POST to the
// operator's screen. The production build and a worker run against the local stack; an operator
// signed in to Chromium has the conversation open; the bench POSTs signed deliveries one at a time
// and the page notes when each message's text appears in the thread (same machine clock).
// The baseline, measured in the same run, is the webhook POST's own round trip (until Meta would
// get its 200): the ratio says how many such round trips the rest of the path costs.
import { chromium } from '@playwright/test';
import pg from 'pg';
import { latencyReport, percentile, startBenchApp } from './app-stack.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const ACCOUNT = '17841400000007777';
const CUSTOMER = '5900000000777001';

const app = await startBenchApp('bench-live');
const { baseUrl } = app;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

const post = (text: string) => app.postCustomerText({ account: ACCOUNT, customer: CUSTOMER, text });

try {
  const page = await browser.newPage();
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel('Your name').fill('Bench Operator');
  await page.getByLabel('Work email').fill('bench@example.test');
  await page.getByLabel('Password').fill('bench-password-1');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Workspace name').fill('Bench');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.waitForURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
  const workspaceId = /\/w\/([0-9a-f-]{36})\//.exec(page.url())?.[1] as string;
  await app.connectAccount(workspaceId, ACCOUNT);

  await post('Hello, opening the conversation');
  await page.getByRole('link', { name: /^Conversation with / }).click({ timeout: 15_000 });
  await page.getByTestId('thread').getByText('Hello, opening the conversation').waitFor();
  // The page notes the first moment each probe's text is in the thread.
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { probes: Record<string, number> }).probes = seen;
    const thread = document.querySelector('[data-testid="thread"]') as HTMLElement;
    new MutationObserver(() => {
      const now = Date.now();
      for (const match of thread.textContent?.matchAll(/probe <(\d+)>/g) ?? [])
        seen[match[1] as string] ??= now;
    }).observe(thread, { childList: true, subtree: true, characterData: true });
  });

  const renderMs: number[] = [];
  const ackMs: number[] = [];
  const sentAt = new Map<number, number>();
  for (let i = 1; i <= MESSAGES; i += 1) {
    const sent = await post(`Latency probe <${i}>`);
    ackMs.push(sent.ackMs);
    sentAt.set(i, sent.sentAt);
    const shownAt = await page.waitForFunction(
      (n) => (window as unknown as { probes: Record<string, number> }).probes[n],
      String(i),
      { timeout: 15_000, polling: 'raf' },
    );
    renderMs.push(((await shownAt.jsonValue()) as number) - sent.sentAt);
  }
  // Where the time goes: when ingest recorded each probe (its transaction's start, on the same
  // machine's clock), between Meta's 200 and the message on screen.
  const db = new pg.Client({ connectionString: app.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ probe: string; at: Date }>(
    `select substring(payload->>'text' from 'probe <(\\d+)>') as probe, received_at as at
       from instagram_events where payload->>'text' like 'Latency probe <%'`,
  );
  await db.end();
  const ingestStarted = rows.map((row) => row.at.getTime() - (sentAt.get(Number(row.probe)) as number));

  const p50 = (values: number[]) => percentile(values, 50).toFixed(1);
  console.log(`
Webhook POST → message rendered in the open conversation (Chromium), ${MESSAGES} messages one at a time
${latencyReport('rendered', renderMs, ackMs)}
  stages, p50 ms after the POST was sent:
    Meta has its 200 ${p50(ackMs)} → ingest starts ${p50(ingestStarted)} → rendered ${p50(renderMs)}
`);
} finally {
  await browser.close();
  await app.stop();
}
