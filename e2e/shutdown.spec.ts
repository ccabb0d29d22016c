// A web server told to stop (SIGTERM, as on every deploy) takes no new connections, finishes the
// request in flight (here a webhook delivery whose body has not arrived yet), and exits 0.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { expect, test } from '@playwright/test';
import { freePort } from '#dev/postgres.ts';
import { startWebServer, waitForHttp } from '#dev/processes.ts';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';

/** True once nothing accepts connections on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('a web server told to stop finishes the request in flight, then exits 0', async () => {
  const port = await freePort();
  const env = { ...JSON.parse(process.env.E2E_SERVER_ENV as string), PORT: String(port) };
  const web = startWebServer(env);
  const exited = new Promise<number | null>((resolve) => web.once('exit', resolve));
  await waitForHttp(`http://127.0.0.1:${port}/sign-in`, web);

  const at = Date.now();
  const body = JSON.stringify({
    object: 'instagram',
    entry: [{ id: '17841400000000999', time: at, messaging: [] }],
  });
  const answer = new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/instagram/webhook',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'X-Hub-Signature-256': signWebhookBody(body, env.INSTAGRAM_APP_SECRET),
          // The server answers 100 Continue once it has the request: then it is in flight.
          Expect: '100-continue',
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.once('error', reject);
    request.once('continue', async () => {
      web.kill('SIGTERM');
      // The body arrives once the server has begun stopping (it no longer accepts connections).
      while (!(await refused(port))) await new Promise((r) => setTimeout(r, 20));
      request.end(body);
    });
    request.flushHeaders();
  });
  expect(await answer).toBe(200);
  expect(await exited).toBe(0);
});
