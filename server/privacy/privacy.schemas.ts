// The privacy API's shapes, shared by tRPC and its tests.
import { z } from 'zod';

const rows = z.array(z.record(z.string(), z.unknown()));

/** A contact's export: the rows as stored (times as ISO text), and the messages as CSV. */
export const ContactExportSchema = z.object({
  format: z.literal('instagram-contact-export/1'),
  exportedAt: z.iso.datetime(),
  account: z.record(z.string(), z.unknown()).nullable(),
  contact: z.object({ instagramUserId: z.string(), profile: z.record(z.string(), z.unknown()).nullable() }),
  conversations: rows,
  messages: rows,
  leads: rows,
  events: rows,
  messagesCsv: z.string(),
});

export const ContactInput = z.object({ conversationId: z.uuid() });
