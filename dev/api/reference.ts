// The API reference, made from the router itself so that it cannot say anything the code does not:
// every procedure with its type, description (its JSDoc), access level (the base procedure it is
// built on, tRPC meta set in server/trpc/init.ts), the reasons it can be refused with, and its
// input and output as TypeScript and as JSON Schema (from its zod schemas). `npm run docs:api`
// writes it to docs/api/ as JSON and Markdown; the app serves both (/api/reference.json, /api/docs).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnyTRPCProcedure, AnyTRPCRouter } from '@trpc/server';
import { z } from 'zod';
import { ERROR_REASONS, type ErrorReason } from '#server/errors.ts';
import { LiveEventSchema } from '#server/realtime/live-event.schemas.ts';
import { ACCESS_LEVELS, type AccessLevel, type ProcedureMeta } from '#server/trpc/init.ts';
import { PROCEDURE_ERRORS } from '#server/trpc/procedure-errors.ts';
import { ROOT, type RouterTypes } from './router-types.ts';

export const API_TYPES_PACKAGE = path.join(ROOT, 'packages/api-types/package.json');
export const ENDPOINT = '/api/trpc';
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

type JsonSchema = Record<string, unknown>;

export interface TypeReference {
  /** As a TypeScript client sees it (what @direct-inbox/api-types declares). */
  typescript: string;
  /** As JSON Schema (draft 2020-12); null where the procedure declares no zod schema. */
  jsonSchema: JsonSchema | null;
}

/**
 * What a subscription yields, where its procedure declares no output schema of its own (a
 * subscription's output parser would have to take the whole stream): the stream's event schema.
 */
const EVENT_SCHEMAS: Record<string, unknown> = { 'live.events': LiveEventSchema };

export interface EventReference {
  /** The event's discriminant (`type`). */
  type: string;
  description: string;
  fields: string[];
}

export interface ProcedureReference {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  description: string;
  access: AccessLevel;
  /** Every reason the procedure can be refused with, in the order of the reasons table. */
  errors: ErrorReason[];
  /** null: the procedure takes no input. */
  input: TypeReference | null;
  output: TypeReference;
  /** A subscription's events, one per member of its union. */
  events?: EventReference[];
}

export interface ApiReference {
  package: string;
  version: string;
  endpoint: string;
  jsonSchemaDialect: string;
  accessLevels: { level: AccessLevel; description: string; errors: ErrorReason[] }[];
  reasons: { reason: ErrorReason; status: number; trpcCode: string; description: string; action: string }[];
  /** `error` in a failed call's JSON, as TypeScript. */
  errorShape: string;
  procedures: ProcedureReference[];
}

/** tRPC's name for each status a reason comes with. */
const TRPC_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'UNPROCESSABLE_CONTENT',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Zod types JSON Schema has no word for; their JSON Schema says so instead of saying nothing. */
const UNREPRESENTABLE = new Set([
  'transform',
  'custom',
  'date',
  'bigint',
  'symbol',
  'undefined',
  'void',
  'never',
  'map',
  'set',
  'function',
  'promise',
  'nan',
]);

function jsonSchemaOf(schema: unknown, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema as z.ZodType, {
    io,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const kind = (zodSchema as { _zod: { def: { type: string } } })._zod.def.type;
      if (UNREPRESENTABLE.has(kind)) {
        jsonSchema.description = `Not expressible in JSON Schema (zod ${kind}): see the TypeScript type.`;
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** A procedure's inputs (the base procedure's `workspaceId`, then its own) as one object. */
function mergeInputs(schemas: JsonSchema[]): JsonSchema {
  if (schemas.length === 1) return schemas[0] as JsonSchema;
  if (!schemas.every((schema) => schema.type === 'object')) return { allOf: schemas };
  const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
  for (const schema of schemas) {
    Object.assign(merged.properties as object, schema.properties);
    (merged.required as string[]).push(...((schema.required as string[] | undefined) ?? []));
    if ('additionalProperties' in schema) merged.additionalProperties = schema.additionalProperties;
  }
  return merged;
}

const REASON_ORDER = Object.keys(ERROR_REASONS) as ErrorReason[];

function errorsOf(
  procedurePath: string,
  meta: ProcedureMeta,
  input: JsonSchema | null,
  type: ProcedureReference['type'],
): ErrorReason[] {
  const reasons = new Set<ErrorReason>(ACCESS_LEVELS[meta.access].errors);
  if (input) {
    reasons.add('validation');
    const fields = Object.keys((input.properties as object | undefined) ?? {});
    if (fields.includes('cursor') || (type === 'subscription' && fields.includes('lastEventId'))) {
      reasons.add('invalid_cursor');
    }
  }
  for (const reason of [...(meta.errors ?? []), ...(PROCEDURE_ERRORS[procedurePath] ?? [])])
    reasons.add(reason);
  // Every procedure needs the database.
  reasons.add('unavailable');
  return REASON_ORDER.filter((reason) => reasons.has(reason));
}

export function apiTypesVersion(): { name: string; version: string } {
  const { name, version } = JSON.parse(readFileSync(API_TYPES_PACKAGE, 'utf8')) as {
    name: string;
    version: string;
  };
  return { name, version };
}

export function buildApiReference(
  router: AnyTRPCRouter,
  sources: { descriptions: Map<string, string>; types: RouterTypes },
): ApiReference {
  const undocumented: string[] = [];
  const procedures = Object.entries(router._def.procedures as Record<string, AnyTRPCProcedure>).map(
    ([procedurePath, procedure]): ProcedureReference => {
      const def = procedure._def as unknown as {
        type: ProcedureReference['type'];
        meta?: ProcedureMeta;
        inputs: unknown[];
        output?: unknown;
      };
      if (!def.meta?.access) {
        throw new Error(
          `${procedurePath} is not built on a procedure of server/trpc/init.ts (no access level)`,
        );
      }
      const printed = sources.types.procedures.get(procedurePath);
      if (!printed) throw new Error(`${procedurePath} has no printed types`);
      const description = def.meta.description ?? sources.descriptions.get(procedurePath);
      if (!description) undocumented.push(procedurePath);
      const input =
        def.inputs.length > 0 ? mergeInputs(def.inputs.map((schema) => jsonSchemaOf(schema, 'input'))) : null;
      const outputSchema = def.output ?? EVENT_SCHEMAS[procedurePath];
      const output = outputSchema === undefined ? null : jsonSchemaOf(outputSchema, 'output');
      return {
        path: procedurePath,
        type: def.type,
        description: description ?? '',
        access: def.meta.access,
        errors: errorsOf(procedurePath, def.meta, input, def.type),
        input: input ? { typescript: printed.input, jsonSchema: input } : null,
        output: { typescript: printed.output, jsonSchema: output },
        ...(def.type === 'subscription' && output ? { events: eventsOf(output) } : {}),
      };
    },
  );
  if (undocumented.length > 0) {
    throw new Error(
      `Describe these procedures with a /** … */ comment above them in their router: ${undocumented.join(', ')}`,
    );
  }
  const unknownPaths = Object.keys(PROCEDURE_ERRORS).filter((p) => !(p in router._def.procedures));
  if (unknownPaths.length > 0) {
    throw new Error(`server/trpc/procedure-errors.ts names no procedure at: ${unknownPaths.join(', ')}`);
  }
  const { name, version } = apiTypesVersion();
  return {
    package: name,
    version,
    endpoint: ENDPOINT,
    jsonSchemaDialect: DIALECT,
    accessLevels: Object.entries(ACCESS_LEVELS).map(([level, { description, errors }]) => ({
      level: level as AccessLevel,
      description,
      errors: [...errors],
    })),
    reasons: REASON_ORDER.map((reason) => {
      const { status, description, action } = ERROR_REASONS[reason];
      return { reason, status, trpcCode: TRPC_CODES[status] ?? String(status), description, action };
    }),
    errorShape: sources.types.errorShape,
    procedures,
  };
}

/** The members of an event union, by their `type`, with what each says of itself. */
function eventsOf(schema: JsonSchema): EventReference[] {
  const members = (schema.oneOf ?? schema.anyOf ?? [schema]) as JsonSchema[];
  return members.flatMap((member) => {
    const properties = (member.properties ?? {}) as Record<string, JsonSchema>;
    const type = properties.type?.const;
    if (typeof type !== 'string') return [];
    return [
      {
        type,
        description: typeof member.description === 'string' ? member.description : '',
        fields: Object.keys(properties).filter((field) => field !== 'type'),
      },
    ];
  });
}
