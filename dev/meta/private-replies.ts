// Private replies (private-replies doc; reference §5.2, §5.4, §5.6): `POST /{IG_ID|me|PAGE_ID}/messages`
// with `recipient: {comment_id}` sends one DM to the person who wrote the comment. The comment must
// be a customer's comment on the account's media and not deleted (else 100/33); one reply per
// comment, within 7 days of it on the simulator clock (a live broadcast's comments only while it is
// live), and not to a hidden comment: each refused with 100/2534025 and a message saying which. It
// needs no open 24-hour window and opens none (the customer's next DM does). Text only: the
// private-replies pages show `message: {text}` alone, so anything else is refused with code 100.
// Up to 750 per hour per account for posts and reels; live comments share the Send API's
// per-second text limit (Meta: 100/s for Live). Over either, 613/2534040.
import type { GraphCall } from './graph-api.ts';
import { GraphError, invalidParameter, rateLimited, unsupportedRequest } from './graph-errors.ts';
import { newMid } from './ids.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { Scenarios } from './scenarios.ts';
import { MAX_TEXT_BYTES } from './send-content.ts';
import type { Account, Customer } from './world.ts';

/** Meta's limit for private replies to posts and reels, per account. */
export const PRIVATE_REPLIES_PER_HOUR = 750;
const HOUR_MS = 60 * 60 * 1000;
const REPLY_WINDOW_MS = 7 * 24 * HOUR_MS;

const invalidForPrivateReply = (why: string) =>
  new GraphError({
    code: 100,
    subcode: 2534025,
    message: `(#100) This comment cannot be replied to privately: ${why}`,
  });

export interface PrivateReplySent {
  mid: string;
  customer: Customer;
  commentId: string;
}

export function createPrivateReplies(deps: {
  scenarios: Pick<Scenarios, 'businessEcho'>;
  now: () => number;
  /** The owner's access toggle and blocks, checked as for any message. */
  checkReachable(account: Account, customer: Customer): void;
  /** Takes one call from the Send API's per-second text lane (live comments). */
  takeTextToken(account: Account): void;
  perHour?: number;
}) {
  let perHour = deps.perHour ?? PRIVATE_REPLIES_PER_HOUR;
  const limiter = createRateLimiter(deps.now);

  return {
    send(call: GraphCall, commentId: string, message: Record<string, unknown>): PrivateReplySent {
      const { account, world } = call;
      const extra = Object.keys(message).filter((key) => key !== 'text');
      if (extra.length > 0)
        throw invalidParameter(`A private reply can only be text: param message[${extra[0]}] is not allowed`);
      const { text } = message;
      if (typeof text !== 'string' || text === '') throw invalidParameter('param message[text] is required');
      if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES)
        throw invalidParameter(
          `Length of param message[text] must be less than or equal to ${MAX_TEXT_BYTES}`,
        );

      const comment = world.posts.comment(commentId);
      const media = comment && world.posts.media(comment.mediaId);
      if (!comment || !media || comment.deleted || media.accountIgId !== account.igId)
        throw unsupportedRequest(call.host, 'POST', commentId);
      if (comment.byBusiness) throw invalidForPrivateReply("it is the account's own comment");
      if (comment.privateReplyMid !== null)
        throw invalidForPrivateReply('it was already replied to privately');
      if (comment.hidden) throw invalidForPrivateReply('it is hidden');
      const expired =
        media.productType === 'LIVE' ? media.liveEnded : deps.now() - comment.timestamp > REPLY_WINDOW_MS;
      if (expired)
        throw invalidForPrivateReply(
          media.productType === 'LIVE'
            ? 'the live broadcast has ended (expired)'
            : 'it is older than 7 days (expired)',
        );
      const customer = world.customer(comment.from.id);
      deps.checkReachable(account, customer);
      if (media.productType === 'LIVE') deps.takeTextToken(account);
      else if (!limiter.take(account.igId, perHour, HOUR_MS)) throw rateLimited();

      const mid = newMid(account.igId);
      comment.privateReplyMid = mid;
      deps.scenarios.businessEcho({
        account: account.igId,
        customer: customer.igsid,
        mid,
        text,
        commentReply: { commentId, commentText: comment.text, mediaId: media.id, permalink: media.permalink },
      });
      return { mid, customer, commentId };
    },

    rateLimit: () => perHour,
    setRateLimit(next: number): void {
      perHour = next;
      limiter.reset();
    },
  };
}
