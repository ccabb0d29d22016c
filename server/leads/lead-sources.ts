// What each lead source is called, as the Leads screen shows it; exports write the same words.
// The browser cannot import a slice (it would bundle server code), so the screen keeps its own
// list (app/components/lead-source-badge.tsx), held to this one by app/lib/lead-source-labels.test.ts.
import type { LeadSource } from './leads.repository.ts';

export const LEAD_SOURCE_LABELS: Record<LeadSource, string> = {
  DM: 'Direct message',
  STORY_REPLY: 'Story reply',
  STORY_MENTION: 'Story mention',
  AD: 'Ad',
  REFERRAL: 'ig.me link',
  PRODUCT: 'Shop product',
  IMPORTED: 'Imported history',
  COMMENT: 'Comment',
  AD_COMMENT: 'Ad comment',
};
