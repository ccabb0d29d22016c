import type { ActionFunctionArgs } from '@remix-run/node';
import { handleMetaCallback } from '#app/lib/meta-callback.server.ts';
import { services } from '#app/lib/services.server.ts';
import { requestDataDeletion } from '#server/accounts/index.ts';
import { eraseContactEverywhere } from '#server/privacy/index.ts';

/** Meta: delete this person's data; answer where they can follow the request, and its code. */
export const action = ({ request }: ActionFunctionArgs) =>
  handleMetaCallback(request, async ({ user_id }) => {
    const { confirmationCode } = await requestDataDeletion(services.db, user_id, (trx) =>
      eraseContactEverywhere(trx, user_id),
    );
    const url = `${services.env.APP_URL.replace(/\/$/, '')}/data-deletion/${confirmationCode}`;
    return { url, confirmation_code: confirmationCode };
  });
