// Media and comments on the Graph API, both hosts, the account's own token (comment moderation guide):
//   GET    /{ig-user-id|me}/media        the account's posts and reels, newest first, paged
//   GET    /{ig-user-id|me}/live_media   its broadcasts that are live now
//   GET    /{media-id}?fields=id,caption,media_type,media_product_type,media_url,thumbnail_url,
//                              permalink,shortcode,timestamp,username,like_count,comments_count
//   GET    /{media-id}/comments          top-level comments, newest first, paged (hidden ones too)
//   GET    /{comment-id}?fields=id,text,timestamp,hidden,from,media,parent_id,like_count,username,replies
//   GET    /{comment-id}/replies         replies, newest first, paged
//   POST   /{comment-id}/replies         message=… → {id}: a public reply, sent as a `comments` webhook
//   POST   /{comment-id}                 hide=true|false → {success: true}
//   DELETE /{comment-id}                 → {success: true}
// A media or comment that is not the token's account's, or that was deleted, answers 100/33
// ("Object with ID … does not exist, cannot be loaded due to missing permissions, or does not
// support this operation"), as for any object a token cannot see. On graph.facebook.com the IG
// user is addressed by its IG_ID (Meta's path B samples); `/me` there is the Page, which has no
// `media` edge. Meta documents neither default fields nor order of these listings: media answer
// `id` alone as Graph nodes do, comments and replies `timestamp,text,id` as the moderation guide's
// sample shows, all newest first (the order the simulator's other listings use).
//
// Limits from the IG Comment and Replies references: a reply to a reply is added to the top-level
// comment; hidden comments and comments on a live broadcast take no public reply (a private reply
// is the way to answer a live comment); comments of a live broadcast can be read only while it is
// live. Meta gives no codes for those refusals; they answer 100 with a message saying which. The
// owner's own comments always stay visible, so hiding one is refused the same way.
import type { Comments } from './comments.ts';
import { type GraphCall, type GraphEndpoint, ownNode } from './graph-api.ts';
import { invalidParameter, nonexistingField, unsupportedRequest } from './graph-errors.ts';
import {
  Edge,
  fieldsNamed,
  formatFields,
  type NodeFields,
  pickFields,
  requestedFields,
} from './graph-fields.ts';
import { graphTime } from './graph-message-node.ts';
import type { NodeResolver } from './graph-nodes.ts';
import { graphLink, nextOfRequest, type PageRequest, page, pageRequest } from './graph-paging.ts';
import { type Comment, listingKey, type Media } from './posts.ts';
import type { Account } from './world.ts';

const COMMENT_DEFAULTS = ['timestamp', 'text', 'id'];
/** Graph's media node answers its id unless asked for more. */
const MEDIA_DEFAULTS = ['id'];

/**
 * The IG user a `:node` names: `me` or its IG_ID on graph.instagram.com, its IG_ID on
 * graph.facebook.com, where `me` and the Page id name the Page.
 */
function igUser(call: GraphCall, edge: string): Account {
  const { account, host } = call;
  const node = call.params.node as string;
  if (node === account.igId || (host === 'instagram' && node === 'me')) return account;
  if (host === 'facebook' && (node === 'me' || node === account.pageId))
    throw nonexistingField(host, edge, 'Page');
  return ownNode(call);
}

function mediaNode(call: GraphCall, media: Media): NodeFields {
  const { account, world } = call;
  return {
    id: media.id,
    caption: media.caption,
    media_type: media.mediaType,
    media_product_type: media.productType,
    media_url: media.mediaUrl,
    thumbnail_url: media.thumbnailUrl ?? undefined,
    permalink: media.permalink,
    shortcode: media.shortcode,
    timestamp: graphTime(media.timestamp),
    username: account.username,
    owner: { id: account.igId },
    like_count: media.likeCount,
    comments_count: world.posts.countOf(media),
    is_comment_enabled: true,
  };
}

export function createMediaApi(comments: Comments) {
  /** The token's account's media with this id, or 100/33. */
  function ownMedia(call: GraphCall, id: string): Media {
    const media = call.world.posts.media(id);
    if (!media || media.accountIgId !== call.account.igId)
      throw unsupportedRequest(call.host, call.method, id);
    return media;
  }

  /** A comment on the token's account's media, not deleted (and of a live broadcast still live), or 100/33. */
  function ownComment(call: GraphCall, id: string): { comment: Comment; media: Media } {
    const comment = call.world.posts.comment(id);
    const media = comment && call.world.posts.media(comment.mediaId);
    if (!comment || !media || comment.deleted || media.accountIgId !== call.account.igId || media.liveEnded)
      throw unsupportedRequest(call.host, call.method, id);
    return { comment, media };
  }

  function commentNode(call: GraphCall, comment: Comment, media: Media): NodeFields {
    return {
      id: comment.id,
      text: comment.text,
      timestamp: graphTime(comment.timestamp),
      hidden: comment.hidden,
      from: { ...comment.from },
      username: comment.from.username,
      media: { id: media.id, media_product_type: media.productType },
      parent_id: comment.parentId ?? undefined,
      like_count: comment.likeCount,
      // Only top-level comments have replies.
      replies: comment.parentId === null ? repliesEdge(call, comment, media) : undefined,
    };
  }

  function commentsPage(
    call: GraphCall,
    list: Comment[],
    media: Media,
    fields: ReturnType<typeof requestedFields>,
    request: PageRequest,
    link: (after: string) => string,
  ) {
    const view = (comment: Comment) =>
      pickFields(call.host, commentNode(call, comment, media), 'IGComment', fields);
    return page(list, listingKey, request, view, link);
  }

  /** `replies` inside a comment's fields: the first page, `next` leading to /{comment-id}/replies. */
  function repliesEdge(call: GraphCall, comment: Comment, media: Media) {
    return new Edge(({ modifiers, fields }) => {
      const unknown = Object.keys(modifiers).find((modifier) => modifier !== 'limit');
      if (unknown !== undefined) throw invalidParameter(`Unsupported modifier ${unknown} on field replies`);
      const request = pageRequest(modifiers.limit, undefined);
      const replyFields = fields ?? fieldsNamed(COMMENT_DEFAULTS);
      return commentsPage(call, call.world.posts.repliesOf(comment), media, replyFields, request, (after) =>
        graphLink(call, `${comment.id}/replies`, {
          ...(fields ? { fields: formatFields(fields) } : {}),
          limit: String(request.limit),
          after,
        }),
      );
    });
  }

  function listMedia(call: GraphCall, live: boolean) {
    const account = igUser(call, live ? 'live_media' : 'media');
    const request = pageRequest(call.args.limit, call.args.after);
    const fields = requestedFields(call, MEDIA_DEFAULTS);
    const list = call.world.posts
      .mediaOf(account)
      .filter((media) =>
        live ? media.productType === 'LIVE' && !media.liveEnded : media.productType !== 'LIVE',
      );
    const view = (media: Media) => pickFields(call.host, mediaNode(call, media), 'IGMedia', fields);
    return page(list, listingKey, request, view, nextOfRequest(call));
  }

  function listComments(call: GraphCall) {
    const id = call.params.id as string;
    const media = ownMedia(call, id);
    if (media.liveEnded) throw unsupportedRequest(call.host, call.method, id);
    const request = pageRequest(call.args.limit, call.args.after);
    const fields = requestedFields(call, COMMENT_DEFAULTS);
    return commentsPage(
      call,
      call.world.posts.commentsOf(media),
      media,
      fields,
      request,
      nextOfRequest(call),
    );
  }

  function listReplies(call: GraphCall) {
    const { comment, media } = ownComment(call, call.params.id as string);
    const request = pageRequest(call.args.limit, call.args.after);
    const fields = requestedFields(call, COMMENT_DEFAULTS);
    const replies = comment.parentId === null ? call.world.posts.repliesOf(comment) : [];
    return commentsPage(call, replies, media, fields, request, nextOfRequest(call));
  }

  function reply(call: GraphCall) {
    const { comment, media } = ownComment(call, call.params.id as string);
    const { message } = call.args;
    if (typeof message !== 'string' || message.trim() === '')
      throw invalidParameter('The parameter message is required');
    if (comment.hidden) throw invalidParameter('You cannot reply to a hidden comment');
    if (media.productType === 'LIVE')
      throw invalidParameter('You cannot reply to comments on a live video; send a private reply instead');
    const top = comment.parentId === null ? comment : (call.world.posts.comment(comment.parentId) as Comment);
    return { id: comments.replyAsBusiness(call.account, top, message).id };
  }

  function hide(call: GraphCall) {
    const { comment } = ownComment(call, call.params.id as string);
    const { hide: value } = call.args;
    if (value !== 'true' && value !== 'false' && typeof value !== 'boolean')
      throw invalidParameter('param hide must be a boolean');
    if (comment.byBusiness) throw invalidParameter("The media owner's own comments cannot be hidden");
    comment.hidden = value === true || value === 'true';
    return { success: true };
  }

  function remove(call: GraphCall) {
    const { comment } = ownComment(call, call.params.id as string);
    call.world.posts.deleteComment(comment);
    return { success: true };
  }

  /**
   * `GET /{id}` for a media or comment. Another account's, a deleted one, or an id shaped like
   * theirs that is nobody's answers 100/33; undefined for any other id, which other nodes answer.
   */
  const node: NodeResolver = (call, id) => {
    const { posts } = call.world;
    if (posts.media(id))
      return pickFields(
        call.host,
        mediaNode(call, ownMedia(call, id)),
        'IGMedia',
        requestedFields(call, MEDIA_DEFAULTS),
      );
    if (posts.comment(id)) {
      const { comment, media } = ownComment(call, id);
      return pickFields(
        call.host,
        commentNode(call, comment, media),
        'IGComment',
        requestedFields(call, COMMENT_DEFAULTS),
      );
    }
    // The simulator's media and comment ids are 17 digits from 17… and 18…; customers' IGSIDs 16.
    if (/^1[78]\d{15}$/.test(id) && !call.world.findCustomer(id))
      throw unsupportedRequest(call.host, call.method, id);
    return undefined;
  };

  const endpoints: GraphEndpoint[] = [
    { method: 'GET', path: ':node/media', handle: (call) => listMedia(call, false) },
    { method: 'GET', path: ':node/live_media', handle: (call) => listMedia(call, true) },
    { method: 'GET', path: ':id/comments', handle: listComments },
    { method: 'GET', path: ':id/replies', handle: listReplies },
    { method: 'POST', path: ':id/replies', handle: reply },
    { method: 'POST', path: ':id', handle: hide },
    { method: 'DELETE', path: ':id', handle: remove },
  ];

  return { endpoints, node };
}
