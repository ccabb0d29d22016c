// What Health says about background jobs that should be running and are not (the server counts
// them, by kind; stuck is defined beside the SQL that finds them). Said for operators and admins
// alike: which part of the inbox is held up, since when, and the likely cause: jobs wait like
// this only when no worker process takes them, or the one running them stopped.
import { duration } from './duration.ts';

export interface StuckJobs {
  kind: 'receiving' | 'sending' | 'contacts';
  jobs: number;
  /** Of those, the ones a worker had started and stopped renewing. */
  abandoned: number;
  oldestSeconds: number | null;
}

export interface StuckWorkRow {
  kind: StuckJobs['kind'];
  work: string;
  jobs: string;
  waiting: string;
  holdsUp: string;
}

/** null when nothing is stuck: the screen then says that background work is keeping up. */
export type StuckWork = { headline: string; rows: StuckWorkRow[] } | null;

const WORK: Record<StuckJobs['kind'], { work: string; holdsUp: string }> = {
  receiving: { work: 'Receiving messages', holdsUp: 'New customer messages are not reaching the inbox.' },
  sending: { work: 'Sending replies', holdsUp: 'Replies, reactions and seen marks are not going out.' },
  contacts: { work: 'Contact profiles', holdsUp: 'New contacts show without their names and pictures.' },
};

const jobsWord = (n: number) => (n === 1 ? 'job' : 'jobs');

export function describeStuckWork(kinds: StuckJobs[]): StuckWork {
  const stuck = kinds.filter((k) => k.jobs > 0);
  if (stuck.length === 0) return null;
  const total = stuck.reduce((sum, k) => sum + k.jobs, 0);
  const oldest = Math.max(...stuck.map((k) => k.oldestSeconds ?? 0));
  return {
    headline: `${total} background ${jobsWord(total)} waiting for up to ${duration(oldest)} — is the worker process running?`,
    rows: stuck.map((k) => ({
      kind: k.kind,
      work: WORK[k.kind].work,
      jobs: k.abandoned > 0 ? `${k.jobs} (${k.abandoned} left by a stopped worker)` : String(k.jobs),
      waiting: duration(k.oldestSeconds),
      holdsUp: WORK[k.kind].holdsUp,
    })),
  };
}
