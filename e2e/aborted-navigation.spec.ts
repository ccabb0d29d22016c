// A page load replaced by another before its data finished arriving is not an error: the operator
// clicked on, and the browser console stays clean (docs/decisions/008). A proxy in front of the
// app holds the body of one loader response, so the first navigation is still reading it when the
// second one aborts it: the interleaving a live revalidation and a quick click produce by chance.
import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures.ts';
import { signUpWithWorkspace } from './journeys.ts';

/** Forwards everything to `target`; `holdNextData()` makes the next loader response stall after its headers. */
async function holdingProxy(target: string) {
  const upstream = new URL(target);
  let holdNext = false;
  const held: ServerResponse[] = [];
  let heldOne: () => void = () => {};
  const server = createServer((req, res) => {
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (holdNext && req.url?.includes('.data')) {
          holdNext = false;
          res.flushHeaders(); // the browser has a response and starts reading a body that never comes
          answer.resume();
          held.push(res);
          heldOne();
          return;
        }
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNextData(): Promise<void> {
      holdNext = true;
      return new Promise((resolve) => {
        heldOne = resolve;
      });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

test('a navigation replaced while its data is still arriving logs no error', async ({ page, baseURL }) => {
  const { workspaceId } = await signUpWithWorkspace(page);
  const proxy = await holdingProxy(baseURL as string);
  try {
    // The session cookie belongs to the host, so the operator is signed in through the proxy too.
    await page.goto(`${proxy.url}/w/${workspaceId}/inbox`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav).toBeVisible();

    const held = proxy.holdNextData();
    await nav.getByRole('link', { name: 'Leads' }).click();
    await held; // the Leads data has begun to arrive, and stalls
    await nav.getByRole('link', { name: 'Accounts' }).click();
    await expect(page).toHaveURL(`${proxy.url}/w/${workspaceId}/accounts`);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Accounts');
    await page.goto('about:blank'); // closing the proxy under the page would cut its requests
  } finally {
    await proxy.close();
  }
});
