// The sending slice: Replies and sender actions out: queueing, the send job, retries, the REST send.
// Other code imports only this file (see docs/architecture.md).
export { markConversationRead } from './mark-conversation-read.ts';
export {
  AttachmentTypeSchema,
  IdempotencyKeySchema,
  OutboundMessageSchema,
  SendMessageInput,
  toOutboundDto,
} from './messages.schemas.ts';
export { adoptCommentEcho, adoptEcho, confirmByEcho } from './outbound-lifecycle.ts';
export { queueCommentReply } from './queue-comment-reply.ts';
export { queueOutboundMessage } from './queue-outbound-message.ts';
export { reactToMessage } from './react-to-message.ts';
export { resendDeadLettersJob } from './resend-dead-letters.job.ts';
export { resolveUncertainMessage } from './resolve-uncertain-message.ts';
export { retryOutboundMessage } from './retry-outbound-message.ts';
export type { SendLimits } from './send-messages.job.ts';
export { sendMessagesJob } from './send-messages.job.ts';
export { sendToRecipient } from './send-to-recipient.ts';
export { senderActionJob } from './sender-action.job.ts';
export { signalTyping } from './signal-typing.ts';
