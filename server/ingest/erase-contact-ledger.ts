// Everything intake holds about one contact of an account, for their erasure: their profile, the
// events parsed from what Meta sent about them, and their words in the raw deliveries (those
// holding nothing else are deleted, the others rewritten without them).
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { redactContact } from '../meta/redact-delivery.ts';
import { readRawBodies, replaceRawBody } from './webhook-ledger.repository.ts';

export interface LedgerErasure {
  deliveriesRewritten: number;
  deliveriesDeleted: number;
  events: number;
  contacts: number;
}

export async function eraseContactLedger(
  trx: Tx,
  contact: { connectionId: string; igsid: string },
): Promise<LedgerErasure> {
  const { rows: deliveries } = await sql<{ id: string }>`
    select e.webhook_event_id::text as id from public.instagram_events e
    where e.channel_connection_id = ${contact.connectionId} and e.contact_id = ${contact.igsid}
    union
    select r.webhook_event_id::text from public.instagram_event_redeliveries r
    join public.instagram_events e on e.id = r.instagram_event_id
    where e.channel_connection_id = ${contact.connectionId} and e.contact_id = ${contact.igsid}`.execute(trx);
  const { rows: comments } = await sql<{ comment_id: string }>`
    select m.comment_id from public.conversation_messages m
    join public.conversations c on c.id = m.conversation_id
    where c.channel_connection_id = ${contact.connectionId} and c.contact_identifier = ${contact.igsid}
      and m.direction = 'INBOUND' and m.comment_id is not null`.execute(trx);
  const commentIds = new Set(comments.map((c) => c.comment_id));
  const erasure: LedgerErasure = { deliveriesRewritten: 0, deliveriesDeleted: 0, events: 0, contacts: 0 };
  for (const delivery of await readRawBodies(
    trx,
    deliveries.map((d) => d.id),
  )) {
    const redacted = redactContact(delivery.rawBody, contact.igsid, commentIds);
    if (!redacted) continue;
    if (redacted.empty) {
      await trx.deleteFrom('webhook_events').where('id', '=', delivery.id).execute();
      erasure.deliveriesDeleted += 1;
    } else {
      await replaceRawBody(trx, delivery.id, redacted.body);
      erasure.deliveriesRewritten += 1;
    }
  }
  const events = await trx
    .deleteFrom('instagram_events')
    .where('channel_connection_id', '=', contact.connectionId)
    .where('contact_id', '=', contact.igsid)
    .executeTakeFirst();
  erasure.events = Number(events.numDeletedRows);
  const contacts = await trx
    .deleteFrom('contacts')
    .where('channel_connection_id', '=', contact.connectionId)
    .where('igsid', '=', contact.igsid)
    .executeTakeFirst();
  erasure.contacts = Number(contacts.numDeletedRows);
  return erasure;
}
