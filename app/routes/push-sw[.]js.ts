import { SERVICE_WORKER_SOURCE } from '#app/lib/push-service-worker.ts';

export const loader = () =>
  new Response(SERVICE_WORKER_SOURCE, {
    headers: {
      'Content-Type': 'text/javascript; charset=utf-8',
      // A new version is picked up at the next visit, not a day later.
      'Cache-Control': 'no-cache',
      'Service-Worker-Allowed': '/',
    },
  });
