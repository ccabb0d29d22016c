// Nested Graph parameters. Graph takes them as JSON in a JSON body, or as JSON strings in a query
// or form body (Meta's curl samples post `recipient={"id":"…"}` form-encoded); both read the same.
import { invalidParameter } from './graph-errors.ts';

function parsed(value: unknown, name: string, kind: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw invalidParameter(`param ${name} must be a JSON ${kind}`);
  }
}

/** A JSON object parameter; undefined when absent. */
export function objectArg(value: unknown, name: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const object = parsed(value, name, 'object');
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw invalidParameter(`param ${name} must be a JSON object`);
  }
  return object as Record<string, unknown>;
}

/** A JSON array parameter; undefined when absent. */
export function arrayArg(value: unknown, name: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  const array = parsed(value, name, 'array');
  if (!Array.isArray(array)) throw invalidParameter(`param ${name} must be a JSON array`);
  return array;
}
