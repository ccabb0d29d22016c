// The conversation view in Chromium: every kind of message a customer can send arrives through the
// simulator's webhooks and shows the way Instagram would show it (hearts, stickers, shared stories,
// the cards of a template the business sent, the ad or shop product a message came from, what
// arrived while another app handled the chat), stories past their day show an "expired"
// placeholder, and a long thread is virtualised and loads older pages as it scrolls.
import type { APIRequestContext, Locator } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  cdnPicture,
  connectFirstAccount,
  control,
  customerWrites,
  keepScreenshot,
  newCustomer,
  sentTo,
  signUpWithWorkspace,
  uniqueUsername,
} from './journeys.ts';

interface Sent {
  mid: string;
}

const DAY = 24 * 60 * 60 * 1000;

function customerEvents(request: APIRequestContext, account: string, customer: string) {
  return (kind: string, body: Record<string, unknown> = {}) =>
    control<Sent>(request, `/control/events/${kind}`, { account, customer, ...body });
}

test('every message kind is shown as Instagram shows it', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('kinds.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const send = customerEvents(page.request, account, customer);

  // Two days ago the customer mentioned the shop in a story: that story is gone by now.
  await send('attachments', { attachments: [{ type: 'story_mention' }], timestamp: Date.now() - 2 * DAY });
  await send('ad-referral', {
    text: 'Saw your ad, is the linen shirt in stock?',
    adId: '120210000000001',
    adsContextData: { ad_title: 'Spring linen' },
  });
  const question = await send('text', { text: 'Also, what sizes do you have?' });
  await send('attachments', { attachments: [{ type: 'image' }], text: 'Like this one' });
  await send('attachments', { attachments: [{ type: 'video' }] });
  await send('attachments', { attachments: [{ type: 'audio' }] });
  await send('attachments', { attachments: [{ type: 'file' }] });
  await send('attachments', { attachments: [{ type: 'ig_post', title: 'Linen shirt, sand' }] });
  await send('attachments', { attachments: [{ type: 'ig_reel', title: 'How we dye linen' }] });
  await send('attachments', { attachments: [{ type: 'story_mention' }] });
  await send('attachments', { attachments: [{ type: 'ephemeral' }] });
  await send('unsupported');
  await send('story-reply', { text: 'Love this colour!' });
  await send('reply', { text: 'M or L would do', replyToMid: question.mid });
  await send('reaction', { mid: question.mid, reaction: 'love' });
  const typo = await send('text', { text: 'Thnks!' });
  await send('edit', { mid: typo.mid, text: 'Thanks!' });
  const regret = await send('text', { text: 'Oops, wrong chat' });
  await send('unsend', { mid: regret.mid });
  await send('postback', { title: 'Talk to a person', payload: 'HUMAN' });
  await send('referral', { ref: 'summer-campaign', source: 'SHORTLINK' });
  await send('echo', { text: 'Replied from the phone app' });
  await customerWrites(page.request, account, customer, 'That is all, thank you');

  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('That is all, thank you', { timeout: 15_000 });
  // Folded in, whatever order Meta delivered them in.
  await expect(thread).toContainText('Thanks!', { timeout: 10_000 });
  await expect(thread).not.toContainText('Thnks!');
  await expect(thread).not.toContainText('Oops, wrong chat');
  await expect(thread).toContainText('Message unsent');
  await expect(thread).toContainText('Edited');

  const photo = thread.getByRole('img', { name: 'Photo' });
  await expect(photo).toBeVisible();
  await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(thread.getByLabel('Video')).toHaveAttribute('src', /^http/);
  await expect(thread.getByLabel('Voice message')).toHaveAttribute('src', /^http/);
  await expect(thread.getByRole('link', { name: 'Download file' })).toBeVisible();
  await expect(thread).toContainText('Shared a post');
  await expect(thread).toContainText('Linen shirt, sand');
  await expect(thread).toContainText('Shared a reel');
  await expect(thread).toContainText('How we dye linen');
  await expect(thread.getByRole('img', { name: 'Mentioned you in their story' })).toBeVisible();
  await expect(thread).toContainText('disappearing photo');
  await expect(thread).toContainText('does not share with apps');
  await expect(thread.getByRole('img', { name: 'Replied to your story' })).toBeVisible();
  await expect(thread).toContainText('Love this colour!');
  await expect(thread).toContainText('In reply to: Also, what sizes do you have?');
  await expect(thread).toContainText('Reactions: ❤️');
  await expect(thread).toContainText('Tapped “Talk to a person”');
  await expect(thread).toContainText('Opened the conversation from a link (ref “summer-campaign”)');
  await expect(thread.locator('[data-direction="OUTBOUND"]')).toContainText('Sent from Instagram');
  await keepScreenshot(page, 'conversation-kinds');

  // At the top of the thread: the ad the customer came from, and the story of two days ago, expired
  // and never requested.
  await thread.evaluate((element) => element.scrollTo(0, 0));
  await expect(thread).toContainText('From ad “Spring linen”');
  await expect(thread).toContainText('Story expired');
  await expect(thread.getByRole('img', { name: 'Mentioned you in their story' })).toHaveCount(1);
});

/** The picture has loaded (lazy pictures load once scrolled to). */
async function expectLoaded(picture: Locator) {
  await picture.scrollIntoViewIfNeeded();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
}

test('hearts, stickers, shared stories, template cards, ads, shop products and standby messages', async ({
  page,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('extras.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const send = customerEvents(page.request, account, customer);

  await send('ad-referral', {
    text: 'Is the shirt from your ad in stock?',
    adId: '120210000000077',
    adsContextData: {
      ad_title: 'Linen week',
      photo_url: cdnPicture('linen-week-ad'),
      post_id: '18000000000000555',
    },
  });
  await send('product-referral', { text: 'And this one?', productId: '7000000000000001' });
  await send('attachments', { attachments: [{ type: 'like_heart' }] });
  await send('attachments', { attachments: [{ type: 'image', stickerId: '369239263222822' }] });
  await send('attachments', { attachments: [{ type: 'ig_story', storyMediaId: '18000000000000321' }] });
  await send('echo', {
    attachments: [
      {
        type: 'template',
        elements: [
          {
            title: 'Linen shirt',
            subtitle: '€49, sand',
            image_url: cdnPicture('linen-shirt'),
            default_action: { type: 'web_url', url: 'https://shop.example/p/linen-shirt' },
            buttons: [
              { type: 'web_url', title: 'View in shop', url: 'https://shop.example/p/linen-shirt' },
              { type: 'postback', title: 'Ask a stylist', payload: 'STYLIST' },
            ],
          },
          { title: 'Linen trousers', subtitle: '€59, olive' },
        ],
      },
    ],
  });
  // Another app (a chatbot) controls the thread: Meta sends the tap on standby, without its payload.
  await send('postback', { title: 'Talk to a person', payload: 'HUMAN', standby: true });
  await customerWrites(page.request, account, customer, 'Thank you!');

  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Thank you!', { timeout: 15_000 });

  await expect(thread.getByRole('img', { name: 'Heart' })).toBeVisible();
  await expectLoaded(thread.getByRole('img', { name: 'Sticker' }));
  // A sticker is not a photo: no frame to open it in.
  await expect(
    thread.getByRole('link').filter({ has: page.getByRole('img', { name: 'Sticker' }) }),
  ).toHaveCount(0);
  // The shared story's media comes from its story_media_url.
  await expectLoaded(thread.getByRole('img', { name: 'Shared a story' }));

  const cards = thread.getByRole('list', { name: 'Template cards' });
  await expect(cards.getByRole('listitem')).toHaveCount(2);
  const shirt = cards.getByRole('listitem').filter({ hasText: 'Linen shirt' });
  await expect(shirt).toContainText('€49, sand');
  await expectLoaded(shirt.getByRole('img', { name: 'Linen shirt' }));
  const view = shirt.getByRole('link', { name: 'View in shop' });
  await expect(view).toHaveAttribute('href', 'https://shop.example/p/linen-shirt');
  await expect(view).toHaveAttribute('target', '_blank');
  await expect(view).toHaveAttribute('rel', 'noreferrer');
  // A postback button was the customer's to tap; here it only shows what was offered.
  await expect(shirt.getByText('Ask a stylist')).toBeVisible();
  await expect(shirt.getByRole('link', { name: 'Ask a stylist' })).toHaveCount(0);
  await expect(shirt.getByRole('button', { name: 'Ask a stylist' })).toHaveCount(0);
  await expect(cards.getByRole('listitem').filter({ hasText: 'Linen trousers' })).toContainText('€59, olive');

  await expect(thread).toContainText('Tapped “Talk to a person”');
  await expect(thread).toContainText('received while another app handled this chat');
  await expect(thread.getByText('received while another app handled this chat')).toHaveCount(1);
  await keepScreenshot(page, 'conversation-extras');

  // At the top: the ad the customer answered, with its picture and post, and the product they asked about.
  await thread.evaluate((element) => element.scrollTo(0, 0));
  await expect(thread).toContainText('From ad “Linen week”');
  await expect(thread).toContainText('Post 18000000000000555');
  await expectLoaded(thread.getByRole('img', { name: 'Ad “Linen week”' }));
  await expect(thread).toContainText('Asked about shop product 7000000000000001');
});

test('a long thread keeps few messages in the page and loads older ones as it scrolls', async ({ page }) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('long.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  const start = Date.now() - 60 * 60 * 1000;
  for (let i = 1; i <= 150; i += 1) {
    await customerWrites(page.request, account, customer, `Message number ${i}`, start + i * 1000);
  }

  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Message number 150', { timeout: 20_000 });
  const rendered = thread.locator('[data-direction]');
  expect(await rendered.count()).toBeLessThan(40);
  await expect(thread.getByText('Message number 1', { exact: true })).toHaveCount(0);

  // Scrolling up pages back to the first message (three pages of fifty).
  await expect(async () => {
    await thread.evaluate((element) => element.scrollTo(0, 0));
    await expect(thread).toContainText('Beginning of the conversation', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await thread.evaluate((element) => element.scrollTo(0, 0));
  await expect(thread.getByText('Message number 1', { exact: true })).toBeVisible();
  expect(await rendered.count()).toBeLessThan(40);
  await keepScreenshot(page, 'conversation-long-thread');
});

test('the composer sends a picture by its link with the text, and refuses a link Instagram would not take', async ({
  page,
  browserErrors,
}) => {
  await signUpWithWorkspace(page);
  const account = uniqueUsername('attach.shop');
  await connectFirstAccount(page, account);
  const customer = await newCustomer(page.request);
  await customerWrites(page.request, account, customer, 'Can I see the shirt?');
  await page.getByRole('link', { name: /^Conversation with / }).click();
  const thread = page.getByTestId('thread');
  await expect(thread).toContainText('Can I see the shirt?', { timeout: 10_000 });

  // Expected failed loads: the refused send answers 400, and the shop's image host is out of this
  // machine's reach (the thread shows a placeholder for it).
  browserErrors.allow(/Failed to load resource/);
  await page.getByRole('button', { name: 'Attach' }).click();
  await page.getByLabel('Attachment URL').fill('http://shop.example/linen-shirt.jpg');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('alert')).toContainText('https');
  expect(await sentTo(page.request, customer)).toEqual([]);

  const url = 'https://images.shop.example/linen-shirt.jpg';
  await page.getByLabel('Attachment URL').fill(url);
  await page.getByLabel('Reply').fill('Here it is, in sand');
  await page.getByRole('button', { name: 'Send' }).click();
  const replies = thread.locator('[data-direction="OUTBOUND"]');
  await expect(replies).toHaveCount(2, { timeout: 10_000 });
  await expect(replies.first()).toContainText('Here it is, in sand');
  await expect(replies.last()).toContainText('Sent', { timeout: 10_000 });
  await expect
    .poll(async () => (await sentTo(page.request, customer)).map((s) => s.text ?? s.attachment))
    .toEqual(['Here it is, in sand', { type: 'image', url }]);
  await expect(page.getByRole('button', { name: 'Attach' })).toBeVisible();
});
