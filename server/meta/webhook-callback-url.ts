import { WEBHOOK_PATH } from '../http/node-webhook.ts';

/** The callback URL to paste into Meta's App Dashboard: where Meta verifies and delivers webhooks. */
export function webhookCallbackUrl(appUrl: string): string {
  return `${appUrl.replace(/\/$/, '')}${WEBHOOK_PATH}`;
}
