// The API reference is made from the router: each procedure's access level comes from the base
// procedure it is built on, its refusals from that level, its input and its own work, its schemas
// from its zod schemas, and what it is for from its comment; and the committed files are what
// the router makes now (the same comparison `npm run docs:api:check` makes).
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '#server/trpc/app.router.ts';
import type { ApiReference, ProcedureReference } from './reference.ts';
import { currentReference, REFERENCE_FILES, referenceFiles } from './reference-files.ts';

let reference: ApiReference;
const procedure = (path: string) => reference.procedures.find((p) => p.path === path) as ProcedureReference;

beforeAll(() => {
  reference = currentReference();
}, 120_000);

it('lists every procedure of the router, described', () => {
  expect(reference.procedures.map((p) => p.path)).toEqual(Object.keys(appRouter._def.procedures));
  for (const p of reference.procedures) expect(p.description, p.path).not.toBe('');
});

describe('who may call what', () => {
  it.each([
    ['operator.me', 'operator', 'query'],
    ['inbox.listConversations', 'member', 'query'],
    ['messages.send', 'member', 'mutation'],
    ['team.invite', 'admin', 'mutation'],
    ['live.events', 'member', 'subscription'],
  ])('%s is for a %s (%s)', (path, access, type) => {
    expect(procedure(path)).toMatchObject({ access, type });
  });

  it('gives each procedure the refusals of its level, its input and its own work', () => {
    expect(procedure('operator.me').errors).toEqual([
      'token_missing',
      'token_malformed',
      'token_invalid',
      'token_expired',
      'session_ended',
      'unavailable',
    ]);
    expect(procedure('team.invite').errors).toEqual(
      expect.arrayContaining(['not_a_member', 'role_required']),
    );
    expect(procedure('inbox.listConversations').errors).toContain('invalid_cursor');
    expect(procedure('live.events').errors).toContain('invalid_cursor');
    expect(procedure('messages.send').errors).toEqual(
      expect.arrayContaining([
        'validation',
        'window_closed',
        'account_needs_reconnect',
        'idempotency_key_reused',
      ]),
    );
    expect(procedure('inbox.listConversations').errors).not.toContain('role_required');
  });
});

it('gives inputs and outputs as TypeScript and JSON Schema, the base procedure’s workspaceId included', () => {
  const list = procedure('inbox.listConversations');
  expect(list.input?.jsonSchema).toMatchObject({
    type: 'object',
    properties: { workspaceId: { type: 'string', format: 'uuid' }, limit: { type: 'integer', default: 30 } },
    required: ['workspaceId'],
  });
  expect(list.input?.typescript).toMatch(/workspaceId: string;/);
  // A link the server computes (a transform) is still described: a string or null.
  expect(list.output.jsonSchema).toMatchObject({
    properties: { items: { items: { properties: { contactAvatar: { type: ['string', 'null'] } } } } },
  });
  expect(procedure('operator.me').input).toBeNull();
  expect(procedure('live.events').output.typescript).toMatch(/^AsyncIterable<\{\n {2}id: string;/);
});

it('documents every reason with its status and tRPC code', () => {
  expect(reference.reasons.find((r) => r.reason === 'window_closed')).toMatchObject({
    status: 422,
    trpcCode: 'UNPROCESSABLE_CONTENT',
  });
  expect(reference.errorShape).toMatch(/reason: ErrorReason;/);
});

it('is what docs/api/ holds (else run `npm run docs:api`)', async () => {
  const files = referenceFiles(reference);
  expect(await readFile(REFERENCE_FILES.json, 'utf8')).toBe(files.json);
  expect(await readFile(REFERENCE_FILES.markdown, 'utf8')).toBe(files.markdown);
});

it('the auth guide names only reasons the API gives', async () => {
  const guide = await readFile(new URL('../../docs/api/auth.md', import.meta.url), 'utf8');
  const named = [
    ...guide.matchAll(/^\| `([a-z_]+)` +\|/gm),
    ...guide.matchAll(/case '([a-z_]+)':/g),
    ...guide.matchAll(/reason !== '([a-z_]+)'/g),
  ]
    .map((match) => match[1] as string)
    .filter((word) => word !== 'reason'); // the table's header
  expect(named.length).toBeGreaterThan(8);
  const known = new Set(reference.reasons.map((r) => r.reason as string));
  expect(named.filter((reason) => !known.has(reason))).toEqual([]);
});
