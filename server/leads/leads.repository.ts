// SQL for leads: written once by ingest, listed for operators. Rows become camelCase DTOs here.
import { sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import { containsPattern } from '../db/like-pattern.ts';
import { newestFirstPage, type PagePosition } from '../db/page-cursor.ts';
import type { Referral } from '../meta/instagram-events.ts';
import { leadReferralColumn } from './jsonb-columns.ts';

export type LeadSource =
  | 'DM'
  | 'STORY_REPLY'
  | 'STORY_MENTION'
  | 'AD'
  | 'REFERRAL'
  | 'PRODUCT'
  | 'IMPORTED'
  | 'COMMENT'
  | 'AD_COMMENT';

export interface NewLead {
  workspaceId: string;
  connectionId: string;
  conversationId: string;
  contactId: string;
  source: LeadSource;
  sourceRef: string | null;
  sourceAdId: string | null;
  /** The ad or link (with the ad's title, picture, post and product) the contact came from. */
  referral: Referral | null;
  /** Meta's time of the message the source is taken from. */
  originAt: Date;
}

/**
 * One lead per contact of an account, created by the customer's first message. Its source is that
 * of the earliest message: one delivered later but written earlier (Meta does not keep order)
 * takes its place; anything else changes nothing.
 */
export async function recordLead(trx: Tx, lead: NewLead): Promise<void> {
  await recordLeads(trx, [lead]);
}

/** recordLead for many contacts (each once), in one statement. */
export async function recordLeads(trx: Tx, leads: NewLead[]): Promise<void> {
  if (leads.length === 0) return;
  await trx
    .insertInto('leads')
    .values(
      leads.map((lead) => ({
        workspace_id: lead.workspaceId,
        channel_connection_id: lead.connectionId,
        conversation_id: lead.conversationId,
        contact_identifier: lead.contactId,
        source: lead.source,
        source_ref: lead.sourceRef,
        source_ad_id: lead.sourceAdId,
        referral: lead.referral && leadReferralColumn.encode(lead.referral),
        origin_at: lead.originAt,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['channel_connection_id', 'contact_identifier'])
        .doUpdateSet((eb) => ({
          source: eb.ref('excluded.source'),
          source_ref: eb.ref('excluded.source_ref'),
          source_ad_id: eb.ref('excluded.source_ad_id'),
          referral: eb.ref('excluded.referral'),
          origin_at: eb.ref('excluded.origin_at'),
        }))
        .where(sql<boolean>`leads.origin_at is null or excluded.origin_at < leads.origin_at`),
    )
    .execute();
}

export interface LeadAd {
  title: string | null;
  photoUrl: string | null;
  postId: string | null;
}

/** The product and the ad's context from the stored referral (leads before it was kept have none). */
function adContext(stored: unknown): Pick<LeadSummary, 'sourceProductId' | 'ad'> {
  const referral = stored === null ? null : leadReferralColumn.decode(stored);
  const ad =
    referral && (referral.adTitle || referral.adPhotoUrl || referral.adPostId)
      ? { title: referral.adTitle, photoUrl: referral.adPhotoUrl, postId: referral.adPostId }
      : null;
  return { sourceProductId: referral?.productId ?? null, ad };
}

export interface LeadSummary {
  id: string;
  /** Null only if its conversation was removed by hand; ingest always links one. */
  conversationId: string | null;
  contactIdentifier: string;
  contactName: string | null;
  contactUsername: string | null;
  contactAvatar: string | null;
  source: LeadSource;
  /** The ig.me link's or ad's `ref` parameter. */
  sourceRef: string | null;
  sourceAdId: string | null;
  /** The shop product the contact asked about. */
  sourceProductId: string | null;
  /** The ad the contact came from, as Meta described it. */
  ad: LeadAd | null;
  status: 'NEW' | 'CONTACTED' | 'QUALIFIED' | 'WON' | 'LOST';
  account: { id: string; name: string | null; status: 'CONNECTED' | 'NEEDS_REAUTH' | 'DISCONNECTED' };
  createdAt: string;
}

export interface LeadFilters {
  source?: LeadSource;
  /** Matched against the contact's name and username (a leading @ is part of no username). */
  search?: string;
}

export interface LeadPage {
  items: LeadSummary[];
  next: PagePosition | null;
}

/** A lead with what only a full record (an export) needs beyond the list's summary. */
export interface LeadRecord extends LeadSummary {
  /** Meta's time of the message the lead came from; null for leads stored before it was kept. */
  firstContactAt: string | null;
}

export interface LeadRecordPage {
  items: LeadRecord[];
  next: PagePosition | null;
}

export interface LeadQuery {
  workspaceId: string;
  filters: LeadFilters;
}

/**
 * The leads list's rows, unordered and unpaged: the one place its filters are applied, so the
 * list, its count and its export always agree on which leads match. The caller's RLS applies.
 */
function selectLeads(trx: Tx, query: LeadQuery) {
  let select = trx
    .selectFrom('leads as l')
    .innerJoin('channel_connections as cc', 'cc.id', 'l.channel_connection_id')
    // The profile ingest's enrichment fetched; the lead's own name wins (operators may edit it).
    .leftJoin('contacts as ct', (join) =>
      join
        .onRef('ct.channel_connection_id', '=', 'l.channel_connection_id')
        .onRef('ct.igsid', '=', 'l.contact_identifier'),
    )
    .where('l.workspace_id', '=', query.workspaceId);
  if (query.filters.source) select = select.where('l.source', '=', query.filters.source);
  if (query.filters.search) {
    // Through the trigram indexes, as the inbox's names are (decision 025).
    const pattern = containsPattern(query.filters.search);
    const username = containsPattern(query.filters.search.replace(/^@/, ''));
    select = select.where(
      'l.id',
      'in',
      sql<string>`(select private.search_leads(${query.workspaceId}::uuid, ${pattern}, ${username}))`,
    );
  }
  return select;
}

/** A page of the workspace's leads as full records, newest first, `limit` after `after`. */
export async function listLeadRecordPage(
  trx: Tx,
  query: LeadQuery & { after: PagePosition | null; limit: number },
): Promise<LeadRecordPage> {
  const select = selectLeads(trx, query).select((eb) => [
    'l.id',
    'l.conversation_id',
    'l.contact_identifier',
    eb.fn.coalesce('l.name', 'ct.name').as('contact_name'),
    eb.fn.coalesce('l.username', 'ct.username').as('contact_username'),
    'ct.profile_pic',
    'l.source',
    'l.source_ref',
    'l.source_ad_id',
    'l.referral',
    'l.status',
    'l.origin_at',
    'l.created_at',
    'cc.id as account_id',
    'cc.display_name as account_name',
    'cc.status as account_status',
    // Postgres keeps microseconds; a JS Date would round them and skip or repeat rows.
    sql<string>`l.created_at::text`.as('position_at'),
  ]);
  const page = await newestFirstPage(select, { at: 'l.created_at', id: 'l.id' }, query.after, query.limit);
  return {
    items: page.rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      contactIdentifier: r.contact_identifier,
      contactName: r.contact_name,
      contactUsername: r.contact_username,
      contactAvatar: r.profile_pic,
      source: r.source,
      sourceRef: r.source_ref,
      sourceAdId: r.source_ad_id,
      ...adContext(r.referral),
      status: r.status,
      account: { id: r.account_id, name: r.account_name, status: r.account_status },
      firstContactAt: r.origin_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    })),
    next: page.next,
  };
}

/** A workspace's leads, newest first, `limit` after `after`; the caller's RLS applies. */
export async function listLeadPage(
  trx: Tx,
  query: LeadQuery & { after: PagePosition | null; limit: number },
): Promise<LeadPage> {
  const page = await listLeadRecordPage(trx, query);
  return { items: page.items.map(({ firstContactAt: _, ...summary }) => summary), next: page.next };
}

/** How many leads the list shows for these filters; the caller's RLS applies. */
export async function countLeads(trx: Tx, query: LeadQuery): Promise<number> {
  const row = await selectLeads(trx, query)
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Deletes a contact's lead on the account (their erasure); how many there were. */
export async function deleteContactLead(
  trx: Tx,
  contact: { connectionId: string; igsid: string },
): Promise<number> {
  const result = await trx
    .deleteFrom('leads')
    .where('channel_connection_id', '=', contact.connectionId)
    .where('contact_identifier', '=', contact.igsid)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
