// The .env file lies beneath the environment: what the environment sets wins, the file fills in
// the rest, an empty ENV_FILE reads nothing.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

let folder = '';
let file = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'load-env-file-'));
  file = path.join(folder, 'guide.env');
  await writeFile(
    file,
    '# as the owner\'s guide writes it\nINSTAGRAM_APP_ID=123456789\nINSTAGRAM_VERIFY_TOKEN="from the file"\n',
  );
});
afterAll(() => rm(folder, { recursive: true, force: true }));

/** What a process that loads the module sees, given `env`. */
function seen(env: Record<string, string>): Record<string, string | undefined> {
  const script = `await import(${JSON.stringify(path.join(import.meta.dirname, 'load-env-file.ts'))});
    console.log(JSON.stringify({ id: process.env.INSTAGRAM_APP_ID, token: process.env.INSTAGRAM_VERIFY_TOKEN }));`;
  // Run in the temporary folder, where a bare `tsx` would not resolve.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const environment: Record<string, string> = { PATH: process.env.PATH ?? '', ...env };
  const { stdout, stderr, status } = spawnSync(
    process.execPath,
    ['--import', tsx, '--input-type=module', '-e', script],
    { cwd: folder, env: environment as NodeJS.ProcessEnv, encoding: 'utf8' },
  );
  expect(status, stderr).toBe(0);
  return JSON.parse(stdout);
}

it('fills in what the environment does not set', () => {
  expect(seen({ ENV_FILE: file })).toEqual({ id: '123456789', token: 'from the file' });
});

it('keeps the environment’s value for a variable set in both', () => {
  expect(seen({ ENV_FILE: file, INSTAGRAM_APP_ID: '987654321' })).toEqual({
    id: '987654321',
    token: 'from the file',
  });
});

it('reads .env in the working folder by default, and nothing when ENV_FILE is empty', async () => {
  await writeFile(path.join(folder, '.env'), 'INSTAGRAM_APP_ID=555\n');
  expect(seen({})).toEqual({ id: '555' });
  expect(seen({ ENV_FILE: '' })).toEqual({});
});
