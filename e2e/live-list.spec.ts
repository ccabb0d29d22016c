// The conversation list kept current from live events by reading only the conversations they
// name: a long list, several pages loaded, sees a new conversation arrive on top, one from its
// second page move up with its new preview, and an archived one leave, without any of its pages
// being read again.
import type { Request } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  asSuperuser,
  connectFirstAccount,
  customerWrites,
  newCustomer,
  seedConversations,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const SEEDED = 80;
const name = (n: number) => `Customer ${String(n).padStart(5, '0')}`;

/** The list reads in a request: their inputs, batched or on their own. */
function listReadsIn(request: Request): Record<string, unknown>[] {
  const url = new URL(request.url());
  if (!url.pathname.startsWith('/api/trpc/')) return [];
  const input = JSON.parse(url.searchParams.get('input') ?? '{}');
  const paths = url.pathname.slice('/api/trpc/'.length).split(',');
  const batched = url.searchParams.get('batch') === '1';
  return paths.flatMap((path, index) =>
    path === 'inbox.listConversations' ? [batched ? input[index] : input] : [],
  );
}

test('a long list takes in new, moved and archived conversations without reading its pages again', async ({
  page,
}) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const account = uniqueUsername('long.list');
  await connectFirstAccount(page, account);
  // Newest first by number: 1 is on top, 45 on the second page of thirty.
  await seedConversations(workspaceId, SEEDED);
  await page.goto(`/w/${workspaceId}/inbox`);
  const list = page.getByTestId('conversation-list');
  const link = (n: number) => list.getByRole('link', { name: `Conversation with ${name(n)}` });
  await expect(link(1)).toBeVisible({ timeout: 15_000 });
  // The second page loaded: scrolled until its last row is drawn.
  await page.waitForFunction(
    (label) => {
      const list = document.querySelector('[data-testid="conversation-list"]') as HTMLElement;
      (list.parentElement as HTMLElement).scrollTo(0, list.scrollHeight);
      return list.querySelector(`a[aria-label="${label}"]`) !== null;
    },
    `Conversation with ${name(60)}`,
    { polling: 'raf', timeout: 20_000 },
  );
  await list.locator('..').evaluate((element) => element.scrollTo(0, 0));

  const firstRow = list.getByRole('listitem').first();

  // A customer's first message: a new conversation, on top. Once it is there the live channel is
  // joined, and what its join refetched has been read: from here on, only live events read.
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Hello from a new customer');
  await expect(firstRow).toContainText('Hello from a new customer', { timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  const reads: Record<string, unknown>[] = [];
  page.on('request', (request) => reads.push(...listReadsIn(request)));

  await customerWrites(page.request, account, customer, 'And a second message');
  await expect(firstRow).toContainText('And a second message', { timeout: 10_000 });

  // A conversation from the second page gets a message: it moves up, with its new preview.
  await asSuperuser(
    `update conversations set last_message_at = now(), last_message_preview = 'Moved up by a reply'
      where workspace_id = $1 and contact_identifier = 'seeded-45'`,
    [workspaceId],
  );
  await expect(firstRow).toContainText('Moved up by a reply', { timeout: 10_000 });
  await expect(firstRow).toContainText(name(45));

  // An archived conversation leaves the list.
  await asSuperuser(
    `update conversations set status = 'ARCHIVED' where workspace_id = $1 and contact_identifier = 'seeded-2'`,
    [workspaceId],
  );
  await expect(link(2)).toHaveCount(0, { timeout: 10_000 });
  await expect(link(3)).toBeVisible();

  // Every read of the list since then named the conversations it patched in.
  expect(reads.length).toBeGreaterThan(0);
  expect(
    reads.filter((input) => !input.ids),
    'pages of the list read again',
  ).toEqual([]);
});
