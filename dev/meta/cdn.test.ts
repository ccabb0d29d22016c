// Picture URLs the simulator hands out resolve on the simulator itself, so the inbox can show
// them offline.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newMetaAppCredentials } from './app-credentials.ts';
import { type MetaSimulator, startMetaSimulator } from './simulator.ts';

let sim: MetaSimulator;

beforeAll(async () => {
  sim = await startMetaSimulator({ app: newMetaAppCredentials() });
});

afterAll(async () => {
  await sim.stop();
});

async function fetchPicture(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

it('serves the profile pictures and attachment URLs it generates, the same picture each time', async () => {
  const account = sim.addAccount({ username: 'pictures.shop' });
  const customer = sim.addCustomer({ username: 'with.picture' });
  const { mid } = sim.sendAttachments({
    account: account.username,
    customer: customer.username,
    attachments: [{ type: 'image' }],
  });
  const attachmentUrl = sim.thread(account.username, customer.username).messages.find((m) => m.mid === mid)
    ?.attachments[0]?.url as string;

  for (const url of [customer.profilePic as string, account.profilePictureUrl, attachmentUrl]) {
    expect(url.startsWith(sim.url)).toBe(true);
    const picture = await fetchPicture(url);
    expect(picture).toMatchObject({ status: 200, type: 'image/svg+xml' });
    expect(picture.body).toMatch(/^<svg /);
    expect((await fetchPicture(url)).body).toBe(picture.body);
  }
});

it('draws different URLs differently', async () => {
  // Fixed paths: the picture's colour comes from a hash of the URL, so two random URLs share one
  // by chance (1 in 256); these two are known not to.
  const [first, second] = await Promise.all(
    ['a.jpg', 'b.jpg'].map((name) => fetchPicture(`${sim.url}/scontent.cdninstagram.com/${name}`)),
  );
  expect(first?.body).toMatch(/^<svg /);
  expect(second?.body).not.toBe(first?.body);
});
