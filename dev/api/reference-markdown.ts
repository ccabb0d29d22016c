// docs/api/reference.md: the API reference (reference.ts) for people, as Markdown that reads the
// same on a code host and in the app (/api/docs renders it). Everything below comes from the
// reference; the only words written here are how the tRPC wire works, which is tRPC's.
import { headingSlug } from '#app/lib/heading-slug.ts';
import type { ApiReference, ProcedureReference } from './reference.ts';

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const link = (text: string, heading: string) => `[${text}](#${headingSlug(heading)})`;
const fence = (language: string, body: string) => `\`\`\`${language}\n${body}\n\`\`\``;

const ACCESS_NAMES: Record<string, string> = {
  public: 'public',
  operator: 'signed-in operator',
  member: 'workspace member',
  admin: 'workspace owner or admin',
};

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** What a subscription yields, without the AsyncIterable around it. */
function yielded(output: string): string {
  const match = /^AsyncIterable<([\s\S]*), [^,]+, [^,]+>$/.exec(output);
  return match?.[1] ?? output;
}

function procedureSection(procedure: ProcedureReference): string {
  const parts = [
    `### ${code(procedure.path)}`,
    `**${procedure.type}** · ${link(ACCESS_NAMES[procedure.access] ?? procedure.access, 'Who may call what')}`,
    procedure.description,
    `**Refused with:** ${procedure.errors.map((reason) => link(code(reason), reason)).join(', ')}`,
    '**Input**',
    procedure.input ? fence('ts', procedure.input.typescript) : 'None.',
    procedure.type === 'subscription' ? '**Yields** (see [Live events](#live-events))' : '**Output**',
    fence(
      'ts',
      procedure.type === 'subscription' ? yielded(procedure.output.typescript) : procedure.output.typescript,
    ),
  ];
  // A subscription's events have their own section.
  const output = procedure.type === 'subscription' ? null : procedure.output.jsonSchema;
  const schemas = {
    ...(procedure.input?.jsonSchema ? { input: procedure.input.jsonSchema } : {}),
    ...(output ? { output } : {}),
  };
  if (Object.keys(schemas).length > 0) {
    parts.push(
      `<details><summary>JSON Schema of the ${Object.keys(schemas).join(' and ')}</summary>`,
      fence('json', JSON.stringify(schemas, null, 2)),
      '</details>',
    );
  }
  return parts.join('\n\n');
}

function contents(reference: ApiReference): string {
  const routers = new Map<string, ProcedureReference[]>();
  for (const procedure of reference.procedures) {
    const [router = ''] = procedure.path.split('.');
    routers.set(router, [...(routers.get(router) ?? []), procedure]);
  }
  const lines = [...routers].map(
    ([router, procedures]) =>
      `  - **${router}**: ${procedures
        .map((p) => `${link(code(p.path.slice(router.length + 1)), p.path)} (${p.type})`)
        .join(', ')}`,
  );
  return [
    '- [Calling the API](#calling-the-api)',
    '- [Who may call what](#who-may-call-what)',
    '- [Errors](#errors)',
    '- [Live events](#live-events)',
    '- [Procedures](#procedures)',
    ...lines,
  ].join('\n');
}

function liveEvents(reference: ApiReference): string {
  const subscriptions = reference.procedures.filter((p) => p.type === 'subscription');
  const intro = [
    '## Live events',
    'Subscriptions are server-sent events (SSE). With `@trpc/client`, `httpSubscriptionLink` opens them (React Native needs an `EventSource`: see the [auth guide](auth.md#react-native)); without it, a subscription is `GET ' +
      `${reference.endpoint}/<path>?input=<URL-encoded JSON>` +
      '` with `Accept: text/event-stream` and the bearer token, answered as a stream of:',
    table(
      ['SSE event', 'data', 'meaning'],
      [
        ['`connected`', 'options for the client', 'The stream is open.'],
        [
          '(none: `message`)',
          'one event, as JSON; the SSE `id` is its id',
          'An event. Keep the last `id`: it resumes the stream.',
        ],
        ['`ping`', 'empty', 'Keep-alive.'],
        [
          '`serialized-error`',
          'an `error` as in [Calling the API](#calling-the-api)',
          'The stream ends, refused: its `data.reason` says why (`token_expired`, `session_ended`, …). Act on the reason, then subscribe again with the last id.',
        ],
        ['`return`', 'empty', 'The server ended the stream.'],
      ],
    ),
    "To resume after a disconnect, subscribe with the last event id you received: as `lastEventId` in the input (`httpSubscriptionLink` and `retryLink` do this by themselves when they reconnect), or as the `Last-Event-ID` header that an `EventSource` sends when it reconnects. The stream goes on from that event (each subscription's description below says how); an id the API never issued is refused with `invalid_cursor`.",
  ];
  const sections = subscriptions.map((procedure) =>
    [
      `### ${code(procedure.path)} events`,
      procedure.description,
      `Each event, as \`@trpc/client\` hands it to \`onData\` (\`id\` is the SSE id, \`data\` the SSE data):`,
      fence('ts', yielded(procedure.output.typescript)),
      ...(procedure.events?.length
        ? [
            `The events, by \`type\` (\`data.type\`):`,
            table(
              ['type', 'fields', 'what happened'],
              procedure.events.map((event) => [
                code(event.type),
                event.fields.map(code).join(', '),
                event.description,
              ]),
            ),
          ]
        : []),
      ...(procedure.output.jsonSchema
        ? [
            '<details><summary>The events as JSON Schema</summary>',
            fence('json', JSON.stringify(procedure.output.jsonSchema, null, 2)),
            '</details>',
          ]
        : []),
    ].join('\n\n'),
  );
  return [...intro, ...sections].join('\n\n');
}

export function renderReferenceMarkdown(reference: ApiReference): string {
  const endpoint = reference.endpoint;
  return `${[
    '<!-- Generated by `npm run docs:api` from the router (server/trpc/): do not edit. `npm run check` fails when it is out of date. -->',
    '# Direct Inbox API reference',
    `API version **${reference.version}**, as the types package ${code(reference.package)} of the same version declares it (its README says what a version number promises). The API is tRPC 11 over HTTP at ${code(endpoint)}, in plain JSON. Signing in, the token, refreshing it and what to do about each error: **[the auth guide](auth.md)**. This reference as JSON: [reference.json](reference.json) (the app serves it at ${code('/api/reference.json')}, and this page at ${code('/api/docs')}).`,
    contents(reference),
    '## Calling the API',
    `TypeScript clients use \`@trpc/client\` with \`AppRouter\` from ${code(reference.package)}: [the auth guide](auth.md#the-client) sets one up. The wire underneath, for other clients:`,
    table(
      ['call', 'HTTP'],
      [
        ['query', `\`GET ${endpoint}/<path>?input=<URL-encoded JSON input>\``],
        [
          'mutation',
          `\`POST ${endpoint}/<path>\`, the JSON input as the body (\`Content-Type: application/json\`)`,
        ],
        [
          'batch',
          `\`GET ${endpoint}/<path>,<path>?batch=1&input={"0":<input>,"1":<input>}\` (\`POST\` with that object as the body, for mutations): an array of answers, in order`,
        ],
        [
          'subscription',
          `\`GET ${endpoint}/<path>?input=…\`, answered with server-sent events (see [Live events](#live-events))`,
        ],
      ],
    ),
    'Every call sends `Authorization: Bearer <access token>`. An answer is `{"result":{"data":<output>}}`, or `{"error":<error>}` with the HTTP status of its reason, where `error` is:',
    fence('ts', reference.errorShape),
    'Programs branch on `error.data.reason`, an `ErrorReason` (one of the [Errors](#errors)), never on `message`, which is for people and may change. Times are ISO 8601 strings in UTC, ids are UUID strings, and Instagram ids are strings too (they exceed 2^53).',
    '## Who may call what',
    'Each procedure is built on one of these, and can be refused with its reasons (besides its own).',
    table(
      ['access', 'who', 'refused with'],
      reference.accessLevels.map(({ level, description, errors }) => [
        ACCESS_NAMES[level] ?? level,
        description,
        errors.map(code).join(', ') || '—',
      ]),
    ),
    '## Errors',
    "A refused call says why in `error.data.reason` (in the REST endpoints' JSON, `reason` beside `error`). These are stable: within a major version a reason is never renamed or dropped, and a new one is added only for a case a client could not tell apart before. Any call can also answer `bad_request`, `unknown_procedure` (a client out of step with the server) or `internal`.",
    ...reference.reasons.map(({ reason, status, trpcCode, description, action }) =>
      [
        `### ${code(reason)}`,
        `HTTP ${status} · \`data.code\` ${code(trpcCode)}`,
        description,
        `**What to do:** ${action}`,
      ].join('\n\n'),
    ),
    liveEvents(reference),
    '## Procedures',
    ...reference.procedures.map(procedureSection),
  ].join('\n\n')}\n`;
}
