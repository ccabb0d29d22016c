// A web server told to stop (SIGTERM, as on every deploy) takes no new connections, finishes the
// request in flight (here a webhook delivery whose body has not arrived yet), and exits 0.
// (`npm start` is held to the same on Ctrl-C in first-run.spec.ts.)
import { expect, test } from '@playwright/test';
import { freePort } from '#dev/postgres.ts';
import { startWebServer, waitForHttp } from '#dev/processes.ts';
import { deliverWhileStopping } from './deliver-while-stopping.ts';

test('a web server told to stop finishes the request in flight, then exits 0', async () => {
  const port = await freePort();
  const env = { ...JSON.parse(process.env.E2E_SERVER_ENV as string), PORT: String(port) };
  const web = startWebServer(env);
  const exited = new Promise<number | null>((resolve) => web.once('exit', resolve));
  await waitForHttp(`http://127.0.0.1:${port}/sign-in`, web);

  const answer = deliverWhileStopping(port, env.INSTAGRAM_APP_SECRET, () => web.kill('SIGTERM'));
  expect(await answer).toBe(200);
  expect(await exited).toBe(0);
});
