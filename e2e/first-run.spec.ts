// A newcomer's first run, as the owner's guide tells it: Meta credentials in a .env file, `npm
// start`, the guide's two curl tests, a look at every screen in development mode (hydration and
// dependency-reload trouble shows there only), and Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, sharedFolderFor } from '#dev/postgres.ts';
import { deliverWhileStopping } from './deliver-while-stopping.ts';
import { expect, test } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

// The guide's test POST, byte for byte.
const GUIDE_BODY = `{
    "object": "instagram",
    "entry": [{
      "id": "123456789",
      "time": 1234567890,
      "messaging": [{
        "sender": { "id": "test_user" },
        "recipient": { "id": "your_page_id" },
        "timestamp": 1234567890,
        "message": {
          "mid": "msg_123",
          "text": "Hello"
        }
      }]
    }]
  }`;

/** Output of a process, and a promise for the first line matching `pattern`. */
function collect(child: ChildProcess) {
  let output = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const take = (chunk: Buffer) => {
    output += String(chunk);
    for (const waiter of waiters.filter((w) => w.pattern.test(output))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return {
    text: () => output,
    until(pattern: RegExp): Promise<void> {
      if (pattern.test(output)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}:\n${output}`)));
      });
    },
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

test('npm start with the guide’s .env passes the guide’s curl tests, shows every screen cleanly, and stops on Ctrl-C', async ({
  page,
}) => {
  test.setTimeout(180_000); // a whole stack and a development server start from nothing
  const folder = await mkdtemp(path.join(tmpdir(), 'first-run-'));
  const verifyToken = randomBytes(32).toString('hex'); // as the guide generates it
  const appSecret = randomBytes(16).toString('hex');
  await writeFile(
    path.join(folder, '.env'),
    [
      `INSTAGRAM_APP_ID=1234567890${Date.now() % 100_000}`,
      `INSTAGRAM_APP_SECRET=${appSecret}`,
      `INSTAGRAM_VERIFY_TOKEN=${verifyToken}`,
      `NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN=${verifyToken}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const env = {
    ...process.env,
    ENV_FILE: path.join(folder, '.env'),
    LOCAL_DATA_DIR: path.join(folder, 'data'),
    PORT: String(port),
  };
  // A fresh clone has no pre-bundled dependencies yet.
  await rm(path.join(ROOT, 'node_modules', '.vite'), { recursive: true, force: true });
  // Its own process group, as a terminal runs it: Ctrl-C signals the whole group.
  const start = spawn(process.execPath, ['--import', 'tsx', 'dev/start.ts'], {
    cwd: ROOT,
    env,
    detached: true,
  });
  const output = collect(start);
  try {
    await output.until(/Press Ctrl-C to stop/);
    const app = `http://127.0.0.1:${port}`;
    expect(output.text()).toContain(`Webhook URL     ${app}/api/instagram/webhook`);
    expect(output.text()).toContain(`Verify token    ${verifyToken}`);

    // The guide's handshake, verbatim but for the host.
    const handshake = await fetch(
      `${app}/api/instagram/webhook?hub.mode=subscribe&hub.verify_token=${verifyToken}&hub.challenge=test_123`,
    );
    expect(await handshake.text()).toBe('test_123');
    // Its POST, signed as Meta would sign it (an unsigned one is refused: Meta always signs).
    const sign = spawn(
      process.execPath,
      ['--import', 'tsx', 'dev/meta/cli.ts', 'sign', '--body', GUIDE_BODY],
      {
        cwd: ROOT,
        env,
      },
    );
    const signature = collect(sign);
    expect(await exited(sign)).toBe(0);
    const post = (headers: Record<string, string>) =>
      fetch(`${app}/api/instagram/webhook`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: GUIDE_BODY,
      });
    const signed = await post({ 'X-Hub-Signature-256': signature.text().trim() });
    expect(await signed.json()).toEqual({ received: true });
    expect((await post({})).status).toBe(401);
    // A mobile client's bad token is refused as such, not a server error: the development server
    // runs two copies of server/ (Node's for the services, Vite's for the routes).
    const badToken = await fetch(`${app}/api/trpc/operator.me`, {
      headers: { Authorization: 'Bearer not-a-token' },
    });
    expect(badToken.status).toBe(401);

    // The demo operator looks at every screen; the fixture fails the test on any console error
    // or warning (React reports hydration mismatches as warnings in development).
    await page.goto(`${app}/sign-in`);
    await page.getByLabel('Email').fill('demo@example.com');
    await page.getByLabel('Password').fill('demo-inbox-2026');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/w\/[0-9a-f-]{36}\/inbox$/);
    await expect(page.getByRole('link', { name: /^Conversation with / })).toHaveCount(4);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const screen of ['Leads', 'Accounts', 'Health', 'Webhook test', 'Team', 'Settings', 'Inbox']) {
      await nav.getByRole('link', { name: screen }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(screen);
    }
    // Leads and Health rendered on the server, then hydrated.
    const workspace = page.url().replace(/\/inbox$/, '');
    for (const screen of ['leads', 'health']) {
      await page.goto(`${workspace}/${screen}`);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    }
    // The demo's history does not read as lag: its messages were delivered when they were said.
    const lag = page.locator('dt', { hasText: 'Meta → us p95' }).locator('xpath=following-sibling::dd[1]');
    await expect(lag).toHaveText(/^(\d+ ms|\d+(\.\d+)? s)$/);
    const [amount, unit] = (await lag.textContent())?.split(' ') ?? [];
    expect(Number(amount) * (unit === 's' ? 1000 : 1)).toBeLessThan(60_000);
    expect(output.text()).not.toMatch(/optimized dependencies changed|new dependencies optimized/);

    await page.goto('about:blank'); // a page left open would try to reconnect to the stopped dev server

    // Ctrl-C, with a webhook delivery in flight: it is still answered, everything stops in order,
    // one line is printed, and the exit code is 0.
    const before = output.text().length;
    const answer = deliverWhileStopping(port, appSecret, () =>
      process.kill(-(start.pid as number), 'SIGINT'),
    );
    expect(await answer).toBe(200);
    expect(await exited(start)).toBe(0);
    expect(output.text().slice(before)).toBe('Stopped.\n');
  } finally {
    if (start.exitCode === null) {
      process.kill(-(start.pid as number), 'SIGTERM'); // stops in order, PostgreSQL included
      await exited(start);
    }
    // As root, the cluster of a folder the postgres user cannot reach lives elsewhere.
    await rm(sharedFolderFor(path.join(folder, 'data')), { recursive: true, force: true });
    await rm(folder, { recursive: true, force: true });
  }
});
