// Comments and ice breakers in Chromium, against the Meta simulator's customer pages: a customer
// comments under the shop's post, the operator sees it arrive live beside DMs (and filters by it),
// answers privately, and the customer gets the DM; the owner publishes ice breakers in Settings,
// a new customer taps one on their chat page, and the tap shows in the inbox with its label.
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  keepScreenshot,
  meta,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

interface Thread {
  messages: { from: 'customer' | 'business'; text: string | null }[];
}

test('a comment on the post page shows up live; the private reply reaches the customer’s DMs', async ({
  page,
  browser,
  browserErrors,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('clay.shop');
  await connectFirstAccount(page, account);
  const customer = uniqueUsername('maria');
  const { igsid } = await control<{ igsid: string }>(page.request, '/control/customers', {
    username: customer,
    name: 'Maria Lopes',
  });
  const [post] = await control<{ id: string; caption: string }[]>(
    page.request,
    `/control/media?account=${account}`,
  );

  // The customer, on the simulator's post page, in a browser of their own.
  const customerPage = await browser.newPage();
  browserErrors.watch(customerPage);
  await customerPage.goto(`${meta()}/post/${post?.id}`);
  await customerPage.getByLabel('Comment as').selectOption(igsid);
  await customerPage.getByPlaceholder('Add a comment…').fill('How much is this one?');
  await customerPage.getByRole('button', { name: 'Post' }).click();

  // Meta gives no profile of someone who never messaged the account: the comment's username shows.
  const row = page.getByRole('link', { name: `Conversation with ${customer}` });
  await expect(row).toContainText('💬 How much is this one?', { timeout: 10_000 });
  // The list tells comments from DMs.
  await page.getByRole('button', { name: 'Messages', exact: true }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole('button', { name: 'Comments', exact: true }).click();
  await expect(row).toBeVisible();
  await row.click();

  const comment = page.getByRole('article', { name: 'Comment: How much is this one?' });
  await expect(comment).toContainText('Private reply possible for 7 days');
  await expect(comment.getByRole('link', { name: 'View post' })).toHaveAttribute(
    'href',
    /^https:\/\/www\.instagram\.com\//,
  );
  // No DM yet: the reply box says how to answer.
  await expect(page.getByRole('status').filter({ hasText: 'has only commented so far' })).toBeVisible();
  await comment.getByRole('button', { name: 'Reply privately' }).click();
  await comment.getByLabel(/Private reply/).fill('It is €35, and we can ship today.');
  await comment.getByRole('button', { name: 'Send private reply' }).click();
  await expect(comment).toContainText('Replied privately', { timeout: 10_000 });
  await expect(comment.getByRole('button', { name: 'Reply privately' })).toHaveCount(0);
  const reply = page.getByTestId('thread').locator('[data-direction="OUTBOUND"]');
  await expect(reply).toContainText('It is €35, and we can ship today.');
  await expect(reply).toContainText('Private reply to a comment');
  await expect(reply).toContainText('Sent', { timeout: 10_000 });
  await keepScreenshot(page, 'comment-private-reply');

  // The customer has it in their DMs.
  const thread = await control<Thread>(
    page.request,
    `/control/thread?account=${account}&customer=${customer}`,
  );
  expect(thread.messages).toEqual(
    [{ from: 'business', text: 'It is €35, and we can ship today.' }].map((m) => expect.objectContaining(m)),
  );
  await customerPage.goto(`${meta()}/chat?account=${account}&customer=${customer}`);
  await expect(customerPage.getByText('It is €35, and we can ship today.')).toBeVisible();
});

test('ice breakers published in Settings are tapped by a new customer and show in the inbox with their label', async ({
  page,
  browser,
  browserErrors,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('tea.shop');
  await connectFirstAccount(page, account);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const section = page.getByRole('region', { name: 'Ice breakers and menu' });
  await section.getByRole('button', { name: 'Add a question' }).click();
  await section.getByLabel('Question 1', { exact: true }).fill('Do you have green tea?');
  await section.getByRole('button', { name: 'Add a question' }).click();
  await section.getByLabel('Question 2', { exact: true }).fill('When do you open?');
  await expect(section.getByRole('figure', { name: 'Preview' })).toContainText('When do you open?');
  await section.getByRole('button', { name: 'Publish to Instagram' }).click();
  await expect(section.getByRole('status')).toHaveText('Published: Instagram now shows these.');
  await keepScreenshot(page, 'settings-ice-breakers');

  const customer = uniqueUsername('li.wei');
  await control(page.request, '/control/customers', { username: customer, name: 'Li Wei' });
  const customerPage = await browser.newPage();
  browserErrors.watch(customerPage);
  await customerPage.goto(`${meta()}/chat?account=${account}&customer=${customer}`);
  await customerPage.getByRole('button', { name: 'When do you open?' }).click();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('link', { name: 'Conversation with Li Wei' }).click({ timeout: 10_000 });
  await expect(page.getByTestId('thread')).toContainText('Tapped “When do you open?”');
  // A tap opens the 24-hour window: the operator can answer at once.
  await expect(page.getByRole('status').filter({ hasText: 'You can reply for another' })).toBeVisible();
});
