import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { Account, Customer } from './world.ts';

let sim: MetaSimulator;
let shop: Account;
let page: Account;
let jane: Customer;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  shop = sim.addAccount({ username: 'acme.store', name: 'Acme Store' });
  page = sim.addAccount({ username: 'acme.page', name: 'Acme Page', loginPath: 'facebook' });
  jane = sim.addCustomer({ username: 'jane.doe', name: 'Jane Doe' });
});

afterEach(async () => {
  await sim.stop();
});

async function graph(
  host: 'instagram' | 'facebook',
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const base = host === 'instagram' ? sim.instagramGraphUrl : sim.facebookGraphUrl;
  const url = new URL(`${base}${path}`);
  const token = init.token === undefined ? (host === 'instagram' ? shop : page).accessToken : init.token;
  if (token !== null) url.searchParams.set('access_token', token);
  const response = await fetch(url, init);
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const errorOf = (body: Record<string, unknown>) => body.error as Record<string, unknown>;

describe('GET /me', () => {
  it('answers the requested fields plus id, flat, on graph.instagram.com', async () => {
    const fields =
      'user_id,username,name,account_type,profile_picture_url,followers_count,follows_count,media_count';
    const { status, body, headers } = await graph('instagram', `/v25.0/me?fields=${fields}`);
    expect(status).toBe(200);
    expect(body).toEqual({
      user_id: shop.igId,
      username: 'acme.store',
      name: 'Acme Store',
      account_type: 'BUSINESS',
      profile_picture_url: shop.profilePictureUrl,
      followers_count: shop.followersCount,
      follows_count: shop.followsCount,
      media_count: shop.mediaCount,
      id: shop.appScopedUserId,
    });
    expect(headers.get('content-type')).toMatch(/^application\/json/);
    expect(headers.get('facebook-api-version')).toBe('v25.0');
  });

  it('limits the answer to what was asked, on any version or none', async () => {
    expect((await graph('instagram', '/v26.0/me?fields=user_id')).body).toEqual({
      user_id: shop.igId,
      id: shop.appScopedUserId,
    });
    expect((await graph('instagram', '/me')).body).toEqual({ id: shop.appScopedUserId });
  });

  it('accepts the token as a Bearer header', async () => {
    const { status, body } = await graph('instagram', '/v25.0/me?fields=username', {
      token: null,
      headers: { Authorization: `Bearer ${shop.accessToken}` },
    });
    expect(status).toBe(200);
    expect(body.username).toBe('acme.store');
  });

  it('rejects unknown fields with code 100', async () => {
    const { status, body } = await graph('instagram', '/v25.0/me?fields=username,biografy');
    expect(status).toBe(400);
    expect(errorOf(body)).toMatchObject({ code: 100, message: expect.stringContaining('(biografy)') });
  });

  it('answers the Page and its Instagram account on graph.facebook.com with a Page token', async () => {
    const { status, body } = await graph('facebook', '/v25.0/me?fields=name,instagram_business_account');
    expect(status).toBe(200);
    expect(body).toEqual({
      name: 'Acme Page',
      instagram_business_account: { id: page.igId },
      id: page.pageId,
    });
    expect(page.accessToken).toMatch(/^EAA/);
    expect(shop.accessToken).toMatch(/^IGAA/);
    expect(page.pageId).toMatch(/^\d+$/);
    expect(shop.igId).toMatch(/^1784\d{13}$/);
    expect((await graph('facebook', `/v25.0/${page.igId}?fields=username`)).body).toEqual({
      username: 'acme.page',
      id: page.igId,
    });
  });
});

describe('access tokens', () => {
  const invalidToken = {
    message: 'Invalid OAuth access token - Cannot parse access token',
    type: 'OAuthException',
    code: 190,
    fbtrace_id: expect.any(String),
  };

  it('answers 190 in the Graph envelope for a missing, unknown or wrong-host token', async () => {
    for (const [host, token] of [
      ['instagram', null],
      ['instagram', 'IGAAnotarealtoken'],
      ['facebook', shop.accessToken],
      ['instagram', page.accessToken],
    ] as const) {
      const { status, body } = await graph(host, '/v25.0/me', { token });
      expect(status).toBe(400);
      expect(body).toEqual({ error: invalidToken });
    }
  });

  it('answers 190 once a token is revoked, for that account only', async () => {
    const other = sim.addAccount({ username: 'other.shop' });
    sim.revokeToken(shop.username);
    expect((await graph('instagram', '/v25.0/me')).body).toEqual({ error: invalidToken });
    expect((await graph('instagram', '/v25.0/me', { token: other.accessToken })).status).toBe(200);
  });
});

describe('User Profile API', () => {
  const profile = (token?: string) =>
    graph(
      'instagram',
      `/v25.0/${jane.igsid}?fields=name,username,profile_pic,is_verified_user,follower_count`,
      {
        token,
      },
    );

  it('needs consent: 230 before the customer wrote, the profile after', async () => {
    const before = await profile();
    expect(before.status).toBe(400);
    expect(errorOf(before.body)).toMatchObject({
      code: 230,
      message: '(#230) User consent is required to access user profile',
    });

    sim.sendText({ account: shop.igId, customer: jane.igsid, text: 'hi' });
    const after = await profile();
    expect(after.status).toBe(200);
    expect(after.body).toEqual({
      name: 'Jane Doe',
      username: 'jane.doe',
      profile_pic: jane.profilePic,
      is_verified_user: false,
      follower_count: jane.followerCount,
      id: jane.igsid,
    });
  });

  it('grants consent per account, and on a postback tap too', async () => {
    const other = sim.addAccount({ username: 'other.shop' });
    sim.sendText({ account: shop.igId, customer: jane.igsid, text: 'hi' });
    expect(errorOf((await profile(other.accessToken)).body).code).toBe(230);
    sim.sendPostback({ account: other.igId, customer: jane.igsid, title: 'Start', payload: 'START' });
    expect((await profile(other.accessToken)).status).toBe(200);
  });

  it('does not count reactions, reads or referrals as consent', async () => {
    sim.sendReferral({ account: shop.igId, customer: jane.igsid, ref: 'link' });
    sim.react({ account: shop.igId, customer: jane.igsid, mid: 'aWdfeA' });
    expect(errorOf((await profile()).body).code).toBe(230);
  });

  it('returns null names and pictures as null', async () => {
    const anonymous = sim.addCustomer({ username: 'no.name', name: null, profilePic: null });
    sim.sendText({ account: shop.igId, customer: anonymous.igsid, text: 'hi' });
    const { body } = await graph('instagram', `/v25.0/${anonymous.igsid}?fields=name,profile_pic,username`);
    expect(body).toEqual({ name: null, profile_pic: null, username: 'no.name', id: anonymous.igsid });
  });

  it('answers 9010 IGApiException for an unknown IGSID', async () => {
    const { status, body } = await graph('instagram', '/v25.0/5820000000000001?fields=name');
    expect(status).toBe(400);
    expect(errorOf(body)).toMatchObject({
      code: 9010,
      type: 'IGApiException',
      message: 'No matching Instagram user',
    });
  });

  it('works with a Page token on graph.facebook.com', async () => {
    sim.sendText({ account: page.igId, customer: jane.igsid, text: 'hi' });
    const { status, body } = await graph('facebook', `/v25.0/${jane.igsid}?fields=username`);
    expect(status).toBe(200);
    expect(body).toEqual({ username: 'jane.doe', id: jane.igsid });
  });
});

describe('subscribed_apps', () => {
  it('subscribes with a query list, reads back, replaces with a JSON array body, and deletes', async () => {
    const quiet = sim.addAccount({ username: 'quiet.shop', subscribed: false });
    const token = quiet.accessToken;
    const path = `/v25.0/${quiet.igId}/subscribed_apps`;
    expect((await graph('instagram', path, { token })).body).toEqual({ data: [] });

    const post = await graph(
      'instagram',
      `${path}?subscribed_fields=messages,message_reactions,messaging_seen`,
      {
        method: 'POST',
        token,
      },
    );
    expect(post).toMatchObject({ status: 200, body: { success: true } });
    expect((await graph('instagram', path, { token })).body).toEqual({
      data: [{ subscribed_fields: ['messages', 'message_reactions', 'messaging_seen'] }],
    });

    await graph('instagram', '/v25.0/me/subscribed_apps', {
      method: 'POST',
      token,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ subscribed_fields: ['messages', 'message_edit'] }),
    });
    expect((await graph('instagram', '/v25.0/me/subscribed_apps', { token })).body).toEqual({
      data: [{ subscribed_fields: ['messages', 'message_edit'] }],
    });
    expect(sim.accounts().find((a) => a.igId === quiet.igId)?.subscribedFields).toEqual([
      'messages',
      'message_edit',
    ]);

    expect((await graph('instagram', path, { method: 'DELETE', token })).body).toEqual({ success: true });
    expect((await graph('instagram', path, { token })).body).toEqual({ data: [] });
  });

  it('subscribes the Page on graph.facebook.com', async () => {
    const path = `/v25.0/${page.pageId}/subscribed_apps`;
    const post = await graph('facebook', `${path}?subscribed_fields=messages`, { method: 'POST' });
    expect(post.body).toEqual({ success: true });
    expect((await graph('facebook', path)).body).toEqual({ data: [{ subscribed_fields: ['messages'] }] });
  });

  it('refuses missing or unknown fields and other accounts with code 100', async () => {
    const missing = await graph('instagram', '/v25.0/me/subscribed_apps', { method: 'POST' });
    expect(missing.status).toBe(400);
    expect(errorOf(missing.body)).toMatchObject({
      code: 100,
      message: expect.stringContaining('subscribed_fields'),
    });

    const unknown = await graph(
      'instagram',
      '/v25.0/me/subscribed_apps?subscribed_fields=messages,messaging_referrals',
      {
        method: 'POST',
      },
    );
    expect(errorOf(unknown.body)).toMatchObject({
      code: 100,
      message: expect.stringContaining('messaging_referrals'),
    });

    const other = sim.addAccount({ username: 'other.shop' });
    const foreign = await graph('instagram', `/v25.0/${other.igId}/subscribed_apps`);
    expect(errorOf(foreign.body)).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('unknown requests', () => {
  it('answers code 100 for unknown paths and methods, never crashing', async () => {
    for (const [path, method] of [
      ['/v25.0/me/nothing_here', 'GET'],
      ['/v25.0/me', 'POST'],
      ['/v25.0/not-an-id', 'GET'],
      ['/', 'GET'],
    ] as const) {
      const { status, body } = await graph('instagram', path, { method });
      expect(status).toBe(400);
      expect(errorOf(body)).toMatchObject({ code: 100, fbtrace_id: expect.any(String) });
    }
  });

  it('answers code 100 for an unparseable body', async () => {
    const { status, body } = await graph('instagram', '/v25.0/me/subscribed_apps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(status).toBe(400);
    expect(errorOf(body).code).toBe(100);
  });
});

describe('fault injection', () => {
  it('fails the next N calls with a transient 5xx, then recovers', async () => {
    sim.setFault({ times: 2, error: { status: 503 } });
    for (let i = 0; i < 2; i++) {
      const { status, body } = await graph('instagram', '/v25.0/me');
      expect(status).toBe(503);
      expect(errorOf(body)).toMatchObject({ code: 2, is_transient: true });
    }
    expect((await graph('instagram', '/v25.0/me')).status).toBe(200);
    expect(sim.faults()).toEqual([]);
  });

  it('delays calls', async () => {
    sim.setFault({ delayMs: 250, times: 1 });
    const started = performance.now();
    expect((await graph('instagram', '/v25.0/me')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('answers 190 for one account only, until cleared', async () => {
    const other = sim.addAccount({ username: 'other.shop' });
    sim.setFault({ account: shop.username, error: { code: 190 } });
    const failed = await graph('instagram', '/v25.0/me');
    expect(failed.status).toBe(400);
    expect(errorOf(failed.body)).toMatchObject({
      code: 190,
      message: 'Invalid OAuth access token - Cannot parse access token',
    });
    expect((await graph('instagram', '/v25.0/me', { token: other.accessToken })).status).toBe(200);
    sim.clearFaults();
    expect((await graph('instagram', '/v25.0/me')).status).toBe(200);
  });

  it('matches by method and path', async () => {
    sim.setFault({
      method: 'POST',
      path: 'subscribed_apps$',
      error: { status: 500, code: 1, message: 'boom' },
    });
    expect((await graph('instagram', '/v25.0/me/subscribed_apps')).status).toBe(200);
    const failed = await graph('instagram', '/v25.0/me/subscribed_apps?subscribed_fields=messages', {
      method: 'POST',
    });
    expect(failed.status).toBe(500);
    expect(errorOf(failed.body)).toMatchObject({ code: 1, message: 'boom' });
    expect(sim.faults()).toMatchObject([{ hits: 1 }]);
  });

  it('logs every Graph call with its outcome', async () => {
    await graph('instagram', '/v25.0/me');
    await graph('instagram', '/v25.0/me', { token: 'IGAAbad' });
    expect(sim.graphRequests()).toEqual([
      {
        method: 'GET',
        host: 'instagram',
        path: '/v25.0/me',
        accountIgId: shop.igId,
        status: 200,
        errorCode: null,
      },
      { method: 'GET', host: 'instagram', path: '/v25.0/me', accountIgId: null, status: 400, errorCode: 190 },
    ]);
  });
});
