// Runs the background jobs of one process. Each job is checked against its payload schema before
// it runs; a thrown error fails the job and pg-boss retries it with backoff. A running job is
// renewed while it runs, so the one of a worker that died is retried within seconds. Workers also
// LISTEN for the wake-up that enqueue() sends, so new work starts at once instead of at the next
// poll.

import type PgBoss from 'pg-boss';
import type { z } from 'zod';
import { startListener } from './db/listener.ts';
import { runTakenJobs } from './jobs/batch.ts';
import { startJobHeartbeat } from './jobs/heartbeat.ts';
import type { JobDefinition } from './jobs/job.ts';
import { JOB_WAKEUP_CHANNEL, QUEUE_SCHEMA, startQueue } from './jobs/queue.ts';
import { JOBS, type Services } from './services.ts';

export interface Workers {
  boss: PgBoss;
  stop(): Promise<void>;
}

export async function startWorkers(services: Services): Promise<Workers> {
  const timeoutSeconds = services.env.JOB_TIMEOUT_SECONDS;
  const boss = await startQueue({
    url: services.env.DATABASE_URL,
    jobs: JOBS,
    role: 'worker',
    jobTimeoutSeconds: timeoutSeconds,
  });
  try {
    return await runWorkers(services, boss);
  } catch (error) {
    // Half started (the database went away meanwhile): none of it may run beside the next try.
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    throw error;
  }
}

async function runWorkers(services: Services, boss: PgBoss): Promise<Workers> {
  const timeoutSeconds = services.env.JOB_TIMEOUT_SECONDS;
  const heartbeat = startJobHeartbeat(boss, { schema: QUEUE_SCHEMA, timeoutSeconds });
  const workerIds = new Map<string, string[]>();

  async function register<Schema extends z.ZodType>(job: JobDefinition<Services, Schema>) {
    const ids: string[] = [];
    for (let i = 0; i < job.concurrency; i++) {
      let workerId = '';
      const options = { batchSize: job.batch?.size ?? 1, pollingIntervalSeconds: 2 };
      workerId = await boss.work(job.queue, options, async (taken) => {
        if (taken.length === 0) return;
        // pg-boss waits a polling interval after every job unless notified; while there is a
        // backlog, go straight on to the next one.
        boss.notifyWorker(workerId);
        const done = taken.map((work) => heartbeat.track(job.queue, work.id));
        try {
          const failed = await runTakenJobs(job, services, taken);
          // pg-boss completes the rest when this returns (it completes only jobs still active).
          for (const [id, error] of failed) {
            await boss.fail(job.queue, id, error instanceof Error ? error : { value: String(error) });
          }
        } finally {
          for (const stop of done) stop();
        }
      });
      ids.push(workerId);
    }
    workerIds.set(job.queue, ids);
  }

  for (const job of JOBS) {
    await register(job);
    // Scheduled jobs carry the data given here: an empty payload, which their schemas accept
    // (pg-boss would otherwise send null, and every scheduled run would fail its payload check).
    if (job.schedule) await boss.schedule(job.queue, job.schedule, {});
    if (job.runAtStart && services.env.RUN_JOBS_AT_START) await boss.send(job.queue, {});
  }
  // A schedule an earlier release made for a job since retired would go on queueing work that
  // no worker takes.
  const scheduled = new Set(JOBS.filter((job) => job.schedule).map((job) => job.queue));
  for (const { name } of await boss.getSchedules()) {
    if (!scheduled.has(name)) await boss.unschedule(name);
  }

  // Jobs queued by another process start at once, not at the next poll. After a reconnect every
  // worker looks, since wake-ups sent meanwhile were lost.
  const wake = (ids: string[]) => {
    for (const id of ids) boss.notifyWorker(id);
  };
  const listener = await startListener({
    url: services.env.DATABASE_URL,
    channel: JOB_WAKEUP_CHANNEL,
    name: 'inbox-worker-wakeup',
    onNotification: (queue) => wake(workerIds.get(queue) ?? []),
    onReconnect: () => wake([...workerIds.values()].flat()),
  });

  return {
    boss,
    async stop() {
      await listener.close();
      // Within the grace period platforms give before SIGKILL (Docker's is 10 s); what has not
      // finished by then is handed back to the queue for another worker.
      await boss.stop({ graceful: true, wait: true, timeout: 8_000 });
      heartbeat.stop();
    },
  };
}
