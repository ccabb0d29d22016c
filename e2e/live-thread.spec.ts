// An open thread kept current from live events by reading only what they name: a new message in a
// long thread does not read its loaded pages again, and what an edit or an unsend changes (the
// message, a reply's quote of it) changes on screen without a reload.
import type { APIRequestContext, Request } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const customerEvents =
  (request: APIRequestContext, account: string, customer: string) =>
  (kind: string, body: Record<string, unknown> = {}) =>
    control<{ mid: string }>(request, `/control/events/${kind}`, { account, customer, ...body });

/** The tRPC calls in a request, batched or on its own: each procedure's path and input. */
function callsIn(request: Request): { path: string; input: Record<string, unknown> | undefined }[] {
  const url = new URL(request.url());
  if (!url.pathname.startsWith('/api/trpc/')) return [];
  const input = JSON.parse(url.searchParams.get('input') ?? '{}');
  const paths = url.pathname.slice('/api/trpc/'.length).split(',');
  if (url.searchParams.get('batch') !== '1') return [{ path: paths[0] as string, input }];
  return paths.map((path, index) => ({ path, input: input[index] }));
}

test('a new message in a long thread is read on its own, not with every loaded page again', async ({
  page,
}) => {
  test.setTimeout(60_000); // sixty messages are delivered one by one first
  await signUpWithWorkspace(page);
  const account = uniqueUsername('paged.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const start = Date.now() - 60 * 60 * 1000;
  for (let i = 1; i <= 60; i += 1) {
    await customerWrites(page.request, account, customer, `Older message ${i}`, start + i * 1000);
  }
  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Older message 60', { timeout: 20_000 });
  // Both pages (fifty, then ten) loaded, then back to the newest.
  await expect(async () => {
    await thread.evaluate((element) => element.scrollTo(0, 0));
    await expect(thread).toContainText('Beginning of the conversation', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await thread.evaluate((element) => element.scrollTo(0, element.scrollHeight));
  await expect(thread).toContainText('Older message 60');

  const calls: { path: string; input: Record<string, unknown> | undefined }[] = [];
  page.on('request', (request) => calls.push(...callsIn(request)));
  await customerWrites(page.request, account, customer, 'A new message, live');
  await expect(thread).toContainText('A new message, live', { timeout: 10_000 });
  // Reading the customer's message marks the conversation read, and the conversation's change
  // reads its header again (the newest page, one message long): the last read this event causes.
  await expect.poll(() => calls.some((call) => call.path === 'inbox.markRead')).toBe(true);
  await expect
    .poll(() => calls.some((call) => call.path === 'inbox.conversation' && call.input?.limit === 1))
    .toBe(true);

  expect(calls.filter((call) => call.path === 'messages.byIds').length).toBeGreaterThan(0);
  const olderPages = calls.filter((call) => call.path === 'inbox.conversation' && call.input?.cursor);
  expect(olderPages, 'older pages read again for a live message').toEqual([]);
  await expect(thread).toContainText('Older message 60');
});

test('an edit and an unsend change the open thread live, a reply quoting the unsent message included', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('unsend.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const send = customerEvents(page.request, account, customer);
  await customerWrites(page.request, account, customer, 'Hello there');
  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Hello there', { timeout: 15_000 });

  const secret = await send('text', { text: 'My door code is 4711' });
  await send('reply', { text: 'Forget that one', replyToMid: secret.mid });
  const typo = await send('text', { text: 'Thnks for waiting' });
  await expect(thread).toContainText('In reply to: My door code is 4711');
  await expect(thread).toContainText('Thnks for waiting');

  await send('edit', { mid: typo.mid, text: 'Thanks for waiting' });
  await send('unsend', { mid: secret.mid });
  await expect(thread).toContainText('Thanks for waiting');
  await expect(thread).not.toContainText('Thnks');
  await expect(thread).toContainText('Message unsent');
  // Gone from the message and from the reply's quote of it, without a reload.
  await expect(thread).not.toContainText('4711');
  await expect(thread).toContainText('Forget that one');
  // Each message once.
  await expect(thread.getByText('Forget that one')).toHaveCount(1);
  await expect(thread.getByText('Thanks for waiting')).toHaveCount(1);
});
