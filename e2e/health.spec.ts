// The Health screen in Chromium: customers' messages show up in the webhook volume and the
// headline numbers, a refused reply counts as a send failure of its account, the range switches
// between the last hour and the last day, a new message shows up live while the screen is open, and
// background work that keeps up is said calmly.
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  meta,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

test('webhook volume, latency and each account’s sending, over the last hour or day', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('healthy.shop');
  await connectFirstAccount(page, account);
  await page.getByRole('link', { name: 'Health' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: 'No webhook events in this period yet' }),
  ).toBeVisible();
  // The worker takes every job: nothing stuck, so one calm line and no notice.
  await expect(page.getByRole('status').filter({ hasText: 'Background work is keeping up.' })).toBeVisible();

  const customer = await newCustomer(page.request);
  for (const text of ['Hi!', 'Do you ship abroad?', 'To Norway, I mean']) {
    await customerWrites(page.request, account, customer, text);
  }
  // A reply Meta refuses for good: one send failure for the account.
  await page.getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('link', { name: /^Conversation with / }).click();
  await expect(page.getByTestId('thread')).toContainText('To Norway, I mean', { timeout: 10_000 });
  await control(page.request, '/control/faults', {
    path: 'messages$',
    account,
    times: 1,
    error: { code: 200, subcode: 2534041 },
  });
  await page.getByLabel('Reply').fill('We do!');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('thread')).toContainText('Not sent', { timeout: 10_000 });
  await page.request.delete(`${meta()}/control/faults`);

  await page.getByRole('link', { name: 'Health' }).click();
  const stat = (label: string) => page.locator('dt', { hasText: label }).locator('xpath=../dd');
  await expect(stat('Webhook events')).toHaveText('3', { timeout: 10_000 });
  await expect(stat('Failed events')).toHaveText('0');
  await expect(stat('Send failures')).toHaveText('1');
  await expect(stat('Processing p95')).toHaveText(/\d+ ms|\d\.\d s/);
  const volume = page.getByRole('figure', { name: 'Webhook events' });
  // The bars add up to the three messages (one or two minutes' bars, depending on the clock).
  const bars = await volume
    .locator('rect title')
    .filter({ hasText: / events$/ })
    .allTextContents();
  expect(bars.reduce((sum, title) => sum + Number(/: (\d+) events$/.exec(title)?.[1]), 0)).toBe(3);
  await expect(page.getByRole('figure', { name: 'Meta-to-us lag' })).toBeVisible();
  await expect(page.getByRole('figure', { name: 'Processing time' })).toBeVisible();
  await expect(stat('Send queue')).toHaveText('0');
  const sending = page.getByRole('figure', { name: 'Sending per account' });
  const row = sending.getByRole('row', { name: new RegExp(`@${account.replace('.', '\\.')}`) });
  await expect(row.getByRole('cell').last()).toHaveText('1');
  // Tall enough for the whole screen: it scrolls inside the app shell, not the page.
  await page.setViewportSize({ width: 1280, height: 1300 });
  await keepScreenshot(page, 'health');

  await page.getByRole('button', { name: 'Last 24 hours' }).click();
  await expect(page).toHaveURL(/range=day/);
  await expect(page.getByRole('button', { name: 'Last 24 hours' })).toHaveAttribute('aria-pressed', 'true');
  await expect(stat('Webhook events')).toHaveText('3');
  await expect(volume).toContainText('per hour');
  await keepScreenshot(page, 'health-day');

  // Live while open: a new message shows up well before the 30-second refresh would bring it.
  await customerWrites(page.request, account, customer, 'Thanks!');
  await expect(stat('Webhook events')).toHaveText('4', { timeout: 10_000 });
});

test('an event that cannot be applied is kept aside with its reason, and an admin can try it again', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('careful.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Hello');
  const accounts = await control<{ igId: string; username: string }[]>(page.request, '/control/accounts');
  const igId = accounts.find((a) => a.username === account)?.igId as string;
  // Signed by Meta, but a reaction of a kind we cannot read: it is kept, not dropped.
  const at = Date.now();
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: igId,
        time: at,
        messaging: [
          {
            sender: { id: customer },
            recipient: { id: igId },
            timestamp: at,
            reaction: { mid: 'm1', action: 'explode' },
          },
        ],
      },
    ],
  });
  const { header } = await control<{ header: string }>(page.request, '/control/sign', { body });
  const posted = await page.request.post('/api/instagram/webhook', {
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': header },
    data: body,
  });
  expect(posted.status()).toBe(200);

  await page.getByRole('link', { name: 'Health' }).click();
  const keptAside = page.getByRole('region', { name: '1 event kept aside' });
  await expect(keptAside).toContainText('unreadable messaging item (reaction.action', { timeout: 10_000 });
  await keptAside.getByRole('button', { name: 'Try them again' }).click();
  await expect(keptAside.getByRole('status')).toHaveText('1 delivery queued again.');
  // The cause is not fixed, so it is kept aside again rather than lost (the replay swaps its row
  // in one transaction: a fresh read sees it before or after, never without it).
  await page.reload();
  await expect(page.getByRole('region', { name: '1 event kept aside' })).toBeVisible();
});
