// The operator's live inbox in Chromium: a customer's DM appears in the open conversation and in
// the list without a reload, the operator's reply reaches the customer's thread, and an operator
// of another workspace sees none of it.
import type { Page } from '@playwright/test';
import { conversationTopic, workspaceTopic } from '#server/realtime/topics.ts';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  meta,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

interface Thread {
  messages: { from: 'customer' | 'business'; text: string | null }[];
}

const conversationRow = (page: Page) => page.getByRole('link', { name: /^Conversation with / });

test('a DM typed on the customer page shows up live, and the reply reaches the customer page', async ({
  page,
  browser,
  browserErrors,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('live.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  // The customer, on the simulator's Instagram chat page, in a browser of their own.
  const customerPage = await browser.newPage();
  browserErrors.watch(customerPage);
  await customerPage.goto(`${meta()}/chat?account=${account}&customer=${customer}`);
  const typeAsCustomer = async (text: string) => {
    await customerPage.getByPlaceholder('Message…').fill(text);
    await customerPage.getByRole('button', { name: 'Send', exact: true }).click();
  };

  await typeAsCustomer('Hello! Do you ship to Porto?');
  await expect(conversationRow(page)).toHaveCount(1, { timeout: 10_000 });
  await expect(conversationRow(page)).toContainText('Do you ship to Porto?');
  await expect(conversationRow(page).getByTestId('unread-count')).toHaveText('1');
  await conversationRow(page).click();
  await expect(page.getByRole('heading', { level: 2 })).toBeVisible();
  await expect(page.getByText(`· to @${account}`)).toBeVisible();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Do you ship to Porto?');
  await expect(page.getByRole('status').filter({ hasText: 'You can reply for another' })).toBeVisible();

  // Typed on the customer's side while the conversation is open: no reload.
  await typeAsCustomer('And how long does it take?');
  await expect(thread).toContainText('And how long does it take?', { timeout: 10_000 });

  await page.getByLabel('Reply').fill('Yes — 3 days, tracked.');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(thread.locator('[data-direction="OUTBOUND"]')).toContainText('Yes — 3 days, tracked.');
  await expect(thread.locator('[data-direction="OUTBOUND"]')).toContainText('Sent', { timeout: 10_000 });
  await expect(customerPage.locator('#messages')).toContainText('Yes — 3 days, tracked.', {
    timeout: 10_000,
  });
  await expect
    .poll(async () => {
      const view = await control<Thread>(
        page.request,
        `/control/thread?account=${account}&customer=${customer}`,
      );
      return view.messages.filter((m) => m.from === 'business').map((m) => m.text);
    })
    .toEqual(['Yes — 3 days, tracked.']);
  await keepScreenshot(page, 'live-inbox-conversation');
  await keepScreenshot(customerPage, 'simulator-customer-page');
  await customerPage.close();

  // An operator of another workspace sees nothing of it.
  const other = await browser.newPage();
  await signUpWithWorkspace(other);
  await customerWrites(page.request, account, customer, 'One more thing…');
  await expect(page.getByTestId('thread')).toContainText('One more thing…', { timeout: 10_000 });
  await expect(other.getByTestId('empty-inbox')).toBeVisible();
  await expect(conversationRow(other)).toHaveCount(0);
  await other.close();
});

test('a reply Meta refuses says why and goes out on Retry', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('retry.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Is it available in red?');
  await conversationRow(page).click();
  await expect(page.getByTestId('thread')).toContainText('Is it available in red?', { timeout: 10_000 });

  await control(page.request, '/control/faults', {
    path: 'messages$',
    account,
    times: 1,
    error: { code: 200, subcode: 2534041 },
  });
  await page.getByLabel('Reply').fill('Yes, in red too.');
  await page.getByRole('button', { name: 'Send' }).click();
  const reply = page.getByTestId('thread').locator('[data-direction="OUTBOUND"]');
  await expect(reply).toContainText('Not sent', { timeout: 10_000 });
  await expect(reply).toContainText('Allow access to messages');
  await reply.getByRole('button', { name: 'Retry' }).click();
  await expect(reply).toContainText('Sent', { timeout: 10_000 });
  await expect(reply.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await page.request.delete(`${meta()}/control/faults`);

  // Search finds the conversation by what the customer wrote; unread narrows to none once read.
  const search = page.getByLabel('Search conversations');
  await search.fill('in red');
  await expect(conversationRow(page)).toHaveCount(1);
  // Opening a result keeps the search (and the URL says so, for a reload).
  await conversationRow(page).click();
  await expect(page).toHaveURL(/\/inbox\/[0-9a-f-]{36}\?q=in\+red$/);
  await expect(search).toHaveValue('in red');
  // A chip clicked right before typing is not lost.
  await page.getByRole('button', { name: 'Unread' }).click();
  await search.fill('in');
  await expect(page).toHaveURL(/unread=1&q=in$/);
  await expect(page.getByRole('button', { name: 'Unread' })).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('button', { name: 'Unread' }).click();
  await search.fill('nothing like this');
  await expect(page.getByTestId('no-matches')).toBeVisible();
  await search.fill('');
  await page.getByRole('button', { name: 'Unread' }).click();
  await expect(page.getByTestId('no-matches')).toBeVisible();
  await page.getByRole('button', { name: 'Unread' }).click();

  // Assign to me, then archive: it leaves the open list and waits under Archived.
  await page.getByRole('button', { name: 'Assign to me' }).click();
  await expect(page.getByRole('button', { name: 'Unassign' })).toBeVisible();
  await page.getByRole('button', { name: 'Assigned to me' }).click();
  await expect(conversationRow(page)).toHaveCount(1);
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(conversationRow(page)).toHaveCount(0);
  await page.getByRole('tab', { name: 'Archived' }).click();
  await expect(conversationRow(page)).toHaveCount(1);

  // A chip clicked right before a tab: the tab wins, even when its loader is still running once
  // the chip's change would follow into the URL (after a 300 ms pause). Both clicks land in one
  // task, and the tab's loader is held until a page timer set after them (so after the chip's)
  // has fired.
  await page.getByRole('tab', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByTestId('empty-inbox')).toBeVisible();
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const archivedLoader = (url: URL) =>
    url.pathname.endsWith('.data') && url.searchParams.get('status') === 'archived';
  await page.route(archivedLoader, async (route) => {
    await held;
    await route.continue().catch(() => undefined); // the page may have given up on it
  });
  const chip = await page.getByRole('button', { name: 'Assigned to me' }).elementHandle();
  const tab = await page.getByRole('tab', { name: 'Archived' }).elementHandle();
  await page.evaluate(
    ([chip, tab]) => {
      (chip as HTMLElement).click();
      (tab as HTMLElement).click();
    },
    [chip, tab],
  );
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
  release();
  await expect(page).toHaveURL(/\/inbox\?status=archived$/);
  await expect(page.getByRole('tab', { name: 'Archived' })).toHaveAttribute('aria-selected', 'true');
  await expect(conversationRow(page)).toHaveCount(1);
  await page.unroute(archivedLoader);

  // The chip's write comes due just after the tab's navigation has started but before the page has
  // rendered it (the router's updates render in a transition): the tab still wins. The write's
  // timer (the only 300 ms one) is caught, to fire it at exactly that moment.
  await page.getByRole('tab', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  type Caught = { __urlWrite?: () => void };
  await page.evaluate(() => {
    const schedule = window.setTimeout;
    window.setTimeout = ((handler: () => void, ms?: number, ...rest: unknown[]) => {
      if (ms !== 300) return schedule(handler, ms, ...rest);
      (window as Caught).__urlWrite = handler;
      return 0;
    }) as typeof window.setTimeout;
  });
  await page.getByRole('button', { name: 'Assigned to me' }).click();
  await page.waitForFunction(() => typeof (window as Caught).__urlWrite === 'function');
  await page.evaluate(
    (tab) => {
      (tab as HTMLElement).click();
      (window as Caught).__urlWrite?.();
    },
    await page.getByRole('tab', { name: 'Archived' }).elementHandle(),
  );
  await expect(page).toHaveURL(/\/inbox\?status=archived$/);
  await expect(conversationRow(page)).toHaveCount(1);
});

test('j and k move through the conversations', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('keys.shop');
  await connectFirstAccount(page, account);
  const [older, newer] = [await newCustomer(page.request), await newCustomer(page.request)];
  await customerWrites(page.request, account, older as string, 'First question');
  await expect(conversationRow(page)).toHaveCount(1, { timeout: 10_000 });
  await customerWrites(page.request, account, newer as string, 'Second question');
  await expect(conversationRow(page)).toHaveCount(2, { timeout: 10_000 });

  const thread = page.getByTestId('thread');
  await page.keyboard.press('j');
  await expect(thread).toContainText('Second question');
  await page.keyboard.press('j');
  await expect(thread).toContainText('First question');
  await page.keyboard.press('k');
  await expect(thread).toContainText('Second question');
});

interface JoinOutcome {
  topic: string;
  status: string;
  reason: string | null;
  broadcasts: number;
}

/**
 * From inside the page, as a curious operator could: opens Realtime's socket with the operator's
 * own session token (read from the session cookie) and joins each topic by hand, then listens
 * for `listenMs`. Returns each join's answer and how many broadcasts arrived on it.
 */
function joinByHand(page: Page, topics: string[], listenMs: number): Promise<JoinOutcome[]> {
  const realtime = {
    url: process.env.E2E_SUPABASE_URL as string,
    anonKey: process.env.E2E_SUPABASE_ANON_KEY as string,
  };
  return page.evaluate(
    async ({ realtime, topics, listenMs }) => {
      const chunks = document.cookie
        .split('; ')
        .map((pair) => pair.split('='))
        .filter(([name]) => /^sb-.*-auth-token(\.\d+)?$/.test(name ?? ''))
        .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
        .map(([, value]) => decodeURIComponent(value ?? ''));
      const encoded = chunks.join('').replace(/^base64-/, '');
      const session = JSON.parse(atob(encoded.replace(/-/g, '+').replace(/_/g, '/'))) as {
        access_token: string;
      };
      const socket = new WebSocket(
        `${realtime.url.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${realtime.anonKey}&vsn=2.0.0`,
      );
      const outcomes = topics.map((topic) => ({ topic, status: 'no answer', reason: null, broadcasts: 0 }));
      socket.onmessage = (message) => {
        const [, ref, topic, event, payload] = JSON.parse(String(message.data));
        const outcome = outcomes.find((o) => `realtime:${o.topic}` === topic);
        if (!outcome) return;
        if (event === 'phx_reply' && ref === `join-${outcome.topic}`) {
          outcome.status = payload.status;
          outcome.reason = payload.response?.reason ?? null;
        }
        if (event === 'broadcast') outcome.broadcasts += 1;
      };
      await new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
      for (const topic of topics) {
        const ref = `join-${topic}`;
        const config = { broadcast: { ack: false, self: false }, presence: { key: '' }, private: true };
        socket.send(
          JSON.stringify([
            ref,
            ref,
            `realtime:${topic}`,
            'phx_join',
            { config, access_token: session.access_token },
          ]),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, listenMs));
      socket.close();
      return outcomes;
    },
    { realtime, topics, listenMs },
  );
}

test('an operator of another workspace cannot join its Realtime topics, even by hand', async ({
  page,
  browser,
}) => {
  const owner = await signUpWithWorkspace(page);
  const account = uniqueUsername('private.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Private question');
  await conversationRow(page).click();
  await expect(page.getByTestId('thread')).toContainText('Private question', { timeout: 10_000 });
  const conversationId = page.url().split('/').at(-1) as string;

  const outsiderPage = await browser.newPage();
  const outsider = await signUpWithWorkspace(outsiderPage);
  const listening = joinByHand(
    outsiderPage,
    [
      workspaceTopic(owner.workspaceId),
      conversationTopic(conversationId),
      workspaceTopic(outsider.workspaceId),
    ],
    3_000,
  );
  // While the outsider listens, the customer writes again and the owner sees it live.
  await outsiderPage.waitForTimeout(500);
  await customerWrites(page.request, account, customer, 'Second private question');
  await expect(page.getByTestId('thread')).toContainText('Second private question', { timeout: 10_000 });

  const [ownerWorkspace, ownerConversation, ownWorkspace] = await listening;
  for (const refused of [ownerWorkspace, ownerConversation]) {
    expect(refused).toMatchObject({ status: 'error', broadcasts: 0 });
    expect(refused?.reason).toContain('Unauthorized');
  }
  // The same code joins the outsider's own workspace: the refusals above are the policy's doing.
  expect(ownWorkspace).toMatchObject({ status: 'ok', reason: null });
  await outsiderPage.close();
});
