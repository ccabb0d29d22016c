// Running jobs are renewed while they run. pg-boss presumes a job whose expiry has passed belongs
// to a dead worker and hands it to another; renewing every few seconds lets that expiry be short,
// so a killed worker's jobs move on within seconds, while a live job may take as long as its work
// does. One statement per beat renews every job this process runs.
import type PgBoss from 'pg-boss';

export interface JobHeartbeat {
  /** Renews the job until the returned function is called. */
  track(queue: string, jobId: string): () => void;
  stop(): void;
}

export function startJobHeartbeat(
  boss: PgBoss,
  options: { schema: string; timeoutSeconds: number },
): JobHeartbeat {
  const running = new Map<string, string>(); // job id → queue
  let beating = false;
  let failing = false;

  // A job's expiry is counted from when it started: keep it `timeoutSeconds` ahead of now.
  const renew = `
    update ${options.schema}.job
    set expire_in = (now() - started_on) + make_interval(secs => $3)
    where name = any($1::text[]) and id = any($2::uuid[]) and state = 'active'`;

  async function beat() {
    if (beating || running.size === 0) return; // a beat still waiting on the database is enough
    beating = true;
    try {
      await boss
        .getDb()
        .executeSql(renew, [[...new Set(running.values())], [...running.keys()], options.timeoutSeconds]);
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
      running.set(jobId, queue);
      return () => running.delete(jobId);
    },
    stop() {
      clearInterval(timer);
    },
  };
}
