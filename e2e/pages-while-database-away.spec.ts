// What an operator and an integration see from a web server whose database is away (a restart, a
// failover): the REST endpoints and the typed API answer 503 with Retry-After, a page shows that
// the inbox is temporarily unavailable (503, no stack trace) and comes back by itself once
// Postgres does, without a reload. The server runs on the production build with its database
// behind a proxy the test cuts, so the shared stack keeps running for every other journey.
import type { ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import { freePort } from '#dev/postgres.ts';
import { startWebServer, stopProcess, waitForHttp } from '#dev/processes.ts';
import { type DatabaseProxy, startDatabaseProxy } from '#dev/test/database-proxy.ts';
import { expect, test } from './fixtures.ts';
import { signUpWithWorkspace } from './journeys.ts';

let proxy: DatabaseProxy;
let web: ChildProcess;
let baseUrl: string;
let serverLog = '';

test.beforeAll(async () => {
  const env = JSON.parse(process.env.E2E_SERVER_ENV as string) as Record<string, string>;
  proxy = await startDatabaseProxy({ port: Number(new URL(env.DATABASE_URL as string).port) });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  web = startWebServer(
    { ...env, DATABASE_URL: proxy.urlFor(env.DATABASE_URL as string), PORT: String(port), APP_URL: baseUrl },
    ['ignore', 'ignore', 'pipe'],
  );
  web.stderr?.on('data', (chunk: Buffer) => {
    serverLog += chunk.toString();
  });
  await waitForHttp(`${baseUrl}/sign-in`, web);
});

test.afterAll(async () => {
  await proxy?.restore();
  if (web) await stopProcess(web);
  await proxy?.close();
});

test.afterEach(async () => {
  const info = test.info();
  if (info.status !== info.expectedStatus) await info.attach('web server stderr', { body: serverLog });
});

async function expectUnavailable(response: Awaited<ReturnType<Page['request']['get']>>) {
  expect(response.status(), await response.text()).toBe(503);
  expect(Number(response.headers()['retry-after'])).toBeGreaterThan(0);
}

test('while Postgres is away the API answers 503 with Retry-After, and the open page waits and comes back by itself', async ({
  page,
  browserErrors,
}) => {
  const { workspaceId } = await signUpWithWorkspace(page, baseUrl);
  const inbox = `${baseUrl}/w/${workspaceId}/inbox`;
  const input = encodeURIComponent(JSON.stringify({ workspaceId }));

  await proxy.refuse();
  // The failed loads the page itself reports while the database is away.
  browserErrors.allow(/status of 503/);
  try {
    const status = await page.request.get(`${baseUrl}/api/instagram/status?workspace=${workspaceId}`);
    await expectUnavailable(status);
    expect(await status.json()).toEqual({
      error: expect.stringMatching(/temporarily unavailable/),
      reason: 'unavailable',
    });
    const send = await page.request.post(`${baseUrl}/api/instagram/messages/send`, {
      data: { recipientId: '5830000000000999', message: 'Hello?' },
    });
    await expectUnavailable(send);
    expect(await send.json()).toMatchObject({ success: false, error: expect.stringMatching(/temporarily/) });
    await expectUnavailable(
      await page.request.get(`${baseUrl}/api/trpc/inbox.listConversations?input=${input}`),
    );
    await expectUnavailable(await page.request.get(`${baseUrl}/api/ready`));

    const document = await page.goto(inbox);
    expect(document?.status()).toBe(503);
    expect(Number(document?.headers()['retry-after'])).toBeGreaterThan(0);
    await expect(page.getByRole('heading', { name: 'Temporarily unavailable' })).toBeVisible();
    await expect(page.getByText(/retries by itself/)).toBeVisible();
    await expect(page.getByText(/Something went wrong|Unexpected Server Error/)).toHaveCount(0);
  } finally {
    await proxy.restore();
  }

  // No reload: the page retries on its own and shows the inbox again.
  await expect(page.getByTestId('empty-inbox')).toBeVisible({ timeout: 20_000 });
  await expect(page).toHaveURL(inbox);
  expect((await page.request.get(`${baseUrl}/api/instagram/status?workspace=${workspaceId}`)).status()).toBe(
    200,
  );
});
