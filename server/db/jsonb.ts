// The only way a value reaches a jsonb column: through the codec of that column.
//
// node-postgres serialises a JS array as a Postgres array literal ('{…}') and an object as JSON,
// so handing a value read back from jsonb (or built in code) straight to a jsonb parameter works
// for objects and fails for arrays, at run time, in whatever transaction it happens to be in.
// The generated column types therefore accept only `Jsonb<Column>`, a string that the column's
// codec validated and encoded; a raw value, or one codec's output given to another column, is a
// type error. Reads come back as `unknown` and are decoded by the same codec, which validates
// them (older rows included) instead of trusting a cast.
import type { ColumnType } from 'kysely';
import type { z } from 'zod';

declare const column: unique symbol;

/** JSON text encoded by the codec of `Column` ("table.column"). */
export type Jsonb<Column extends string> = string & { readonly [column]: Column };

/** A jsonb column as the generated types declare it: unknown when read, `Jsonb` when written. */
export type JsonbColumn<Column extends string> = ColumnType<unknown, Jsonb<Column>, Jsonb<Column>>;

export interface JsonbCodec<Column extends string, Value> {
  readonly column: Column;
  encode(value: Value): Jsonb<Column>;
  /** The stored value, validated; throws on a value that does not fit the column. */
  decode(stored: unknown): Value;
}

export function jsonbCodec<Column extends string, Value>(
  name: Column,
  schema: z.ZodType<Value, unknown>,
): JsonbCodec<Column, Value> {
  const parse = (value: unknown, direction: string) => {
    const result = schema.safeParse(value);
    if (!result.success) {
      // The path and the problem, never the value: it may hold a customer's message.
      const [issue] = result.error.issues;
      throw new Error(
        `${name}: cannot ${direction} (${issue?.path.join('.') || 'value'}: ${issue?.message})`,
      );
    }
    return result.data;
  };
  return {
    column: name,
    encode: (value) => JSON.stringify(parse(value, 'encode')) as Jsonb<Column>,
    decode: (stored) => parse(stored, 'decode'),
  };
}
