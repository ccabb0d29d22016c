import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';

const REDIRECT = 'https://crm.example.test/cb';
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

let sim: MetaSimulator;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  sim.addAccount({ username: 'acme.store' });
  sim.addAccount({ username: 'other.store' });
  sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
});

afterEach(async () => {
  await sim.stop();
});

const codeFor = (account: string) =>
  new URL(sim.authorize({ account, redirectUri: REDIRECT }).replace(/#_$/, '')).searchParams.get(
    'code',
  ) as string;

async function instagramExchange(code: string) {
  const response = await fetch(`${sim.instagramApiUrl}/oauth/access_token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: sim.app.instagramAppId,
      client_secret: sim.app.instagramAppSecret,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
      code,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function graph(base: string, route: string, params: Record<string, string>) {
  const response = await fetch(`${base}${route}?${new URLSearchParams(params)}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('faults on the OAuth endpoints', () => {
  it('fails the Instagram code exchange in its own envelope, leaving the code usable', async () => {
    const code = codeFor('acme.store');
    sim.setFault({
      path: 'oauth/access_token',
      times: 1,
      error: { status: 400, code: 400, message: 'This authorization code has expired.' },
    });
    expect(await instagramExchange(code)).toEqual({
      status: 400,
      body: {
        error_type: 'OAuthException',
        code: 400,
        error_message: 'This authorization code has expired.',
      },
    });
    expect(await instagramExchange(code)).toMatchObject({ status: 200 });

    sim.setFault({ path: 'oauth/access_token', error: { status: 503 } });
    expect(await instagramExchange(codeFor('acme.store'))).toMatchObject({
      status: 503,
      body: { error_type: 'OAuthException', code: 503 },
    });
  });

  it('limits a fault to the account whose code is exchanged', async () => {
    sim.setFault({ path: 'oauth/access_token', account: 'other.store', error: { status: 500 } });
    expect((await instagramExchange(codeFor('acme.store'))).status).toBe(200);
    expect((await instagramExchange(codeFor('other.store'))).status).toBe(500);
  });

  it('answers 190 on refresh, 5xx on the Facebook exchange, and slows the long-lived exchange', async () => {
    const short = (await instagramExchange(codeFor('acme.store'))).body.access_token as string;
    sim.setFault({ path: '^(/v\\d+\\.0)?/access_token$', delayMs: 300, times: 1 });
    const started = Date.now();
    const long = await graph(sim.instagramGraphUrl, '/access_token', {
      grant_type: 'ig_exchange_token',
      client_secret: sim.app.instagramAppSecret,
      access_token: short,
    });
    expect(long.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    sim.advanceClock(25 * 60 * 60 * 1000);
    sim.setFault({ path: 'refresh_access_token', times: 1, error: { code: 190 } });
    const refresh = () =>
      graph(sim.instagramGraphUrl, '/refresh_access_token', {
        grant_type: 'ig_refresh_token',
        access_token: long.body.access_token as string,
      });
    expect(await refresh()).toMatchObject({
      status: 400,
      body: { error: { code: 190, type: 'OAuthException' } },
    });
    expect((await refresh()).status).toBe(200);

    sim.setFault({ path: 'oauth/access_token', error: { status: 502 } });
    const facebook = await graph(sim.facebookGraphUrl, '/v25.0/oauth/access_token', {
      client_id: sim.app.metaAppId,
      client_secret: sim.app.metaAppSecret,
      redirect_uri: REDIRECT,
      code: codeFor('acme.page'),
    });
    expect(facebook).toMatchObject({ status: 502, body: { error: { code: 2, is_transient: true } } });
    expect(sim.graphRequests().at(-1)).toMatchObject({ path: '/v25.0/oauth/access_token', status: 502 });
  });
});

describe('OAuth CLI commands', () => {
  const cli = (...args: string[]) =>
    run(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'dev', 'meta', 'cli.ts'), '--url', sim.url, ...args],
      {
        cwd: ROOT,
      },
    );

  it('authorizes, moves the clock and reports it', async () => {
    const authorized = await cli(
      'authorize',
      '--account',
      'acme.store',
      '--redirect-uri',
      REDIRECT,
      '--state',
      'z',
    );
    expect(authorized.stdout).toMatch(
      /^location {2}https:\/\/crm\.example\.test\/cb\?code=AQ[\w-]+&state=z#_$/m,
    );

    const before = sim.now();
    const moved = await cli('clock', '--advance-ms', String(2 * 60 * 60 * 1000));
    expect(sim.now() - before).toBeGreaterThanOrEqual(2 * 60 * 60 * 1000);
    expect(moved.stdout).toMatch(/^now {2}\d+ \(\d{4}-\d\d-\d\dT/m);

    await cli('clock', '--set', '2030-01-01T00:00:00Z');
    expect(Math.abs(sim.now() - Date.UTC(2030, 0, 1))).toBeLessThan(5000);
    const shape = await cli('response-shape', '--set', 'data-wrapped');
    expect(shape.stdout).toContain('shape  data-wrapped');
  });
});
