// Pages' loaders and actions while the database is away: instead of a 500 (a stack trace in
// development, "Something went wrong" in production), the route answers 503 with Retry-After,
// and the root error boundary shows that the inbox is temporarily unavailable and retries by
// itself. What counts as unavailable is decided once, by toAppError.
import { data } from '@remix-run/node';
import { errorHeaders, toAppError } from '#server/errors.ts';

export function unavailableAs503<Args extends unknown[], Result>(
  handle: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    try {
      return await handle(...args);
    } catch (error) {
      // Redirects and the route's own error responses pass through untouched.
      const known = error instanceof Response ? undefined : toAppError(error);
      if (known?.code !== 'UNAVAILABLE') throw error;
      throw data(known.message, { status: known.status, headers: errorHeaders(known) });
    }
  };
}
