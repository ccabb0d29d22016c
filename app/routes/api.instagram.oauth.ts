import type { LoaderFunctionArgs } from '@remix-run/node';
import { getActor } from '#app/lib/auth.server.ts';
import { runtime } from '#app/lib/runtime.server.ts';
import { AppError } from '#server/errors.ts';
import { beginConnect } from '#server/inbox/begin-connect.ts';

/** `{"authUrl": …}`: where to send the operator to connect an Instagram account. */
export async function loader({ request }: LoaderFunctionArgs) {
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  const actor = await getActor(request, headers);
  if (!actor) return Response.json({ error: 'Sign in first' }, { status: 401, headers });
  const params = new URL(request.url).searchParams;
  try {
    const { authUrl } = await beginConnect(
      { db: runtime.db, oauth: runtime.instagramOAuth, appUrl: runtime.env.APP_URL },
      actor,
      {
        workspaceId: params.get('workspace') ?? undefined,
        loginPath: params.get('login') === 'facebook' ? 'facebook' : 'instagram',
      },
    );
    return Response.json({ authUrl }, { headers });
  } catch (error) {
    if (error instanceof AppError)
      return Response.json({ error: error.message }, { status: error.status, headers });
    throw error;
  }
}
