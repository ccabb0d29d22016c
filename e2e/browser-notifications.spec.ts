// "Notify me in this browser" in Settings: the service worker is served for the whole app, a
// browser that cannot subscribe says so plainly, and a subscription (made here at the push
// stand-in, since this Chromium cannot subscribe at Google's push service) is registered as
// the operator's device, gets a customer's message as a notification the test decrypts (no words
// of the message in it), and is removed again when the switch is turned off.
import type { Page } from '@playwright/test';
import type { RecordedRequest } from '#dev/push/stand-in.ts';
import { decryptWebPush, newBrowserKeys } from '#dev/push/web-push-crypto.ts';
import { expect, test } from './fixtures.ts';
import {
  asSuperuser,
  connectFirstAccount,
  customerWrites,
  keepScreenshot,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const pushUrl = () => process.env.E2E_PUSH_URL as string;

const browserSwitch = (page: Page) => page.getByRole('switch', { name: 'Notify me in this browser' });

async function webPushRequests(page: Page): Promise<RecordedRequest[]> {
  const response = await page.request.get(`${pushUrl()}/control/sent?provider=web`);
  return ((await response.json()) as { requests: RecordedRequest[] }).requests;
}

async function devicesOf(email: string): Promise<{ platform: string; label: string | null }[]> {
  return asSuperuser(
    `select d.platform, d.label from push_devices d join auth.users u on u.id = d.user_id where u.email = $1`,
    [email],
  );
}

test('the service worker is served from the root, for the whole app, never cached for long', async ({
  request,
}) => {
  const response = await request.get('/push-sw.js');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/javascript/);
  expect(response.headers()['service-worker-allowed']).toBe('/');
  expect(response.headers()['cache-control']).toBe('no-cache');
  expect(await response.text()).toContain("addEventListener('notificationclick'");
});

test('a browser that cannot subscribe says so, and stays unsubscribed', async ({
  page,
  context,
  browserErrors,
}) => {
  await context.grantPermissions(['notifications']);
  // Playwright's Chromium contexts are incognito, where Chrome refuses push subscriptions (and says
  // so in the console itself): the real subscribe fails, as it does without a route to the service.
  browserErrors.allow(/does not support the Push API in incognito mode/);
  const operator = await signUpWithWorkspace(page);
  await page.goto(`/w/${operator.workspaceId}/settings`);
  await browserSwitch(page).click();
  await expect(page.getByRole('alert')).toContainText('could not subscribe at its push service');
  await expect(browserSwitch(page)).toHaveAttribute('aria-checked', 'false');
  expect(await devicesOf(operator.email)).toEqual([]);
});

test('a subscribed browser is one of the operator’s devices and is told of a customer’s message, without its words', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['notifications']);
  const keys = newBrowserKeys();
  const endpoint = `${pushUrl()}/webpush/${uniqueUsername('browser').replace(/\W/g, '')}`;
  // The subscription the push service would give: at the stand-in, with keys this test holds.
  await page.addInitScript(
    ({ endpoint, p256dh, auth }) => {
      let current: PushSubscription | null = null;
      PushManager.prototype.subscribe = async function subscribe() {
        current = {
          endpoint,
          expirationTime: null,
          options: {} as PushSubscriptionOptions,
          getKey: () => null,
          toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
          unsubscribe: async () => {
            current = null;
            return true;
          },
        } as PushSubscription;
        return current;
      };
      PushManager.prototype.getSubscription = async () => current;
    },
    { endpoint, p256dh: keys.p256dh, auth: keys.auth },
  );
  const operator = await signUpWithWorkspace(page);
  const account = uniqueUsername('notify.shop');
  await connectFirstAccount(page, account);
  await page.goto(`/w/${operator.workspaceId}/settings`);
  await expect(page.getByLabel('Notify me about')).toHaveValue('all');
  await expect(browserSwitch(page)).toHaveAccessibleDescription(
    'Shows a notification in this browser when a customer writes.',
  );
  await browserSwitch(page).click();
  await expect(browserSwitch(page)).toHaveAttribute('aria-checked', 'true');
  await expect(browserSwitch(page)).toHaveAccessibleDescription(
    'This browser shows a notification when a customer writes, even with the inbox closed.',
  );
  expect(await devicesOf(operator.email)).toEqual([{ platform: 'web', label: 'Chrome on Linux' }]);
  await page.getByRole('heading', { name: 'Notifications' }).scrollIntoViewIfNeeded();
  await keepScreenshot(page, 'settings-browser-notifications');

  const customer = await newCustomer(page.request);
  const words = 'Please keep the green teapot for me';
  await customerWrites(page.request, account, customer, words);
  const toThisBrowser = (r: RecordedRequest) => `${pushUrl()}${r.path}` === endpoint;
  await expect.poll(async () => (await webPushRequests(page)).filter(toThisBrowser).length).toBe(1);
  const [request] = (await webPushRequests(page)).filter(toThisBrowser);
  const payload = JSON.parse(decryptWebPush(Buffer.from(request?.body ?? '', 'base64'), keys)) as Record<
    string,
    unknown
  >;
  expect(payload).toMatchObject({
    title: 'New message in Compilers & Co',
    workspaceId: operator.workspaceId,
    badge: 1,
  });
  expect(payload.path).toMatch(new RegExp(`^/w/${operator.workspaceId}/inbox/[0-9a-f-]{36}$`));
  expect(JSON.stringify(payload)).not.toContain('teapot');

  await browserSwitch(page).click();
  await expect(browserSwitch(page)).toHaveAttribute('aria-checked', 'false');
  expect(await devicesOf(operator.email)).toEqual([]);
});
