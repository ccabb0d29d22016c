// Starting while the database is away (a deploy during a Postgres restart): a process keeps trying,
// with backoff, instead of exiting, which a supervisor answers with a restart loop, and a process
// run by hand not at all. Any other failure (a wrong password, a bad setting) still ends it.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseUnavailable } from './unavailable.ts';

const FIRST_DELAY_MS = 1000;
const LONGEST_DELAY_MS = 30_000;

/** `start`'s result once it succeeds; undefined if `signal` aborts first (the process is stopping). */
export async function untilReachable<T>(
  what: string,
  start: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T | undefined> {
  for (let delayMs = FIRST_DELAY_MS; ; delayMs = Math.min(delayMs * 2, LONGEST_DELAY_MS)) {
    try {
      return await start();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      console.error(
        `${what}: the database cannot be reached (${(error as Error).message}); trying again in ${delayMs / 1000} s`,
      );
    }
    const stopped = await sleep(delayMs, true, { signal }).catch(() => true);
    if (stopped && signal?.aborted) return undefined;
  }
}
