import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { Account } from './world.ts';

const REDIRECT = 'https://crm.example.test/oauth/instagram/callback';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let sim: MetaSimulator;
let shop: Account;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  shop = sim.addAccount({ username: 'acme.store', name: 'Acme Store' });
  sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
});

afterEach(async () => {
  await sim.stop();
});

function authorizeUrl(overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    client_id: sim.app.instagramAppId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'instagram_business_basic,instagram_business_manage_messages',
    state: 'csrf-123',
    ...overrides,
  });
  return `${sim.instagramUrl}/oauth/authorize?${params}`;
}

function codeOf(location: string): string {
  expect(location.endsWith('#_')).toBe(true);
  const url = new URL(location.slice(0, -2));
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
  return url.searchParams.get('code') as string;
}

async function exchange(code: string, overrides: Record<string, string> = {}) {
  const response = await fetch(`${sim.instagramApiUrl}/oauth/access_token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: sim.app.instagramAppId,
      client_secret: sim.app.instagramAppSecret,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code,
      ...overrides,
    }),
  });
  const raw = await response.text();
  return { status: response.status, raw, body: JSON.parse(raw) as Record<string, unknown> };
}

async function graphGet(path: string, params: Record<string, string>) {
  const response = await fetch(`${sim.instagramGraphUrl}${path}?${new URLSearchParams(params)}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const longLived = (shortToken: string) =>
  graphGet('/access_token', {
    grant_type: 'ig_exchange_token',
    client_secret: sim.app.instagramAppSecret,
    access_token: shortToken,
  });

const refresh = (token: string) =>
  graphGet('/refresh_access_token', { grant_type: 'ig_refresh_token', access_token: token });

async function shortToken(): Promise<string> {
  const { body } = await exchange(codeOf(sim.authorize({ account: 'acme.store', redirectUri: REDIRECT })));
  return body.access_token as string;
}

const codeMismatch = {
  error_type: 'OAuthException',
  code: 400,
  error_message: 'Matching code was not found or was already used',
};

describe('Instagram Login consent page', () => {
  it('shows the app, the scopes and the accounts, escaped, and Allow redirects with a code', async () => {
    const url = authorizeUrl({ state: '<script>x</script>', scope: 'instagram_business_basic,<b>' });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(sim.app.instagramAppId);
    expect(html).toContain('Acme Store');
    expect(html).not.toContain('acme.page');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toMatch(/<link|<img|src=|https?:\/\/(?!crm\.example)/);

    // Submit the form the way a browser would: its hidden fields, the chosen account and the button.
    const form = new URLSearchParams(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((match) => [
        decodeEntities(match[1] as string),
        decodeEntities(match[2] as string),
      ]),
    );
    form.set('account', shop.igId);
    form.set('decision', 'allow');
    const allowed = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
    expect(allowed.status).toBe(302);
    const location = allowed.headers.get('location') as string;
    expect(new URL(location.slice(0, -2)).searchParams.get('state')).toBe('<script>x</script>');
    const { status, body } = await exchange(codeOf(location));
    expect(status).toBe(200);
    expect(body.permissions).toEqual(['instagram_business_basic', '<b>']);

    form.set('decision', 'cancel');
    const cancelled = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
    expect(cancelled.status).toBe(302);
    expect(cancelled.headers.get('location')).toBe(
      `${REDIRECT}?error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request&state=%3Cscript%3Ex%3C%2Fscript%3E`,
    );
  });

  it('creates a new account inline', async () => {
    const form = new URLSearchParams(new URL(authorizeUrl()).searchParams);
    form.set('account', '__new__');
    form.set('new_username', 'fresh.shop');
    form.set('decision', 'allow');
    const response = await fetch(authorizeUrl(), { method: 'POST', body: form, redirect: 'manual' });
    expect(response.status).toBe(302);
    const fresh = sim.accounts().find((account) => account.username === 'fresh.shop');
    expect(fresh?.loginPath).toBe('instagram');
    const { raw } = await exchange(codeOf(response.headers.get('location') as string));
    expect(raw).toContain(`"user_id":${fresh?.appScopedUserId},`);
  });

  it('refuses malformed requests with an error page and no redirect', async () => {
    const malformed: Record<string, string>[] = [
      { client_id: sim.app.metaAppId },
      { response_type: 'token' },
      { scope: 'instagram_business_manage_messages' },
      { redirect_uri: 'not a url' },
    ];
    for (const overrides of malformed) {
      const response = await fetch(authorizeUrl(overrides), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain("Sorry, this page isn't available");
    }
  });
});

describe('Instagram Login code exchange', () => {
  it('runs the whole flow: authorize, code, long-lived token, /me', async () => {
    const answer = await fetch(`${sim.url}/control/oauth/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: 'acme.store', redirectUri: REDIRECT, state: 's1' }),
    });
    const { location } = (await answer.json()) as { location: string };
    expect(location).toMatch(
      /^https:\/\/crm\.example\.test\/oauth\/instagram\/callback\?code=AQ[\w-]+&state=s1#_$/,
    );

    const { status, raw, body } = await exchange(codeOf(location));
    expect(status).toBe(200);
    expect(shop.appScopedUserId).toMatch(/^2\d{16}$/);
    expect(BigInt(shop.appScopedUserId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // The id is a bare JSON number, digit for digit (JSON.parse would round it).
    expect(raw).toBe(
      `{"access_token":"${body.access_token}","user_id":${shop.appScopedUserId},"permissions":["instagram_business_basic","instagram_business_manage_messages"]}`,
    );
    expect(body.access_token).toMatch(/^IGAA/);

    const long = await longLived(body.access_token as string);
    expect(long).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^IGAA/), token_type: 'bearer', expires_in: 5184000 },
    });
    const token = long.body.access_token as string;
    expect(token).not.toBe(body.access_token);
    expect(sim.accounts().find((account) => account.igId === shop.igId)?.accessToken).toBe(token);

    const me = await graphGet('/v25.0/me', { fields: 'user_id,username', access_token: token });
    expect(me).toEqual({
      status: 200,
      body: { user_id: shop.igId, username: 'acme.store', id: shop.appScopedUserId },
    });
  });

  it('answers the documented data-wrapped shape when switched', async () => {
    const switched = await fetch(`${sim.url}/control/oauth/response-shape`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ shape: 'data-wrapped' }),
    });
    expect(await switched.json()).toEqual({ shape: 'data-wrapped' });
    const { status, body } = await exchange(
      codeOf(sim.authorize({ account: shop.igId, redirectUri: REDIRECT })),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: [
        {
          access_token: expect.stringMatching(/^IGAA/),
          user_id: shop.appScopedUserId,
          permissions: 'instagram_business_basic,instagram_business_manage_messages',
        },
      ],
    });
  });

  it('uses a code once', async () => {
    const code = codeOf(sim.authorize({ account: 'acme.store', redirectUri: REDIRECT }));
    expect((await exchange(code)).status).toBe(200);
    expect(await exchange(code)).toMatchObject({ status: 400, body: codeMismatch });
    expect(await exchange('AQnot-a-code')).toMatchObject({ status: 400, body: codeMismatch });
  });

  it('expires codes after an hour on the simulator clock', async () => {
    const fresh = codeOf(sim.authorize({ account: 'acme.store', redirectUri: REDIRECT }));
    // A minute before it expires: the simulator clock also runs on while the exchange travels.
    sim.advanceClock(HOUR - 60_000);
    expect((await exchange(fresh)).status).toBe(200);

    const stale = codeOf(sim.authorize({ account: 'acme.store', redirectUri: REDIRECT }));
    const moved = await fetch(`${sim.url}/control/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceMs: HOUR + 60_000 }),
    });
    expect(((await moved.json()) as { now: number }).now).toBeGreaterThan(Date.now() + 2 * HOUR - 5000);
    expect(await exchange(stale)).toMatchObject({
      status: 400,
      body: {
        error_type: 'OAuthException',
        code: 400,
        error_message: 'This authorization code has expired.',
      },
    });
    expect(await exchange(stale)).toMatchObject({ status: 400, body: codeMismatch });
  });

  it('refuses a wrong secret, app id, grant type or redirect_uri without spending the code', async () => {
    const code = codeOf(sim.authorize({ account: 'acme.store', redirectUri: REDIRECT }));
    expect(await exchange(code, { client_secret: 'nope' })).toMatchObject({
      status: 400,
      body: { error_type: 'OAuthException', code: 400, error_message: 'Error validating client secret.' },
    });
    expect(await exchange(code, { client_id: sim.app.metaAppId })).toMatchObject({
      status: 400,
      body: { error_message: 'Invalid platform app' },
    });
    expect(await exchange(code, { grant_type: 'client_credentials' })).toMatchObject({ status: 400 });
    expect(await exchange(code, { redirect_uri: `${REDIRECT}/` })).toMatchObject({
      status: 400,
      body: { error_message: expect.stringContaining('redirect_uri is identical') },
    });
    expect((await exchange(code)).status).toBe(200);
  });
});

describe('Instagram tokens', () => {
  it('exchanges only a live short-lived token, with the right secret', async () => {
    const short = await shortToken();
    expect(await longLived(short).then((r) => r.status)).toBe(200);
    expect(
      await graphGet('/v25.0/access_token', {
        grant_type: 'ig_exchange_token',
        client_secret: 'wrong',
        access_token: short,
      }),
    ).toMatchObject({
      status: 400,
      body: { error: { code: 1, message: 'Error validating client secret.' } },
    });
    expect(await longLived(shop.accessToken)).toMatchObject({ status: 400, body: { error: { code: 190 } } });

    const other = await shortToken();
    sim.advanceClock(HOUR + 1000);
    expect(await longLived(other)).toMatchObject({
      status: 400,
      body: { error: { code: 190, error_subcode: 463 } },
    });
    expect(await graphGet('/v25.0/me', { access_token: other })).toMatchObject({
      status: 400,
      body: { error: { code: 190, error_subcode: 463 } },
    });
  });

  it('refreshes a long-lived token once it is a day old, until it expires', async () => {
    const first = (await longLived(await shortToken())).body.access_token as string;
    expect(await refresh(first)).toMatchObject({ status: 400, body: { error: { code: 190 } } });

    sim.advanceClock(DAY + 1000);
    const refreshed = await refresh(first);
    expect(refreshed).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^IGAA/), token_type: 'bearer', expires_in: 5184000 },
    });
    const second = refreshed.body.access_token as string;
    expect(second).not.toBe(first);
    expect(sim.accounts().find((account) => account.igId === shop.igId)?.accessToken).toBe(second);
    // The old token keeps working until its own expiry.
    expect((await graphGet('/me', { access_token: first })).status).toBe(200);

    // 60 days after the first was issued it is dead; the refreshed one lives a day longer.
    sim.advanceClock(59 * DAY);
    expect(await graphGet('/me', { access_token: first })).toMatchObject({
      status: 400,
      body: { error: { code: 190, error_subcode: 463 } },
    });
    expect(await refresh(first)).toMatchObject({ status: 400, body: { error: { code: 190 } } });
    expect((await graphGet('/me', { access_token: second })).status).toBe(200);
    expect((await refresh(second)).status).toBe(200);
  });

  it('refuses to refresh unknown, revoked or short-lived tokens', async () => {
    sim.advanceClock(DAY + 1000);
    expect(await refresh('IGAAunknown')).toMatchObject({ status: 400, body: { error: { code: 190 } } });
    expect(await refresh(await shortToken())).toMatchObject({ status: 400, body: { error: { code: 190 } } });
    const seeded = shop.accessToken;
    sim.revokeToken('acme.store');
    expect(await refresh(seeded)).toMatchObject({ status: 400, body: { error: { code: 190 } } });
  });

  it('expires the tokens accounts start with after 60 days', async () => {
    expect((await graphGet('/me', { access_token: shop.accessToken })).status).toBe(200);
    sim.setClock(sim.now() + 60 * DAY + 1000);
    expect(await graphGet('/me', { access_token: shop.accessToken })).toMatchObject({
      status: 400,
      body: { error: { code: 190, error_subcode: 463, type: 'OAuthException' } },
    });
  });
});

function decodeEntities(text: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => entities[name] as string);
}
