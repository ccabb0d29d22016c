// Rich replies from the composer, in Chromium: an operator sends a carousel of cards and a text
// with quick replies; both reach the customer exactly as built (the simulator's Send API records);
// the customer taps a quick reply and a card's postback button (the simulator's control API, as
// Instagram would report the taps), and the operator sees each choice come back in the thread;
// then a PDF goes out by its link.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  newCustomer,
  sentTo,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

const outbound = (page: Page) => page.getByTestId('thread').locator('[data-direction="OUTBOUND"]');

test('an operator sends cards and quick replies; the customer’s taps come back into the thread', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('rich.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Hi! What do you have in linen?');
  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('What do you have in linen?', { timeout: 10_000 });

  // A carousel of two cards, built in the composer.
  await page.getByRole('button', { name: 'Cards' }).click();
  await expect(page.getByRole('note')).toContainText('not shown on Instagram on desktop');
  await page.getByLabel('Card 1 title', { exact: true }).fill('Linen shirt');
  await page.getByLabel('Card 1 subtitle', { exact: true }).fill('€49 · 3 colours');
  await page.getByLabel('Card 1 link', { exact: true }).fill('https://shop.example.com/p/1');
  await page.getByRole('button', { name: 'Add button' }).click();
  await page.getByLabel('Card 1 button 1 title', { exact: true }).fill('Reserve one');
  await page.getByLabel('Card 1 button 1 payload', { exact: true }).fill('RESERVE_SHIRT');
  await page.getByRole('button', { name: 'Add button' }).click();
  await page.getByLabel('Card 1 button 2 kind', { exact: true }).selectOption('web_url');
  await page.getByLabel('Card 1 button 2 title', { exact: true }).fill('View');
  await page.getByLabel('Card 1 button 2 URL', { exact: true }).fill('https://shop.example.com/p/1');
  await page.getByRole('button', { name: 'Add card' }).click();
  await page.getByLabel('Card 2 title', { exact: true }).fill('Linen trousers');
  await page.getByLabel('Card 2 subtitle', { exact: true }).fill('€69');
  await keepScreenshot(page, 'rich-replies-cards-form');
  await page.getByRole('button', { name: 'Send', exact: true }).click();

  const carousel = outbound(page).filter({ has: page.getByRole('list', { name: 'Template cards' }) });
  await expect(carousel).toContainText('Sent', { timeout: 10_000 });
  await expect(carousel.getByRole('listitem')).toHaveText([
    /Linen shirt.*€49 · 3 colours.*Reserve one.*View/,
    /Linen trousers.*€69/,
  ]);
  // The form is cleared once the reply is queued.
  await expect(page.getByRole('note')).toHaveCount(0);

  // A text with two quick replies (the second's payload is its title).
  await page.getByLabel('Reply').fill('Would you like to come by?');
  await page.getByRole('button', { name: 'Quick replies' }).click();
  await page.getByLabel('Quick reply 1 title').fill('Book a visit');
  await page.getByLabel('Quick reply 1 payload').fill('BOOK_VISIT');
  await page.getByRole('button', { name: 'Add quick reply' }).click();
  await page.getByLabel('Quick reply 2 title').fill('Not now');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const question = outbound(page).filter({ hasText: 'Would you like to come by?' });
  await expect(question).toContainText('Sent', { timeout: 10_000 });
  await expect(question.getByRole('list', { name: 'Quick replies' }).getByRole('listitem')).toHaveText([
    'Book a visit',
    'Not now',
  ]);

  // Meta received exactly what was built, once each.
  const sent = await sentTo(page.request, customer);
  expect(sent.map((record) => record.message)).toEqual([
    {
      attachment: {
        type: 'template',
        payload: {
          template_type: 'generic',
          elements: [
            {
              title: 'Linen shirt',
              subtitle: '€49 · 3 colours',
              default_action: { type: 'web_url', url: 'https://shop.example.com/p/1' },
              buttons: [
                { type: 'postback', title: 'Reserve one', payload: 'RESERVE_SHIRT' },
                { type: 'web_url', title: 'View', url: 'https://shop.example.com/p/1' },
              ],
            },
            { title: 'Linen trousers', subtitle: '€69' },
          ],
        },
      },
    },
    {
      text: 'Would you like to come by?',
      quick_replies: [
        { content_type: 'text', title: 'Book a visit', payload: 'BOOK_VISIT' },
        { content_type: 'text', title: 'Not now', payload: 'Not now' },
      ],
    },
  ]);
  const cardMid = sent[0]?.mid as string;

  // The customer taps a quick reply, then the first card's postback button.
  await control(page.request, '/control/events/tap-quick-reply', {
    account,
    customer,
    payload: 'BOOK_VISIT',
  });
  const choice = thread.locator('[data-direction="INBOUND"]').filter({ hasText: 'Tapped a quick reply' });
  await expect(choice).toContainText('Book a visit', { timeout: 10_000 });
  await control(page.request, '/control/events/tap-button', {
    account,
    customer,
    mid: cardMid,
    element: 0,
    button: 0,
  });
  await expect(thread.getByText('Tapped “Reserve one”')).toBeVisible({ timeout: 10_000 });

  // A PDF by its link, through the same Attach field as any file.
  await page.getByRole('button', { name: 'Attach' }).click();
  await page.getByLabel('Attachment URL').fill('https://shop.example.com/visit-guide.pdf');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  const pdf = outbound(page).filter({ has: page.getByRole('link', { name: 'Download file' }) });
  await expect(pdf).toContainText('Sent', { timeout: 10_000 });
  expect((await sentTo(page.request, customer)).at(-1)?.message).toEqual({
    attachment: { type: 'file', payload: { url: 'https://shop.example.com/visit-guide.pdf' } },
  });
  await keepScreenshot(page, 'rich-replies-thread');
});
