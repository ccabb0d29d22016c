// The Webhook test tab: an owner copies the callback URL for Meta's dashboard, runs the webhook
// tests against the running deployment (production server, worker, Meta simulator) and sees every
// check pass, plus what Meta reports about the connected account's subscription.
import { WEBHOOK_FIELDS } from '#server/accounts/index.ts';
import { expect, test } from './fixtures.ts';
import { connectFirstAccount, keepScreenshot, signUpWithWorkspace, uniqueUsername } from './journeys.ts';

test('run the webhook tests and see every check pass', async ({ page, context }) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('hooked');
  await connectFirstAccount(page, username);

  await page.getByRole('link', { name: 'Webhook test' }).click();
  await expect(page.getByRole('heading', { name: 'Webhook test', level: 1 })).toBeVisible();
  await expect(page).toHaveTitle('Webhook test · Direct Inbox');

  const callbackUrl = `${process.env.E2E_BASE_URL}/api/instagram/webhook`;
  await expect(page.getByRole('textbox', { name: 'Callback URL' })).toHaveValue(callbackUrl);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy callback URL' }).click();
  await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(callbackUrl);
  const fields = page.getByRole('list', { name: 'Fields to subscribe' });
  await expect(fields.getByRole('listitem')).toHaveText(
    WEBHOOK_FIELDS.map((field) => new RegExp(`^${field}(?![a-z_])`)),
  );

  await page.getByRole('button', { name: 'Run webhook tests' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 7 checks passed.' })).toBeVisible({
    timeout: 15_000,
  });
  const checks = page.getByRole('list', { name: 'Webhook test results' }).getByRole('listitem');
  await expect(checks).toHaveCount(7);
  await expect(checks.getByRole('img', { name: 'Passed' })).toHaveCount(7);
  await expect(checks.filter({ hasText: 'Verification handshake' })).toContainText('HTTP 200');
  await expect(checks.filter({ hasText: 'A wrongly signed event is refused' })).toContainText('HTTP 403');
  await expect(checks.filter({ hasText: 'The test event is processed end to end' })).toContainText(
    'UNMATCHED',
  );

  const subscription = page
    .getByRole('list', { name: "Meta's subscriptions per account" })
    .getByRole('listitem')
    .filter({ hasText: `@${username}` })
    .first();
  await expect(subscription.getByRole('img', { name: 'Subscribed' })).toBeVisible();
  await expect(subscription).toContainText('Meta reports the app subscribed to every field the inbox uses.');

  // The test event is Meta's dummy test message: the inbox stays empty.
  await page.getByRole('link', { name: 'Inbox' }).click();
  await expect(page.getByTestId('empty-inbox')).toBeVisible();
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Webhook test', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Run webhook tests' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'All 7 checks passed.' })).toBeVisible({
    timeout: 15_000,
  });
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.getByRole('heading', { name: 'Webhook test', level: 1 }).scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'webhook-test');
});
