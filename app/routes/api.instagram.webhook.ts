import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { services } from '#app/lib/services.server.ts';
import { answerVerification, receiveDelivery } from '#server/ingest/index.ts';

/** Meta's verification handshake. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  answerVerification(new URL(request.url), services.webhookEndpoint);

/** Signed event deliveries from Meta. */
// Only POST reaches an action: other methods are refused in front of every route.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveDelivery(request, services.webhookEndpoint, services.webhookLedger);
