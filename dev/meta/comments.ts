// Comments as webhooks (§4.6 (r)): a customer comments on a post or replies to a comment, and the
// business answers publicly, each sent as a `changes` entry of the account:
//   {"field":"comments","value":{"id","from":{"id","username"},"text","media":{"id",
//    "media_product_type"[,"ad_id","ad_title"]}[,"parent_id"]}}
// `live_comments` for comments on a live broadcast. Path B (Facebook Login) accounts get the same
// shape with entry.id the IG account id, signed with the Meta app secret. Meta also sends the
// business's own public reply (from.id = its IG_ID), which lets an app match it like a DM echo.
// Meta sends nothing when a comment is hidden, unhidden or deleted, and Instagram has no comment
// editing, so those change the store quietly. Comments on ads "may result in duplicate webhook
// notifications" (private-replies doc): with `adCommentsTwice` (or a comment's `twice`), each one
// on an ad is queued twice.
import type { Comment, Media } from './posts.ts';
import type { WebhookDelivery } from './webhook-delivery.ts';
import { type Account, SimulatorInputError, type World } from './world.ts';

export interface CustomerCommentInput {
  /** IG_ID, username or Page id of the account whose media it is. */
  account: string;
  /** IGSID or username. */
  customer: string;
  text: string;
  /**
   * The account's media; defaults to its newest. An id the simulator has not handed out becomes a
   * new feed post of the account's (as ids kept from an earlier run would).
   */
  mediaId?: string;
  /** A comment on the same media to reply to (a reply to a reply goes under its top-level comment). */
  parentId?: string;
  /** Use this comment id instead of a fresh one. */
  commentId?: string;
  /** Epoch ms; defaults to now on the simulator clock. */
  timestamp?: number;
  /** False: the comment is made but no webhook is sent. Default true. */
  deliver?: boolean;
  /** On an ad, send the webhook twice (default: the `adCommentsTwice` setting). */
  twice?: boolean;
}

export interface PostedComment {
  commentId: string;
  mediaId: string;
  /** The top-level comment it replies to, or null. */
  parentId: string | null;
  timestamp: number;
}

/** The `value` of a `comments` / `live_comments` change. */
export function commentValue(comment: Comment, media: Media) {
  return {
    id: comment.id,
    from: { ...comment.from },
    text: comment.text,
    media: {
      id: media.id,
      media_product_type: media.productType,
      ...(media.ad ? { ad_id: media.ad.id, ad_title: media.ad.title } : {}),
    },
    ...(comment.parentId === null ? {} : { parent_id: comment.parentId }),
  };
}

export type Comments = ReturnType<typeof createComments>;

export function createComments(world: World, delivery: Pick<WebhookDelivery, 'enqueue'>) {
  let adCommentsTwice = false;
  const { posts } = world;

  /** Queued unless the account is unsubscribed (which gets nothing, as on Meta). */
  function emit(account: Account, comment: Comment, media: Media, twice = adCommentsTwice): void {
    if (account.subscribedFields.length === 0) return;
    const item = {
      field: media.productType === 'LIVE' ? 'live_comments' : 'comments',
      value: commentValue(comment, media),
    };
    const copies = media.ad && twice ? 2 : 1;
    for (let copy = 0; copy < copies; copy++)
      delivery.enqueue({ loginPath: account.loginPath, entryId: account.igId, kind: 'changes', item });
  }

  function mediaFor(account: Account, mediaId: string | undefined): Media {
    if (mediaId === undefined) {
      const newest = posts.mediaOf(account)[0];
      if (!newest) throw new SimulatorInputError(`@${account.username} has published nothing to comment on`);
      return newest;
    }
    const found = posts.media(mediaId);
    if (!found) return posts.addMedia(account, { id: mediaId });
    if (found.accountIgId !== account.igId)
      throw new SimulatorInputError(`media ${mediaId} is not @${account.username}'s`);
    return found;
  }

  return {
    /** A customer comments on the account's media, or replies to a comment there. */
    postComment(input: CustomerCommentInput): PostedComment {
      const account = world.account(input.account);
      const customer = world.customer(input.customer);
      const media = mediaFor(account, input.mediaId);
      const comment = posts.addComment({
        media,
        from: { id: customer.igsid, username: customer.username },
        byBusiness: false,
        text: input.text,
        ...(input.parentId === undefined ? {} : { parentId: input.parentId }),
        ...(input.commentId === undefined ? {} : { id: input.commentId }),
        ...(input.timestamp === undefined ? {} : { timestamp: input.timestamp }),
      });
      if (input.deliver !== false) emit(account, comment, media, input.twice);
      return {
        commentId: comment.id,
        mediaId: media.id,
        parentId: comment.parentId,
        timestamp: comment.timestamp,
      };
    },

    /** The business's public reply (POST /{comment-id}/replies): a comment of its own, and its webhook. */
    replyAsBusiness(account: Account, parent: Comment, text: string): Comment {
      const media = posts.media(parent.mediaId) as Media;
      const reply = posts.addComment({
        media,
        from: { id: account.igId, username: account.username },
        byBusiness: true,
        text,
        parentId: parent.id,
      });
      emit(account, reply, media);
      return reply;
    },

    /** A customer deletes a comment of their own: no webhook, as on Meta. */
    deleteByCustomer(input: { customer: string; comment: string }): void {
      const customer = world.customer(input.customer);
      const comment = posts.comment(input.comment);
      if (!comment || comment.deleted) throw new SimulatorInputError(`no comment ${input.comment}`);
      if (comment.byBusiness || comment.from.id !== customer.igsid)
        throw new SimulatorInputError(`comment ${comment.id} is not @${customer.username}'s`);
      posts.deleteComment(comment);
    },

    adCommentsTwice: () => adCommentsTwice,
    setAdCommentsTwice(enabled: boolean): void {
      adCommentsTwice = enabled;
    },
  };
}
