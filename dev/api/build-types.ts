// `npm run build:api-types [-- --out <folder>]`: builds the types package (packages/api-types/),
// its declarations made from the router as it is now; into another folder, the whole package.
import path from 'node:path';
import { API_TYPES_DIR, writeApiTypesPackage } from './api-types.ts';
import { currentReference } from './reference-files.ts';

const at = process.argv.indexOf('--out');
const dir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1] as string) : API_TYPES_DIR;
try {
  const written = await writeApiTypesPackage(currentReference(), dir);
  console.log(`Wrote ${path.relative(process.cwd(), written) || written}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
