// One error type for the whole domain. Code → HTTP status lives here and only here; the tRPC
// and REST layers translate from this table.
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

/** Marks AppErrors across copies of this module (the server bundle and the source both load it). */
const APP_ERROR = Symbol.for('instagram-inbox.AppError');

export class AppError extends Error {
  readonly [APP_ERROR] = true;

  /** `instanceof` holds for an AppError from either copy, so none is mistaken for a crash (500). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true
    );
  }

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
