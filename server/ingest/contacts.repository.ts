// SQL for the contact profile cache.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { ContactProfile } from '../meta/graph-api.ts';

export interface SeenContact {
  workspaceId: string;
  connectionId: string;
  igsid: string;
  wrote: boolean;
}

/**
 * Registers a contact the first time it is seen; true when it needs a profile lookup: it is new,
 * or Meta refused its profile for want of consent and the customer has now written (Meta gives a
 * profile only of someone who messaged the account; a commenter has not).
 */
export async function registerContact(trx: Tx, contact: SeenContact): Promise<boolean> {
  return (await registerContacts(trx, [contact])).length > 0;
}

/** registerContact for many contacts (each once), in one statement: those to look up. */
export async function registerContacts(
  trx: Tx,
  contacts: SeenContact[],
): Promise<{ connectionId: string; igsid: string }[]> {
  if (contacts.length === 0) return [];
  // A known contact's row is locked only when it is to be looked up again (an ON CONFLICT DO
  // UPDATE would lock it for every message, under ingest's conversation locks).
  const { rows } = await sql<{ channel_connection_id: string; igsid: string }>`
    with seen as (
      select * from unnest(${contacts.map((c) => c.workspaceId)}::uuid[], ${contacts.map((c) => c.connectionId)}::uuid[],
                           ${contacts.map((c) => c.igsid)}::text[], ${contacts.map((c) => c.wrote)}::boolean[])
        as s(workspace_id, channel_connection_id, igsid, wrote)
    ), registered as (
      insert into public.contacts (workspace_id, channel_connection_id, igsid)
      select workspace_id, channel_connection_id, igsid from seen
      on conflict (channel_connection_id, igsid) do nothing
      returning channel_connection_id, igsid
    ), consented as (
      -- Looked up afresh: not "fresh" for a day after the refusal.
      update public.contacts c set fetch_error = null, fetched_at = null
      from seen s
      where s.wrote and c.channel_connection_id = s.channel_connection_id
        and c.igsid = s.igsid and c.fetch_error like ${`${NO_CONSENT}:%`}
      returning c.channel_connection_id, c.igsid
    )
    select * from registered union all select * from consented`.execute(trx);
  return rows.map((row) => ({ connectionId: row.channel_connection_id, igsid: row.igsid }));
}

/** How a lookup Meta refused for want of consent is recorded (see enrich-contact.ts). */
export const NO_CONSENT = 'no_consent';

/**
 * The username a comment carries, for a contact Meta has given no profile of yet: the inbox shows
 * @username rather than "Instagram user". A profile fetched later replaces it.
 */
export async function recordCommenterUsername(
  trx: Tx,
  contact: { connectionId: string; igsid: string; username: string },
): Promise<void> {
  await trx
    .updateTable('conversations')
    .set({
      contact_username: sql<string>`coalesce(contact_username, ${contact.username})`,
      contact_name: sql<string>`case when contact_name = '' then ${contact.username} else contact_name end`,
    })
    .where('channel_connection_id', '=', contact.connectionId)
    .where('contact_identifier', '=', contact.igsid)
    .where('contact_username', 'is', null)
    .execute();
  await trx
    .updateTable('leads')
    .set({ username: sql<string>`coalesce(username, ${contact.username})` })
    .where('channel_connection_id', '=', contact.connectionId)
    .where('contact_identifier', '=', contact.igsid)
    .execute();
}

export async function findContactFetchedAt(
  trx: Tx,
  connectionId: string,
  igsid: string,
): Promise<Date | null | undefined> {
  const row = await trx
    .selectFrom('contacts')
    .select('fetched_at')
    .where('channel_connection_id', '=', connectionId)
    .where('igsid', '=', igsid)
    .executeTakeFirst();
  return row?.fetched_at;
}

/** Stores a fetched profile and shows it wherever the contact appears. */
export async function saveContactProfile(
  trx: Tx,
  key: { connectionId: string; igsid: string },
  profile: ContactProfile,
): Promise<void> {
  await trx
    .updateTable('contacts')
    .set({
      name: profile.name,
      username: profile.username,
      profile_pic: profile.profilePic,
      follower_count: profile.followerCount,
      is_verified_user: profile.isVerifiedUser,
      is_user_follow_business: profile.isUserFollowBusiness,
      is_business_follow_user: profile.isBusinessFollowUser,
      fetched_at: new Date(),
      fetch_error: null,
    })
    .where('channel_connection_id', '=', key.connectionId)
    .where('igsid', '=', key.igsid)
    .execute();
  await trx
    .updateTable('conversations')
    .set({
      contact_name: profile.name ?? profile.username ?? '',
      contact_username: profile.username,
      contact_avatar: profile.profilePic,
    })
    .where('channel_connection_id', '=', key.connectionId)
    .where('contact_identifier', '=', key.igsid)
    .execute();
  await trx
    .updateTable('leads')
    .set({ name: profile.name, username: profile.username })
    .where('channel_connection_id', '=', key.connectionId)
    .where('contact_identifier', '=', key.igsid)
    .execute();
}

/** Why no profile could be had (no consent yet, unknown user, no token): kept, not retried. */
export async function recordContactFetchError(
  trx: Tx,
  key: { connectionId: string; igsid: string },
  error: string,
): Promise<void> {
  await trx
    .updateTable('contacts')
    .set({ fetch_error: error, fetched_at: new Date() })
    .where('channel_connection_id', '=', key.connectionId)
    .where('igsid', '=', key.igsid)
    .execute();
}
