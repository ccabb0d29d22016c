// The API's TypeScript types as a client sees them, printed from the router's own type by the
// TypeScript compiler: each procedure's input and output, and the error shape, spelled out in full
// (no server type, kysely's or the database's, is named), so that they stand without the server.
// The API reference (docs/api/) shows them; packages/api-types/ is built from them.
import path from 'node:path';
import ts from 'typescript';
import { ERROR_REASONS } from '#server/errors.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const ROUTER = path.join(ROOT, 'server/trpc/app.router.ts');

export interface PrintedProcedure {
  input: string;
  output: string;
}

export interface RouterTypes {
  procedures: Map<string, PrintedProcedure>;
  /** The shape of `error` in a failed call (`TRPCClientError.shape`); its reason is an `ErrorReason`. */
  errorShape: string;
}

/** Names the printed types may use, imported from @trpc/server by whoever prints them. */
export const TRPC_TYPE_NAMES = ['TRPC_ERROR_CODE_KEY', 'TRPC_ERROR_CODE_NUMBER'] as const;

const FLAGS =
  ts.NodeBuilderFlags.NoTruncation |
  ts.NodeBuilderFlags.MultilineObjectLiterals |
  ts.NodeBuilderFlags.UseSingleQuotesForStringLiteralType |
  ts.NodeBuilderFlags.InTypeAlias |
  ts.NodeBuilderFlags.IgnoreErrors;

/**
 * `Expand` rewrites a type into plain object, array and literal types, so that the compiler
 * prints its members instead of the names of the server's aliases and interfaces; a subscription's
 * `AsyncIterable` keeps its name, with its items expanded.
 */
function entrySource(paths: string[]): string {
  const lines = [
    `import type { AppRouter } from ${JSON.stringify(ROUTER)};`,
    `import type { ${TRPC_TYPE_NAMES.join(', ')} } from '@trpc/server';`,
    'type Expand<T> = T extends AsyncIterable<infer Y, infer R, infer N>',
    '  ? AsyncIterable<Expand<Y>, Expand<R>, Expand<N>>',
    '  : T extends Date',
    '    ? T',
    '    : T extends readonly unknown[]',
    '      ? { [K in keyof T]: Expand<T[K]> }',
    '      : T extends object',
    '        ? { [K in keyof T]: Expand<T[K]> }',
    '        : T;',
    "type Record_ = AppRouter['_def']['record'];",
    "type Shape = AppRouter['_def']['_config']['$types']['errorShape'];",
    // tRPC's error codes keep their names: expanded, they would be a long union of literals.
    'export type ErrorShape = {',
    "  [K in keyof Shape]: K extends 'code'",
    '    ? TRPC_ERROR_CODE_NUMBER',
    "    : K extends 'data'",
    "      ? { [D in keyof Shape[K]]: D extends 'code' ? TRPC_ERROR_CODE_KEY : Expand<Shape[K][D]> }",
    '      : Expand<Shape[K]>;',
    '};',
  ];
  paths.forEach((procedurePath, index) => {
    const at = procedurePath
      .split('.')
      .map((key) => `[${JSON.stringify(key)}]`)
      .join('');
    lines.push(`export type Input${index} = Expand<Record_${at}['_def']['$types']['input']>;`);
    lines.push(`export type Output${index} = Expand<Record_${at}['_def']['$types']['output']>;`);
  });
  return lines.join('\n');
}

/** The printed types of the procedures at `paths` (appRouter._def.procedures' keys). */
export function printRouterTypes(paths: string[]): RouterTypes {
  const entry = path.join(ROOT, 'dev/api/.router-types-entry.ts');
  const source = entrySource(paths);
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.json cannot be read');
  // The entry exists only in memory.
  const host = ts.createCompilerHost(config.options);
  const { readFile, fileExists } = host;
  host.readFile = (file) => (path.resolve(file) === entry ? source : readFile.call(host, file));
  host.fileExists = (file) => path.resolve(file) === entry || fileExists.call(host, file);
  const program = ts.createProgram({ rootNames: [entry], options: config.options, host });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error('the entry was not compiled');
  const problems = ts.getPreEmitDiagnostics(program, file);
  if (problems.length > 0) {
    throw new Error(
      `The router's types cannot be printed:\n${ts.formatDiagnostics(problems, {
        getCanonicalFileName: (name) => name,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => '\n',
      })}`,
    );
  }
  const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, omitTrailingSemicolon: false });
  const printed = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    if (!(ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export)) continue;
    const type = checker.getTypeAtLocation(statement.name);
    const node = checker.typeToTypeNode(type, statement, FLAGS);
    if (!node) throw new Error(`${statement.name.text} cannot be printed`);
    const text = printer.printNode(ts.EmitHint.Unspecified, node, file);
    // A name from elsewhere would make the types depend on the server's modules.
    if (/\bimport\(/.test(text)) {
      throw new Error(`${statement.name.text} names a type of another module:\n${text}`);
    }
    printed.set(statement.name.text, indentWithSpaces(text));
  }
  const procedures = new Map<string, PrintedProcedure>();
  paths.forEach((procedurePath, index) => {
    procedures.set(procedurePath, {
      input: printed.get(`Input${index}`) as string,
      output: printed.get(`Output${index}`) as string,
    });
  });
  return { procedures, errorShape: namingReasons(printed.get('ErrorShape') as string) };
}

/** The error shape says `reason: ErrorReason`, which the reference and the types package spell out. */
function namingReasons(shape: string): string {
  const reasons = /reason: ((?:'[a-z_]+'(?: \| )?)+);/.exec(shape);
  const printed = new Set(reasons?.[1]?.split(' | ').map((reason) => reason.slice(1, -1)));
  const declared = Object.keys(ERROR_REASONS);
  if (!reasons || printed.size !== declared.length || !declared.every((reason) => printed.has(reason))) {
    throw new Error(`The error shape's reason is not ErrorReason:\n${shape}`);
  }
  return shape.replace(reasons[0], 'reason: ErrorReason;');
}

/** The printer indents by four; the project by two. */
function indentWithSpaces(text: string): string {
  return text.replace(/^( {4})+/gm, (indent) => ' '.repeat(indent.length / 2));
}
