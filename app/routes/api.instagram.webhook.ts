import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { runtime } from '#app/lib/runtime.server.ts';
import { answerVerification, receiveDelivery } from '#server/ingest/index.ts';

/** Meta's verification handshake. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  answerVerification(new URL(request.url), runtime.webhookEndpoint);

/** Signed event deliveries from Meta. */
// Only POST reaches an action: other methods are refused in front of every route.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveDelivery(request, runtime.webhookEndpoint, runtime.webhookLedger);
