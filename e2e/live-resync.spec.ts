// A DM whose live update was lost while Realtime was cut off from Postgres still shows up in the
// open inbox, without a reload, once Realtime has its connection back: the stand-in errors its
// channels, the browser rejoins them and refetches what is on screen.
//
// Deterministic rather than timed: the DM is committed while the stand-in's notification trigger
// is off (it hears nothing, exactly as while its LISTEN session is gone), then Postgres ends that
// session (pg_terminate_backend, as in a restart) and the stand-in comes back by itself.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  customerWrites,
  newCustomer,
  signUpWithWorkspace,
  superuser,
  uniqueUsername,
} from './journeys.ts';

const conversationRow = (page: Page) => page.getByRole('link', { name: /^Conversation with / });

/** How long the page has had no API request in flight: once it is quiet, what it read is on screen. */
function quietness(page: Page): () => number {
  let inFlight = 0;
  let since = Date.now();
  const api = (url: string) => url.includes('/api/trpc/');
  page.on('request', (request) => {
    if (api(request.url())) inFlight += 1;
  });
  const done = (request: { url(): string }) => {
    if (!api(request.url())) return;
    inFlight -= 1;
    since = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return () => (inFlight > 0 ? 0 : Date.now() - since);
}

test('a DM whose live update was lost while Realtime was away from Postgres appears once it is back', async ({
  page,
}) => {
  const quietFor = quietness(page);
  await signUpWithWorkspace(page);
  const account = uniqueUsername('blink.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Before the blip');
  await conversationRow(page).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Before the blip', { timeout: 10_000 });
  // Opening it marked it read, and that update refetches the thread too: let it land first.
  await expect.poll(quietFor, { timeout: 10_000 }).toBeGreaterThan(1000);

  const db = superuser();
  await db.connect();
  try {
    await db.query('alter table realtime.messages disable trigger local_notify_message');
    try {
      await customerWrites(page.request, account, customer, 'During the blip');
      await expect
        .poll(
          async () =>
            (await db.query('select 1 from conversation_messages where content = $1', ['During the blip']))
              .rowCount,
          { timeout: 10_000, message: 'the worker stores the DM' },
        )
        .toBe(1);
    } finally {
      await db.query('alter table realtime.messages enable trigger local_notify_message');
    }
    await expect(thread).not.toContainText('During the blip'); // its broadcast was never heard
    await db.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'realtime stand-in'",
    );
  } finally {
    await db.end();
  }

  await expect(thread).toContainText('During the blip', { timeout: 10_000 });
  await expect(conversationRow(page)).toContainText('During the blip');
});
