// One error type for the whole domain. Code → HTTP status lives here and only here; the tRPC
// and REST layers translate from this table.
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from './db/unavailable.ts';

export const APP_ERROR_STATUS = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  /** Well-formed, but Meta's rules forbid it now (window closed, account needs reconnecting). */
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_STATUS;

/**
 * `instanceof` for an error class branded with `brand` (a `Symbol.for` key), true whichever copy
 * of the class's module made the error. The dev server evaluates server modules twice (Node's copy
 * makes the services, kept across Vite's reloads; Vite's copy serves the routes), so an error
 * thrown by a service failed `instanceof` in a route: an expired token answered 500, not 401.
 */
export const isBranded =
  (brand: symbol) =>
  (value: unknown): boolean =>
    typeof value === 'object' && value !== null && brand in value;

/**
 * Why an API call was refused, for programs: tRPC errors carry it as `error.data.reason`, the REST
 * endpoints as `reason` beside `error`. Messages are for people and may be reworded; a reason is
 * never renamed or dropped within a major version of the API (packages/api-types/README.md).
 * Each has the HTTP status it comes with, what it means, and what a client should do about it;
 * docs/api/reference.md and /api/docs are generated from this table.
 */
export const ERROR_REASONS = {
  token_missing: {
    status: 401,
    description: 'No session cookie or bearer token came with the request.',
    action: 'Sign in, then send `Authorization: Bearer <access token>` with every call.',
  },
  token_malformed: {
    status: 401,
    description: 'The `Authorization` header is not `Bearer <token>`, or the token is not a JWT.',
    action: 'A client bug: send the session’s `access_token`, exactly as Auth returned it, after `Bearer `.',
  },
  token_invalid: {
    status: 401,
    description:
      'The token is not one this project’s Auth signed for a signed-in user (another project, altered, or the wrong issuer, audience, role or algorithm).',
    action: 'Refresh the session once; if the new token is refused too, sign in again.',
  },
  token_expired: {
    status: 401,
    description: 'The access token has expired (Auth issues them for an hour).',
    action:
      'Refresh the session (the `refresh_token` grant; supabase-js does it by itself) and repeat the call with the new access token.',
  },
  session_ended: {
    status: 401,
    description:
      'The session behind the token has ended: signed out (here or on every device), revoked by Auth (a password change, a refresh token used twice), or the token names no session. Live streams end with it too.',
    action:
      'Do not refresh or retry: the refresh token is dead as well. Forget the session and show sign-in.',
  },
  not_a_member: {
    status: 404,
    description:
      'No such workspace, or the caller is not a member of it (the two are not told apart, so that ids reveal nothing).',
    action:
      'Drop the workspace from what the app shows and refetch `operator.me`: the member may have been removed.',
  },
  role_required: {
    status: 403,
    description:
      'The caller’s role in the workspace does not allow this: it is for owners and admins (changing or making an owner: owners only).',
    action:
      'Hide or disable the action for this member: `operator.me` gives the caller’s role in each workspace.',
  },
  forbidden: {
    status: 403,
    description:
      'Refused for a reason other than the role: a POST made by a page of another site (the `Origin` or `Sec-Fetch-Site` header says so; native apps send neither), or the thing belongs to another operator (a connection another operator started).',
    action: 'Show the message; do not retry.',
  },
  not_found: {
    status: 404,
    description:
      'What the input names (a conversation, message, comment, account, invitation, member) is not in this workspace.',
    action: 'Refetch the list it came from: it may have been deleted or erased meanwhile.',
  },
  unknown_procedure: {
    status: 404,
    description: 'No procedure has this path: the client was built for a newer API, or the path is misspelt.',
    action: 'Compare the client’s API types version with the server’s (`/api/reference.json`, `version`).',
  },
  validation: {
    status: 400,
    description:
      'The input does not match the procedure’s input schema. `data.issues` lists each problem: `path` (the field), `message` and zod’s `code`.',
    action: 'Show each `issues[].message` beside the field at `issues[].path`; the call changed nothing.',
  },
  invalid_cursor: {
    status: 400,
    description:
      'The `cursor` (or the live stream’s `lastEventId`) is not a value that a previous page (or event) handed out.',
    action:
      'Start again from the first page; for `live.events`, subscribe without `lastEventId` and refetch.',
  },
  bad_input: {
    status: 400,
    description:
      'The input is well-formed but a rule the schema cannot express refuses it (no text and no attachment, a file type Instagram does not take, an assignee who is not a member); the message says which.',
    action: 'Show the message; sending the same input again gets the same answer.',
  },
  bad_request: {
    status: 400,
    description:
      'The HTTP request is not one the API takes: a body that is not JSON, a missing input, a query sent as a mutation or the other way round (405), a body without a `Content-Length` (411), a content type it does not read (415).',
    action:
      'A client bug: call through @trpc/client and its links, which build requests as the server expects.',
  },
  conflict: {
    status: 409,
    description:
      'The state has moved on: the message is not in the state the action needs, the invitation was used, a workspace must keep an owner, the same reply is being sent right now, the comment was answered privately already.',
    action: 'Refetch and show the current state; repeat only if it still makes sense.',
  },
  idempotency_key_reused: {
    status: 409,
    description: 'This `idempotencyKey` was already used for a different message.',
    action:
      'Make a new key for each message the operator writes; reuse a key only to repeat the very same request (after a timeout), which never sends twice.',
  },
  payload_too_large: {
    status: 413,
    description:
      'The request body is larger than the server reads (256 KB). It is refused before the API sees it, so the answer is `{"error", "reason"}` JSON, not a tRPC error: @trpc/client reports it without `data`.',
    action: 'Send less: shorter text, fewer items, fewer calls in one batch.',
  },
  window_closed: {
    status: 422,
    description:
      'Instagram’s messaging window for this conversation is closed: replies (and reactions) are allowed within 24 hours of the customer’s last message, or 7 days for a person when the workspace uses the human agent tag.',
    action:
      'Disable the composer and show why (`inbox.conversation` returns `window`); it opens again when the customer writes.',
  },
  account_needs_reconnect: {
    status: 422,
    description:
      'The Instagram account is disconnected, or Meta refused its token: an owner or admin must reconnect it (Accounts, in the web app).',
    action: 'Say that the account needs reconnecting; `accounts.list` says which account and why.',
  },
  unprocessable: {
    status: 422,
    description:
      'Well-formed, but not possible now: a feature the workspace turned off (reactions), a comment deleted from Instagram, Meta refusing the request. The message says why.',
    action: 'Show the message; do not retry unchanged.',
  },
  internal: {
    status: 500,
    description: 'A bug on the server (it is logged there).',
    action: 'Show a generic error; retry once later, and report it if it persists.',
  },
  unavailable: {
    status: 503,
    description:
      'Something the server needs (the database, Auth, Meta) cannot be reached for the moment. The response carries `Retry-After` in seconds; a live stream stays open through a database outage instead.',
    action:
      'Retry after `Retry-After` seconds, backing off; keep what the user typed. An idempotent repeat of `messages.send` (same key) never sends twice.',
  },
} as const satisfies Record<string, { status: number; description: string; action: string }>;

export type ErrorReason = keyof typeof ERROR_REASONS;

/** The reasons that go with `code`'s status. */
export type ReasonFor<C extends AppErrorCode> = {
  [R in ErrorReason]: (typeof ERROR_REASONS)[R]['status'] extends (typeof APP_ERROR_STATUS)[C] ? R : never;
}[ErrorReason];

/** The reason of an AppError thrown without one. */
export const DEFAULT_REASONS = {
  BAD_INPUT: 'bad_input',
  UNAUTHENTICATED: 'token_invalid',
  FORBIDDEN: 'role_required',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNPROCESSABLE: 'unprocessable',
  UNAVAILABLE: 'unavailable',
} as const satisfies { [C in AppErrorCode]: ReasonFor<C> };

const APP_ERROR: unique symbol = Symbol.for('direct-inbox.AppError');

export class AppError<C extends AppErrorCode = AppErrorCode> extends Error {
  static override [Symbol.hasInstance] = isBranded(APP_ERROR);
  readonly [APP_ERROR] = true;
  /** For programs; `message` is for people. */
  readonly reason: ErrorReason;

  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown; reason?: ReasonFor<C> },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.reason = options?.reason ?? DEFAULT_REASONS[code];
  }

  get status(): number {
    return APP_ERROR_STATUS[this.code];
  }
}

/**
 * The AppError an error stands for: itself, or UNAVAILABLE when Postgres cannot be reached (the
 * request can be tried again once it is back); undefined for anything else, which is a bug.
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError('UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE, { cause: error });
  }
  return undefined;
}

/** How long a client should wait before trying a 503 again (the database usually returns in seconds). */
export const RETRY_AFTER_SECONDS = 5;

/** What every 503 carries: when to try again. */
export const TRY_AGAIN_LATER: Readonly<Record<string, string>> = {
  'Retry-After': String(RETRY_AFTER_SECONDS),
};

/** A REST endpoint's JSON body for `error`: the message for people, the reason for programs. */
export function errorBody(error: AppError): { error: string; reason: ErrorReason } {
  return { error: error.message, reason: error.reason };
}

/** Headers that go with an error's status: when to try again, for a 503. */
export function errorHeaders(error: AppError): Record<string, string> {
  return error.code === 'UNAVAILABLE' ? { ...TRY_AGAIN_LATER } : {};
}
