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

const APP_ERROR: unique symbol = Symbol.for('direct-inbox.AppError');

export class AppError extends Error {
  static override [Symbol.hasInstance] = isBranded(APP_ERROR);
  readonly [APP_ERROR] = true;

  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
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

/** Headers that go with an error's status: when to try again, for a 503. */
export function errorHeaders(error: AppError): Record<string, string> {
  return error.code === 'UNAVAILABLE' ? { ...TRY_AGAIN_LATER } : {};
}
