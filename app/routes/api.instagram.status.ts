import type { LoaderFunctionArgs } from '@remix-run/node';
import { jsonForOperator } from '#app/lib/json-api.server.ts';
import { runtime } from '#app/lib/runtime.server.ts';
import { getConnectionStatus } from '#server/accounts/index.ts';

/** `{"connected", "accountName", "accountId", …, "accounts": [...]}` for a workspace (`?workspace=`). */
export const loader = ({ request }: LoaderFunctionArgs) =>
  jsonForOperator(request, (actor) =>
    getConnectionStatus(runtime.db, actor, new URL(request.url).searchParams.get('workspace') ?? undefined),
  );
