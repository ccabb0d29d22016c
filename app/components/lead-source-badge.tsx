// Where a lead came from, as a coloured badge: the operator scans a column of these.
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import type { AppRouter } from '#server/trpc/app.router.ts';

type Lead = inferRouterOutputs<AppRouter>['leads']['list']['items'][number];
export type LeadSource = Lead['source'];

/** Labels in the order the filter offers them; exports write the same (server/leads/lead-sources.ts). */
export const LEAD_SOURCES: { source: LeadSource; label: string }[] = [
  { source: 'DM', label: 'Direct message' },
  { source: 'STORY_REPLY', label: 'Story reply' },
  { source: 'STORY_MENTION', label: 'Story mention' },
  { source: 'AD', label: 'Ad' },
  { source: 'REFERRAL', label: 'ig.me link' },
  { source: 'PRODUCT', label: 'Shop product' },
  { source: 'IMPORTED', label: 'Imported history' },
  { source: 'COMMENT', label: 'Comment' },
  { source: 'AD_COMMENT', label: 'Ad comment' },
];

const TONE: Record<LeadSource, string> = {
  DM: 'bg-sky-50 text-sky-700 ring-sky-200',
  STORY_REPLY: 'bg-fuchsia-50 text-fuchsia-700 ring-fuchsia-200',
  STORY_MENTION: 'bg-violet-50 text-violet-700 ring-violet-200',
  AD: 'bg-amber-50 text-amber-800 ring-amber-200',
  REFERRAL: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  PRODUCT: 'bg-rose-50 text-rose-700 ring-rose-200',
  IMPORTED: 'bg-slate-100 text-slate-700 ring-slate-300',
  COMMENT: 'bg-teal-50 text-teal-700 ring-teal-200',
  AD_COMMENT: 'bg-orange-50 text-orange-800 ring-orange-200',
};

export function LeadSourceBadge({
  lead,
}: {
  lead: Pick<Lead, 'source' | 'sourceRef' | 'sourceAdId' | 'sourceProductId' | 'ad'>;
}) {
  const label = LEAD_SOURCES.find((s) => s.source === lead.source)?.label ?? lead.source;
  // An ad names itself (its title, else its id) and its post; an ig.me link (or an ad link) its
  // ref, which says which campaign it was; a shop product its id.
  const details = [
    lead.ad?.title ? `“${lead.ad.title}”` : lead.sourceAdId ? `ad ${lead.sourceAdId}` : null,
    lead.ad?.postId ? `post ${lead.ad.postId}` : null,
    lead.sourceProductId ? `product ${lead.sourceProductId}` : null,
    lead.sourceRef ? `ref ${lead.sourceRef}` : null,
  ].filter((detail): detail is string => detail !== null);
  return (
    <span className="inline-flex flex-col items-start gap-1">
      {lead.ad?.photoUrl ? (
        // Content, not decoration: operators recognise an ad by its picture, so it is named for the ad.
        <img
          src={lead.ad.photoUrl}
          alt={lead.ad.title ? `Ad “${lead.ad.title}”` : 'Ad'}
          className="h-10 w-10 rounded object-cover"
          loading="lazy"
        />
      ) : null}
      <span
        className={clsx(
          'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset',
          TONE[lead.source],
        )}
      >
        {label}
      </span>
      {details.map((detail) => (
        <span key={detail} className="font-mono text-[11px] text-slate-500">
          {detail}
        </span>
      ))}
    </span>
  );
}
