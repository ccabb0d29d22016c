// The types package (packages/api-types/): one declaration file made from the API reference,
// whose types the compiler printed from the router in full. It imports @trpc/server's types and
// nothing else, so a client compiles against it without the server, its database or its keys.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ApiReference, ProcedureReference } from './reference.ts';
import { ROOT, TRPC_TYPE_NAMES } from './router-types.ts';

export const API_TYPES_DIR = path.join(ROOT, 'packages/api-types');

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

function docComment(lines: string[], by: string): string {
  const body = lines
    .join('\n\n')
    .split('\n')
    .map((line) => (line ? `${by} * ${line.replace(/\*\//g, '*\\/')}` : `${by} *`));
  return [`${by}/**`, ...body, `${by} */`].join('\n');
}

const PROCEDURE_TYPES = {
  query: 'TRPCQueryProcedure',
  mutation: 'TRPCMutationProcedure',
  subscription: 'TRPCSubscriptionProcedure',
} as const;

interface Tree {
  [key: string]: Tree | ProcedureReference;
}

function treeOf(procedures: ProcedureReference[]): Tree {
  const tree: Tree = {};
  for (const procedure of procedures) {
    const keys = procedure.path.split('.');
    let node = tree;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Tree;
    }
    node[keys.at(-1) as string] = procedure;
  }
  return tree;
}

const isProcedure = (node: Tree | ProcedureReference): node is ProcedureReference =>
  typeof (node as ProcedureReference).path === 'string';

function renderTree(tree: Tree, reference: ApiReference, by: string): string {
  const members = Object.entries(tree).map(([key, node]) => {
    if (!isProcedure(node)) return `${by}${key}: {\n${renderTree(node, reference, `${by}  `)}\n${by}};`;
    const access = reference.accessLevels.find((level) => level.level === node.access);
    const doc = docComment(
      [
        node.description,
        `Access: ${access?.description ?? node.access}`,
        `Refused with: ${node.errors.map((reason) => `\`${reason}\``).join(', ')}.`,
      ],
      by,
    );
    const inner = `${by}  `;
    const definition = [
      `input: ${indent(node.input?.typescript ?? 'void', inner)};`,
      `output: ${indent(node.output.typescript, inner)};`,
      'meta: object;',
    ]
      .map((line) => `${inner}${line}`)
      .join('\n');
    return `${doc}\n${by}${key}: ${PROCEDURE_TYPES[node.type]}<{\n${definition}\n${by}}>;`;
  });
  return members.join('\n');
}

/** index.d.ts of the types package. */
export function renderApiTypes(reference: ApiReference): string {
  const reasons = reference.reasons.map(
    ({ reason, status, description, action }) =>
      `${docComment([`HTTP ${status}. ${description}`, `What to do: ${action}`], '  ')}\n  | '${reason}'`,
  );
  const declare = (doc: string, declaration: string) => `${docComment([doc], '')}\n${declaration}`;
  return `${[
    `// ${reference.package} ${reference.version}: the Direct Inbox API's types, for its clients.\n// Generated from the server's router by \`npm run build:api-types\`: do not edit.`,
    `import type {\n  inferRouterInputs,\n  inferRouterOutputs,\n${TRPC_TYPE_NAMES.map((name) => `  ${name},\n`).join('')}  TRPCBuiltRouter,\n  TRPCMutationProcedure,\n  TRPCQueryProcedure,\n  TRPCSubscriptionProcedure,\n} from '@trpc/server';`,
    declare(
      'The version of the API these types describe; the README says what a change of it means.',
      `export type ApiVersion = '${reference.version}';`,
    ),
    declare(
      'Why a call was refused: `error.data.reason` of a `TRPCClientError<AppRouter>` (the REST endpoints: `reason`). Stable within a major version; branch on it, never on `message`.',
      `export type ErrorReason =\n${reasons.join('\n')};`,
    ),
    declare(
      'Who may call a procedure: each says which in its comment.',
      `export type AccessLevel = ${reference.accessLevels.map(({ level }) => `'${level}'`).join(' | ')};`,
    ),
    declare(
      "`error` of a failed call (`TRPCClientError<AppRouter>['shape']`).",
      `export type ErrorShape = ${reference.errorShape};`,
    ),
    declare(
      `The API's router, for \`createTRPCClient<AppRouter>()\` (tRPC over HTTP at \`${reference.endpoint}\`, plain JSON: no transformer).`,
      `export type AppRouter = TRPCBuiltRouter<\n  { ctx: object; meta: object; errorShape: ErrorShape; transformer: false },\n  {\n${renderTree(treeOf(reference.procedures), reference, '    ')}\n  }\n>;`,
    ),
    declare(
      "Each procedure's input, by path: `RouterInputs['inbox']['listConversations']`.",
      'export type RouterInputs = inferRouterInputs<AppRouter>;',
    ),
    declare(
      "Each procedure's output, by path: `RouterOutputs['inbox']['listConversations']`.",
      'export type RouterOutputs = inferRouterOutputs<AppRouter>;',
    ),
  ].join('\n\n')}\n`;
}

/**
 * The package in `dir`: its package.json and README (copied, unless `dir` is the package's own
 * folder) and dist/index.d.ts.
 */
export async function writeApiTypesPackage(reference: ApiReference, dir = API_TYPES_DIR): Promise<string> {
  await mkdir(path.join(dir, 'dist'), { recursive: true });
  if (path.resolve(dir) !== API_TYPES_DIR) {
    for (const file of ['package.json', 'README.md']) {
      await copyFile(path.join(API_TYPES_DIR, file), path.join(dir, file));
    }
  }
  const declarations = path.join(dir, 'dist/index.d.ts');
  await writeFile(declarations, renderApiTypes(reference));
  return declarations;
}
