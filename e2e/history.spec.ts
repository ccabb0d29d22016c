// History backfill in Chromium, against the Meta simulator: connecting an account whose customers
// wrote before imports their conversations through the Conversations API at Meta's pace, with the
// progress live on the account's card; the inbox then holds them, unread only where the customer
// still waits, and every contact is a lead from imported history.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  control,
  keepScreenshot,
  openInstagramConsent,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const HOUR = 3_600_000;
const CONVERSATIONS = 15;

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

test('connecting an account imports its history with live progress; the customers are leads from imported history', async ({
  page,
}) => {
  test.setTimeout(60_000); // Meta's pace: two pages of conversations take about twelve seconds
  await signUpWithWorkspace(page);
  const username = uniqueUsername('history.shop');
  await control(page.request, '/control/accounts', { username, name: 'History Shop' });
  // Fifteen customers wrote over the last days; the business answered all but the most recent.
  const now = Date.now();
  await control(page.request, '/control/history', {
    account: username,
    conversations: Array.from({ length: CONVERSATIONS }, (_, i) => ({
      messages: [
        { timestamp: now - (i + 1) * 5 * HOUR, from: 'customer', kind: 'text', text: `Question ${i + 1}` },
        ...(i === 0
          ? []
          : [
              {
                timestamp: now - (i + 1) * 5 * HOUR + 60_000,
                from: 'business',
                kind: 'text',
                text: `Answer ${i + 1}`,
              },
            ]),
      ],
    })),
  });

  await openInstagramConsent(page);
  await page.getByRole('radio', { name: new RegExp(`@${username.replace(/\./g, '\\.')}`) }).check();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Connected @${username}` })).toBeVisible();

  await openScreen(page, 'Accounts');
  const history = page.getByRole('region', { name: `History of @${username}` });
  // At Meta's pace (2 calls a second, of which the import takes 1.5) the first page of ten
  // conversations takes about seven seconds: the card shows it as it goes.
  await expect(history.getByRole('progressbar')).toBeVisible();
  await expect(history).toContainText('10 conversations, 19 messages so far', { timeout: 20_000 });
  await keepScreenshot(page, 'accounts-history-import');
  await expect(history).toContainText(
    `Imported ${CONVERSATIONS} conversations, ${2 * CONVERSATIONS - 1} messages`,
    {
      timeout: 30_000,
    },
  );
  await expect(history.getByRole('progressbar')).toHaveCount(0);

  await openScreen(page, 'Inbox');
  const rows = page.getByRole('link', { name: /^Conversation with / });
  await expect(rows).toHaveCount(CONVERSATIONS);
  // Only the customer nobody answered yet waits: one unread conversation, not fifteen.
  await expect(page.getByTestId('unread-count')).toHaveCount(1);
  await expect(rows.first()).toContainText('Question 1');

  await openScreen(page, 'Leads');
  await expect(page.getByRole('row').filter({ hasText: 'Imported history' })).toHaveCount(CONVERSATIONS);
});
