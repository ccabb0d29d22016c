// A busy business's inbox: 5,000 conversations, paged in thirty at a time. The list is virtualised:
// scrolling reaches the last conversation, loading every page on the way, while the DOM holds only
// a window of rows; each row says its place in the list; and j / k bring the conversation they
// open into view however far it is from where the list was scrolled.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { connectFirstAccount, seedConversations, signUpWithWorkspace, uniqueUsername } from './journeys.ts';

const CONVERSATIONS = 5000;
/** The rows a window of the list may hold: what a tall screen shows, and the overscan either side. */
const WINDOW_ROWS = 60;

const name = (n: number) => `Customer ${String(n).padStart(5, '0')}`;

/** The most rows the list has held at once since this was called, read from inside the page. */
async function countRowsFromNowOn(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const list = document.querySelector('[data-testid="conversation-list"]') as HTMLElement;
    const state = window as unknown as { mostRows: number };
    state.mostRows = list.children.length;
    new MutationObserver(() => {
      state.mostRows = Math.max(state.mostRows, list.children.length);
    }).observe(list, { childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { mostRows: number }).mostRows);
}

test('5,000 conversations scroll to the end with only a window of rows in the page', async ({ page }) => {
  // Paging in 167 pages one after another (each needs the one before) takes a while.
  test.setTimeout(240_000);
  const { workspaceId } = await signUpWithWorkspace(page);
  await connectFirstAccount(page, uniqueUsername('busy.shop'));
  await seedConversations(workspaceId, CONVERSATIONS);
  await page.goto(`/w/${workspaceId}/inbox`);

  const list = page.getByTestId('conversation-list');
  const rows = list.getByRole('listitem');
  await expect(list.getByRole('link', { name: `Conversation with ${name(1)}` })).toBeVisible({
    timeout: 15_000,
  });
  const mostRows = await countRowsFromNowOn(page);
  expect(await rows.count()).toBeLessThan(WINDOW_ROWS);
  // While more pages remain the list's size is not known yet.
  await expect(rows.first()).toHaveAttribute('aria-setsize', '-1');

  // Down to the last conversation, as fast as the pages come: scrolled to the end at every frame,
  // each time the end is reached the next page is fetched.
  const last = list.getByRole('link', { name: `Conversation with ${name(CONVERSATIONS)}` });
  await page.waitForFunction(
    (label) => {
      const list = document.querySelector('[data-testid="conversation-list"]') as HTMLElement;
      const scroller = list.parentElement as HTMLElement;
      scroller.scrollTo(0, scroller.scrollHeight);
      return list.querySelector(`a[aria-label="${label}"]`) !== null;
    },
    `Conversation with ${name(CONVERSATIONS)}`,
    { polling: 'raf', timeout: 200_000 },
  );
  // Rows are measured as they are drawn (taller than estimated): the end settles once they are.
  await expect(async () => {
    await list.locator('..').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await expect(last).toBeInViewport({ timeout: 500 });
  }).toPass({ timeout: 10_000 });

  expect(await mostRows()).toBeLessThan(WINDOW_ROWS);
  const lastRow = rows.filter({ hasText: name(CONVERSATIONS) });
  await expect(lastRow).toHaveAttribute('aria-posinset', String(CONVERSATIONS));
  await expect(lastRow).toHaveAttribute('aria-setsize', String(CONVERSATIONS));
  await expect(list.getByRole('link', { name: `Conversation with ${name(1)}` })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Load older conversations' })).toHaveCount(0);

  // From the end of the list, k opens the first conversation: its row is scrolled to, and j the next.
  await page.keyboard.press('k');
  await expect(page).toHaveURL(/\/inbox\/[0-9a-f-]{36}$/);
  const first = list.getByRole('link', { name: `Conversation with ${name(1)}` });
  await expect(first).toBeInViewport();
  await expect(first).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('j');
  await expect(list.getByRole('link', { name: `Conversation with ${name(2)}` })).toHaveAttribute(
    'aria-current',
    'page',
  );
  expect(await mostRows()).toBeLessThan(WINDOW_ROWS);
});
