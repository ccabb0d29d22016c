// `npm run webhooks:replay -- [--account <Instagram account id>]... [--limit <n>]`: runs failed
// webhook deliveries through ingest again (all of them, or those naming the given accounts).
import './load-env-file.ts';
import { parseArgs } from 'node:util';
import { replayFailedDeliveries } from './ingest/index.ts';
import { getServices } from './services.ts';

const { values } = parseArgs({
  options: { account: { type: 'string', multiple: true }, limit: { type: 'string', default: '1000' } },
});
const limit = Number(values.limit);
if (!Number.isInteger(limit) || limit < 1) {
  console.error('--limit must be a positive whole number');
  process.exit(2);
}

const services = getServices();
try {
  const replayed = await replayFailedDeliveries(services, {
    accountIds: values.account,
    limit,
  });
  console.log(
    replayed === 0 ? 'No failed deliveries to replay.' : `Queued ${replayed} failed deliveries for ingest.`,
  );
} finally {
  await services.close();
}
