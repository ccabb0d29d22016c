// An owner connects an Instagram account through Meta's consent screen (the simulator's), and a
// second attempt that is cancelled on that screen says so and connects nothing.
import { expect, test } from './fixtures.ts';
import {
  allowNewAccount,
  connectFirstAccount,
  openInstagramConsent,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

test('connect an Instagram account, then cancel a second attempt', async ({ page }) => {
  await signUpWithWorkspace(page);
  await expect(
    page.getByRole('status').filter({ hasText: 'No Instagram account is connected yet.' }),
  ).toBeVisible();

  const username = uniqueUsername('compilers');
  await openInstagramConsent(page);
  await expect(page.getByText('instagram_business_manage_messages')).toBeVisible();
  await expect(page.getByText('instagram_business_manage_comments')).toBeVisible();
  await allowNewAccount(page, username);

  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox\?connected=/);
  await expect(page.getByRole('status')).toHaveText(
    new RegExp(`Connected @${username}\\. New direct messages will appear here\\.`),
  );
  await expect(page.getByText('No Instagram account is connected yet.')).toHaveCount(0);

  const status = await page.request.get('/api/instagram/status');
  expect(await status.json()).toMatchObject({
    connected: true,
    accountName: `@${username}`,
    accounts: [
      { accountName: `@${username}`, loginPath: 'instagram', status: 'CONNECTED', tokenExpiresInDays: 59 },
    ],
  });
  expect(JSON.stringify(await status.json())).not.toMatch(/IGAA/);

  // A second attempt, cancelled on Meta's screen.
  const { authUrl } = (await (await page.request.get('/api/instagram/oauth')).json()) as { authUrl: string };
  await page.goto(authUrl);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'Instagram access was not granted, so nothing was connected.',
  );
});

test("Meta's deauthorize and data-deletion callbacks disconnect, delete and show a receipt", async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('deleted');
  await connectFirstAccount(page, username);

  const meta = process.env.E2E_META_URL as string;
  const base = process.env.E2E_BASE_URL as string;
  const deauthorize = await page.request.post(`${meta}/control/deauthorize`, {
    data: { account: username, callbackUrl: `${base}/api/instagram/deauthorize` },
  });
  expect(await deauthorize.json()).toMatchObject({ status: 200, body: { success: true, disconnected: 1 } });
  expect(await (await page.request.get('/api/instagram/status')).json()).toMatchObject({
    connected: false,
    accounts: [{ status: 'DISCONNECTED' }],
  });

  const deletion = await page.request.post(`${meta}/control/data-deletion`, {
    data: { account: username, callbackUrl: `${base}/api/instagram/data-deletion` },
  });
  const { body } = (await deletion.json()) as { body: { url: string; confirmation_code: string } };
  expect(body.confirmation_code).toMatch(/^del[0-9a-f]{24}$/);
  expect(body.url).toBe(`${base}/data-deletion/${body.confirmation_code}`);
  await page.goto(body.url);
  await expect(page.getByRole('heading', { name: 'Your data has been deleted' })).toBeVisible();
  await expect(page.getByText(`Confirmation code ${body.confirmation_code}`)).toBeVisible();
  expect((await (await page.request.get('/api/instagram/status')).json()).accounts).toEqual([]);

  const forged = await page.request.post('/api/instagram/data-deletion', {
    form: { signed_request: 'bm90.c2lnbmVk' },
  });
  expect(forged.status()).toBe(400);
});

test('connect a Page-linked account with Facebook Login', async ({ page }) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('pagelinked');
  const created = await page.request.post(`${process.env.E2E_META_URL}/control/accounts`, {
    data: { username, loginPath: 'facebook', subscribed: false },
  });
  expect(created.ok()).toBe(true);
  await page.getByRole('button', { name: 'Connect with Facebook (Page-linked)' }).click();
  await expect(page.getByRole('heading', { name: 'Log in with Facebook' })).toBeVisible();
  await page.getByRole('radio', { name: new RegExp(username) }).check();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('status')).toContainText(`Connected @${username}`);
  expect(await (await page.request.get('/api/instagram/status')).json()).toMatchObject({
    connected: true,
    accounts: [
      { accountName: `@${username}`, loginPath: 'facebook', status: 'CONNECTED', tokenExpiresInDays: null },
    ],
  });
});

test('the callback refuses a forged state and explains it', async ({ page }) => {
  await signUpWithWorkspace(page);
  await page.goto('/api/instagram/oauth/callback?code=AQBforged&state=not-ours');
  await expect(page.getByRole('alert')).toContainText('This connection link is not valid.');
});
