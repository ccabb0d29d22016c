// Leads in Chromium: a customer's first DM (sent on the Meta simulator) becomes a lead on the open
// Leads screen without a reload and leads to its conversation; leads from an ad (with its picture),
// a shop product, a story reply and an ig.me link say where they came from, and the screen filters
// and searches them.
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  cdnPicture,
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

/** A simulator customer with a display name; returns the username the lead will show. */
async function namedCustomer(request: APIRequestContext, prefix: string, name: string): Promise<string> {
  const username = uniqueUsername(prefix);
  await control(request, '/control/customers', { username, name });
  return username;
}

const leadRow = (page: Page, name: string) => page.getByRole('row').filter({ hasText: name });

test("a customer's DM appears on Leads live as a Direct message lead and opens its conversation", async ({
  page,
}) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('vases');
  await connectFirstAccount(page, account);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
  await expect(page).toHaveURL(`/w/${workspaceId}/leads`);
  await expect(page.getByRole('heading', { name: 'No leads yet' })).toBeVisible();
  await keepScreenshot(page, 'leads-empty');

  const customer = await namedCustomer(page.request, 'ada', 'Ada Lovelace');
  await customerWrites(page.request, account, customer, 'Is the blue vase still available?');

  // No reload: the workspace's live channel refetches the list, then again when the profile arrives.
  const row = leadRow(page, 'Ada Lovelace');
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(row).toContainText(`@${customer}`);
  await expect(row).toContainText('Direct message');
  await expect(row).toContainText(`@${account}`);
  await expect(row.getByRole('time')).toHaveText(/just now|minute/);
  await expect(page.getByRole('row')).toHaveCount(2); // the header and the one lead
  await keepScreenshot(page, 'leads');

  await row.getByRole('link', { name: 'Open conversation' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/inbox/[0-9a-f-]{36}$`));
  await expect(page.getByTestId('thread')).toContainText('Is the blue vase still available?');
});

test('leads from an ad, a shop product, a story reply and an ig.me link show their source, and filter by it', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('ceramics');
  await connectFirstAccount(page, account);
  const request = page.request;
  const fromAd = await namedCustomer(request, 'margaret', 'Margaret Hamilton');
  const fromStory = await namedCustomer(request, 'linus', 'Linus Torvalds');
  const fromLink = await namedCustomer(request, 'barbara', 'Barbara Liskov');
  const fromProduct = await namedCustomer(request, 'frances', 'Frances Allen');
  await control(request, '/control/events/ad-referral', {
    account,
    customer: fromAd,
    text: 'Saw your spring ad — is it still on?',
    adId: '120210000000042',
    ref: 'spring-sale',
    adsContextData: {
      ad_title: 'Spring glaze',
      photo_url: cdnPicture('spring-glaze-ad'),
      post_id: '18000000000000555',
    },
  });
  await control(request, '/control/events/product-referral', {
    account,
    customer: fromProduct,
    text: 'Does this bowl come in blue?',
    productId: '7000000000000001',
  });
  await control(request, '/control/events/story-reply', {
    account,
    customer: fromStory,
    text: 'Love this glaze!',
  });
  await control(request, '/control/events/referral', { account, customer: fromLink, ref: 'bio-link' });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
  const ad = leadRow(page, 'Margaret Hamilton');
  await expect(ad).toContainText('Ad', { timeout: 10_000 });
  // The ad names itself by its title (its id only when it has none), its post and its picture.
  await expect(ad).toContainText('“Spring glaze”');
  await expect(ad).toContainText('post 18000000000000555');
  await expect(ad).toContainText('ref spring-sale');
  const adPicture = ad.getByRole('img', { name: 'Ad “Spring glaze”' });
  await expect.poll(() => adPicture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const product = leadRow(page, 'Frances Allen');
  await expect(product).toContainText('Shop product');
  await expect(product).toContainText('product 7000000000000001');
  const story = leadRow(page, 'Linus Torvalds');
  await expect(story).toContainText('Story reply');
  // Opening a thread from a link is no message: Meta gives no profile until the customer writes.
  const link = leadRow(page, 'ref bio-link');
  await expect(link).toContainText('ig.me link');
  await expect(link).toContainText('Profile not available');
  await keepScreenshot(page, 'leads-sources');

  const rows = page.getByTestId('lead-rows').getByRole('row');
  await page.getByRole('button', { name: 'Ad', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Ad', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Margaret Hamilton');
  // The filter is in the URL: a reload (or a shared link) keeps it.
  await expect(page).toHaveURL(/\/leads\?source=AD$/);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Ad', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(rows).toHaveCount(1);

  await page.getByRole('button', { name: 'Shop product' }).click();
  await expect(page).toHaveURL(/\/leads\?source=PRODUCT$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Frances Allen');

  await page.getByRole('button', { name: 'All sources' }).click();
  await page.getByLabel('Search leads').fill(`@${fromStory}`);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Linus Torvalds');

  await page.getByRole('button', { name: 'Story mention' }).click();
  await expect(page.getByText('No lead matches these filters.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Search leads')).toHaveValue('');
  await expect(rows).toHaveCount(4);
});
