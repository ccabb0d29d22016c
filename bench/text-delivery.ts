// One webhook delivery as Meta sends it for a customer's text message, signed with the app secret.
import { randomBytes } from 'node:crypto';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';

export interface TextDelivery {
  body: string;
  signature: string;
  mid: string;
}

export function signedTextDelivery(input: {
  account: string;
  customer: string;
  text: string;
  secret: string;
}): TextDelivery {
  const mid = `aWdf${randomBytes(16).toString('base64url')}`;
  const now = Date.now();
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: input.account,
        time: now,
        messaging: [
          {
            sender: { id: input.customer },
            recipient: { id: input.account },
            timestamp: now,
            message: { mid, text: input.text },
          },
        ],
      },
    ],
  });
  return { body, signature: signWebhookBody(body, input.secret), mid };
}
