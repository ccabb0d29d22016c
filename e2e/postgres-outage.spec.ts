// PostgreSQL stops under a flood of Meta's webhooks and comes back (issue 12). While it is away the
// web server answers 503 with Retry-After, never 200 (Meta retries); the web server and the worker
// stay up, with no restart, and carry on by themselves once it is back; every acknowledged message
// is in the inbox exactly once, ingested by that same worker.
//
// A Playwright spec, though it opens no browser: it runs the production web server, which serves
// build/, and `npm test` builds only before the browser tests (vitest runs first, on a fresh clone
// with no build). It stops PostgreSQL, so it has a cluster of its own instead of the e2e stack's.
import { expect, test } from '@playwright/test';
import { startFaultStack } from '#dev/fault-stack.ts';
import { auditIntake, waitForIngest } from '#dev/intake-audit.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type FloodAttempt, statusCounts } from '#dev/webhook-flood.ts';

const DELIVERIES = 800;
const CUSTOMERS = 40;
/** How long PostgreSQL stays away: the fault itself, not a wait for something to happen. */
const OUTAGE_MS = 3000;
/** Attempts answered while it is away, at least: the outage is kept up until the flood has met it. */
const ATTEMPTS_DURING_OUTAGE = 100;

test('a Postgres outage under a webhook flood: 503 while down, no restart, nothing lost or stored twice', async () => {
  test.setTimeout(120_000);
  // With the configuration a deployment has: a job a worker was running when the database went
  // away cannot be marked done, and is retried seconds after its renewals stop.
  const faults = await startFaultStack({ kind: 'e2e-faults' });
  try {
    const web = faults.web();
    const worker = faults.startWorker();
    await faults.ingesting();
    const flood = faults.flood({
      customers: CUSTOMERS,
      deliveries: DELIVERIES,
      label: 'outage',
      seed: 12,
    });

    await flood.whenAcked(DELIVERIES / 4);
    await faults.stack.postgres.pause();
    const downAt = performance.now();
    const answeredWhileDown = () => flood.attempts.filter((a) => a.sentAt >= downAt).length;
    await Promise.all([
      new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)),
      eventually(() => answeredWhileDown() >= ATTEMPTS_DURING_OUTAGE, 30_000),
    ]);
    // The outage ends when PostgreSQL is asked to start: a commit may succeed a moment before it says it is ready.
    const upAt = performance.now();
    await faults.stack.postgres.resume();

    await flood.done;
    await waitForIngest(faults.db, { timeoutMs: 30_000 });

    // Every attempt sent and answered while PostgreSQL was away. One sent just before it stopped
    // may still be answered 200: its delivery was committed before the server went.
    const duringOutage = flood.attempts.filter((a) => a.sentAt >= downAt && a.answeredAt <= upAt);
    expect(duringOutage.length).toBeGreaterThanOrEqual(ATTEMPTS_DURING_OUTAGE);
    expect(duringOutage.filter((a) => a.status !== 503 || a.retryAfter === null)).toEqual([]);

    expect(flood.acked).toHaveLength(DELIVERIES);
    const { ledgerCopies, ...audit } = await auditIntake(faults.db, flood.acked);
    expect(audit).toEqual({
      acked: DELIVERIES,
      stored: DELIVERIES,
      lost: 0,
      duplicated: 0,
      notInLedger: 0,
      unprocessed: 0,
    });
    // A delivery committed as its connection was cut is stored again when Meta sends it again, and
    // only then (ingest applies such a copy no more, as `duplicated: 0` shows).
    expect(ledgerCopies).toBeLessThanOrEqual(flood.attempts.filter((a) => a.status !== 200).length);

    // The same two processes did all of it: nothing exited, nothing was started again.
    expect(faults.crashes).toEqual([]);
    expect(faults.web()).toBe(web);
    expect(faults.workers()).toEqual([worker]);
    expect([web.exitCode, worker.exitCode]).toEqual([null, null]);

    test.info().annotations.push({
      type: 'outage',
      description: [
        `${Math.round(upAt - downAt)} ms down`,
        `statuses while down: ${statusCounts(duringOutage)}`,
        `first 200 ${Math.round(firstAckAfter(flood.attempts, upAt))} ms after Postgres was asked to start`,
      ].join('; '),
    });
  } catch (error) {
    await test.info().attach('process output', { body: faults.output.join('\n'), contentType: 'text/plain' });
    throw error;
  } finally {
    await faults.stop();
  }
});

function firstAckAfter(attempts: readonly FloodAttempt[], at: number): number {
  const answers = attempts.filter((a) => a.status === 200 && a.answeredAt > at).map((a) => a.answeredAt);
  return Math.min(...answers) - at;
}
