// `npm run worker`: the background job process of a deployment.
import '../load-env-file.ts';
import { getRuntime } from '../runtime.ts';
import { startWorkers } from './worker.ts';

const runtime = getRuntime();
const workers = await startWorkers(runtime);
console.log('worker: running ingest and enrichment jobs');

async function shutdown() {
  await workers.stop();
  await runtime.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
