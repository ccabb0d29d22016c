// The webhook self-test's settings, from the one environment the rest of the server reads.
import type { Env } from '../env.ts';
import { webhookCallbackUrl } from '../meta/webhook-callback-url.ts';
import type { WebhookSelfTestConfig } from './run-webhook-self-test.ts';

export function webhookSelfTestConfig(env: Env): WebhookSelfTestConfig {
  return {
    callbackUrl: webhookCallbackUrl(env.APP_URL),
    verifyToken: env.INSTAGRAM_VERIFY_TOKEN,
    // The same secrets, in the same order, as the endpoint accepts (env.ts webhookSecrets()).
    appSecrets: [
      { name: 'Instagram app secret', secret: env.INSTAGRAM_APP_SECRET },
      ...(env.META_APP_SECRET ? [{ name: 'Meta app secret', secret: env.META_APP_SECRET }] : []),
    ],
    // Meta itself waits up to 20 s for an answer; an endpoint this slow already needs attention.
    requestTimeoutMs: 5_000,
    processingDeadlineMs: 10_000,
  };
}
