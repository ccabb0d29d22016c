// Steps many journeys start with: an operator signs up and creates a workspace, connects
// Instagram accounts through Meta's consent screen, and customers write (all on the simulator).
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, APIResponse, Page } from '@playwright/test';
import type { SentRecord } from '#dev/meta/graph-send.ts';
import { expect } from './fixtures.ts';

export interface Operator {
  email: string;
  password: string;
  workspaceId: string;
}

/** A new operator with a new workspace, signed in and looking at its (empty) inbox. */
export async function signUpWithWorkspace(page: Page): Promise<Operator> {
  const email = `grace-${randomBytes(4).toString('hex')}@example.test`;
  const password = 'cobol-1959';
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Workspace name').fill('Compilers & Co');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
  const workspaceId = /\/w\/([0-9a-f-]{36})\/inbox$/.exec(page.url())?.[1];
  if (!workspaceId) throw new Error(`no workspace id in ${page.url()}`);
  return { email, password, workspaceId };
}

/** A username no other test uses, for a simulator account. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}.${randomBytes(3).toString('hex')}`;
}

/** From the inbox banner of a workspace without accounts, to Instagram's consent screen. */
export async function openInstagramConsent(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Connect Instagram' }).click();
  await expect(page.getByRole('heading', { name: 'Log in with Instagram' })).toBeVisible();
}

/** On the consent screen: create a simulator account named `username` and allow access. */
export async function allowNewAccount(page: Page, username: string): Promise<void> {
  await page.getByRole('radio', { name: /New account/ }).check();
  await page.getByLabel('username of the new account').fill(username);
  await page.getByRole('button', { name: 'Allow' }).click();
}

/** The first account of a workspace, connected from the inbox's "Connect Instagram" button. */
export async function connectFirstAccount(page: Page, username: string): Promise<void> {
  await openInstagramConsent(page);
  await allowNewAccount(page, username);
  await expect(page.getByRole('status')).toContainText(`Connected @${username}`);
}

/** Another account for a workspace, through the URL the connect API gives (as the button does). */
export async function connectAnotherAccount(
  page: Page,
  workspaceId: string,
  username: string,
): Promise<void> {
  const response = await page.request.get(`/api/instagram/oauth?workspace=${workspaceId}`);
  expect(response.ok()).toBe(true);
  const { authUrl } = (await response.json()) as { authUrl: string };
  await page.goto(authUrl);
  await expect(page.getByRole('heading', { name: 'Log in with Instagram' })).toBeVisible();
  await allowNewAccount(page, username);
  await expect(page.getByRole('status')).toContainText(`Connected @${username}`);
}

export const meta = () => process.env.E2E_META_URL as string;

export async function json<T>(response: APIResponse): Promise<T> {
  return (await response.json()) as T;
}

export async function control<T>(request: APIRequestContext, path: string, data?: unknown): Promise<T> {
  const response =
    data === undefined
      ? await request.get(`${meta()}${path}`)
      : await request.post(`${meta()}${path}`, { data });
  expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
  return json<T>(response);
}

/** A simulator customer (an Instagram user, with a profile picture the simulator serves) no other test knows. */
export async function newCustomer(request: APIRequestContext): Promise<string> {
  const { igsid } = await control<{ igsid: string }>(request, '/control/customers', {
    username: uniqueUsername('customer'),
  });
  return igsid;
}

/** The customer sends a DM to the account; `at` backdates it (Meta's timestamp, epoch ms). */
export async function customerWrites(
  request: APIRequestContext,
  account: string,
  customer: string,
  text: string,
  at?: number,
): Promise<void> {
  await control(request, '/control/events/text', { account, customer, text, timestamp: at });
}

/** What the simulator's Send API accepted for the customer, oldest first. */
export async function sentTo(request: APIRequestContext, customer: string): Promise<SentRecord[]> {
  const sent = await control<SentRecord[]>(request, '/control/sent');
  return sent.filter((record) => record.recipientId === customer).sort((a, b) => a.at - b.at);
}

/** A picture of the screen, kept with the test results (`test-results/screens/<name>.png`). */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
