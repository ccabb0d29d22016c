// The operator's live inbox in Chromium: a customer's DM appears in the open conversation and in
// the list without a reload, the operator's reply reaches the customer's thread, and an operator
// of another workspace sees none of it.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

interface Thread {
  messages: { from: 'customer' | 'business'; text: string | null }[];
}

const conversationRow = (page: Page) => page.getByRole('link', { name: /^Conversation with / });

test('a DM shows up live, and the reply reaches the customer', async ({ page, browser }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('live.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);

  await customerWrites(page.request, account, customer, 'Hello! Do you ship to Porto?');
  await expect(conversationRow(page)).toHaveCount(1, { timeout: 10_000 });
  await expect(conversationRow(page)).toContainText('Do you ship to Porto?');
  await conversationRow(page).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Do you ship to Porto?');
  await expect(page.getByRole('status').filter({ hasText: 'You can reply for another' })).toBeVisible();

  // Typed on the customer's side while the conversation is open: no reload.
  await customerWrites(page.request, account, customer, 'And how long does it take?');
  await expect(thread).toContainText('And how long does it take?', { timeout: 10_000 });

  await page.getByLabel('Reply').fill('Yes — 3 days, tracked.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(thread.locator('[data-direction="OUTBOUND"]')).toContainText('Yes — 3 days, tracked.');
  await expect(thread.locator('[data-direction="OUTBOUND"]')).toContainText('Sent', { timeout: 10_000 });
  await expect
    .poll(async () => {
      const view = await control<Thread>(
        page.request,
        `/control/thread?account=${account}&customer=${customer}`,
      );
      return view.messages.filter((m) => m.from === 'business').map((m) => m.text);
    })
    .toEqual(['Yes — 3 days, tracked.']);
  await page.screenshot({ path: 'test-results/live-inbox-conversation.png' });

  // An operator of another workspace sees nothing of it.
  const other = await browser.newPage();
  await signUpWithWorkspace(other);
  await customerWrites(page.request, account, customer, 'One more thing…');
  await expect(page.getByTestId('thread')).toContainText('One more thing…', { timeout: 10_000 });
  await expect(other.getByTestId('empty-inbox')).toBeVisible();
  await expect(conversationRow(other)).toHaveCount(0);
  await other.close();
});
