// The API reference as it stands in the code now, and the files docs/api/ holds of it.
import path from 'node:path';
import { appRouter } from '#server/trpc/app.router.ts';
import { readProcedureDocs } from './procedure-docs.ts';
import { type ApiReference, buildApiReference } from './reference.ts';
import { renderReferenceMarkdown } from './reference-markdown.ts';
import { printRouterTypes, ROOT } from './router-types.ts';

export const REFERENCE_FILES = {
  json: path.join(ROOT, 'docs/api/reference.json'),
  markdown: path.join(ROOT, 'docs/api/reference.md'),
};

export function currentReference(): ApiReference {
  const paths = Object.keys(appRouter._def.procedures);
  return buildApiReference(appRouter, { descriptions: readProcedureDocs(), types: printRouterTypes(paths) });
}

export function referenceFiles(reference: ApiReference): Record<keyof typeof REFERENCE_FILES, string> {
  return {
    json: `${JSON.stringify(reference, null, 2)}\n`,
    markdown: renderReferenceMarkdown(reference),
  };
}
