import type { ActionFunctionArgs } from '@remix-run/node';
import { handleMetaCallback } from '#app/lib/meta-callback.server.ts';
import { runtime } from '#app/lib/runtime.server.ts';
import { deauthorize } from '#server/accounts/index.ts';

/** Meta: the person removed the app; their accounts are disconnected and their tokens wiped. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleMetaCallback(request, async ({ user_id }) => ({
    success: true,
    disconnected: await deauthorize(runtime.db, user_id),
  }));
