// Running jobs are renewed while they run. pg-boss presumes a job whose expiry has passed belongs
// to a dead worker and hands it to another; renewing every few seconds lets that expiry be short,
// so a killed worker's jobs move on within seconds, while a live job may take as long as its work
// does. One statement per beat renews every job this process runs. A job still running after
// `maxRunSeconds` is presumed hung: no longer renewed, it expires and another worker retries it.
import type PgBoss from 'pg-boss';

export interface JobHeartbeat {
  /** Renews the job until the returned function is called. */
  track(queue: string, jobId: string): () => void;
  stop(): void;
}

/** Longer than any job of this app takes (each does a bounded piece of work). */
const DEFAULT_MAX_RUN_SECONDS = 15 * 60;

export function startJobHeartbeat(
  boss: PgBoss,
  options: { schema: string; timeoutSeconds: number; maxRunSeconds?: number },
): JobHeartbeat {
  const maxRunMs = (options.maxRunSeconds ?? DEFAULT_MAX_RUN_SECONDS) * 1000;
  const running = new Map<string, { queue: string; since: number }>(); // by job id
  let beating = false;
  let failing = false;

  // A job's expiry is counted from when it started: keep it `timeoutSeconds` ahead of now.
  const renew = `
    update ${options.schema}.job
    set expire_in = (now() - started_on) + make_interval(secs => $3)
    where name = any($1::text[]) and id = any($2::uuid[]) and state = 'active'`;

  async function beat() {
    if (beating) return; // a beat still waiting on the database is enough
    const now = Date.now();
    const live = [...running].filter(([, job]) => now - job.since < maxRunMs);
    if (live.length === 0) return;
    beating = true;
    try {
      const queues = [...new Set(live.map(([, job]) => job.queue))];
      await boss.getDb().executeSql(renew, [queues, live.map(([id]) => id), options.timeoutSeconds]);
      if (failing) console.error('jobs: running jobs renewed again');
      failing = false;
    } catch (error) {
      // Once per outage: the jobs may expire meanwhile, and their work is idempotent.
      if (!failing) console.error(`jobs: cannot renew running jobs: ${(error as Error).message}`);
      failing = true;
    } finally {
      beating = false;
    }
  }

  const timer = setInterval(() => void beat(), (options.timeoutSeconds * 1000) / 4);
  timer.unref();
  return {
    track(queue, jobId) {
      running.set(jobId, { queue, since: Date.now() });
      return () => running.delete(jobId);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
