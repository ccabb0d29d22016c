// What each procedure is for, in the words of the comment above it in its router: the routers
// are read as source (from server/trpc/app.router.ts through the routers it imports), so a router
// documents a procedure the way it documents any code, with a /** … */ comment.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './router-types.ts';

const APP_ROUTER = path.join(ROOT, 'server/trpc/app.router.ts');

/** Path (`inbox.listConversations`) → the JSDoc text of its procedure, for those that have one. */
export function readProcedureDocs(entry = APP_ROUTER): Map<string, string> {
  const docs = new Map<string, string>();
  const files = new Map<string, ts.SourceFile>();
  const parse = (file: string) => {
    let source = files.get(file);
    if (!source) {
      source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      files.set(file, source);
    }
    return source;
  };

  /** The object literal a router is made of, wherever `name` is declared or imported from. */
  function routerObject(
    file: string,
    name: string,
  ): { file: string; object: ts.ObjectLiteralExpression } | null {
    const source = parse(file);
    for (const statement of source.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) {
          if (
            ts.isIdentifier(declaration.name) &&
            declaration.name.text === name &&
            declaration.initializer
          ) {
            const object = objectOf(declaration.initializer);
            return object ? { file, object } : null;
          }
        }
      }
      if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
        const bindings = statement.importClause?.namedBindings;
        if (!bindings || !ts.isNamedImports(bindings)) continue;
        const binding = bindings.elements.find((element) => element.name.text === name);
        const target = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
        if (binding && existsSync(target))
          return routerObject(target, (binding.propertyName ?? binding.name).text);
      }
    }
    return null;
  }

  function walk(file: string, object: ts.ObjectLiteralExpression, prefix: string) {
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
      const key = property.name.getText().replace(/^['"]|['"]$/g, '');
      const at = prefix ? `${prefix}.${key}` : key;
      const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
      const nested = ts.isIdentifier(value) ? routerObject(file, value.text) : null;
      const inline = objectOf(value);
      if (nested) walk(nested.file, nested.object, at);
      else if (inline) walk(file, inline, at);
      else {
        const text = jsDocText(property);
        if (text) docs.set(at, text);
      }
    }
  }

  const root = routerObject(entry, 'appRouter');
  if (!root) throw new Error(`no appRouter = router({…}) in ${entry}`);
  walk(root.file, root.object, '');
  return docs;
}

/** `router({…})`'s object, or an object literal itself (a nested group of procedures). */
function objectOf(expression: ts.Expression): ts.ObjectLiteralExpression | null {
  if (ts.isObjectLiteralExpression(expression)) return expression;
  if (
    ts.isCallExpression(expression) &&
    ts.isIdentifier(expression.expression) &&
    expression.expression.text === 'router' &&
    expression.arguments[0] &&
    ts.isObjectLiteralExpression(expression.arguments[0])
  ) {
    return expression.arguments[0];
  }
  return null;
}

/** The comment's text as one paragraph per blank-line-separated block. */
function jsDocText(node: ts.Node): string | null {
  const comments = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '');
  const text = comments
    .join('\n\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  return text || null;
}
