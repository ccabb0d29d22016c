// A delivery row only guards a notification's few retries (they end within the hour); a day
// later it is dropped, so the table stays the size of a day's notifications. Devices whose
// session has ended (they are told nothing already) are dropped too.
import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import type { Services } from '../services.ts';
import { pruneDeliveries } from './deliveries.repository.ts';
import { forgetSignedOutDevices } from './devices.repository.ts';

const KEEP_MS = 24 * 60 * 60 * 1000;

export const pruneDeliveriesJob = defineJob({
  queue: 'push-prune-deliveries',
  payload: z.object({}),
  concurrency: 1,
  schedule: '17 * * * *',
  run: (services: Pick<Services, 'db'>) =>
    services.db.withService(async (trx) => ({
      deliveries: await pruneDeliveries(trx, new Date(Date.now() - KEEP_MS)),
      devices: await forgetSignedOutDevices(trx),
    })),
});
