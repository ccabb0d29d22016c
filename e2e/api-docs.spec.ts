// What a client developer finds on the production server: the API reference and the auth guide as
// pages that load nothing from elsewhere and run no script (any Content-Security-Policy violation
// would be a console error, which fails the test), whose links all land; the reference as JSON;
// and the REST endpoints and the server's front door saying why they refuse, as the typed API does.
import { expect, test } from './fixtures.ts';

const base = () => process.env.E2E_BASE_URL as string;

/** In-page links whose target is not on the page. */
async function brokenAnchors(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>('a[href*="#"]')]
      .filter((a) => a.pathname === location.pathname)
      .map((a) => decodeURIComponent(a.hash.slice(1)))
      .filter((id) => !document.getElementById(id)),
  );
}

test('the API reference is a page of its own, generated from the router', async ({ page }) => {
  const response = await page.goto('/api/docs');
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-type']).toMatch(/^text\/html/);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
  await expect(page.getByRole('heading', { level: 1, name: 'Direct Inbox API reference' })).toBeVisible();
  await expect(page.locator('h3#inboxlistconversations')).toHaveText('inbox.listConversations');
  await expect(page.locator('h3#window_closed')).toBeVisible();
  await expect(page.locator('h2#live-events')).toBeVisible();
  expect(await page.locator('script, link[rel="stylesheet"], img, iframe').count()).toBe(0);
  expect(await brokenAnchors(page)).toEqual([]);

  // From a procedure to the reasons it can answer, and on to the auth guide.
  await page.locator('h3#messagessend ~ p').getByRole('link', { name: 'window_closed' }).first().click();
  await expect(page).toHaveURL(/\/api\/docs#window_closed$/);
  await page.getByRole('navigation').getByRole('link', { name: 'Auth guide' }).click();
  await expect(page).toHaveURL(/\/api\/docs\/auth$/);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Direct Inbox API: signing in, tokens and errors' }),
  ).toBeVisible();
  await expect(page.locator('h2#react-native')).toBeVisible();
  expect(await brokenAnchors(page)).toEqual([]);
  // The guide's links into the reference land on its headings.
  await page.getByRole('link', { name: 'reference lists every reason' }).click();
  await expect(page).toHaveURL(/\/api\/docs#errors$/);
  await expect(page.locator('h2#errors')).toBeInViewport();
});

test('the reference as JSON says the API version and every procedure', async ({ request }) => {
  const response = await request.get('/api/reference.json');
  expect(response.status()).toBe(200);
  const reference = (await response.json()) as {
    version: string;
    endpoint: string;
    procedures: { path: string; type: string; access: string; errors: string[] }[];
  };
  expect(reference.version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(reference.endpoint).toBe('/api/trpc');
  expect(reference.procedures).toContainEqual(
    expect.objectContaining({ path: 'live.events', type: 'subscription', access: 'member' }),
  );
  expect(reference.procedures.find((p) => p.path === 'team.invite')?.errors).toContain('role_required');
});

test('the REST endpoints and the front door give a reason with each refusal', async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: base() });
  try {
    const send = (headers: Record<string, string>) =>
      api.post('/api/instagram/messages/send', {
        headers,
        data: { recipientId: '5830000000000001', message: 'Hi' },
      });
    const anonymous = await send({});
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.json()).toMatchObject({ success: false, reason: 'token_missing' });
    const garbled = await send({ Authorization: 'Bearer not-a-jwt' });
    expect(garbled.status()).toBe(401);
    expect(await garbled.json()).toMatchObject({ success: false, reason: 'token_malformed' });

    const huge = await api.post('/api/trpc/operator.createWorkspace', {
      headers: { 'Content-Type': 'application/json' },
      data: JSON.stringify({ name: 'x'.repeat(300 * 1024) }),
    });
    expect(huge.status()).toBe(413);
    expect(await huge.json()).toMatchObject({ reason: 'payload_too_large' });

    // The typed API over the same server: the reason in error.data.
    const trpc = await api.get('/api/trpc/operator.me', { headers: { Authorization: 'Bearer not-a-jwt' } });
    expect(trpc.status()).toBe(401);
    expect((await trpc.json()).error.data).toMatchObject({ code: 'UNAUTHORIZED', reason: 'token_malformed' });
  } finally {
    await api.dispose();
  }
});
