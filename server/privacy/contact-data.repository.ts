// The rows a contact's export is made of, read under the admin's RLS.
import type { Tx } from '../db/database.ts';
import type { ContactRef } from './erase-contact.ts';

export async function readContactData(trx: Tx, contact: ContactRef) {
  const byContact = { connection: contact.connectionId, igsid: contact.igsid };
  const [profile, account, conversations, messages, leads, events] = await Promise.all([
    trx
      .selectFrom('contacts')
      .select([
        'igsid',
        'name',
        'username',
        'profile_pic',
        'follower_count',
        'is_verified_user',
        'is_user_follow_business',
        'is_business_follow_user',
        'fetched_at',
        'created_at',
      ])
      .where('channel_connection_id', '=', byContact.connection)
      .where('igsid', '=', byContact.igsid)
      .executeTakeFirst(),
    trx
      .selectFrom('channel_connections')
      .select(['id', 'channel_identifier', 'display_name'])
      .where('id', '=', byContact.connection)
      .executeTakeFirst(),
    trx
      .selectFrom('conversations')
      .select([
        'id',
        'status',
        'assigned_to',
        'created_at',
        'last_message_at',
        'last_inbound_at',
        'unread_count',
      ])
      .where('channel_connection_id', '=', byContact.connection)
      .where('contact_identifier', '=', byContact.igsid)
      .execute(),
    trx
      .selectFrom('conversation_messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .select([
        'm.id',
        'm.external_message_id',
        'm.occurred_at',
        'm.direction',
        'm.status',
        'm.kind',
        'm.content',
        'm.attachments',
        'm.reactions',
        'm.reply_to_external_id',
        'm.edited_at',
        'm.unsent_at',
        'm.seen_at',
        'm.provider_data',
      ])
      .where('c.channel_connection_id', '=', byContact.connection)
      .where('c.contact_identifier', '=', byContact.igsid)
      .orderBy('m.occurred_at')
      .orderBy('m.id')
      .execute(),
    trx
      .selectFrom('leads')
      .select([
        'id',
        'source',
        'source_ref',
        'source_ad_id',
        'referral',
        'status',
        'name',
        'username',
        'origin_at',
        'created_at',
      ])
      .where('channel_connection_id', '=', byContact.connection)
      .where('contact_identifier', '=', byContact.igsid)
      .execute(),
    trx
      .selectFrom('instagram_events')
      .select(['kind', 'dedupe_key', 'occurred_at', 'received_at', 'status', 'payload'])
      .where('channel_connection_id', '=', byContact.connection)
      .where('contact_id', '=', byContact.igsid)
      .orderBy('occurred_at')
      .execute(),
  ]);
  return {
    format: 'instagram-contact-export/1' as const,
    exportedAt: new Date().toISOString(),
    account: account
      ? { id: account.id, instagramId: account.channel_identifier, name: account.display_name }
      : null,
    contact: { instagramUserId: contact.igsid, profile: profile ?? null },
    conversations,
    messages,
    leads,
    events,
  };
}

export type ContactExport = Awaited<ReturnType<typeof readContactData>>;
