// `npm run docs:api`: writes the API reference (docs/api/reference.json and reference.md) from the
// router. `--verify` (`npm run docs:api:check`, part of `npm run check`) writes nothing and fails
// when the committed files differ from what the router says now.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { currentReference, REFERENCE_FILES, referenceFiles } from './reference-files.ts';
import { ROOT } from './router-types.ts';

const verify = process.argv.includes('--verify');
let files: Record<keyof typeof REFERENCE_FILES, string>;
try {
  files = referenceFiles(currentReference());
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const stale: string[] = [];
for (const [kind, file] of Object.entries(REFERENCE_FILES) as [keyof typeof REFERENCE_FILES, string][]) {
  const now = await readFile(file, 'utf8').catch(() => null);
  if (now === files[kind]) continue;
  if (verify) stale.push(path.relative(ROOT, file));
  else await writeFile(file, files[kind]);
}
if (stale.length > 0) {
  console.error(
    `${stale.join(' and ')} no longer match the router: run \`npm run docs:api\` and commit them.`,
  );
  process.exit(1);
}
console.log(verify ? 'The API reference is up to date.' : 'Wrote docs/api/reference.json and reference.md.');
