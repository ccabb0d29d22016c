// Whether an error means "Postgres cannot be reached right now", the one place that decides it.
// Such a failure is not a bug in the request: every HTTP surface answers it with 503 and
// Retry-After (tRPC's SERVICE_UNAVAILABLE), and long-lived work (live streams) waits it out. It
// passes once the database is back (a restart, a failover, a network blip), so callers retry.
//
// What counts, as pg and Node report it:
// - Node's socket errors: refused, reset, timed out, unreachable (a connect to a host with several
//   addresses reports an AggregateError of them);
// - SQLSTATE class 08 (connection exception), 57P01-57P03 (Postgres shutting down, crashed, or
//   starting up and not taking connections yet), 53300 (no connection slot left);
// - the errors pg and pg-pool raise themselves, which carry no code: a connection that ended in
//   the middle of a query, one that errored and is unusable, a connect that timed out.
const NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is temporarily unavailable; try again in a few seconds';

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (
    typeof code === 'string' &&
    (NODE_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  )
    return true;
  if (typeof message === 'string' && PG_MESSAGES.includes(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  // Wrapped on its way up (pg-pool's timeout, a TRPCError, an AppError).
  return isDatabaseUnavailable(cause, depth + 1);
}
