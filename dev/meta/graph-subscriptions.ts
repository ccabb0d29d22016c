// Per-account webhook subscription (§2.6, §3.4): `/{IG_ID|me}/subscribed_apps` on
// graph.instagram.com, `/{PAGE_ID|me}/subscribed_apps` on graph.facebook.com. Meta does not filter
// webhooks per account by field, so an account with any subscribed field receives every event.
import { type GraphEndpoint, ownNode } from './graph-api.ts';
import { invalidParameter } from './graph-errors.ts';

/** Subscribable `instagram` webhook fields (§4.5). */
const SUBSCRIBABLE_FIELDS = [
  'messages',
  'message_reactions',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'message_edit',
  'messaging_optins',
  'messaging_handover',
  'standby',
  'messaging_policy_enforcement',
  'response_feedback',
  'comments',
  'live_comments',
  'mentions',
  'story_insights',
  'message_echoes',
];

/** `subscribed_fields` as a comma list (query or form) or a JSON array body. */
function requestedFields(value: unknown): string[] {
  const fields = (
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : []
  )
    .map((field) => field.trim())
    .filter(Boolean);
  if (fields.length === 0) throw invalidParameter('The parameter subscribed_fields is required');
  for (const [index, field] of fields.entries()) {
    if (!SUBSCRIBABLE_FIELDS.includes(field)) {
      throw invalidParameter(
        `Param subscribed_fields[${index}] must be one of {${SUBSCRIBABLE_FIELDS.join(', ')}} - got "${field}".`,
      );
    }
  }
  return [...new Set(fields)];
}

export const subscriptionEndpoints: GraphEndpoint[] = [
  {
    method: 'POST',
    path: ':node/subscribed_apps',
    handle(call) {
      const account = ownNode(call);
      account.subscribedFields = requestedFields(call.args.subscribed_fields);
      return { success: true };
    },
  },
  {
    method: 'GET',
    path: ':node/subscribed_apps',
    handle(call) {
      const { subscribedFields } = ownNode(call);
      return { data: subscribedFields.length > 0 ? [{ subscribed_fields: [...subscribedFields] }] : [] };
    },
  },
  {
    method: 'DELETE',
    path: ':node/subscribed_apps',
    handle(call) {
      ownNode(call).subscribedFields = [];
      return { success: true };
    },
  },
];
