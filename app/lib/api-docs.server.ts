// The API's documentation as pages of the app, for client developers: docs/api/*.md (the
// generated reference and the auth guide) rendered to HTML once per process. The pages stand
// alone: no script, no asset from anywhere, their style inline (the Content-Security-Policy
// allows inline styles and runs only the scripts a page was rendered with, here none).
import { Marked, type Tokens } from 'marked';
import authGuide from '../../docs/api/auth.md?raw';
import reference from '../../docs/api/reference.md?raw';
import { headingSlug } from './heading-slug.ts';

export const API_DOCS_PATHS = {
  reference: '/api/docs',
  auth: '/api/docs/auth',
  json: '/api/reference.json',
} as const;

/** The files link to each other by name; in the app each has its own path. */
const LINKED_FILES: Record<string, string> = {
  'reference.md': API_DOCS_PATHS.reference,
  'auth.md': API_DOCS_PATHS.auth,
  'reference.json': API_DOCS_PATHS.json,
};

const markdown = new Marked({
  gfm: true,
  walkTokens(token) {
    if (token.type !== 'link') return;
    const link = token as Tokens.Link;
    const [file = '', anchor] = link.href.split('#');
    const path = LINKED_FILES[file];
    if (path) link.href = anchor ? `${path}#${anchor}` : path;
  },
  renderer: {
    // Anchors as a code host makes them, so the files' own links work here too.
    heading({ tokens, depth, text }) {
      return `<h${depth} id="${headingSlug(text.replace(/`/g, ''))}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
    },
  },
});

const STYLE = `
  :root { color-scheme: light dark; --line: #8884; --code: #8881; }
  body { margin: 0; font: 16px/1.55 system-ui, sans-serif; }
  nav { position: sticky; top: 0; display: flex; gap: 1.25rem; padding: .75rem 1.5rem;
        border-bottom: 1px solid var(--line); background: Canvas; }
  nav a[aria-current] { font-weight: 600; text-decoration: none; }
  main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
  h1, h2, h3 { scroll-margin-top: 3.5rem; }
  h2 { margin-top: 2.5rem; border-bottom: 1px solid var(--line); }
  h3 { margin-top: 2rem; }
  code { font: .9em ui-monospace, monospace; background: var(--code); padding: .1em .3em; border-radius: 3px; }
  pre { background: var(--code); padding: .75rem 1rem; overflow-x: auto; border-radius: 6px; }
  pre code { background: none; padding: 0; }
  table { border-collapse: collapse; display: block; overflow-x: auto; }
  th, td { border: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
  details { margin: 1rem 0; }
  summary { cursor: pointer; }
`;

function page(title: string, current: keyof typeof API_DOCS_PATHS, body: string): string {
  const item = (key: keyof typeof API_DOCS_PATHS, label: string) =>
    `<a href="${API_DOCS_PATHS[key]}"${key === current ? ' aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<nav>${item('reference', 'API reference')}${item('auth', 'Auth guide')}${item('json', 'reference.json')}</nav>
<main>
${body}
</main>
</body>
</html>
`;
}

let rendered: { reference: string; auth: string } | undefined;

/** The reference's page (`/api/docs`) or the auth guide's (`/api/docs/auth`). */
export function apiDocsResponse(which: 'reference' | 'auth'): Response {
  rendered ??= {
    reference: page('Direct Inbox API reference', 'reference', markdown.parse(reference) as string),
    auth: page('Direct Inbox API: signing in and tokens', 'auth', markdown.parse(authGuide) as string),
  };
  return new Response(rendered[which], {
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'public, max-age=300' },
  });
}
