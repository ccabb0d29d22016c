// Operators type `%` and `_` as themselves; in a LIKE pattern they are wildcards unless escaped.

/** An (i)like pattern matching `text` anywhere, with its wildcard characters taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
