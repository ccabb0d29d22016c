// `npm run bench:size`: the JavaScript a browser downloads to open a page of the production build,
// gzipped as a server would send it: the entry, then every route module on the page and the chunks
// they import, each chunk counted once. The sign-in page is the baseline measured in the same run.
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

async function gzippedBytes(manifest: RemixManifest, routeId: string) {
  const files = new Set<string>();
  for (const entry of [manifest.entry, ...chain(manifest, routeId)]) {
    files.add(entry.module);
    for (const chunk of entry.imports ?? []) files.add(chunk);
  }
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = await readFile(path.join(CLIENT, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.size, raw, gzip };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

const manifest = await readManifest();
const baseline = await gzippedBytes(manifest, 'routes/sign-in');
const pages = {
  'inbox (list)': 'routes/w.$workspaceId.inbox._index',
  'inbox with a conversation open': 'routes/w.$workspaceId.inbox.$conversationId',
};
console.log('\nJavaScript per page, gzip (raw), every chunk once\n');
console.log(
  `  sign-in (baseline)              ${kb(baseline.gzip)} (${kb(baseline.raw)}), ${baseline.files} files`,
);
for (const [label, routeId] of Object.entries(pages)) {
  const size = await gzippedBytes(manifest, routeId);
  console.log(
    `  ${label.padEnd(31)} ${kb(size.gzip)} (${kb(size.raw)}), ${size.files} files — ${(size.gzip / baseline.gzip).toFixed(2)}× the baseline`,
  );
}
console.log();
