// What the workspace may send, in Chromium: the messaging window shown in the composer and
// enforced (no reply after 7 days, Human Agent replies between 24 h and 7 days only once an admin
// turns them on), and seen receipts, typing and reactions reaching the customer only when on.
import type { Page } from '@playwright/test';
import type { SenderActionRecord } from '#dev/meta/graph-send.ts';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  newCustomer,
  sentTo,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const DAY = 24 * 60 * 60 * 1000;

const openConversation = async (page: Page, lastMessage: string) => {
  await page
    .getByRole('link', { name: /^Conversation with / })
    .filter({ hasText: lastMessage })
    .click();
  await expect(page.getByTestId('thread')).toContainText(lastMessage);
};

async function turn(page: Page, setting: string, on: boolean) {
  await page.getByRole('link', { name: 'Settings' }).click();
  const toggle = page.getByRole('switch', { name: setting });
  await expect(toggle).toHaveAttribute('aria-checked', String(!on));
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', String(on));
  await page.getByRole('link', { name: 'Inbox' }).click();
}

const actionsFor = async (page: Page, customer: string) =>
  (await control<SenderActionRecord[]>(page.request, '/control/sender-actions'))
    .filter((record) => record.recipientId === customer)
    .map((record) => record.action);

test('the composer shows the window and enforces it: Human Agent replies unless turned off, nothing after 7 days', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('window.shop');
  await connectFirstAccount(page, account);
  const lapsed = await newCustomer(page.request);
  const waiting = await newCustomer(page.request);
  await customerWrites(page.request, account, lapsed, 'Anyone there? (8 days ago)', Date.now() - 8 * DAY);
  await customerWrites(page.request, account, waiting, 'Still interested (3 days ago)', Date.now() - 3 * DAY);
  await expect(page.getByRole('link', { name: /^Conversation with / })).toHaveCount(2, { timeout: 10_000 });

  await openConversation(page, 'Anyone there? (8 days ago)');
  await expect(page.getByRole('status').filter({ hasText: 'More than 7 days have passed' })).toBeVisible();
  await expect(page.getByLabel('Reply')).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  // Around the browser, through the API: refused with the same reason, nothing reaches Meta.
  const refused = await page.request.post('/api/instagram/messages/send', {
    data: { recipientId: lapsed, message: 'Sorry for the wait!' },
  });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('7 days');

  // Between 24 h and 7 days an operator replies as a Human Agent (on by default)…
  await openConversation(page, 'Still interested (3 days ago)');
  await expect(page.getByRole('status').filter({ hasText: 'Human Agent message' })).toBeVisible();
  // …unless the workspace turned it off.
  await turn(page, 'Human Agent replies', false);
  await openConversation(page, 'Still interested (3 days ago)');
  await expect(
    page.getByRole('status').filter({ hasText: 'does not use Human Agent replies' }),
  ).toBeVisible();
  await expect(page.getByLabel('Reply')).toBeDisabled();

  await turn(page, 'Human Agent replies', true);
  await openConversation(page, 'Still interested (3 days ago)');
  await expect(page.getByRole('status').filter({ hasText: 'Human Agent message' })).toBeVisible();
  await page.getByLabel('Reply').fill('Yes, it is still available.');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByTestId('thread').locator('[data-direction="OUTBOUND"]');
  await expect(reply).toContainText('Human agent · Sent', { timeout: 10_000 });
  expect((await sentTo(page.request, waiting)).map((s) => [s.text, s.tag])).toEqual([
    ['Yes, it is still available.', 'HUMAN_AGENT'],
  ]);
  expect(await sentTo(page.request, lapsed)).toEqual([]);
});

test('seen receipts, typing and reactions reach the customer only once turned on', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('signals.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Do you have gift wrapping?');

  await openConversation(page, 'Do you have gift wrapping?');
  await page.getByLabel('Reply').fill('Let me check');
  await expect(page.getByRole('button', { name: 'React ❤️' })).toHaveCount(0);

  await turn(page, 'Seen receipts', true);
  await turn(page, 'Typing indicator', true);
  await turn(page, 'Reactions', true);
  await customerWrites(page.request, account, customer, 'For a birthday');
  await openConversation(page, 'For a birthday');
  await page.getByLabel('Reply').fill('Yes, we do');
  await page.getByRole('button', { name: 'React ❤️' }).last().click();
  await expect(page.getByRole('button', { name: 'Remove ❤️' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('thread')).toContainText('Reactions: ❤️');

  // One of each, all after the settings changed: nothing was sent while they were off.
  await expect
    .poll(async () => (await actionsFor(page, customer)).sort(), { timeout: 10_000 })
    .toEqual(['mark_seen', 'react', 'typing_on']);

  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('switch', { name: 'Reactions' })).toHaveAttribute('aria-checked', 'true');
  await keepScreenshot(page, 'settings');
});
