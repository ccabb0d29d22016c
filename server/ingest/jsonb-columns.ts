// The codecs of ingest's jsonb columns: instagram_events.payload, the parsed event ingest records,
// and webhook_events.headers (server/db/jsonb.ts says why every jsonb value goes through its
// column's codec).
import { z } from 'zod';
import { jsonbCodec } from '../db/jsonb.ts';
import type { InstagramEvent } from '../meta/instagram-events.ts';

const text = z.string().nullable().default(null);

// The parsed event as ingest recorded it. Only the parts ingest reads back are checked field by
// field (the events that change a message); the rest must at least name its kind.
const EventBase = {
  accountId: z.string(),
  contactId: z.string(),
  occurredAt: z.coerce.date(),
  dedupeKey: z.string(),
  standby: z.boolean().default(false),
  isSelf: z.boolean().default(false),
};
const StoredEventSchema = z.union([
  z.object({ ...EventBase, kind: z.literal('unsend'), mid: z.string() }),
  z.object({ ...EventBase, kind: z.literal('edit'), mid: z.string(), text: z.string(), numEdit: z.number() }),
  z.object({
    ...EventBase,
    kind: z.literal('reaction'),
    mid: z.string(),
    action: z.enum(['react', 'unreact']),
    reaction: text,
    emoji: text,
  }),
  z.object({ ...EventBase, kind: z.literal('read'), mid: z.string() }),
  z.looseObject({
    ...EventBase,
    kind: z.enum(['message', 'postback', 'referral', 'comment', 'ignored', 'unparsed']),
  }),
]) as unknown as z.ZodType<InstagramEvent, unknown>;

export const eventPayloadColumn = jsonbCodec('instagram_events.payload', StoredEventSchema);

/** The headers kept with a raw delivery (the signature, the content type, the sender). */
export const webhookHeadersColumn = jsonbCodec('webhook_events.headers', z.record(z.string(), z.string()));
