import type { LoaderFunctionArgs } from '@remix-run/node';
import { jsonForOperator } from '#app/lib/json-api.server.ts';
import { services } from '#app/lib/services.server.ts';
import { getConnectionStatus } from '#server/accounts/index.ts';

/** `{"connected", "accountName", "accountId", …, "accounts": [...]}` for a workspace (`?workspace=`). */
export const loader = ({ request }: LoaderFunctionArgs) =>
  jsonForOperator(request, (actor) =>
    getConnectionStatus(services.db, actor, new URL(request.url).searchParams.get('workspace') ?? undefined),
  );
