// Methods the app does not serve, sent to the production server: every page, resource route, API
// and static file answers 405 with `Allow` (OPTIONS: 204 with `Allow`), never a 500. TRACE was a
// 500 everywhere: Remix's adapter cannot make a Fetch API Request of it.
import { expect, test } from '@playwright/test';

const ROUTES = [
  '/',
  '/sign-in',
  '/w/00000000-0000-4000-8000-000000000000/inbox',
  '/no-such-page',
  '/favicon.ico',
  '/assets/no-such-file.js',
  '/api/instagram/webhook',
  '/api/instagram/status',
  '/api/instagram/oauth/callback',
  '/api/instagram/messages/send',
  '/api/instagram/deauthorize',
  '/api/instagram/data-deletion',
  '/api/ready',
  '/api/trpc/inbox.listConversations',
];

for (const method of ['TRACE', 'PROPFIND', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
  const status = method === 'OPTIONS' ? 204 : 405;
  test(`${method} answers ${status} with Allow on every route`, async ({ request }) => {
    const answers: string[] = [];
    for (const route of ROUTES) {
      const response = await request.fetch(route, { method, maxRedirects: 0 });
      answers.push(`${route} → ${response.status()}, Allow: ${response.headers().allow}`);
    }
    // Compared as a whole, so a failure lists every route that answers otherwise.
    expect(answers).toEqual(ROUTES.map((route) => `${route} → ${status}, Allow: GET, HEAD, POST`));
  });
}

test('a method Node does not know is refused before the app, with 400', async ({ request }) => {
  for (const method of ['TRACK', 'FROBNICATE']) {
    const response = await request.fetch('/api/instagram/webhook', { method });
    expect(response.status(), method).toBe(400);
  }
});

test('GET, HEAD and POST still reach the routes', async ({ request }) => {
  expect((await request.get('/favicon.ico')).status()).toBe(200);
  expect((await request.head('/sign-in')).status()).toBe(200);
  // An unsigned webhook POST reaches the endpoint, which refuses it.
  expect((await request.post('/api/instagram/webhook', { data: {} })).status()).toBe(401);
  // The health check a platform or supervisor calls.
  const ready = await request.get('/api/ready');
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ ready: true, database: 'ok', queue: 'ok' });
});
