// What a failed Send API call means for the message (reference §5.7). The rule that keeps a
// customer from getting a reply twice: only an answer that proves Meta did not take the message
// may lead to another attempt. Anything that might have been delivered is "ambiguous" and waits
// for the echo webhook instead.
import { GraphApiError, GraphNetworkError } from './graph-client.ts';

export type SendFailure =
  /** Meta refused the message for good; `reason` tells the operator why in plain words. */
  | { kind: 'rejected'; code: string; reason: string; needsReauth: boolean }
  /** Meta did not take it and asks us to slow down. */
  | { kind: 'throttled'; code: string; retryAfterSeconds: number | null }
  /** Meta did not take it because of a passing fault; try again later. */
  | { kind: 'unavailable'; code: string; reason: string }
  /** Meta may have delivered it. */
  | { kind: 'ambiguous'; code: string; reason: string };

const WINDOW_CLOSED =
  'Instagram refused the reply because the messaging window is closed: the customer last wrote more than 24 hours ago (7 days for Human Agent replies).';

/** Explanations an operator can act on, by `code/subcode` (or `code` alone). */
const EXPLANATIONS: Record<string, string> = {
  '10/2534022': WINDOW_CLOSED,
  '10/2018278': WINDOW_CLOSED,
  '10/2018065': WINDOW_CLOSED,
  '10/2018108': 'This customer cannot receive messages from you right now.',
  '10/1893063': 'Instagram has temporarily restricted this account from sending messages.',
  '10/2534077':
    'Instagram could not verify the link between the Instagram account and its Facebook Page; reconnect the account.',
  '100/2534014': 'Instagram does not know this recipient: the id is not a valid Instagram-scoped user id.',
  '100/2018001': 'Instagram does not know this recipient.',
  '100/2534015': 'Instagram rejected the message content as invalid for its type.',
  '100/2534025':
    'Instagram no longer takes a private reply to this comment: it was answered privately already, was made more than 7 days ago, or is hidden.',
  '100/33': 'The comment no longer exists on Instagram (its author or the business deleted it).',
  '100/2534029': 'Meta has blocked this business from sending through the Instagram Messaging API.',
  '100/2534037': 'Another app controls this conversation right now (thread handover).',
  '100/2018008':
    'Instagram could not download the attachment from its URL; it must be publicly reachable over https.',
  '100/2018047': 'The attachment is not of the type it was sent as.',
  '100/2018109': 'The attachment is too large (images up to 8 MB; audio, video and PDF up to 25 MB).',
  '100/2018294': 'Instagram could not fetch the video within 75 seconds.',
  '200/2534041':
    'The account\'s owner has turned off "Allow access to messages" (Instagram app → Settings → Messages and story replies → Message controls → Connected tools). Turn it back on to send replies.',
  '200':
    'The app does not have permission to message this customer (is the app live, with messaging approved?).',
  '551':
    'This customer is not available right now: they may have blocked the account, deactivated their profile or restricted messages.',
  '551/1545041':
    'This customer is not available right now: they may have blocked the account, deactivated their profile or restricted messages.',
  '200/1545041':
    'This customer is not available right now: they may have blocked the account, deactivated their profile or restricted messages.',
  '2018300': 'Another app controls this conversation right now.',
  '613/2018338': 'Meta warns that message tags are being misused; the message was not sent.',
  '9000001': 'The message was deleted.',
  '36103': 'This Instagram account is not yet eligible for the Messaging API.',
};

function errorCode(error: GraphApiError): string {
  if (error.code === null) return `http ${error.status}`;
  return error.subcode === null ? String(error.code) : `${error.code}/${error.subcode}`;
}

function explainSendError(error: GraphApiError): string {
  const code = errorCode(error);
  return (
    EXPLANATIONS[code] ??
    EXPLANATIONS[String(error.code)] ??
    `Instagram refused the message: ${error.message}`
  );
}

export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof GraphNetworkError) {
    return error.neverConnected
      ? { kind: 'unavailable', code: 'network', reason: 'Could not reach Instagram.' }
      : {
          kind: 'ambiguous',
          code: 'timeout',
          reason:
            'Instagram did not answer in time, so it may or may not have delivered the message. Waiting for Instagram to confirm it.',
        };
  }
  if (!(error instanceof GraphApiError)) throw error;
  const code = errorCode(error);
  // Throttling answers (429 or Meta's rate-limit codes) mean the call was turned away; 613/2018338
  // is a warning about tag abuse, which waiting will not cure.
  if (error.isRateLimited && code !== '613/2018338')
    return { kind: 'throttled', code, retryAfterSeconds: error.retryAfterSeconds };
  if (error.code === 1 || !error.fromGraph || (error.status >= 500 && error.code !== 2)) {
    // 1/1357046 "Received invalid JSON reply", an unknown error, a server error other than Meta's
    // "temporary, retry" (2), or a gateway's error page: the message may have gone out.
    return {
      kind: 'ambiguous',
      code,
      reason:
        'Instagram answered with an error that does not say whether the message was delivered. Waiting for Instagram to confirm it.',
    };
  }
  if (error.isTokenInvalid) {
    return {
      kind: 'rejected',
      code,
      reason: 'The account must be reconnected: Instagram no longer accepts its access token.',
      needsReauth: true,
    };
  }
  if (code === '10/2534077')
    return { kind: 'rejected', code, reason: explainSendError(error), needsReauth: true };
  if (error.code === 2) return { kind: 'unavailable', code, reason: 'Instagram had a temporary problem.' };
  return { kind: 'rejected', code, reason: explainSendError(error), needsReauth: false };
}
