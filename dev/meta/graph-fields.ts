// Graph's `fields` parameter (§7): a comma list in which an edge may carry modifiers and fields of
// its own, `messages.limit(5){id,from},participants`. Parsed once into a tree, then used to pick
// a node's fields the way Graph does: in the order asked, `id` always, an unknown name refused with
// code 100, and a field without a value (no attachments on a text) left out rather than null.
import type { GraphCall } from './graph-api.ts';
import { type GraphHost, invalidParameter, nonexistingField } from './graph-errors.ts';

export interface FieldRequest {
  name: string;
  /** `.limit(5)` gives `{limit: '5'}`. */
  modifiers: Record<string, string>;
  /** The nested `{…}` list; null when none was given. */
  fields: FieldRequest[] | null;
}

/** An edge of a node (a listing such as `messages`): read with the request's modifiers and fields. */
export class Edge {
  constructor(readonly read: (request: FieldRequest) => unknown) {}
}

/** A node's fields by name: a value, undefined for a field this node has no value for, or an Edge. */
export type NodeFields = Record<string, unknown>;

const NAME = /[A-Za-z0-9_]/;

export function parseFields(text: string): FieldRequest[] {
  let at = 0;
  const fail = (): never => {
    throw invalidParameter(`Syntax error in fields at character ${at}: ${text}`);
  };
  const name = () => {
    const start = at;
    while (at < text.length && NAME.test(text[at] as string)) at++;
    if (at === start) fail();
    return text.slice(start, at);
  };
  const list = (): FieldRequest[] => {
    const requests: FieldRequest[] = [];
    for (;;) {
      while (text[at] === ' ') at++;
      const request: FieldRequest = { name: name(), modifiers: {}, fields: null };
      while (text[at] === '.') {
        at++;
        const modifier = name();
        if (text[at++] !== '(') fail();
        const close = text.indexOf(')', at);
        if (close === -1) fail();
        request.modifiers[modifier] = text.slice(at, close);
        at = close + 1;
      }
      if (text[at] === '{') {
        at++;
        request.fields = list();
        if (text[at++] !== '}') fail();
      }
      while (text[at] === ' ') at++;
      requests.push(request);
      if (text[at] !== ',') return requests;
      at++;
    }
  };
  const requests = list();
  if (at !== text.length) fail();
  return requests;
}

/** The inverse of parseFields, for the `fields` of a `next` link. */
export function formatFields(requests: FieldRequest[]): string {
  return requests
    .map(
      ({ name, modifiers, fields }) =>
        name +
        Object.entries(modifiers)
          .map(([modifier, value]) => `.${modifier}(${value})`)
          .join('') +
        (fields ? `{${formatFields(fields)}}` : ''),
    )
    .join(',');
}

/** Plain requests for these fields, as a `fields=a,b` without modifiers would give. */
export const fieldsNamed = (names: string[]): FieldRequest[] =>
  names.map((name) => ({ name, modifiers: {}, fields: null }));

/** The fields a call asks for, or `defaults` when it names none. */
export function requestedFields(call: GraphCall, defaults: string[]): FieldRequest[] {
  const text = call.args.fields;
  return typeof text === 'string' && text.trim() !== '' ? parseFields(text.trim()) : fieldsNamed(defaults);
}

/** Nested fields of a plain value: each item of a `{data: […]}` list, or the object itself. */
function pickNested(value: unknown, requests: FieldRequest[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.data))
    return { ...record, data: record.data.map((item) => pickNested(item, requests)) };
  const picked: Record<string, unknown> = {};
  for (const { name, fields } of requests) {
    if (record[name] !== undefined) picked[name] = fields ? pickNested(record[name], fields) : record[name];
  }
  return picked;
}

/** The requested fields of a node (plus `id`, which Graph always returns), in the order asked. */
export function pickFields(
  host: GraphHost,
  node: NodeFields,
  nodeType: string,
  requests: FieldRequest[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const request of [...requests, ...fieldsNamed(['id'])]) {
    if (!(request.name in node)) throw nonexistingField(host, request.name, nodeType);
    const value = node[request.name];
    if (value instanceof Edge) picked[request.name] = value.read(request);
    else if (value !== undefined)
      picked[request.name] = request.fields ? pickNested(value, request.fields) : value;
  }
  return picked;
}

/** `pickFields` for the call's `fields`, or `defaults` (only `id` unless given). */
export function selectFields(
  call: GraphCall,
  node: NodeFields,
  nodeType: string,
  defaults: string[] = ['id'],
): Record<string, unknown> {
  return pickFields(call.host, node, nodeType, requestedFields(call, defaults));
}
