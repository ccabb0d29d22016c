// What the business accounts publish and what people write under it: each account's media (feed
// posts, reels, posts that run as ads, live broadcasts) and the comments on them. Instagram threads
// comments one level deep: a reply to a reply is added to the top-level comment ("You can only reply
// to top-level comments; replies to a reply will be added to the top-level comment", IG Comment
// Replies reference), for the business and customers alike. Times are on the simulator clock, so a
// test can age a comment past the 7 days a private reply allows. Nothing here sends webhooks: the
// comment scenarios and the Graph endpoints act on this store and say what Meta would send.
import type { Clock } from './clock.ts';
import { newestFirst as compareListingKeys, type ListingKey } from './conversation-listing.ts';
import { newAdId, newCommentId, newMediaId, newMediaUrl, newShortcode } from './ids.ts';
import { type Account, DAY_MS, SimulatorInputError } from './world.ts';

/**
 * Meta's `media_product_type` values the simulator publishes. An ad is a FEED or REELS media that
 * runs as an ad (its comments carry `ad_id` and `ad_title`); Meta's `AD` type for ad-only ("dark")
 * posts and STORY (story replies are DMs, not comments) are not modelled.
 */
export type MediaProductType = 'FEED' | 'REELS' | 'LIVE';

export interface MediaAd {
  id: string;
  title: string;
}

export interface Media {
  id: string;
  /** IG_ID of the account that published it. */
  accountIgId: string;
  caption: string;
  productType: MediaProductType;
  /** Meta's `media_type`: IMAGE for feed posts, VIDEO for reels and lives. */
  mediaType: 'IMAGE' | 'VIDEO';
  shortcode: string;
  permalink: string;
  /** On the simulator's CDN. */
  mediaUrl: string;
  /** A video's cover picture; null for images, as Graph leaves it out for them. */
  thumbnailUrl: string | null;
  /** Epoch ms on the simulator clock. */
  timestamp: number;
  likeCount: number;
  /** Set while the post runs as an ad (a boosted post or an ads post). */
  ad: MediaAd | null;
  /** A LIVE broadcast that has ended: its comments can no longer be read or answered privately. */
  liveEnded: boolean;
}

export interface Comment {
  id: string;
  mediaId: string;
  /** The customer's IGSID, or the account's IG_ID for the business's own comments. */
  from: { id: string; username: string };
  byBusiness: boolean;
  text: string;
  /** Epoch ms on the simulator clock. */
  timestamp: number;
  /** The top-level comment this one replies to; null for a top-level comment. */
  parentId: string | null;
  hidden: boolean;
  deleted: boolean;
  likeCount: number;
  /** mid of the private reply the business sent about this comment (one is allowed). */
  privateReplyMid: string | null;
}

export interface NewMedia {
  caption?: string;
  productType?: MediaProductType;
  /** Runs the post as an ad; `true` for a generated ad id and title. */
  ad?: Partial<MediaAd> | true;
  /** Epoch ms; defaults to now on the simulator clock. */
  timestamp?: number;
  /** Restores a media id a previous run handed out. */
  id?: string;
}

export interface NewComment {
  media: Media;
  from: { id: string; username: string };
  byBusiness: boolean;
  text: string;
  /** A comment of the same media; a reply to a reply lands under its top-level comment. */
  parentId?: string;
  timestamp?: number;
  id?: string;
}

const PERMALINK_PATH: Record<MediaProductType, string> = { FEED: 'p', REELS: 'reel', LIVE: 'p' };

/** Creation order of every media and comment, which breaks ties between equal timestamps. */
const created = new WeakMap<Media | Comment, number>();
let createdSoFar = 0;

/**
 * A media's or comment's place in a newest-first listing (graph-paging's cursors): its time, then
 * the later made first, so comments of the same millisecond keep the order they were made in.
 */
export const listingKey = (item: Media | Comment): ListingKey => ({
  time: item.timestamp,
  tie: String(created.get(item) ?? 0).padStart(12, '0'),
});

const newestFirst = (a: Media | Comment, b: Media | Comment) =>
  compareListingKeys(listingKey(a), listingKey(b));

export type Posts = ReturnType<typeof createPosts>;

/** `cdnBase`: the simulator's URL, under which its stand-in CDN serves the pictures. */
export function createPosts(clock: Clock, cdnBase: string) {
  const media = new Map<string, Media>();
  const comments = new Map<string, Comment>();

  const published = (account: Account) =>
    [...media.values()].filter((item) => item.accountIgId === account.igId);

  function addMedia(account: Account, input: NewMedia = {}): Media {
    const id = input.id ?? newMediaId();
    if (media.has(id)) throw new SimulatorInputError(`media ${id} exists already`);
    const productType = input.productType ?? 'FEED';
    const video = productType !== 'FEED';
    const shortcode = newShortcode();
    const adInput = input.ad === true ? {} : input.ad;
    const ad = adInput && { id: adInput.id ?? newAdId(), title: adInput.title ?? 'Spring sale' };
    if (ad && productType === 'LIVE') throw new SimulatorInputError('a live broadcast cannot run as an ad');
    const item: Media = {
      id,
      accountIgId: account.igId,
      caption: input.caption ?? '',
      productType,
      mediaType: video ? 'VIDEO' : 'IMAGE',
      shortcode,
      permalink: `https://www.instagram.com/${PERMALINK_PATH[productType]}/${shortcode}/`,
      mediaUrl: newMediaUrl(cdnBase, video ? 'video' : 'image'),
      thumbnailUrl: video ? newMediaUrl(cdnBase, 'image') : null,
      timestamp: input.timestamp ?? clock.now(),
      likeCount: 0,
      ad: ad ?? null,
      liveEnded: false,
    };
    media.set(id, item);
    created.set(item, ++createdSoFar);
    // Graph's media_count counts what the account has published, not live broadcasts.
    account.mediaCount = published(account).filter((m) => m.productType !== 'LIVE').length;
    return item;
  }

  function topLevelOf(item: Media, parentId: string): Comment {
    const parent = comments.get(parentId);
    if (!parent || parent.deleted || parent.mediaId !== item.id)
      throw new SimulatorInputError(`no comment ${parentId} on media ${item.id}`);
    return parent.parentId === null ? parent : (comments.get(parent.parentId) as Comment);
  }

  return {
    addMedia,

    /** What every account starts with: a post, a reel and a post that runs as an ad. */
    seed(account: Account): Media[] {
      const daysAgo = (days: number) => clock.now() - days * DAY_MS;
      return [
        addMedia(account, { caption: 'New arrivals are in \u2728', timestamp: daysAgo(3) }),
        addMedia(account, {
          caption: 'Behind the scenes at the studio \ud83c\udfac',
          productType: 'REELS',
          timestamp: daysAgo(2),
        }),
        addMedia(account, {
          caption: 'Linen shirts, 20% off this week only',
          ad: { title: 'Spring sale' },
          timestamp: daysAgo(1),
        }),
      ].map((item, index) => Object.assign(item, { likeCount: 40 + index * 17 }));
    },

    media: (id: string): Media | undefined => media.get(id),

    /** The account's media, newest first. */
    mediaOf: (account: Account): Media[] => published(account).sort(newestFirst),

    /** The broadcast ends: Instagram Live comments take private replies only during it. */
    endLive(item: Media): void {
      if (item.productType !== 'LIVE')
        throw new SimulatorInputError(`media ${item.id} is not a live broadcast`);
      item.liveEnded = true;
    },

    addComment(input: NewComment): Comment {
      const { media: item } = input;
      if (item.productType === 'LIVE' && item.liveEnded)
        throw new SimulatorInputError(`the live broadcast ${item.id} has ended`);
      const id = input.id ?? newCommentId();
      if (comments.has(id)) throw new SimulatorInputError(`comment ${id} exists already`);
      const comment: Comment = {
        id,
        mediaId: item.id,
        from: { ...input.from },
        byBusiness: input.byBusiness,
        text: input.text,
        timestamp: input.timestamp ?? clock.now(),
        parentId: input.parentId === undefined ? null : topLevelOf(item, input.parentId).id,
        hidden: false,
        deleted: false,
        likeCount: 0,
        privateReplyMid: null,
      };
      comments.set(id, comment);
      created.set(comment, ++createdSoFar);
      return comment;
    },

    /** Any comment ever made, deleted or not. */
    comment: (id: string): Comment | undefined => comments.get(id),

    /** The media's top-level comments that are not deleted, newest first (hidden ones included). */
    commentsOf: (item: Media): Comment[] =>
      [...comments.values()]
        .filter((c) => c.mediaId === item.id && c.parentId === null && !c.deleted)
        .sort(newestFirst),

    /** Replies to a top-level comment that are not deleted, newest first. */
    repliesOf: (comment: Comment): Comment[] =>
      [...comments.values()].filter((c) => c.parentId === comment.id && !c.deleted).sort(newestFirst),

    /** Every comment ever made on the media, replies and deleted ones included, oldest first. */
    allCommentsOf: (item: Media): Comment[] =>
      [...comments.values()].filter((c) => c.mediaId === item.id).sort((a, b) => newestFirst(b, a)),

    /** Every comment on the media that is not deleted, replies included (Graph's comments_count). */
    countOf: (item: Media): number =>
      [...comments.values()].filter((c) => c.mediaId === item.id && !c.deleted).length,

    /** Gone for everyone; the replies under a top-level comment go with it. */
    deleteComment(comment: Comment): void {
      comment.deleted = true;
      for (const reply of comments.values()) if (reply.parentId === comment.id) reply.deleted = true;
    },
  };
}
