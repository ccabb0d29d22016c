// The conversations slice: Conversations and their messages: list, read, update, search.
// Other code imports only this file (see docs/architecture.md).

export type {
  ConversationKey,
  ConversationQuery,
  ConversationSummary,
  ReplyContext,
} from './conversations.repository.ts';
export {
  clearUnread,
  conversationKey,
  deleteContactConversation,
  findConversationSummaries,
  findRecipientConversations,
  findReplyContext,
  forgetPreviewsBefore,
  listConversationPage,
  lockConversationKey,
  lockConversations,
  recordConversationActivity,
  refreshPreviewFor,
  upsertConversation,
} from './conversations.repository.ts';
export {
  ConversationListSchema,
  ConversationStatusSchema,
  ConversationSummarySchema,
  ConversationViewSchema,
  ListConversationsInput,
  MessageViewSchema,
  ThreadMessageSchema,
} from './conversations.schemas.ts';
export type { ConversationOpening, InboundActivity } from './inbound-batch.repository.ts';
export {
  insertMessagesOnce,
  recordInboundActivity,
  upsertConversations,
} from './inbound-batch.repository.ts';
export type { ProviderData, QuickReplyOption } from './jsonb-columns.ts';
export {
  attachmentsColumn,
  firstAttachmentUrl,
  plainAttachment,
  providerDataColumn,
  reactionsColumn,
  StoredReferralSchema,
  templateAttachment,
} from './jsonb-columns.ts';
export {
  type ConversationListFilters,
  conversationFilters,
  listConversations,
} from './list-conversations.ts';
export { COMMENT_KIND, foldMessageEvents, messageKind, previewOf } from './message-presentation.ts';
export type { NewMessage } from './messages.repository.ts';
export {
  applySeenMarks,
  findCustomerMessage,
  findMessageByMid,
  insertMessageOnce,
  markOutboundSeen,
  purgeMessagesBefore,
  setBusinessReaction,
  updateMessageState,
} from './messages.repository.ts';
export { messagingWindow, privateReplyWindow } from './messaging-window.ts';
export { readConversation } from './read-conversation.ts';
export type { MessageView } from './read-messages.ts';
export { findMessageViews, readMessages } from './read-messages.ts';
export { attachmentUrls } from './thread-message-view.ts';
export type { TranscriptMessage, TranscriptPosition } from './transcript.repository.ts';
export { countTranscriptRows, listTranscriptBatch } from './transcript.repository.ts';
export { updateConversation } from './update-conversation.ts';
