// Where a new contact came from, read from the event that opened its conversation: the lead's source.

import { type InstagramEvent, isAdReferral, type Referral } from '../meta/instagram-events.ts';
import type { LeadSource } from './leads.repository.ts';

export interface LeadOrigin {
  source: LeadSource;
  sourceRef: string | null;
  sourceAdId: string | null;
  referral: Referral | null;
}

/** A contact first met in history imported from Meta: how it first wrote is not known. */
export const IMPORTED_HISTORY_ORIGIN: LeadOrigin = {
  source: 'IMPORTED',
  sourceRef: null,
  sourceAdId: null,
  referral: null,
};

/**
 * A contact first met commenting: on an ad (whose id and title the comment carries, kept like a
 * click-to-message ad's so the Leads screen names the ad), or on a post, reel or live.
 */
function commentOrigin(event: Extract<InstagramEvent, { kind: 'comment' }>): LeadOrigin {
  if (!event.adId) return { source: 'COMMENT', sourceRef: event.mediaId, sourceAdId: null, referral: null };
  const referral: Referral = {
    ref: null,
    source: 'ADS',
    type: 'COMMENT',
    adId: event.adId,
    adTitle: event.adTitle,
    adPhotoUrl: null,
    adVideoUrl: null,
    adPostId: event.mediaId,
    productId: null,
  };
  return { source: 'AD_COMMENT', sourceRef: event.mediaId, sourceAdId: event.adId, referral };
}

/** Where a new contact came from: a shop product, an ad, an ig.me link, a story, a comment or a plain DM. */
export function leadOrigin(event: InstagramEvent): LeadOrigin {
  if (event.kind === 'comment') return commentOrigin(event);
  const referral = 'referral' in event ? event.referral : null;
  if (referral) {
    const source =
      referral.productId && !isAdReferral(referral) ? 'PRODUCT' : isAdReferral(referral) ? 'AD' : 'REFERRAL';
    return { source, sourceRef: referral.ref, sourceAdId: referral.adId, referral };
  }
  const plain = { sourceRef: null, sourceAdId: null, referral: null };
  if (event.kind === 'message' && event.replyTo?.kind === 'story') return { source: 'STORY_REPLY', ...plain };
  if (event.kind === 'message' && event.attachments.some((a) => a.kind === 'story_mention')) {
    return { source: 'STORY_MENTION', ...plain };
  }
  return { source: 'DM', ...plain };
}
