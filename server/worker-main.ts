// `npm run worker`: the background job process of a deployment.
import './load-env-file.ts';
import { untilReachable } from './db/until-reachable.ts';
import { closeBeforeExit, getServices } from './services.ts';
import { startWorkers } from './worker.ts';

const services = getServices();
const stopRequested = new AbortController();
const started = untilReachable('worker', () => startWorkers(services), stopRequested.signal);

// Listening for the stop signals before the workers are up: a deploy can stop a worker that has
// just taken its first job, and the default action would kill it mid-job instead of handing the
// job back. Stopping ends a start still waiting for the database, or waits for start-up to
// finish, then for the jobs in flight (bounded: what has not finished by then is handed back).
let stopping = false;
async function shutdown() {
  if (stopping) return; // a second signal changes nothing
  stopping = true;
  stopRequested.abort();
  const workers = await started;
  await workers?.stop();
  await closeBeforeExit(services); // a job that could not finish is already handed back
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

if (await started) console.log('worker: running background jobs');
