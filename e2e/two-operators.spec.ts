// Two operators of one workspace, each in their own browser: every change one makes (reading,
// assigning, replying, archiving) reaches the other's screen live, without a reload.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  customerWrites,
  inviteTeammate,
  joinWithInvite,
  keepScreenshot,
  newCustomer,
  secondBrowser,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const row = (page: Page) => page.getByRole('link', { name: /^Conversation with / });
const LIVE = { timeout: 10_000 };

test('two operators see each other’s changes as they happen', async ({
  page: owner,
  browser,
  browserErrors,
}) => {
  const { workspaceId } = await signUpWithWorkspace(owner);
  const account = uniqueUsername('team.shop');
  await connectFirstAccount(owner, account);
  const invite = await inviteTeammate(owner, workspaceId, 'agent');
  const agent = await secondBrowser(browser, browserErrors);
  await joinWithInvite(agent, invite, 'Katherine Johnson');
  await owner.goto(`/w/${workspaceId}/inbox`);

  // A customer writes: both inboxes show it, unread.
  const customer = await newCustomer(owner.request);
  await customerWrites(owner.request, account, customer, 'Can someone help me with my order?');
  for (const operator of [owner, agent]) {
    await expect(row(operator)).toContainText('Can someone help me with my order?', LIVE);
    await expect(row(operator).getByTestId('unread-count')).toHaveText('1');
  }

  // The agent reads it and takes it: the owner's list and open conversation follow.
  await row(owner).click();
  await row(agent).click();
  await expect(row(owner).getByTestId('unread-count')).toHaveCount(0, LIVE);
  await agent.getByRole('button', { name: 'Assign to me' }).click();
  await expect(agent.getByTestId('assignee')).toHaveText('Assigned to you');
  await expect(owner.getByTestId('assignee')).toHaveText('Assigned to Katherine Johnson', LIVE);

  // The agent replies: the reply appears in the owner's thread, then as sent.
  await agent.getByLabel('Reply').fill('On it! Which order number?');
  await agent.getByRole('button', { name: 'Send' }).click();
  const ownersView = owner.getByTestId('thread').locator('[data-direction="OUTBOUND"]');
  await expect(ownersView).toContainText('On it! Which order number?', LIVE);
  await expect(ownersView).toContainText('Sent', LIVE);
  await expect(row(owner)).toContainText('You: On it! Which order number?', LIVE);

  // The customer answers: both open threads show it.
  await customerWrites(owner.request, account, customer, 'It is #4521');
  for (const operator of [owner, agent]) {
    await expect(operator.getByTestId('thread')).toContainText('It is #4521', LIVE);
  }
  await keepScreenshot(owner, 'two-operators-owner');
  await keepScreenshot(agent, 'two-operators-agent');

  // The owner archives it: it leaves the agent's open list, and the agent's view says so.
  await owner.getByRole('button', { name: 'Archive' }).click();
  await expect(row(agent)).toHaveCount(0, LIVE);
  await expect(agent.getByRole('button', { name: 'Move to Open' })).toBeVisible(LIVE);
  await agent.context().close();
});
