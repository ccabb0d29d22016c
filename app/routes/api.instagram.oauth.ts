import type { LoaderFunctionArgs } from '@remix-run/node';
import { jsonForOperator } from '#app/lib/json-api.server.ts';
import { services } from '#app/lib/services.server.ts';
import { beginConnect } from '#server/accounts/index.ts';

/** `{"authUrl": …}`: where to send the operator to connect an Instagram account. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  jsonForOperator(request, async (actor) => {
    const params = new URL(request.url).searchParams;
    const { authUrl } = await beginConnect(services, actor, {
      workspaceId: params.get('workspace') ?? undefined,
      loginPath: params.get('login') === 'facebook' ? 'facebook' : 'instagram',
      returnScreen: params.get('return') === 'accounts' ? 'accounts' : 'inbox',
    });
    return { authUrl };
  });
