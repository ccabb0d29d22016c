import { services } from '#app/lib/services.server.ts';
import { TRY_AGAIN_LATER } from '#server/errors.ts';
import { checkReadiness } from '#server/http/readiness.ts';

/** `{"ready", "database", "queue"}`: 200 when the app can work, 503 (with Retry-After) when not. */
export async function loader() {
  const readiness = await checkReadiness(services.db);
  return Response.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { 'Cache-Control': 'no-store', ...(readiness.ready ? {} : TRY_AGAIN_LATER) },
  });
}
