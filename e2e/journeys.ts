// Steps many journeys start with: an operator signs up and creates a workspace, connects
// Instagram accounts through Meta's consent screen, and customers write (all on the simulator).
import { randomBytes } from 'node:crypto';
import type { APIRequestContext, APIResponse, Browser, Page } from '@playwright/test';
import pg from 'pg';
import type { SentRecord } from '#dev/meta/graph-send.ts';
import { arrivingAs, type BrowserErrors, expect, test } from './fixtures.ts';

export interface Operator {
  email: string;
  password: string;
  workspaceId: string;
}

/** Fills in and sends the sign-up form the page shows; returns the new operator's credentials. */
async function fillSignUp(page: Page, name: string): Promise<{ email: string; password: string }> {
  const email = `${name.split(' ')[0]?.toLowerCase()}-${randomBytes(4).toString('hex')}@example.test`;
  const password = 'cobol-1959';
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  return { email, password };
}

/**
 * A new operator with a new workspace, signed in and looking at its (empty) inbox; on the journeys'
 * web server, or the one at `origin`.
 */
export async function signUpWithWorkspace(page: Page, origin = ''): Promise<Operator> {
  await page.goto(`${origin}/sign-up`);
  const { email, password } = await fillSignUp(page, 'Grace Hopper');
  await page.getByLabel('Workspace name').fill('Compilers & Co');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
  const workspaceId = /\/w\/([0-9a-f-]{36})\/inbox$/.exec(page.url())?.[1];
  if (!workspaceId) throw new Error(`no workspace id in ${page.url()}`);
  return { email, password, workspaceId };
}

/** An invitation link for `role`, made on the Team page by the signed-in owner or admin. */
export async function inviteTeammate(
  page: Page,
  workspaceId: string,
  role: 'admin' | 'agent',
): Promise<string> {
  await page.goto(`/w/${workspaceId}/team`);
  await page.getByLabel('Invite as').selectOption(role);
  await page.getByRole('button', { name: 'Create invite link' }).click();
  const link = page.getByLabel('Invite link');
  await expect(link).toHaveValue(/\/invite\/[\w-]{43}$/);
  return link.inputValue();
}

/**
 * Someone new opens an invitation link (signed out: it sends them to sign in), creates an account
 * from there and comes back to the invitation, which shows what it offers.
 */
export async function signUpThroughInvite(
  page: Page,
  inviteUrl: string,
  name = 'Katherine Johnson',
): Promise<void> {
  await page.goto(inviteUrl);
  await expect(page).toHaveURL(/\/sign-in\?redirectTo=%2Finvite%2F/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(page, name);
  await expect(page).toHaveURL(inviteUrl);
}

/** A new operator (in a fresh browser page) signs up through the link and joins: ends in the shared inbox. */
export async function joinWithInvite(page: Page, inviteUrl: string, name?: string): Promise<void> {
  await signUpThroughInvite(page, inviteUrl, name);
  await page.getByRole('button', { name: /^Join / }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
}

/** A username no other test uses, for a simulator account. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
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

/** A picture on the simulator's stand-in for Meta's CDN: it loads in the browser, as Meta's would. */
export const cdnPicture = (name: string) =>
  `${meta()}/lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${name}`;

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

/** A second person's browser: its own cookies, held to the same no-console-errors standard. */
export async function secondBrowser(browser: Browser, browserErrors: BrowserErrors): Promise<Page> {
  const context = await browser.newContext({
    extraHTTPHeaders: arrivingAs(`${test.info().testId} second browser`),
  });
  const page = await context.newPage();
  browserErrors.watch(page);
  return page;
}

/** The local cluster as its superuser (it shares the app role's password; see dev/postgres.ts). */
export function superuser(): pg.Client {
  const env = JSON.parse(process.env.E2E_SERVER_ENV as string) as { DATABASE_URL: string };
  const url = new URL(env.DATABASE_URL);
  url.username = 'supabase_admin';
  return new pg.Client({ connectionString: url.toString() });
}

/**
 * Runs one statement as the superuser, for what a journey arranges or checks straight in the
 * database; its rows.
 */
export async function asSuperuser<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const db = superuser();
  await db.connect();
  try {
    return (await db.query<Row>(text, values)).rows;
  } finally {
    await db.end();
  }
}

/**
 * `count` conversations of the workspace's account written straight into the database, newest
 * first by number: "Customer 00001" is the newest, its contact `seeded-1`.
 */
export async function seedConversations(workspaceId: string, count: number): Promise<void> {
  await asSuperuser(
    `insert into conversations (workspace_id, channel_connection_id, contact_identifier, contact_name,
                                last_message_at, last_message_preview)
     select cc.workspace_id, cc.id, 'seeded-' || n, 'Customer ' || lpad(n::text, 5, '0'),
            now() - interval '1 hour' - n * interval '1 second', 'Question number ' || n
       from channel_connections cc, generate_series(1, $2::int) n
      where cc.workspace_id = $1`,
    [workspaceId, count],
  );
}
