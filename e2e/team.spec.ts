// A workspace shared by a team, in Chromium: the owner invites an agent by link, the agent signs
// up through it in their own browser and lands in the shared inbox, the owner sees them join
// live, and the agent sees the team read-only. Then the owner manages the team: roles, a revoked
// link, the last owner, and removing someone.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  inviteTeammate,
  joinWithInvite,
  keepScreenshot,
  secondBrowser,
  signUpThroughInvite,
  signUpWithWorkspace,
} from './journeys.ts';

const members = (page: Page) => page.getByRole('region', { name: 'Members', exact: true });
const invitations = (page: Page) => page.getByRole('region', { name: 'Pending invitations' });

test('an owner invites an agent, who joins through the link and sees the team read-only', async ({
  page,
  browser,
  browserErrors,
}) => {
  const owner = await signUpWithWorkspace(page);
  const inviteUrl = await inviteTeammate(page, owner.workspaceId, 'agent');
  await expect(page.getByRole('region', { name: 'Invite a teammate' }).getByRole('status')).toContainText(
    'Invite link for an agent is ready',
  );
  await expect(invitations(page).getByRole('row')).toHaveCount(2); // header + the new link
  await expect(invitations(page)).toContainText('Grace Hopper');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(inviteUrl);

  const agent = await secondBrowser(browser, browserErrors);
  await signUpThroughInvite(agent, inviteUrl);
  await expect(agent.getByRole('heading', { name: 'Join Compilers & Co' })).toBeVisible();
  await expect(agent.getByText('Grace Hopper invited you')).toBeVisible();
  await keepScreenshot(agent, 'team-invitation');
  await agent.getByRole('button', { name: 'Join Compilers & Co' }).click();
  await expect(agent).toHaveURL(new RegExp(`/w/${owner.workspaceId}/inbox$`));
  await expect(agent.getByTestId('empty-inbox')).toBeVisible();
  await expect(agent.getByTestId('operator-name')).toHaveText('Katherine Johnson');

  // The owner's open Team page shows the newcomer without a reload, and the link is used up.
  await expect(members(page).getByLabel('Role of Katherine Johnson')).toHaveValue('agent', {
    timeout: 10_000,
  });
  await expect(invitations(page)).toContainText('No invitation is waiting to be accepted.');
  await expect(page.getByLabel('Invite link')).toHaveValue(inviteUrl); // still on screen, this once
  await keepScreenshot(page, 'team');
  await page.reload();
  await expect(members(page)).toContainText('Katherine Johnson');
  await expect(page.getByLabel('Invite link')).toHaveCount(0);

  // The agent reads the team but cannot change it.
  await agent.getByRole('link', { name: 'Team' }).click();
  await expect(agent.getByRole('heading', { name: 'Team' })).toBeVisible();
  await expect(agent.getByTestId('read-only-team')).toBeVisible();
  await expect(members(agent).getByRole('row')).toHaveCount(3);
  await expect(members(agent).getByRole('row', { name: /Grace Hopper/ })).toContainText('Owner');
  await expect(members(agent).getByRole('row', { name: /Katherine Johnson/ })).toContainText('You');
  await expect(members(agent).getByRole('combobox')).toHaveCount(0);
  await expect(members(agent).getByRole('button')).toHaveCount(0);
  await expect(agent.getByRole('button', { name: 'Create invite link' })).toHaveCount(0);
  await keepScreenshot(agent, 'team-agent');

  // A used link, opened again by the agent, sends a member on to the workspace and changes nothing.
  await agent.goto(inviteUrl);
  await expect(agent.getByRole('heading', { name: "You're already in Compilers & Co" })).toBeVisible();
});

test('owners change roles, revoke links, keep an owner, and remove people', async ({
  page,
  browser,
  browserErrors,
}) => {
  const owner = await signUpWithWorkspace(page);
  const adminLink = await inviteTeammate(page, owner.workspaceId, 'admin');
  const dorothy = await secondBrowser(browser, browserErrors);
  await joinWithInvite(dorothy, adminLink, 'Dorothy Vaughan');
  await expect(members(page).getByLabel('Role of Dorothy Vaughan')).toHaveValue('admin', { timeout: 10_000 });

  await members(page).getByLabel('Role of Dorothy Vaughan').selectOption('agent');
  await expect(members(page).getByLabel('Role of Dorothy Vaughan')).toHaveValue('agent');

  // The only owner cannot step down: the reason is shown and the role stays.
  browserErrors.allow(/status of 409 \(Conflict\)/);
  await members(page).getByLabel('Role of Grace Hopper').selectOption('agent');
  await expect(members(page).getByRole('alert')).toHaveText(
    'A workspace must keep at least one owner. Make someone else an owner first.',
  );
  await expect(members(page).getByLabel('Role of Grace Hopper')).toHaveValue('owner');

  // A revoked link lets nobody in, and says so.
  const revokedLink = await inviteTeammate(page, owner.workspaceId, 'agent');
  await invitations(page)
    .getByRole('button', { name: /Revoke the invitation for an agent/ })
    .click();
  await expect(invitations(page)).toContainText('No invitation is waiting to be accepted.');
  const latecomer = await secondBrowser(browser, browserErrors);
  browserErrors.allow(/status of 410 \(Gone\)/);
  await signUpThroughInvite(latecomer, revokedLink, 'Mary Jackson');
  await expect(latecomer.getByRole('heading', { name: 'This invitation was withdrawn' })).toBeVisible();
  await expect(latecomer.getByRole('alert')).toHaveText(
    'Nothing was changed: you have not joined any workspace.',
  );
  await expect(latecomer.getByRole('button', { name: /^Join / })).toHaveCount(0);
  await keepScreenshot(latecomer, 'team-invitation-revoked');

  // Removing someone takes a confirmation, and they are gone: the open inbox in their browser
  // says so at once (its requests are refused from then on, as they should be).
  browserErrors.allow(/status of 404 \(Not Found\)/);
  await members(page).getByRole('button', { name: 'Remove Dorothy Vaughan' }).click();
  await members(page).getByRole('button', { name: 'Yes, remove' }).click();
  await expect(members(page).getByRole('row', { name: /Dorothy Vaughan/ })).toHaveCount(0);
  await expect(members(page).getByRole('row')).toHaveCount(2);
  await expect(dorothy.getByText('You are not a member of this workspace.')).toBeVisible({ timeout: 10_000 });
  await dorothy.close();
});
