// Ice breakers and the persistent menu through the Messenger Profile API, both hosts: set, read,
// delete, JSON and form bodies, the platform rule, and every check (code 100, refused calls change
// nothing).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';
import type { Account } from './world.ts';

let sim: MetaSimulator;
let shop: Account;
let page: Account;

beforeEach(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
  shop = sim.addAccount({ username: 'acme.store' });
  page = sim.addAccount({ username: 'acme.page', loginPath: 'facebook' });
});

afterEach(async () => {
  await sim.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

interface CallOptions {
  as?: Account;
  node?: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** Form-encode the body, nested values as JSON strings. */
  form?: boolean;
}

async function profile(method: string, options: CallOptions = {}): Promise<Answer> {
  const { as = shop, node = 'me', query = {}, body, form = false } = options;
  const base = as.loginPath === 'facebook' ? sim.facebookGraphUrl : sim.instagramGraphUrl;
  const url = new URL(`${base}/v25.0/${node}/messenger_profile`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const encoded =
    body === undefined
      ? undefined
      : form
        ? new URLSearchParams(
            Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
          )
        : JSON.stringify(body);
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${as.accessToken}`,
      ...(body === undefined
        ? {}
        : { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
    },
    body: encoded,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const iceBreakers = [
  {
    locale: 'default',
    call_to_actions: [
      { question: 'Where are you based?', payload: 'WHERE' },
      { question: 'Do you ship abroad?', payload: 'SHIPPING' },
    ],
  },
  { locale: 'pt_PT', call_to_actions: [{ question: 'Onde estão?', payload: 'WHERE' }] },
];
const menu = [
  {
    locale: 'default',
    call_to_actions: [
      { type: 'postback', title: 'Talk to an agent', payload: 'CARE_HELP' },
      { type: 'web_url', title: 'Shop now', url: 'https://shop.example.com/' },
    ],
  },
];
const bothFields = { platform: 'instagram', fields: 'ice_breakers,persistent_menu' };

function expectRefused(answer: Answer, message?: RegExp) {
  expect(answer.status).toBe(400);
  expect(answer.body.error).toMatchObject({
    code: 100,
    ...(message === undefined ? {} : { message: expect.stringMatching(message) }),
  });
}

describe('on graph.instagram.com', () => {
  it('sets, reads and deletes ice breakers and the persistent menu', async () => {
    expect((await profile('GET', { query: bothFields })).body).toEqual({ data: [] });
    const set = await profile('POST', { body: { platform: 'instagram', ice_breakers: iceBreakers } });
    expect(set).toEqual({ status: 200, body: { result: 'success' } });
    expect((await profile('GET', { query: bothFields })).body).toEqual({
      data: [{ ice_breakers: iceBreakers }],
    });

    await profile('POST', { node: shop.igId, body: { platform: 'instagram', persistent_menu: menu } });
    expect((await profile('GET', { query: bothFields })).body).toEqual({
      data: [{ ice_breakers: iceBreakers, persistent_menu: menu }],
    });
    expect(
      (await profile('GET', { query: { platform: 'instagram', fields: 'persistent_menu' } })).body,
    ).toEqual({
      data: [{ persistent_menu: menu }],
    });
    expect(sim.messengerProfile(shop.username)).toEqual({ ice_breakers: iceBreakers, persistent_menu: menu });
    expect(sim.thread(shop.username, sim.addCustomer({ username: 'jane.doe' }).igsid)).toMatchObject({
      iceBreakers: iceBreakers[0]?.call_to_actions,
      persistentMenu: menu[0]?.call_to_actions,
    });

    const removed = await profile('DELETE', { body: { platform: 'instagram', fields: ['ice_breakers'] } });
    expect(removed).toEqual({ status: 200, body: { result: 'success' } });
    expect((await profile('GET', { query: bothFields })).body).toEqual({ data: [{ persistent_menu: menu }] });
  });

  it('takes form bodies whose values are JSON strings, for POST and DELETE', async () => {
    const set = await profile('POST', {
      form: true,
      body: { platform: 'instagram', ice_breakers: iceBreakers },
    });
    expect(set.body).toEqual({ result: 'success' });
    expect(sim.messengerProfile(shop.igId).ice_breakers).toEqual(iceBreakers);
    await profile('DELETE', { form: true, body: { platform: 'instagram', fields: ['ice_breakers'] } });
    expect(sim.messengerProfile(shop.igId)).toEqual({});
    expectRefused(
      await profile('POST', { form: true, body: { platform: 'instagram', ice_breakers: '[{' } }),
      /JSON/,
    );
  });

  it('wants platform=instagram, fields on GET, and the token’s own node', async () => {
    expectRefused(await profile('GET', { query: { fields: 'ice_breakers' } }), /platform/);
    expectRefused(await profile('POST', { body: { ice_breakers: iceBreakers } }), /platform/);
    expectRefused(await profile('GET', { query: { platform: 'instagram' } }), /fields/);
    expectRefused(await profile('GET', { query: { platform: 'instagram', fields: 'greeting' } }), /fields/);
    const other = await profile('GET', { node: page.igId, query: bothFields });
    expect(other.body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });
});

describe('on graph.facebook.com', () => {
  it('sets the Instagram profile through the Page with platform=instagram', async () => {
    const set = await profile('POST', {
      as: page,
      node: page.pageId as string,
      body: { platform: 'instagram', ice_breakers: iceBreakers, persistent_menu: menu },
    });
    expect(set.body).toEqual({ result: 'success' });
    expect(sim.messengerProfile(page.igId)).toEqual({ ice_breakers: iceBreakers, persistent_menu: menu });
    expect((await profile('GET', { as: page, query: bothFields })).body).toEqual({
      data: [{ ice_breakers: iceBreakers, persistent_menu: menu }],
    });
  });

  it('without platform=instagram writes the Page’s Messenger profile, which Instagram never shows', async () => {
    const set = await profile('POST', { as: page, body: { ice_breakers: iceBreakers } });
    expect(set.body).toEqual({ result: 'success' });
    expect(sim.messengerProfile(page.igId)).toEqual({});
    expect((await profile('GET', { as: page, query: { fields: 'ice_breakers' } })).body).toEqual({
      data: [{ ice_breakers: iceBreakers }],
    });
    expect((await profile('GET', { as: page, query: bothFields })).body).toEqual({ data: [] });
    expectRefused(
      await profile('GET', { as: page, query: { platform: 'whatsapp', fields: 'ice_breakers' } }),
    );
  });
});

describe('checks', () => {
  const withIceBreakers = (value: unknown) =>
    profile('POST', { body: { platform: 'instagram', ice_breakers: value } });
  const withMenu = (value: unknown) =>
    profile('POST', { body: { platform: 'instagram', persistent_menu: value } });
  const question = (text: string, payload = 'P') => ({ question: text, payload });
  const item = (extra: Record<string, unknown>) => ({
    type: 'postback',
    title: 'Help',
    payload: 'HELP',
    ...extra,
  });

  it('ice breakers: at most 4 a locale, a default locale, question ≤ 80, payload ≤ 1000', async () => {
    const four = Array.from({ length: 4 }, (_, i) => question(`Q${i}?`));
    expect((await withIceBreakers([{ locale: 'default', call_to_actions: four }])).status).toBe(200);
    expectRefused(
      await withIceBreakers([{ locale: 'default', call_to_actions: [...four, question('Q5?')] }]),
      /at most 4/,
    );
    expectRefused(await withIceBreakers([{ locale: 'en_US', call_to_actions: four }]), /default locale/);
    expectRefused(
      await withIceBreakers([{ locale: 'default', call_to_actions: [question('x'.repeat(81))] }]),
      /question.*80/,
    );
    expect(
      (await withIceBreakers([{ locale: 'default', call_to_actions: [question('x'.repeat(80))] }])).status,
    ).toBe(200);
    expectRefused(
      await withIceBreakers([{ locale: 'default', call_to_actions: [question('Hi?', 'p'.repeat(1001))] }]),
      /payload.*1000/,
    );
    expectRefused(
      await withIceBreakers([{ locale: 'default', call_to_actions: [{ question: 'No payload?' }] }]),
    );
    expectRefused(await withIceBreakers([question('Old format?')]), /locale and call_to_actions/);
    expectRefused(
      await withIceBreakers([
        { locale: 'default', call_to_actions: four },
        { locale: 'default', call_to_actions: four },
      ]),
      /twice/,
    );
    expectRefused(await withIceBreakers([]));
    expectRefused(
      await profile('POST', { body: { platform: 'instagram' } }),
      /ice_breakers, persistent_menu/,
    );
  });

  it('persistent menu: postback and https web_url only, title ≤ 30, at most 20 items, a default locale', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => item({ payload: `P${i}` }));
    expect((await withMenu([{ locale: 'default', call_to_actions: twenty }])).status).toBe(200);
    expectRefused(
      await withMenu([{ locale: 'default', call_to_actions: [...twenty, item({})] }]),
      /at most 20/,
    );
    expectRefused(
      await withMenu([{ locale: 'default', call_to_actions: [item({ title: 'x'.repeat(31) })] }]),
      /30/,
    );
    expectRefused(
      await withMenu([
        { locale: 'default', call_to_actions: [{ type: 'web_url', title: 'Go', url: 'http://a.example/' }] },
      ]),
      /https/,
    );
    expectRefused(
      await withMenu([
        { locale: 'default', call_to_actions: [{ type: 'nested', title: 'More', call_to_actions: [] }] },
      ]),
      /postback, web_url/,
    );
    expectRefused(await withMenu([{ locale: 'fr_FR', call_to_actions: [item({})] }]), /default locale/);
    expectRefused(
      await withMenu([{ locale: 'default', composer_input_disabled: true, call_to_actions: [item({})] }]),
      /composer_input_disabled/,
    );
  });

  it('a refused call changes nothing, even the field that was valid', async () => {
    await withMenu(menu);
    const answer = await profile('POST', {
      body: {
        platform: 'instagram',
        ice_breakers: iceBreakers,
        persistent_menu: [{ locale: 'en_US', call_to_actions: [] }],
      },
    });
    expectRefused(answer);
    expect(sim.messengerProfile(shop.igId)).toEqual({ persistent_menu: menu });
  });
});
