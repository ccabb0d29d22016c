// `npm run bench:size`: the JavaScript a browser downloads to open a page of the production build,
// gzipped as a server would send it: the entry, then every route module on the page and the chunks
// they import, each chunk counted once; and apart, what those chunks load later with `import()`
// (Realtime, once the page is up), which the page downloads too. The sign-in page is the baseline
// measured in the same run; the inbox's pages are also held to the goal of issue 18 (150 kB).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestEntry {
  module: string;
  imports?: string[];
}

interface RemixManifest {
  entry: ManifestEntry;
  routes: Record<string, ManifestEntry & { parentId?: string }>;
}

const CLIENT = path.resolve('build/client');
/** The inbox's JavaScript, gzip, with the page (issue 18). */
const INBOX_GOAL_BYTES = 150 * 1024;

async function readManifest(): Promise<RemixManifest> {
  const file = (await readdir(path.join(CLIENT, 'assets'))).find((name) => /^manifest-.*\.js$/.test(name));
  if (!file) throw new Error('No Remix manifest in build/client/assets: run `npm run build` first.');
  const source = await readFile(path.join(CLIENT, 'assets', file), 'utf8');
  return JSON.parse(source.replace(/^window\.__remixManifest=/, '').replace(/;\s*$/, '')) as RemixManifest;
}

/** The route and its ancestors, root first: what Remix loads for a URL that ends at `routeId`. */
function chain(manifest: RemixManifest, routeId: string): ManifestEntry[] {
  const routes: ManifestEntry[] = [];
  for (let id: string | undefined = routeId; id; id = manifest.routes[id]?.parentId) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`No route ${id} in the manifest`);
    routes.unshift(route);
  }
  return routes;
}

/** The chunks `file` loads statically (`from"./x.js"`, `import"./x.js"`) and with `import()`. */
async function importsOf(file: string) {
  const source = await readFile(path.join(CLIENT, file), 'utf8');
  const dir = path.posix.dirname(file);
  const resolve = (match: RegExpMatchArray) => path.posix.join(dir, match[1] as string);
  return {
    static: [...source.matchAll(/(?:from|import)\s*"(\.\/[^"]+\.js)"/g)].map(resolve),
    lazy: [...source.matchAll(/import\(\s*"(\.\/[^"]+\.js)"\s*\)/g)].map(resolve),
  };
}

interface Size {
  files: number;
  raw: number;
  gzip: number;
}

async function sizeOf(files: Iterable<string>): Promise<Size> {
  const size = { files: 0, raw: 0, gzip: 0 };
  for (const file of files) {
    const bytes = await readFile(path.join(CLIENT, file));
    size.files += 1;
    size.raw += bytes.length;
    size.gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return size;
}

/** What the page loads with it, and what it loads after (not already loaded with it). */
async function pageBytes(manifest: RemixManifest, routeId: string) {
  const withPage = new Set<string>();
  for (const entry of [manifest.entry, ...chain(manifest, routeId)]) {
    withPage.add(entry.module);
    for (const chunk of entry.imports ?? []) withPage.add(chunk);
  }
  const later = new Set<string>();
  const pending = [...withPage];
  for (let file = pending.pop(); file; file = pending.pop()) {
    const imports = await importsOf(file);
    const next = withPage.has(file) ? imports.lazy : [...imports.static, ...imports.lazy];
    for (const chunk of next) {
      if (withPage.has(chunk) || later.has(chunk)) continue;
      later.add(chunk);
      pending.push(chunk);
    }
  }
  return { withPage: await sizeOf(withPage), later: await sizeOf(later) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const sizeText = (size: Size) =>
  `${kb(size.gzip)} (${kb(size.raw)}), ${size.files} file${size.files === 1 ? '' : 's'}`;

const manifest = await readManifest();
const baseline = await pageBytes(manifest, 'routes/sign-in');
const pages = {
  'inbox (list)': 'routes/w.$workspaceId.inbox._index',
  'inbox with a conversation open': 'routes/w.$workspaceId.inbox.$conversationId',
};
console.log('\nJavaScript per page, gzip (raw), every chunk once\n');
console.log(`  sign-in (baseline)              ${sizeText(baseline.withPage)}`);
const inbox: { label: string; withPage: number; later: number }[] = [];
for (const [label, routeId] of Object.entries(pages)) {
  const size = await pageBytes(manifest, routeId);
  console.log(
    `  ${label.padEnd(31)} ${sizeText(size.withPage)} — ${(size.withPage.gzip / baseline.withPage.gzip).toFixed(2)}× the baseline`,
  );
  if (size.later.files > 0) console.log(`  ${''.padEnd(31)} + ${sizeText(size.later)} after first paint`);
  inbox.push({ label, withPage: size.withPage.gzip, later: size.later.gzip });
}
console.log(`\nGoal: an inbox page's JavaScript ≤ ${kb(INBOX_GOAL_BYTES)} gzip (ratio ≤ 1.00)\n`);
for (const { label, withPage, later } of inbox) {
  console.log(
    `  ${label.padEnd(31)} with the page ${kb(withPage)}: ${(withPage / INBOX_GOAL_BYTES).toFixed(2)} of the goal; ` +
      `all of it ${kb(withPage + later)}: ${((withPage + later) / INBOX_GOAL_BYTES).toFixed(2)}`,
  );
}
console.log();
