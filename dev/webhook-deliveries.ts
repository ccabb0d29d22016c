// Webhook deliveries as Meta POSTs them for Instagram messaging, for tests and benchmarks that
// drive the real endpoint: the JSON body of any entries, and a customer's text message signed with
// the app secret as Meta signs it.
import { randomBytes } from 'node:crypto';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';

/** One `entry` of a delivery: a business account and its `messaging` items. */
export interface WebhookEntry {
  id: string;
  messaging: unknown[];
  /** Meta's batch time; ingest goes by each item's own timestamp. */
  time?: number;
}

/** The JSON body Meta POSTs for Instagram messaging: any number of entries, each with its items. */
export function instagramDeliveryBody(entries: WebhookEntry[]): string {
  return JSON.stringify({
    object: 'instagram',
    entry: entries.map(({ id, messaging, time }) => ({ id, time: time ?? Date.now(), messaging })),
  });
}

export interface TextDelivery {
  body: string;
  signature: string;
  mid: string;
}

/** One delivery of one new text message from `customer` to the business `account`. */
export function signedTextDelivery(input: {
  account: string;
  customer: string;
  text: string;
  secret: string;
  /** Meta's message id; a random one by default. */
  mid?: string;
}): TextDelivery {
  const mid = input.mid ?? `aWdf${randomBytes(16).toString('base64url')}`;
  const now = Date.now();
  const body = instagramDeliveryBody([
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
  ]);
  return { body, signature: signWebhookBody(body, input.secret), mid };
}
