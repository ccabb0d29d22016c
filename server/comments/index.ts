// The comments slice: customers' comments on the business's posts, reels, ads and lives, in the
// commenter's thread (decision 019). Other code imports only this file (see docs/architecture.md).
export { attributeBusinessReplies } from './attribute-business-replies.ts';
export { fetchMediaJob } from './fetch-media.job.ts';
export { deleteComment, hideComment } from './moderate-comment.ts';
export { type CommentEvent, storeComment } from './store-comment.ts';
