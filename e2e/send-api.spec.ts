// The REST send (`POST /api/instagram/messages/send`) as an integration uses it: a customer writes
// to a connected account, and a reply addressed by the customer's Instagram id goes out through
// Meta's Send API (the simulator's) once, whatever the retries; Meta's refusals and the caller's
// mistakes come back as clear errors.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectAnotherAccount,
  connectFirstAccount,
  control,
  customerWrites,
  json,
  meta,
  newCustomer,
  sentTo,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const SEND = '/api/instagram/messages/send';

interface SendAnswer {
  success: boolean;
  messageId?: string;
  status?: string;
  error?: string;
  errorCode?: string | null;
  messages?: {
    id: string;
    kind: string;
    content: string;
    attachmentUrl: string | null;
    status: string;
    messagingTag: string | null;
  }[];
}

/** Waits until the worker ingested `count` conversations with the customer (the inbox's tRPC query). */
async function waitForConversations(page: Page, workspaceId: string, customer: string, count = 1) {
  const input = encodeURIComponent(JSON.stringify({ workspaceId }));
  await expect
    .poll(
      async () => {
        const response = await page.request.get(`/api/trpc/inbox.listConversations?input=${input}`);
        expect(response.ok(), await response.text()).toBe(true);
        const { result } = await json<{ result: { data: { items: { contactIdentifier: string }[] } } }>(
          response,
        );
        return result.data.items.filter((item) => item.contactIdentifier === customer).length;
      },
      { timeout: 10_000, message: `the DM from ${customer} reaches the inbox` },
    )
    .toBe(count);
}

/** An operator with one connected account, and a customer who wrote to it. */
async function conversationWithCustomer(page: Page) {
  const operator = await signUpWithWorkspace(page);
  const account = uniqueUsername('sender');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Hi, is the blue jacket still in stock?');
  await waitForConversations(page, operator.workspaceId, customer);
  return { operator, account, customer };
}

test.afterEach(async ({ request }) => {
  await request.delete(`${meta()}/control/faults`);
});

test('a REST reply is sent once, and a repeated request returns the same message', async ({ page }) => {
  const { customer } = await conversationWithCustomer(page);
  const text = 'Yes! Size M is in stock.';
  const request = () =>
    page.request.post(SEND, {
      headers: { 'Idempotency-Key': 'reply-jacket-0001' },
      data: { recipientId: customer, message: text },
    });

  const response = await request();
  const answer = await json<SendAnswer>(response);
  expect(response.status(), JSON.stringify(answer)).toBe(200);
  expect(response.headers()['cache-control']).toBe('no-store');
  expect(answer).toMatchObject({
    success: true,
    status: 'SENT',
    messages: [{ kind: 'text', content: text, status: 'SENT', messagingTag: null }],
  });
  expect(answer.messageId).toBe(answer.messages?.[0]?.id);
  const sent = await sentTo(page.request, customer);
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ text, attachment: null, tag: null });

  const again = await request();
  expect(again.status()).toBe(200);
  expect(await json<SendAnswer>(again)).toMatchObject({ success: true, messageId: answer.messageId });
  expect(await sentTo(page.request, customer)).toHaveLength(1);

  // The same key in the body works like the header; used for different content it is refused.
  const bodyKey = await page.request.post(SEND, {
    data: { recipientId: customer, message: text, idempotencyKey: 'reply-jacket-0001' },
  });
  expect(await json<SendAnswer>(bodyKey)).toMatchObject({ messageId: answer.messageId });
  const reused = await page.request.post(SEND, {
    headers: { 'Idempotency-Key': 'reply-jacket-0001' },
    data: { recipientId: customer, message: 'Something else' },
  });
  expect(reused.status()).toBe(409);
  expect(await sentTo(page.request, customer)).toHaveLength(1);
});

test('an integration sends with a bearer token and no cookies', async ({ page, playwright }) => {
  const { operator, customer } = await conversationWithCustomer(page);
  const api = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    const token = await api.post(`${process.env.E2E_SUPABASE_URL}/auth/v1/token?grant_type=password`, {
      headers: { apikey: process.env.E2E_SUPABASE_ANON_KEY as string },
      data: { email: operator.email, password: operator.password },
    });
    expect(token.ok(), await token.text()).toBe(true);
    const { access_token: accessToken } = await json<{ access_token: string }>(token);
    expect((await api.storageState()).cookies).toEqual([]);

    const response = await api.post(SEND, {
      headers: { Authorization: `Bearer ${accessToken}` },
      data: { recipientId: customer, message: 'Sent by our order system.' },
    });
    const answer = await json<SendAnswer>(response);
    expect(response.status(), JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ success: true, status: 'SENT' });
    expect((await sentTo(api, customer)).map((record) => record.text)).toEqual(['Sent by our order system.']);
  } finally {
    await api.dispose();
  }
});

// The token verifier belongs to the services app/server.ts builds from the sources, while the
// routes run from build/, which carries its own copy of server/errors.ts: AppError must be
// recognised across the two, or a bad token would be a 500.
test('a malformed or forged bearer token is 401, not a server error', async ({ playwright }) => {
  const api = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    for (const token of ['not-a-token', 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln']) {
      const response = await api.post(SEND, {
        headers: { Authorization: `Bearer ${token}` },
        data: { recipientId: '17841400000000000', message: 'Nope' },
      });
      expect(response.status(), `Bearer ${token}`).toBe(401);
      const trpc = await api.get('/api/trpc/operator.me', { headers: { Authorization: `Bearer ${token}` } });
      expect(trpc.status(), `tRPC with Bearer ${token}`).toBe(401);
    }
  } finally {
    await api.dispose();
  }
});

test('requests the API cannot take are refused with the reason', async ({ page, playwright }) => {
  const { customer } = await conversationWithCustomer(page);

  const anonymous = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    const response = await anonymous.post(SEND, { data: { recipientId: customer, message: 'Hello' } });
    expect(response.status()).toBe(401);
    expect(await json<SendAnswer>(response)).toMatchObject({ success: false, error: /Sign in first/ });
  } finally {
    await anonymous.dispose();
  }

  const form = await page.request.post(SEND, { form: { recipientId: customer, message: 'Hello' } });
  expect(form.status()).toBe(415);
  const text = await page.request.post(SEND, {
    headers: { 'Content-Type': 'text/plain' },
    data: JSON.stringify({ recipientId: customer, message: 'Hello' }),
  });
  expect(text.status()).toBe(415);
  expect(await json<SendAnswer>(text)).toMatchObject({ error: 'Send the request as application/json' });

  // A Buffer, so that Playwright sends the broken JSON as it is.
  const broken = await page.request.post(SEND, {
    headers: { 'Content-Type': 'application/json' },
    data: Buffer.from('{"recipientId": '),
  });
  expect(broken.status()).toBe(400);
  expect(await json<SendAnswer>(broken)).toMatchObject({ error: 'The body is not valid JSON' });

  const noRecipient = await page.request.post(SEND, { data: { message: 'Hello' } });
  expect(noRecipient.status()).toBe(400);
  expect((await json<SendAnswer>(noRecipient)).error).toMatch(/^recipientId: /);
  const blankRecipient = await page.request.post(SEND, { data: { recipientId: '  ', message: 'Hello' } });
  expect(blankRecipient.status()).toBe(400);
  expect((await json<SendAnswer>(blankRecipient)).error).toContain('recipientId is required');

  const stranger = await newCustomer(page.request);
  const unknown = await page.request.post(SEND, { data: { recipientId: stranger, message: 'Hello' } });
  expect(unknown.status()).toBe(400);
  expect((await json<SendAnswer>(unknown)).error).toBe(
    `No conversation with recipient ${stranger}: Instagram only allows replies to people who have written to the account.`,
  );

  const empty = await page.request.post(SEND, { data: { recipientId: customer, message: '  ' } });
  expect(empty.status()).toBe(400);
  expect((await json<SendAnswer>(empty)).error).toBe('Write a message or attach a file');

  expect(await sentTo(page.request, customer)).toEqual([]);
  expect(await sentTo(page.request, stranger)).toEqual([]);
});

test('a customer who wrote to two accounts needs accountId', async ({ page }) => {
  const { operator, account, customer } = await conversationWithCustomer(page);
  const second = uniqueUsername('outlet');
  await connectAnotherAccount(page, operator.workspaceId, second);
  await customerWrites(page.request, second, customer, 'And at the outlet store?');
  await waitForConversations(page, operator.workspaceId, customer, 2);

  const status = await json<{ accounts: { id: string; accountName: string; accountId: string }[] }>(
    await page.request.get(`/api/instagram/status?workspace=${operator.workspaceId}`),
  );
  const ours = (username: string) => {
    const found = status.accounts.find((a) => a.accountName === `@${username}`);
    if (!found) throw new Error(`@${username} is not connected: ${JSON.stringify(status)}`);
    return found;
  };

  const ambiguous = await page.request.post(SEND, { data: { recipientId: customer, message: 'Which one?' } });
  expect(ambiguous.status()).toBe(400);
  const { error } = await json<SendAnswer>(ambiguous);
  expect(error).toContain(
    `Recipient ${customer} talks to several of your accounts; say which with accountId`,
  );
  expect(error).toContain(`(accountId ${ours(account).id})`);
  expect(error).toContain(`(accountId ${ours(second).id})`);
  expect(await sentTo(page.request, customer)).toEqual([]);

  const chosen = await page.request.post(SEND, {
    data: { recipientId: customer, message: 'Yes, the outlet has it too.', accountId: ours(second).id },
  });
  expect(chosen.status(), await chosen.text()).toBe(200);
  // Instagram's id of the account names it as well.
  const byIgId = await page.request.post(SEND, {
    data: {
      recipientId: customer,
      message: 'And so does the main store.',
      accountId: ours(account).accountId,
    },
  });
  expect(byIgId.status(), await byIgId.text()).toBe(200);
  expect(
    (await sentTo(page.request, customer)).map(({ accountIgId, text }) => ({ accountIgId, text })),
  ).toEqual([
    { accountIgId: ours(second).accountId, text: 'Yes, the outlet has it too.' },
    { accountIgId: ours(account).accountId, text: 'And so does the main store.' },
  ]);
});

test("Meta's refusal comes back as 422 with the reason", async ({ page }) => {
  const { account, customer } = await conversationWithCustomer(page);
  await control(page.request, '/control/faults', {
    path: 'messages$',
    account,
    times: 1,
    error: { code: 200, subcode: 2534041 },
  });
  const response = await page.request.post(SEND, { data: { recipientId: customer, message: 'Hello?' } });
  const answer = await json<SendAnswer>(response);
  expect(response.status(), JSON.stringify(answer)).toBe(422);
  expect(answer).toMatchObject({
    success: false,
    status: 'FAILED',
    errorCode: '200/2534041',
    messages: [{ status: 'FAILED' }],
  });
  expect(answer.error).toContain('Allow access to messages');
  expect(await sentTo(page.request, customer)).toEqual([]);
});

test('text with an image URL is sent as the text, then the image', async ({ page }) => {
  const { customer } = await conversationWithCustomer(page);
  const url = 'https://cdn.example.test/catalog/blue-jacket.jpg';
  const response = await page.request.post(SEND, {
    data: { recipientId: customer, message: 'Here it is:', attachmentUrl: url },
  });
  const answer = await json<SendAnswer>(response);
  expect(response.status(), JSON.stringify(answer)).toBe(200);
  expect(answer).toMatchObject({
    success: true,
    status: 'SENT',
    messages: [
      { kind: 'text', content: 'Here it is:', status: 'SENT' },
      { kind: 'image', attachmentUrl: url, status: 'SENT' },
    ],
  });
  expect(answer.messageId).toBe(answer.messages?.[0]?.id);
  expect(
    (await sentTo(page.request, customer)).map(({ text, attachment }) => ({ text, attachment })),
  ).toEqual([
    { text: 'Here it is:', attachment: null },
    { text: null, attachment: { type: 'image', url } },
  ]);
});

test('a customer who last wrote more than 24 hours ago cannot be sent to by the API', async ({ page }) => {
  const operator = await signUpWithWorkspace(page);
  const account = uniqueUsername('late');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(
    page.request,
    account,
    customer,
    'Hello from yesterday',
    Date.now() - 25 * 60 * 60 * 1000,
  );
  await waitForConversations(page, operator.workspaceId, customer);

  const response = await page.request.post(SEND, { data: { recipientId: customer, message: 'Sorry!' } });
  const answer = await json<SendAnswer>(response);
  expect(response.status(), JSON.stringify(answer)).toBe(422);
  expect(answer.success).toBe(false);
  expect(answer.error).toMatch(/24 hours/);
  expect(await sentTo(page.request, customer)).toEqual([]);
});
