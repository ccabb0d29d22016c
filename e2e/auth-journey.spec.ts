// A new operator's first minutes: sign up, create a workspace, see the inbox, sign out, sign in.
import { randomBytes } from 'node:crypto';
import { expect, test } from './fixtures.ts';

test('sign up, create a workspace, see the inbox, sign out and back in', async ({ page, browserErrors }) => {
  const email = `ada-${randomBytes(4).toString('hex')}@example.test`;
  const password = 'lovelace-1815';

  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByRole('link', { name: 'Create an account' }).click();

  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeVisible();
  await page.getByLabel('Workspace name').fill('Analytical Engines');
  await page.getByRole('button', { name: 'Create workspace' }).click();

  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByTestId('empty-inbox')).toContainText('No conversations yet');
  await expect(page.getByLabel('Workspace')).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByTestId('operator-name')).toHaveText('Ada Lovelace');
  await page.getByRole('tab', { name: 'Archived' }).click();
  await expect(page.getByTestId('empty-inbox')).toContainText('No archived conversations');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);

  await page.getByLabel('Email').fill(email);
  browserErrors.allow(/status of 400 \(Bad Request\)/);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.');

  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
  await expect(page.getByTestId('empty-inbox')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a deep link survives signing in', async ({ page }) => {
  await page.goto('/w/00000000-0000-4000-8000-000000000000/inbox?status=archived');
  await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Fw%2F00000000/);
});

test('the icon is served by its conventional name too, not answered with a routing error', async ({
  request,
}) => {
  const icon = await request.get('/favicon.ico');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toBe('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});
