import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { Account } from './world.ts';

const REDIRECT = 'https://crm.example.test/oauth/facebook/callback';

let sim: MetaSimulator;
let page: Account;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  sim.addAccount({ username: 'acme.store' });
  page = sim.addAccount({ username: 'acme.page', name: 'Acme Page', loginPath: 'facebook' });
});

afterEach(async () => {
  await sim.stop();
});

async function facebook(path: string, params: Record<string, string>, method = 'GET') {
  const response = await fetch(`${sim.facebookGraphUrl}${path}?${new URLSearchParams(params)}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const exchangeCode = (code: string, overrides: Record<string, string> = {}) =>
  facebook('/v25.0/oauth/access_token', {
    client_id: sim.app.metaAppId,
    client_secret: sim.app.metaAppSecret,
    redirect_uri: REDIRECT,
    code,
    ...overrides,
  });

function codeOf(location: string): string {
  expect(location).not.toContain('#');
  return new URL(location).searchParams.get('code') as string;
}

describe('Facebook Login', () => {
  it('shows a consent page for the Facebook users who manage the accounts’ Pages', async () => {
    const params = new URLSearchParams({
      client_id: sim.app.metaAppId,
      redirect_uri: REDIRECT,
      state: 'st',
      scope: 'instagram_basic,instagram_manage_messages,pages_show_list',
    });
    const dialog = `${sim.facebookUrl}/v25.0/dialog/oauth?${params}`;
    const html = await (await fetch(dialog)).text();
    expect(html).toContain('Log in with Facebook');
    expect(html).toContain('Acme Page');
    expect(html).not.toContain('acme.store');

    const form = new URLSearchParams(params);
    form.set('account', page.igId);
    form.set('decision', 'allow');
    const allowed = await fetch(dialog, { method: 'POST', body: form, redirect: 'manual' });
    expect(allowed.status).toBe(302);
    const location = allowed.headers.get('location') as string;
    expect(new URL(location).searchParams.get('state')).toBe('st');
    expect((await exchangeCode(codeOf(location))).status).toBe(200);

    const wrongApp = await fetch(dialog.replace(sim.app.metaAppId, sim.app.instagramAppId), {
      redirect: 'manual',
    });
    expect(wrongApp.status).toBe(400);
  });

  it('exchanges the code for a user token whose /me/accounts gives the Page token and IG account', async () => {
    const location = sim.authorize({
      account: 'acme.page',
      loginPath: 'facebook',
      redirectUri: REDIRECT,
      state: 'x',
    });
    expect(location).toMatch(
      /^https:\/\/crm\.example\.test\/oauth\/facebook\/callback\?code=AQ[\w-]+&state=x$/,
    );
    const code = codeOf(location);

    const short = await exchangeCode(code);
    expect(short).toEqual({
      status: 200,
      body: { access_token: expect.stringMatching(/^EAA/), token_type: 'bearer', expires_in: 5183944 },
    });
    expect(await exchangeCode(code)).toMatchObject({
      status: 400,
      body: { error: { code: 100, error_subcode: 36009 } },
    });

    const long = await facebook('/v25.0/oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: sim.app.metaAppId,
      client_secret: sim.app.metaAppSecret,
      fb_exchange_token: short.body.access_token as string,
    });
    expect(long).toMatchObject({ status: 200, body: { token_type: 'bearer', expires_in: 5183944 } });
    const userToken = long.body.access_token as string;
    expect(userToken).not.toBe(short.body.access_token);

    const accounts = await facebook('/v25.0/me/accounts', {
      fields: 'id,name,access_token,tasks,instagram_business_account',
      access_token: userToken,
    });
    expect(accounts).toEqual({
      status: 200,
      body: {
        data: [
          {
            id: page.pageId,
            name: 'Acme Page',
            access_token: page.accessToken,
            tasks: expect.arrayContaining(['MESSAGING', 'MODERATE']),
            instagram_business_account: { id: page.igId },
          },
        ],
      },
    });

    // The Page token from /me/accounts subscribes the Page; the user token is not a Page token.
    const pageToken = page.accessToken;
    expect(
      await facebook(
        `/v25.0/${page.pageId}/subscribed_apps`,
        { subscribed_fields: 'messages', access_token: pageToken },
        'POST',
      ),
    ).toEqual({ status: 200, body: { success: true } });
    expect(await facebook(`/v25.0/${page.pageId}/subscribed_apps`, { access_token: pageToken })).toEqual({
      status: 200,
      body: { data: [{ subscribed_fields: ['messages'] }] },
    });
    // /me with the user token is the person (their app-scoped id is what deauthorize names).
    expect(await facebook('/v25.0/me', { access_token: userToken, fields: 'id' })).toEqual({
      status: 200,
      body: { id: expect.stringMatching(/^\d{17}$/) },
    });
    expect(await facebook('/v25.0/me/accounts', { access_token: pageToken })).toMatchObject({
      status: 400,
      body: { error: { code: 190 } },
    });
  });

  it('refuses wrong credentials, redirect_uri, expired codes and Instagram codes', async () => {
    const code = codeOf(sim.authorize({ account: 'acme.page', redirectUri: REDIRECT }));
    expect(await exchangeCode(code, { client_secret: 'nope' })).toMatchObject({
      status: 400,
      body: { error: { code: 1, message: 'Error validating client secret.', type: 'OAuthException' } },
    });
    expect(await exchangeCode(code, { client_id: sim.app.instagramAppId })).toMatchObject({
      status: 400,
      body: { error: { code: 101 } },
    });
    expect(await exchangeCode(code, { redirect_uri: 'https://elsewhere.test/cb' })).toMatchObject({
      status: 400,
      body: { error: { code: 100, error_subcode: 36008 } },
    });
    sim.advanceClock(60 * 60 * 1000 + 1);
    expect(await exchangeCode(code)).toMatchObject({
      status: 400,
      body: { error: { error_subcode: 36007 } },
    });

    const instagramCode = new URL(
      sim.authorize({ account: 'acme.store', redirectUri: REDIRECT }).slice(0, -2),
    ).searchParams.get('code') as string;
    expect(await exchangeCode(instagramCode)).toMatchObject({ status: 400, body: { error: { code: 100 } } });
    expect(() =>
      sim.authorize({ account: 'acme.store', loginPath: 'facebook', redirectUri: REDIRECT }),
    ).toThrow(/cannot log in with facebook/);
  });

  it('denies with the access_denied redirect', async () => {
    expect(sim.authorize({ account: 'acme.page', redirectUri: REDIRECT, state: 'q', deny: true })).toBe(
      `${REDIRECT}?error=access_denied&error_reason=user_denied&error_description=The+user+denied+your+request&state=q`,
    );
  });
});
