// Accounts in Chromium, against the Meta simulator: a connected account's card with its token
// countdown and webhooks; Meta refusing the token turns it to "Needs reconnect" live, with Meta's
// reason, and Reconnect restores it; both login paths connect from this screen; disconnecting
// asks what to do with the history and every open Accounts screen shows the account Disconnected.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  inviteTeammate,
  joinWithInvite,
  keepScreenshot,
  newCustomer,
  openInstagramConsent,
  secondBrowser,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

async function openAccounts(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Accounts' }).click();
  await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/accounts$/);
}
const accountCard = (page: Page, username: string) =>
  page.getByRole('main').getByRole('article', { name: `@${username}` });

/** On Meta's consent screen: continue as the simulator account `username` that already exists. */
async function allowExistingAccount(page: Page, username: string): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`@${username.replace(/\./g, '\\.')}`) }).check();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Connected @${username}` })).toBeVisible();
}

test('a connected account shows its token countdown; a refused token needs reconnecting, live, and Reconnect restores it', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('compilers.studio');
  await control(page.request, '/control/accounts', { username, name: 'Compilers Studio' });
  await openInstagramConsent(page);
  await allowExistingAccount(page, username);

  await openAccounts(page);
  const card = accountCard(page, username);
  await expect(card).toContainText('Compilers Studio');
  await expect(card).toContainText('Connected');
  await expect(card).toContainText('Instagram Login');
  await expect(card).toContainText('Expires in 59 days');
  await expect(card).toContainText('messaging_seen');
  await expect(card).toContainText('No events yet');
  // The profile picture Meta gave on connect (decorative: the username is the card's name).
  await expect(card.locator('img')).toHaveAttribute('src', /^http/);
  await keepScreenshot(page, 'accounts');

  // Meta stops accepting the token. The next Graph call (the new customer's profile) gets 190.
  await control(page.request, '/control/accounts/revoke-token', { account: username });
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, username, customer, 'Hello?');
  await expect(card).toContainText('Needs reconnect', { timeout: 15_000 });
  await expect(card).toContainText("Meta no longer accepts this account's access token.");
  await expect(card).toContainText('Meta rejected the access token');
  await expect(card).toContainText('Refused by Meta before it expired');
  // The banner every screen shows follows live too.
  await expect(page.getByRole('alert').filter({ hasText: 'needs to be reconnected' })).toBeVisible();
  // Webhooks need no token: the message was still stored.
  await expect(card.getByRole('time').first()).toHaveText(/just now|minute/);
  await keepScreenshot(page, 'accounts-needs-reconnect');

  await card.getByRole('button', { name: 'Reconnect' }).click();
  await expect(page.getByRole('heading', { name: 'Log in with Instagram' })).toBeVisible();
  await allowExistingAccount(page, username);
  // Back where the operator started, with the outcome.
  await expect(page).toHaveURL(/\/accounts\?connected=/);
  await expect(page.getByRole('status').filter({ hasText: `Connected @${username}` })).toBeVisible();
  await expect(card).toContainText('Connected');
  await expect(card).not.toContainText('Needs reconnect');
  await expect(card.getByRole('button', { name: 'Reconnect' })).toHaveCount(0);
});

test('both login paths connect from the Accounts screen', async ({ page }) => {
  await signUpWithWorkspace(page);
  await openAccounts(page);
  await expect(page.getByRole('heading', { name: 'No Instagram account yet' })).toBeVisible();

  const instagram = uniqueUsername('ig.login');
  await control(page.request, '/control/accounts', { username: instagram, name: 'IG Login Shop' });
  await page.getByRole('main').getByRole('button', { name: 'Connect with Instagram Login' }).click();
  await expect(page.getByRole('heading', { name: 'Log in with Instagram' })).toBeVisible();
  await allowExistingAccount(page, instagram);

  const pageLinked = uniqueUsername('page.linked');
  await control(page.request, '/control/accounts', {
    username: pageLinked,
    name: 'Page Linked Shop',
    loginPath: 'facebook',
  });
  await openAccounts(page);
  await page.getByRole('main').getByRole('button', { name: 'Connect with Facebook Login' }).click();
  await expect(page.getByRole('heading', { name: 'Log in with Facebook' })).toBeVisible();
  await allowExistingAccount(page, pageLinked);

  await openAccounts(page);
  await expect(accountCard(page, instagram)).toContainText('Instagram Login');
  const facebook = accountCard(page, pageLinked);
  await expect(facebook).toContainText('Facebook Login via Page');
  await expect(facebook).toContainText('Page token, does not expire');
  await expect(facebook).toContainText('Page Linked Shop');
});

test('disconnect keeping the history: the dialog explains both choices, and every open screen shows Disconnected', async ({
  page,
  context,
}) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('closing.shop');
  await connectFirstAccount(page, username);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, username, customer, 'Are you still open?');
  await expect(page.getByRole('link', { name: /^Conversation with / })).toHaveCount(1, { timeout: 10_000 });

  // A colleague's screen (same workspace, another tab) must follow without a reload.
  await openAccounts(page);
  const watcher = await context.newPage();
  await watcher.goto(page.url());
  await expect(accountCard(watcher, username)).toContainText('Connected');

  await accountCard(page, username)
    .getByRole('button', { name: `Disconnect @${username}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Disconnect @${username}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Meta stops sending this account's direct messages");
  await expect(dialog.getByRole('radio', { name: /Keep history/ })).toBeChecked();
  await expect(dialog).toContainText('This cannot be undone.');
  await dialog.getByRole('radio', { name: /Delete history/ }).check();
  await expect(dialog.getByRole('button', { name: 'Disconnect and delete history' })).toBeVisible();
  await dialog.getByRole('radio', { name: /Keep history/ }).check();
  await keepScreenshot(page, 'accounts-disconnect-dialog');

  // Escape cancels and changes nothing.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(accountCard(page, username)).toContainText('Connected');

  await accountCard(page, username)
    .getByRole('button', { name: `Disconnect @${username}` })
    .click();
  await dialog.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: `Disconnected @${username}. Its conversations stay in the inbox.` }),
  ).toBeVisible();
  const card = accountCard(page, username);
  await expect(card).toContainText('Disconnected');
  await expect(card).toContainText('Deleted on disconnect');
  await expect(card.getByRole('button', { name: 'Connect again' })).toBeVisible();
  await expect(accountCard(watcher, username)).toContainText('Disconnected', { timeout: 10_000 });
  await keepScreenshot(page, 'accounts-disconnected');

  // The history stayed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
  await expect(page.getByRole('link', { name: /^Conversation with / })).toHaveCount(1);
});

test('disconnect deleting the history removes the account with its conversations and leads', async ({
  page,
  context,
}) => {
  await signUpWithWorkspace(page);
  const username = uniqueUsername('gone.shop');
  await connectFirstAccount(page, username);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, username, customer, 'Please forget me');
  await expect(page.getByRole('link', { name: /^Conversation with / })).toHaveCount(1, { timeout: 10_000 });

  await openAccounts(page);
  const watcher = await context.newPage();
  await watcher.goto(page.url());
  await expect(accountCard(watcher, username)).toContainText('Connected');
  await accountCard(page, username)
    .getByRole('button', { name: `Disconnect @${username}` })
    .click();
  const dialog = page.getByRole('dialog', { name: `Disconnect @${username}?` });
  await dialog.getByRole('radio', { name: /Delete history/ }).check();
  await dialog.getByRole('button', { name: 'Disconnect and delete history' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Disconnected @${username}.` })).toContainText(
    'Its history was deleted (1 conversation, 1 message, 1 lead, 1 contact profile).',
  );
  await expect(accountCard(page, username)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No Instagram account yet' })).toBeVisible();
  // The other tab hears that the account is gone.
  await expect(accountCard(watcher, username)).toHaveCount(0, { timeout: 10_000 });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Leads' }).click();
  await expect(page.getByRole('heading', { name: 'No leads yet' })).toBeVisible();
});

test('an agent sees the accounts and their health, and is told why only admins can change them', async ({
  page,
  browser,
  browserErrors,
}) => {
  const owner = await signUpWithWorkspace(page);
  const username = uniqueUsername('team.shop');
  await connectFirstAccount(page, username);
  const inviteUrl = await inviteTeammate(page, owner.workspaceId, 'agent');
  const agent = await secondBrowser(browser, browserErrors);
  await joinWithInvite(agent, inviteUrl);

  await openAccounts(agent);
  const card = accountCard(agent, username);
  await expect(card).toContainText('Connected');
  await expect(card).toContainText('Expires in 59 days');
  const main = agent.getByRole('main');
  await expect(main).toContainText(
    'Only workspace owners and admins can connect, reconnect or disconnect accounts',
  );
  await expect(main.getByRole('button')).toHaveCount(0);

  await control(page.request, '/control/accounts/revoke-token', { account: username });
  await customerWrites(page.request, username, await newCustomer(page.request), 'Anyone there?');
  await expect(card).toContainText('Needs reconnect', { timeout: 15_000 });
  await expect(card).toContainText('Ask a workspace owner or admin to reconnect it.');
  await expect(main.getByRole('button')).toHaveCount(0);
  await keepScreenshot(agent, 'accounts-agent');
});
