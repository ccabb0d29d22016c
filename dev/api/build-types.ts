// `npm run build:api-types [-- --out <folder>]`: builds the types package (packages/api-types/),
// its declarations made from the router as it is now; into another folder, the whole package.
// `--from-reference`: made from the committed docs/api/reference.json instead, without running the
// compiler over the router (a second instead of a quarter of a minute); `npm run check` holds that
// file to the router (docs:api:check), so in a passing check the two are the same. `npm run
// typecheck` builds it this way for the reference mobile client (examples/mobile-client/).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { API_TYPES_DIR, writeApiTypesPackage } from './api-types.ts';
import type { ApiReference } from './reference.ts';

const at = process.argv.indexOf('--out');
const dir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1] as string) : API_TYPES_DIR;
try {
  const reference: ApiReference = process.argv.includes('--from-reference')
    ? JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../docs/api/reference.json'), 'utf8'))
    : (await import('./reference-files.ts')).currentReference();
  const written = await writeApiTypesPackage(reference, dir);
  console.log(`Wrote ${path.relative(process.cwd(), written) || written}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
