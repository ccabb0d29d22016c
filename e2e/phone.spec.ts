// The inbox on a phone, in Chromium emulating one (touch, a mobile viewport): the navigation is a
// menu, the list and a conversation are screens of their own with Back between them (the list's
// filters kept), the reply box stays on screen, and every screen fits from 360 to 430 px wide with
// nothing cut off and nothing to scroll sideways but the tables that say so.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  newCustomer,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';
import {
  expectFitsScreen,
  expectOnScreen,
  expectTappable,
  keepPhoneScreenshot,
  PHONE,
  PHONE_WIDTHS,
} from './phone-layout.ts';

test.use(PHONE);

const menuButton = (page: Page) => page.getByRole('button', { name: 'Menu', exact: true });
const mainNavigation = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const conversationRow = (page: Page) => page.getByRole('link', { name: /^Conversation with / });

/** The element's width is the screen's: it has the screen to itself. */
async function expectFullWidth(page: Page, name: string): Promise<void> {
  const box = await page.getByRole('region', { name, exact: true }).boundingBox();
  expect(box?.width, `${name} is as wide as the screen`).toBe(page.viewportSize()?.width);
}

/** Opens the menu and follows one of its links; the menu closes behind it. */
async function goThroughMenu(page: Page, label: string): Promise<void> {
  await menuButton(page).tap();
  await mainNavigation(page).getByRole('link', { name: label }).tap();
  await expect(mainNavigation(page)).toBeHidden();
  await expect(menuButton(page)).toHaveAttribute('aria-expanded', 'false');
}

test('an operator works the inbox on a phone: menu, list, thread, reply, back with filters kept', async ({
  page,
}) => {
  const { email, password, workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('phone.shop');
  await connectFirstAccount(page, account);
  const porto = await newCustomer(page.request);
  const lisbon = await newCustomer(page.request);
  // A thread taller than the screen, as most are: a shorter screen cuts into it.
  const anHourAgo = Date.now() - 60 * 60 * 1000;
  for (let i = 1; i <= 14; i += 1) {
    await customerWrites(page.request, account, porto, `About my order, point ${i}.`, anHourAgo + i * 1000);
  }
  await customerWrites(page.request, account, porto, 'Hello! Do you ship to Porto?');
  await customerWrites(page.request, account, lisbon, 'Is the shop in Lisbon open on Sundays?');

  // The list fills the screen; the navigation waits behind the menu button.
  const rows = conversationRow(page);
  await expect(rows).toHaveCount(2, { timeout: 10_000 });
  await expect(mainNavigation(page)).toBeHidden();
  await expectFullWidth(page, 'Conversations');
  for (const row of await rows.all()) await expectOnScreen(page, row);
  await expectTappable(rows.first());
  await expectTappable(menuButton(page));
  await expectFitsScreen(page, 'inbox');
  await keepPhoneScreenshot(page, 'journey-inbox');

  // The menu is a drawer over the page: focus goes into it, Escape closes it and gives focus back.
  await expect(menuButton(page)).toHaveAttribute('aria-expanded', 'false');
  await menuButton(page).tap();
  await expect(menuButton(page)).toHaveAttribute('aria-expanded', 'true');
  await expect(mainNavigation(page)).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Menu' }).locator(':focus')).toHaveCount(1);
  for (const link of await mainNavigation(page).getByRole('link').all()) await expectTappable(link);
  await expectFitsScreen(page, 'menu');
  await keepPhoneScreenshot(page, 'journey-menu');
  await page.keyboard.press('Escape');
  await expect(mainNavigation(page)).toBeHidden();
  await expect(menuButton(page)).toBeFocused();

  // Following a link closes it.
  await goThroughMenu(page, 'Accounts');
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await goThroughMenu(page, 'Inbox');

  // Only unread ones; opening one keeps the filter in its address.
  await page.getByRole('button', { name: 'Unread' }).tap();
  await expect(page).toHaveURL(/\/inbox\?unread=1$/);
  await conversationRow(page).filter({ hasText: 'Porto' }).tap();
  await expect(page).toHaveURL(/\/inbox\/[0-9a-f-]{36}\?unread=1$/);

  // The thread has the screen to itself, its newest message and the reply box in view.
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Do you ship to Porto?');
  expect(await thread.evaluate((element) => element.scrollHeight)).toBeGreaterThan(
    (page.viewportSize() as { height: number }).height,
  );
  await expect(page.getByRole('region', { name: 'Conversations' })).toBeHidden();
  await expectFullWidth(page, 'Conversation');
  const reply = page.getByRole('textbox', { name: 'Reply', exact: true });
  const send = page.getByRole('button', { name: 'Send', exact: true });
  await expectOnScreen(page, thread.getByText('Do you ship to Porto?'));
  await expectOnScreen(page, reply);
  await expectOnScreen(page, send);
  await expectTappable(send);
  await expectFitsScreen(page, 'thread');
  await keepPhoneScreenshot(page, 'journey-thread');

  await reply.fill('Yes, to Porto in 3 days.');
  await send.tap();
  const sent = thread.locator('[data-direction="OUTBOUND"]');
  await expect(sent).toContainText('Yes, to Porto in 3 days.');
  await expect(sent).toContainText('Sent', { timeout: 10_000 });
  await expectOnScreen(page, sent);

  // An on-screen keyboard takes the lower part of the screen (the page asks browsers to resize its
  // viewport for it): the reply box stays above it, and the newest message above the reply box.
  const viewport = page.viewportSize() as { width: number; height: number };
  await expect(page.locator('meta[name="viewport"]')).toHaveAttribute(
    'content',
    /interactive-widget=resizes-content/,
  );
  await reply.tap();
  await page.setViewportSize({ width: viewport.width, height: viewport.height - 330 });
  await expect(reply).toBeInViewport({ ratio: 1 });
  await expect(send).toBeInViewport({ ratio: 1 });
  await expect(sent).toBeInViewport({ ratio: 1 });
  const composer = page.locator('form', { has: reply });
  await expect(async () => {
    const [message, form] = await Promise.all([sent.boundingBox(), composer.boundingBox()]);
    expect((message?.y ?? 0) + (message?.height ?? 0)).toBeLessThanOrEqual(form?.y ?? 0);
  }).toPass();
  await keepPhoneScreenshot(page, 'journey-thread-keyboard');
  await page.setViewportSize(viewport);

  // The contact's details and the conversation's actions open under the header.
  const details = page.getByRole('button', { name: 'Details' });
  await expect(page.getByRole('button', { name: 'Assign to me' })).toBeHidden();
  await expect(details).toHaveAttribute('aria-expanded', 'false');
  await details.tap();
  await expect(details).toHaveAttribute('aria-expanded', 'true');
  await expectTappable(page.getByRole('button', { name: 'Assign to me' }));
  await page.getByRole('button', { name: 'Assign to me' }).tap();
  await expect(page.getByRole('button', { name: 'Unassign' })).toBeVisible();
  await expectFitsScreen(page, 'thread details');
  await keepPhoneScreenshot(page, 'journey-thread-details');

  // Back to the list as it was left: still only unread ones, so the conversation just read is gone.
  const back = page.getByRole('link', { name: 'Back to conversations' });
  await expectTappable(back);
  await back.tap();
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/inbox\\?unread=1$`));
  await expect(page.getByRole('button', { name: 'Unread' })).toHaveAttribute('aria-pressed', 'true');
  await expect(conversationRow(page)).toHaveCount(1);
  await expect(conversationRow(page)).toContainText('Lisbon');
  await expectOnScreen(page, conversationRow(page));
  // The system's Back goes on from where the list was opened (Accounts), not into the conversation.
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Accounts', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/accounts$`));

  // Leads: the table scrolls sideways in its own box, and its conversation links are reachable.
  await goThroughMenu(page, 'Leads');
  const leads = page.getByTestId('lead-rows').getByRole('row');
  await expect(leads).toHaveCount(2);
  await expectFitsScreen(page, 'leads');
  await keepPhoneScreenshot(page, 'journey-leads');
  // A keyboard reaches the table's box, named by its caption, and scrolls it with the arrow keys.
  const table = page.getByRole('region', { name: 'Leads, newest first' });
  await expect(table).toHaveAttribute('tabindex', '0');
  await table.focus();
  await expect(table).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => table.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
  const open = page.getByRole('link', { name: /^Open conversation with / }).first();
  await open.scrollIntoViewIfNeeded();
  await expectOnScreen(page, open);
  await expectTappable(open);
  await open.tap();
  await expect(page.getByTestId('thread')).toBeVisible();
  // Opened from Leads, Back shows the inbox's list in the conversation's place: the system's Back
  // then returns to Leads.
  await page.getByRole('link', { name: 'Back to conversations' }).tap();
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/inbox$`));
  await expect(conversationRow(page)).toHaveCount(2);
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'Leads', level: 1 })).toBeVisible();

  // Settings: a switch flips under a finger.
  await goThroughMenu(page, 'Settings');
  const typing = page.getByRole('switch', { name: 'Typing indicator' });
  const before = await typing.getAttribute('aria-checked');
  await typing.tap();
  await expect(typing).not.toHaveAttribute('aria-checked', before ?? '');
  await expectFitsScreen(page, 'settings');
  await keepPhoneScreenshot(page, 'journey-settings');

  // Signing out is in the menu; signing in again lands in the inbox.
  await menuButton(page).tap();
  await page.getByRole('button', { name: 'Sign out' }).tap();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).tap();
  await expect(page).toHaveURL(new RegExp(`/w/${workspaceId}/inbox$`));
  await expect(conversationRow(page)).toHaveCount(2);
});

test('the list keeps its place while a conversation has the screen', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('place.shop');
  await connectFirstAccount(page, account);
  // More conversations than the screen holds.
  for (let i = 1; i <= 14; i += 1) {
    await customerWrites(page.request, account, await newCustomer(page.request), `Question ${i} of 14`);
  }
  const rows = conversationRow(page);
  await expect(rows).toHaveCount(14, { timeout: 10_000 });
  // The notice of the new connection goes, so the list's box is the same before and after.
  await page
    .getByRole('status')
    .filter({ hasText: 'Connected' })
    .getByRole('button', { name: 'Dismiss' })
    .tap();
  await expect(page).toHaveURL(/\/inbox$/);
  const scroller = page.getByTestId('conversation-list').locator('..');
  const place = () => scroller.evaluate((element) => element.scrollTop);
  // Down the list to the oldest one.
  const oldest = rows.filter({ hasText: 'Question 1 of 14' });
  await oldest.scrollIntoViewIfNeeded();
  const left = await place();
  expect(left).toBeGreaterThan(0);

  await oldest.tap();
  await expect(page.getByTestId('thread')).toContainText('Question 1 of 14');
  await page.getByRole('link', { name: 'Back to conversations' }).tap();
  await expect(rows).toHaveCount(14);
  await expect.poll(place).toBe(left);
  await expectOnScreen(page, oldest);
});

test('going back to the page the menu was opened on leaves it closed', async ({ page }) => {
  await signUpWithWorkspace(page);
  await goThroughMenu(page, 'Accounts');
  await page.goBack();
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(mainNavigation(page)).toBeHidden();
  await expect(menuButton(page)).toHaveAttribute('aria-expanded', 'false');
  await goThroughMenu(page, 'Leads');
  await expect(page.getByRole('heading', { name: 'Leads', level: 1 })).toBeVisible();
});

test('the menu, closed by the screen widening, leaves focus where it can be seen', async ({ page }) => {
  await signUpWithWorkspace(page);
  await menuButton(page).tap();
  await expect(page.getByRole('dialog', { name: 'Menu' })).toBeVisible();
  // A tablet turned: the drawer becomes the sidebar, and the menu button goes.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByRole('dialog', { name: 'Menu' })).toHaveCount(0);
  await expect(menuButton(page)).toBeHidden();
  const inbox = mainNavigation(page).getByRole('link', { name: 'Inbox' });
  await expect(inbox).toBeVisible();
  await expect(inbox).toBeFocused();
});

/** A workspace whose inbox holds a DM thread with a comment and the business's rich replies. */
async function workspaceWithRichThread(page: Page): Promise<{ workspaceId: string }> {
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('fits.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const event = (kind: string, body: Record<string, unknown>) =>
    control(page.request, `/control/events/${kind}`, { account, customer, ...body });
  await event('comment', { text: 'How much is the linen shirt in size M, and do you ship abroad?' });
  await event('text', { text: 'I wrote under your post too. Do you have it in sand?' });
  await event('echo', {
    attachments: [
      {
        type: 'template',
        elements: [
          {
            title: 'Linen shirt',
            subtitle: '€49, sand',
            buttons: [{ type: 'postback', title: 'Size M', payload: 'M' }],
          },
          { title: 'Linen trousers', subtitle: '€59, olive' },
          { title: 'Linen scarf', subtitle: '€19, natural' },
        ],
      },
    ],
  });
  await customerWrites(
    page.request,
    account,
    customer,
    'Medium, please. https://example.com/a-rather-long-link',
  );
  return { workspaceId };
}

for (const width of PHONE_WIDTHS) {
  test.describe(`at ${width} px`, () => {
    test.use({ viewport: { width, height: 800 } });

    test(`every screen fits ${width} px`, async ({ page }) => {
      // The reviewed screenshots are the narrowest phone's, where a layout breaks first.
      const reviewed = width === PHONE_WIDTHS[0];
      for (const [path, name, heading] of [
        ['/sign-in', 'sign-in', 'Welcome back'],
        ['/sign-up', 'sign-up', 'Create your account'],
      ] as const) {
        await page.goto(path);
        await expect(page.getByRole('heading', { name: heading })).toBeVisible();
        await expectFitsScreen(page, name);
        await keepPhoneScreenshot(page, name, reviewed);
      }

      const { workspaceId } = await workspaceWithRichThread(page);
      await page.goto('/welcome');
      await expect(page.getByRole('button', { name: 'Create workspace' })).toBeVisible();
      await expectFitsScreen(page, 'welcome');
      await keepPhoneScreenshot(page, 'welcome', reviewed);

      await page.goto(`/w/${workspaceId}/inbox`);
      await expect(conversationRow(page)).toHaveCount(1, { timeout: 10_000 });
      await expectFitsScreen(page, 'inbox');
      await keepPhoneScreenshot(page, 'inbox', reviewed);

      await conversationRow(page).tap();
      const thread = page.getByTestId('thread');
      await expect(thread).toContainText('Medium, please.', { timeout: 10_000 });
      // A rich reply written on the phone: text with quick replies under it.
      await page.getByRole('button', { name: 'Quick replies' }).tap();
      await page.getByLabel('Quick reply 1 title').fill('Sand');
      await page.getByRole('button', { name: 'Add quick reply' }).tap();
      await page.getByLabel('Quick reply 2 title').fill('Olive');
      await expectFitsScreen(page, 'composer with quick replies');
      await page.getByRole('textbox', { name: 'Reply', exact: true }).fill('Which colour would you like?');
      await page.getByRole('button', { name: 'Send', exact: true }).tap();
      await expect(thread.locator('[data-direction="OUTBOUND"]').last()).toContainText('Sent', {
        timeout: 10_000,
      });
      await expect(thread.getByRole('list', { name: 'Quick replies' })).toBeVisible();
      await expectOnScreen(page, page.getByRole('button', { name: 'Send', exact: true }));
      await expectFitsScreen(page, 'thread');
      await keepPhoneScreenshot(page, 'thread', reviewed);
      // Older items: the cards the business sent and the customer's comment, with its actions.
      await thread.evaluate((element) => element.scrollTo(0, 0));
      const comment = page.getByRole('article', { name: /^Comment: How much/ });
      await expect(comment).toBeVisible();
      await expect(thread.getByRole('list', { name: 'Template cards' })).toBeVisible();
      await expectTappable(comment.getByRole('button', { name: 'Reply publicly' }));
      await expectFitsScreen(page, 'thread (top)');
      await keepPhoneScreenshot(page, 'thread-top', reviewed);
      await comment.getByRole('button', { name: 'Reply privately' }).tap();
      await expect(comment.getByLabel(/Private reply/)).toBeVisible();
      await expectFitsScreen(page, 'comment reply');
      // The composer's rich replies: cards and quick replies being written.
      await page.getByRole('button', { name: 'Cards' }).tap();
      await page.getByRole('button', { name: 'Quick replies' }).tap();
      await expectFitsScreen(page, 'composer with cards');
      // They scroll inside the reply box; the text and Send stay in view.
      await expectOnScreen(page, page.getByRole('textbox', { name: 'Reply', exact: true }));
      await expectOnScreen(page, page.getByRole('button', { name: 'Send', exact: true }));
      await keepPhoneScreenshot(page, 'thread-rich-composer', reviewed);

      await page.goto(page.url());
      await page.getByRole('button', { name: 'Details' }).tap();
      await expect(page.getByRole('button', { name: 'Erase contact' })).toBeVisible();
      await expectFitsScreen(page, 'thread details');
      await keepPhoneScreenshot(page, 'thread-details', reviewed);

      for (const [screen, heading] of [
        ['leads', 'Leads'],
        ['accounts', 'Accounts'],
        ['health', 'Health'],
        ['webhooks', 'Webhook test'],
        ['team', 'Team'],
        ['settings', 'Settings'],
        ['audit', 'Audit log'],
      ] as const) {
        await page.goto(`/w/${workspaceId}/${screen}`);
        await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
        await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
        await expectFitsScreen(page, screen);
        await keepPhoneScreenshot(page, screen, reviewed);
      }
    });
  });
}
