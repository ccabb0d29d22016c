// Exports in Chromium: the Leads screen's "Export CSV" downloads the leads its filter shows (an ad
// lead that came in through the simulator, and a busy account's worth more), with a progress bar
// while the rows arrive; the file holds those rows and no others. The download route answers
// with the app's security headers, and refuses filters the list would refuse.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { expect, test } from './fixtures.ts';
import {
  asSuperuser,
  cdnPicture,
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

/** Leads written straight into the database, as a busy account would have gathered them. */
const EARLIER_AD_LEADS = 1500;
const EARLIER_DM_LEADS = 300;

async function seedEarlierLeads(workspaceId: string): Promise<void> {
  // Set-based, older than the live leads, with names a spreadsheet would run if not escaped.
  await asSuperuser(
    `insert into leads (workspace_id, channel_connection_id, contact_identifier, name, source, source_ad_id, created_at)
     select cc.workspace_id, cc.id, 'earlier-' || n,
            case when n % 100 = 0 then '=1+' || n else 'Earlier customer ' || n end,
            case when n <= $2::int then 'AD' else 'DM' end,
            case when n <= $2::int then '120210000000' || n end,
            now() - interval '1 day' - n * interval '1 second'
       from channel_connections cc, generate_series(1, $2::int + $3::int) n
      where cc.workspace_id = $1`,
    [workspaceId, EARLIER_AD_LEADS, EARLIER_DM_LEADS],
  );
}

test('Export CSV on Leads downloads the filtered leads, showing its progress', async ({ page }) => {
  test.setTimeout(90_000);
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('glaze');
  await connectFirstAccount(page, account);
  const fromAd = uniqueUsername('margaret');
  const fromDm = uniqueUsername('ada');
  await control(page.request, '/control/customers', { username: fromAd, name: 'Margaret Hamilton' });
  await control(page.request, '/control/customers', { username: fromDm, name: 'Ada Lovelace' });
  await control(page.request, '/control/events/ad-referral', {
    account,
    customer: fromAd,
    text: 'Saw your spring ad',
    adId: '120210000000042',
    ref: 'spring-sale',
    adsContextData: {
      ad_title: 'Spring glaze',
      photo_url: cdnPicture('spring'),
      post_id: '18000000000000555',
    },
  });
  await customerWrites(page.request, account, fromDm, 'Is the blue vase still available?');
  await seedEarlierLeads(workspaceId);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Margaret Hamilton' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(page.getByRole('row').filter({ hasText: 'Ada Lovelace' })).toBeVisible();
  await page.getByRole('button', { name: 'Ad', exact: true }).click();
  await expect(page).toHaveURL(/\/leads\?source=AD$/);
  await expect(page.getByRole('row').filter({ hasText: 'Ada Lovelace' })).toHaveCount(0);

  // A slow connection, so the rows visibly arrive a batch at a time (about 400 kB at 64 kB/s).
  const network = await page.context().newCDPSession(page);
  await network.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: 64 * 1024,
    uploadThroughput: -1,
  });
  const total = EARLIER_AD_LEADS + 1;
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const progress = page.getByRole('progressbar', { name: 'Export progress' });
  await expect(progress).toHaveAttribute('aria-valuemax', String(total));
  await expect(progress).toHaveAttribute(
    'aria-valuetext',
    new RegExp(`^[\\d,]+ of ${total.toLocaleString('en')} rows$`),
  );
  await keepScreenshot(page, 'leads-export-progress');
  const download = await downloaded;
  await network.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await expect(progress).toHaveAttribute('aria-valuenow', String(total));
  await expect(page.getByText(`${total.toLocaleString('en')} rows saved`)).toBeVisible();

  expect(download.suggestedFilename()).toMatch(/^leads-\d{4}-\d\d-\d\d\.csv$/);
  const rows = parse(await readFile(await download.path()), { bom: true, columns: true }) as Record<
    string,
    string
  >[];
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((row) => row.Source))).toEqual(new Set(['Ad']));
  expect(rows[0]).toMatchObject({
    'Contact name': 'Margaret Hamilton',
    Username: fromAd,
    Source: 'Ad',
    'Ad ID': '120210000000042',
    'Ad title': 'Spring glaze',
    'Ad post ID': '18000000000000555',
    Ref: 'spring-sale',
    Status: 'NEW',
    Account: account,
  });
  expect(rows.some((row) => row['Contact name'] === 'Ada Lovelace')).toBe(false);
  // A name that would run as a formula in a spreadsheet comes out as text.
  expect(rows.filter((row) => row['Contact name'] === "'=1+100")).toHaveLength(1);
});

test('the Inbox exports its conversations too, with its filters', async ({ page }) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('linen');
  await connectFirstAccount(page, account);
  const customer = uniqueUsername('ada');
  await control(page.request, '/control/customers', { username: customer, name: 'Ada Lovelace' });
  await customerWrites(page.request, account, customer, 'Is the blue vase still available?');
  await customerWrites(page.request, account, customer, 'And in green, "sage"?');
  const read = uniqueUsername('brian');
  await control(page.request, '/control/customers', { username: read, name: 'Brian Kernighan' });
  await customerWrites(page.request, account, read, 'Thanks, all good');
  await expect(page.getByTestId('conversation-list')).toContainText('sage', { timeout: 10_000 });
  // The export writes what the inbox knows: wait until the profile lookup has named her.
  await expect(page.getByRole('link', { name: 'Conversation with Ada Lovelace' })).toBeVisible();
  // Read by opening it: the Unread filter leaves it out, and so must the export.
  await page.getByRole('link', { name: 'Conversation with Brian Kernighan' }).click();
  await expect(page.getByTestId('thread')).toContainText('Thanks, all good');
  await page.getByRole('button', { name: 'Unread' }).click();
  await expect(page.getByTestId('conversation-list').getByRole('link')).toHaveCount(1);
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/inbox/[0-9a-f-]{36}\\?unread=1$`));
  await keepScreenshot(page, 'inbox-export');

  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloaded;
  expect(download.suggestedFilename()).toMatch(/^conversations-\d{4}-\d\d-\d\d\.csv$/);
  const rows = parse(await readFile(await download.path()), { bom: true, columns: true }) as Record<
    string,
    string
  >[];
  // One row per message, oldest first; a small export shows no progress bar.
  expect(rows.map((row) => [row['Contact name'], row.Username, row.Direction, row.Text])).toEqual([
    ['Ada Lovelace', customer, 'INBOUND', 'Is the blue vase still available?'],
    ['Ada Lovelace', customer, 'INBOUND', 'And in green, "sage"?'],
  ]);
  await expect(page.getByRole('progressbar', { name: 'Export progress' })).toHaveCount(0);
});

test('the download route carries the security headers and refuses bad filters', async ({ page }) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const csv = await page.request.get(`/w/${workspaceId}/conversations.csv?unreadOnly=true`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()).toMatchObject({
    'content-type': 'text/csv; charset=utf-8',
    'cache-control': 'no-store',
    'x-total-rows': '0',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  });
  expect(csv.headers()['content-security-policy']).toBeTruthy();
  expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="conversations-[\d-]+\.csv"$/);

  const refused = await page.request.get(`/w/${workspaceId}/leads.csv?source=NOPE`);
  expect(refused.status()).toBe(400);
  expect(((await refused.json()) as { error: string }).error).toMatch(/^Invalid export filters: source/);
  expect(refused.headers()['x-content-type-options']).toBe('nosniff');
});
