// Meta's messaging windows (reference §5.4): a business may reply within 24 hours of the
// customer's last message; a human operator may reply with the HUMAN_AGENT tag up to 7 days
// after it (when the workspace uses that feature); after that, or if the customer never wrote,
// nothing may be sent. Decided before calling Meta, so the operator learns why at once.
const HOUR_MS = 60 * 60 * 1000;
export const STANDARD_WINDOW_MS = 24 * HOUR_MS;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

export type MessagingWindow =
  | { kind: 'standard'; closesAt: Date }
  | { kind: 'human_agent'; closesAt: Date }
  | { kind: 'closed'; reason: string };

export function messagingWindow(input: {
  lastInboundAt: Date | null;
  now: Date;
  humanAgentEnabled: boolean;
  /** A person typing in the inbox; automations never get the HUMAN_AGENT extension. */
  sentByHuman: boolean;
  /** The customer commented on the business's posts (answered from the comment, not here). */
  commented?: boolean;
}): MessagingWindow {
  const { lastInboundAt, now } = input;
  if (!lastInboundAt) {
    return {
      kind: 'closed',
      reason: input.commented
        ? 'This customer has only commented so far: answer the comment, in public or privately (once, within 7 days). Replies here open when they write to you.'
        : 'The customer has not written to this account yet; Instagram only allows replies.',
    };
  }
  const standardEnds = new Date(lastInboundAt.getTime() + STANDARD_WINDOW_MS);
  if (now < standardEnds) return { kind: 'standard', closesAt: standardEnds };
  const humanEnds = new Date(lastInboundAt.getTime() + HUMAN_AGENT_WINDOW_MS);
  if (now < humanEnds && input.humanAgentEnabled && input.sentByHuman)
    return { kind: 'human_agent', closesAt: humanEnds };
  if (now < humanEnds && !input.humanAgentEnabled) {
    return {
      kind: 'closed',
      reason:
        'More than 24 hours have passed since the customer last wrote, and this workspace does not use Human Agent replies.',
    };
  }
  if (now < humanEnds)
    return {
      kind: 'closed',
      reason: 'Only a person may reply between 24 hours and 7 days after the customer last wrote.',
    };
  return {
    kind: 'closed',
    reason:
      'More than 7 days have passed since the customer last wrote; Instagram allows no reply until they write again.',
  };
}

/** Meta takes one private reply to a comment, up to 7 days after the comment was made. */
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * HOUR_MS;

export function privateReplyWindow(
  commentAt: Date,
  now: Date,
): { kind: 'standard'; closesAt: Date } | { kind: 'closed'; reason: string } {
  const closesAt = new Date(commentAt.getTime() + PRIVATE_REPLY_WINDOW_MS);
  if (now < closesAt) return { kind: 'standard', closesAt };
  return {
    kind: 'closed',
    reason:
      'Instagram allows a private reply only within 7 days of the comment; answer it in public instead.',
  };
}
