// What an attacker on the web can do to the production server, tried the way they would: a page of
// another site posting to the app from the operator's browser, requests with hostile bodies, and
// the headers that keep pages from being framed or running foreign scripts.
import { request as httpRequest } from 'node:http';
import type { Page } from '@playwright/test';
import { arrivingAs, expect, test } from './fixtures.ts';
import {
  cdnPicture,
  connectFirstAccount,
  control,
  newCustomer,
  type Operator,
  secondBrowser,
  signUpWithWorkspace,
  superuser,
  uniqueUsername,
} from './journeys.ts';

const base = () => process.env.E2E_BASE_URL as string;
const EVIL = 'http://evil.example';

/** Every page and endpoint that acts on a POST, with the body a same-site page would send. */
const FORM_ACTIONS = [
  '/sign-in',
  '/sign-in?_data=routes%2Fsign-in',
  '/sign-in.data',
  '/sign-up',
  '/sign-out',
  '/welcome',
];
const CROSS_SITE_HEADERS: Record<string, string>[] = [
  { 'Sec-Fetch-Site': 'cross-site', Origin: EVIL },
  { 'Sec-Fetch-Site': 'same-site', Origin: 'http://other.127.0.0.1.example' },
  { Origin: EVIL }, // a browser too old for Fetch Metadata
  { Origin: 'null' }, // a sandboxed frame or a data: page
];

let attacker: Operator;
test.beforeAll(async ({ browser }) => {
  const page = await (await browser.newContext({ extraHTTPHeaders: arrivingAs('attacker') })).newPage();
  attacker = await signUpWithWorkspace(page, base());
  await page.context().close();
});

/** A page on another site that posts a form to the app as soon as it opens. */
async function openEvilPage(page: Page, action: string, fields: Record<string, string>) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('');
  await page.route(`${EVIL}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<form method="post" action="${base()}${action}">${inputs}</form><script>document.forms[0].submit()</script>`,
    }),
  );
  await page.goto(`${EVIL}/prize`);
}

test('a form on another site cannot sign the operator in to the attacker’s workspace', async ({
  page,
  browserErrors,
}) => {
  browserErrors.allow(/status of 403/);
  await openEvilPage(page, '/sign-in', {
    email: attacker.email,
    password: attacker.password,
    redirectTo: `/w/${attacker.workspaceId}/inbox`,
  });
  await expect(page.getByText('Cross-site request refused')).toBeVisible();
  await page.goto(`${base()}/`);
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('a form on another site cannot sign the operator out', async ({ browser, browserErrors }) => {
  const page = await secondBrowser(browser, browserErrors);
  browserErrors.allow(/status of 403/);
  await page.goto(`${base()}/sign-in`);
  await page.getByLabel('Email').fill(attacker.email);
  await page.getByLabel('Password').fill(attacker.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);

  await openEvilPage(page, '/sign-out', {});
  await page.goto(`${base()}/`);
  await expect(page).toHaveURL(new RegExp(`/w/${attacker.workspaceId}/inbox$`));
  await page.context().close();
});

test('every POST from another site is refused with 403 and sets no cookie', async ({ request }) => {
  const answers: string[] = [];
  const expected: string[] = [];
  const targets = [...FORM_ACTIONS, '/api/trpc/operator.createWorkspace', '/api/instagram/messages/send'];
  for (const target of targets) {
    for (const headers of CROSS_SITE_HEADERS) {
      const response = await request.post(target, {
        headers,
        form: { email: attacker.email, password: attacker.password, name: 'x', workspaceName: 'x' },
        maxRedirects: 0,
      });
      const cookie = response.headers()['set-cookie'] ? 'a cookie' : 'no cookie';
      answers.push(`${target} ${JSON.stringify(headers)} → ${response.status()}, ${cookie}`);
      expected.push(`${target} ${JSON.stringify(headers)} → 403, no cookie`);
    }
  }
  expect(answers).toEqual(expected);
});

test('same-site POSTs and Meta’s callbacks still reach their routes', async ({ request }) => {
  const wrong = await request.post('/sign-in', {
    headers: { 'Sec-Fetch-Site': 'same-origin', Origin: base() },
    form: { email: attacker.email, password: 'not the password' },
  });
  expect(wrong.status()).toBe(400);
  // Clients that are not browsers (mobile apps, scripts) send neither header.
  expect(
    (await request.post('/sign-in', { form: { email: attacker.email, password: 'nope' } })).status(),
  ).toBe(400);
  // Meta is another site by definition and proves itself by signature instead.
  const meta = { headers: { Origin: 'https://www.facebook.com', 'Sec-Fetch-Site': 'cross-site' } };
  expect((await request.post('/api/instagram/webhook', { ...meta, data: {} })).status()).toBe(401);
  expect(
    (await request.post('/api/instagram/deauthorize', { ...meta, form: { signed_request: 'x.y' } })).status(),
  ).toBe(400);
});

test('signing in never redirects off the site', async ({ request }) => {
  for (const redirectTo of [
    '/\t/evil.example/phish',
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
  ]) {
    const response = await request.post('/sign-in', {
      form: { email: attacker.email, password: attacker.password, redirectTo },
      maxRedirects: 0,
    });
    expect(response.status(), redirectTo).toBe(302);
    const location = new URL(response.headers().location ?? '', base());
    expect(location.origin, redirectTo).toBe(new URL(base()).origin);
  }
});

/** A raw request, so the body can lie about its length or have none declared at all. */
function rawPost(
  path: string,
  headers: Record<string, string>,
  body: (write: (chunk: string) => boolean) => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base()}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    // The server answers before the body is sent and closes the connection: that is the point.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    body((chunk) => req.write(chunk));
  });
}

test('a body larger than the limit is refused before it is read', async () => {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  // 300 MB announced, a few bytes sent: the answer comes without waiting for the rest.
  const huge = await rawPost('/sign-in', { ...form, 'Content-Length': String(300 * 1024 * 1024) }, (write) =>
    write('email=a'),
  );
  expect(huge.status).toBe(413);
  // A body that does not say how long it is could be endless.
  const endless = await rawPost('/sign-in', { ...form, 'Transfer-Encoding': 'chunked' }, (write) =>
    write('email=a'),
  );
  expect(endless.status).toBe(411);
  const trpc = await rawPost(
    '/api/trpc/operator.createWorkspace',
    { 'Content-Type': 'application/json', 'Content-Length': String(300 * 1024) },
    (write) => write('{"name":"'),
  );
  expect(trpc.status).toBe(413);
});

test('every response carries the hardening headers, and a page’s scripts carry its nonce', async ({
  request,
}) => {
  const nonces = new Set<string>();
  for (const path of ['/sign-in', '/no-such-page', '/api/ready', '/favicon.ico']) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers['x-frame-options'], path).toBe('DENY');
    expect(headers['x-content-type-options'], path).toBe('nosniff');
    expect(headers['referrer-policy'], path).toBe('same-origin');
    expect(headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy'], path).toContain("object-src 'none'");
    // Served over plain http here: HSTS would be ignored, and is only sent behind https.
    expect(headers['strict-transport-security'], path).toBeUndefined();
    const nonce = /'nonce-([^']+)'/.exec(headers['content-security-policy'] ?? '')?.[1];
    expect(nonce, path).toBeTruthy();
    nonces.add(nonce as string);
    if (path === '/sign-in') {
      const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
    }
  }
  expect(nonces.size, 'a new nonce for every response').toBe(4);
});

test('a script injected into a page does not run', async ({ page, browserErrors }) => {
  browserErrors.allow(/Content Security Policy/);
  await page.goto('/sign-in');
  const ran = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
});

test('a link from outside that is not http(s) never becomes a link or a picture', async ({ page }) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('links.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const events = { account, customer };
  await control(page.request, '/control/events/attachments', { ...events, attachments: [{ type: 'image' }] });
  await control(page.request, '/control/events/attachments', {
    ...events,
    attachments: [{ type: 'share', url: cdnPicture('linen') }],
    text: 'This one',
  });
  await page.getByRole('link', { name: /^Conversation with / }).click();
  await expect(page.getByTestId('thread').getByText('This one')).toBeVisible();

  // Stored as a release before the intake rule stored them, or written past the app.
  const hostile = ' JaVa\tScRiPt:alert(document.cookie)';
  const db = superuser();
  await db.connect();
  try {
    await db.query(
      `update conversation_messages
          set attachments = (select jsonb_agg(a || jsonb_build_object('url', $2::text)) from jsonb_array_elements(attachments) a)
        where workspace_id = $1 and attachments is not null`,
      [workspaceId, hostile],
    );
    await db.query('update conversations set contact_avatar = $2 where workspace_id = $1', [
      workspaceId,
      hostile,
    ]);
  } finally {
    await db.end();
  }
  await page.reload();
  await expect(page.getByTestId('thread').getByText('This one')).toBeVisible();
  const followable = await page.evaluate(() =>
    [...document.querySelectorAll('[href], [src]')].map((element) => {
      const link = (element as HTMLAnchorElement).href || (element as HTMLImageElement).src;
      return new URL(link, location.href).protocol;
    }),
  );
  expect(followable.filter((protocol) => !['http:', 'https:', 'data:'].includes(protocol))).toEqual([]);
  await expect(page.getByTestId('media-placeholder').first()).toBeVisible();
});
