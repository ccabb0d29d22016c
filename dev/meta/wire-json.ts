// JSON the way Meta puts it on the wire: every non-ASCII character as a lowercase \uXXXX escape
// (emoji as surrogate pairs) and "/" as "\/", as PHP's json_encode writes it. Meta signs exactly
// these bytes, so receivers that re-serialize instead of hashing the raw body fail to verify.

const ESCAPED = /[\u0080-\uffff/]/g;

export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(ESCAPED, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
