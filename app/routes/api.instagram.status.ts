import type { LoaderFunctionArgs } from '@remix-run/node';
import { getActor } from '#app/lib/auth.server.ts';
import { runtime } from '#app/lib/runtime.server.ts';
import { AppError } from '#server/errors.ts';
import { getConnectionStatus } from '#server/inbox/connection-status.ts';

/** `{"connected", "accountName", "accountId", …, "accounts": [...]}` for a workspace (`?workspace=`). */
export async function loader({ request }: LoaderFunctionArgs) {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  const actor = await getActor(request, headers);
  if (!actor) return Response.json({ error: 'Sign in first' }, { status: 401, headers });
  try {
    const workspaceId = new URL(request.url).searchParams.get('workspace') ?? undefined;
    return Response.json(await getConnectionStatus(runtime.db, actor, workspaceId), { headers });
  } catch (error) {
    if (error instanceof AppError)
      return Response.json({ error: error.message }, { status: error.status, headers });
    throw error;
  }
}
