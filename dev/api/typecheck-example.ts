// `npm run typecheck`, first step: the reference mobile client (examples/mobile-client/) compiles
// against the built types package alone, as an app outside this repository would. It builds the
// package from the committed reference (docs/api/reference.json, which `npm run check` holds to
// the router), compiles the example with its own tsconfig, and fails on a type error or when any
// file of the server, the app or dev/ came into that compilation.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeApiTypesPackage } from './api-types.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/mobile-client');
const FORBIDDEN = ['server', 'app', 'dev'].map((dir) => `${path.join(ROOT, dir)}${path.sep}`);

try {
  await writeApiTypesPackage(JSON.parse(await readFile(path.join(ROOT, 'docs/api/reference.json'), 'utf8')));
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [tsc, '-p', EXAMPLE, '--listFiles', '--pretty', 'false'],
    {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((error: { stdout?: string }) => {
    // --listFiles prints the files as well: only the errors.
    const errors = (error.stdout ?? String(error))
      .split('\n')
      .filter((line) => !path.isAbsolute(line.trim()));
    throw new Error(
      `examples/mobile-client does not compile against @direct-inbox/api-types:\n${errors.join('\n')}`,
    );
  });
  const leaked = stdout
    .split('\n')
    .map((line) => path.resolve(line.trim()))
    .filter((file) => FORBIDDEN.some((dir) => file.startsWith(dir)));
  if (leaked.length > 0) {
    throw new Error(
      `examples/mobile-client reaches into the repository: ${leaked.map((f) => path.relative(ROOT, f)).join(', ')}`,
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
