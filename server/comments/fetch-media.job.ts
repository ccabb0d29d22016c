import { z } from 'zod';
import { defineJob } from '../jobs/job.ts';
import { type FetchMediaServices, fetchMedia } from './fetch-media.ts';

export const fetchMediaJob = defineJob({
  queue: 'fetch-media',
  payload: z.object({ connectionId: z.uuid(), mediaId: z.string().min(1) }),
  concurrency: 2,
  run: (services: FetchMediaServices, media) => fetchMedia(services, media),
});
