import type { ActionFunctionArgs } from '@remix-run/node';
import { handleMetaCallback } from '#app/lib/meta-callback.server.ts';
import { services } from '#app/lib/services.server.ts';
import { deauthorize } from '#server/accounts/index.ts';

/** Meta: the person removed the app; their accounts are disconnected and their tokens wiped. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleMetaCallback(request, async ({ user_id }) => ({
    success: true,
    disconnected: await deauthorize(services.db, user_id),
  }));
