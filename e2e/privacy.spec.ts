// A contact's privacy in Chromium: an admin exports everything held about the customer of an
// open conversation (a JSON file and the messages as CSV), then erases them; the conversation
// leaves the inbox, and the audit log shows both, naming the contact by a tag only.
import { readFile } from 'node:fs/promises';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  customerWrites,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const read = async (download: Download) => readFile(await download.path(), 'utf8');

async function openScreen(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
}

test('an admin exports a contact’s data and erases the contact; the audit log records both', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('privacy.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const other = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Please send it to 12 Rua Augusta');
  await customerWrites(page.request, account, other, 'Someone else entirely');
  const rows = page.getByRole('link', { name: /^Conversation with / });
  await expect(rows).toHaveCount(2, { timeout: 10_000 });
  await rows.filter({ hasText: 'Rua Augusta' }).click();
  const header = page.getByRole('region', { name: 'Conversation' }).locator('header');

  const downloads: Download[] = [];
  page.on('download', (download) => downloads.push(download));
  await header.getByRole('button', { name: 'Export data' }).click();
  await expect.poll(() => downloads.length).toBe(2);
  const json = downloads.find((d) => d.suggestedFilename().endsWith('.json'));
  const csv = downloads.find((d) => d.suggestedFilename().endsWith('-messages.csv'));
  expect(json?.suggestedFilename()).toMatch(new RegExp(`^contact-${customer}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
  const exported = JSON.parse(await read(json as Download)) as {
    contact: { instagramUserId: string };
    messages: unknown[];
  };
  expect(exported.contact.instagramUserId).toBe(customer);
  expect(JSON.stringify(exported)).toContain('Rua Augusta');
  expect(JSON.stringify(exported)).not.toContain('Someone else entirely');
  const csvText = await read(csv as Download);
  expect(csvText.split('\r\n')[0]).toBe(
    '\uFEFFtime,direction,status,kind,text,attachments,instagram_message_id,edited,unsent',
  );
  expect(csvText).toContain('Please send it to 12 Rua Augusta');

  await header.getByRole('button', { name: 'Erase contact' }).click();
  const dialog = page.getByRole('alertdialog', { name: /^Erase / });
  await expect(dialog).toContainText('deleted from this workspace for good');
  await dialog.getByRole('button', { name: 'Erase everything' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Someone else entirely');

  await openScreen(page, 'Audit log');
  const log = page.getByRole('region', { name: 'Audit log', exact: true });
  await expect(log.getByRole('row').filter({ hasText: 'Erased a contact' })).toHaveCount(1);
  await expect(log.getByRole('row').filter({ hasText: 'Exported a contact’s data' })).toHaveCount(1);
  await expect(log.getByRole('row').filter({ hasText: `Connected an account` })).toContainText(`@${account}`);
  await expect(log).not.toContainText(customer);
});
