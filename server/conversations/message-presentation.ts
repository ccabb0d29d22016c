// Pure rules for how an Instagram event shows up in the inbox: the message kind we store, the
// one-line preview in the conversation list, and the state of a message after all its edits,
// reactions and unsend are folded in (in Meta's timestamp order).

import type { Attachment, InstagramEvent } from '../meta/instagram-events.ts';

type MessageEvent = Extract<InstagramEvent, { kind: 'message' }>;

/** The kind of a comment on one of the business's posts (decision 019). */
export const COMMENT_KIND = 'comment';

export function messageKind(event: MessageEvent): string {
  if (event.isUnsupported) return 'unsupported';
  if (event.replyTo?.kind === 'story') return 'story_reply';
  return event.attachments[0]?.kind ?? 'text';
}

const ATTACHMENT_LABELS: Record<Attachment['kind'], string> = {
  image: '📷 Photo',
  video: '🎥 Video',
  audio: '🎤 Voice message',
  file: '📎 File',
  share: '🔗 Shared a post',
  ig_post: '🔗 Shared a post',
  ig_reel: '🎬 Shared a reel',
  story_mention: '✨ Mentioned you in their story',
  ig_story: '✨ Shared a story',
  ephemeral: '⏱ Sent a disappearing photo',
  template: '🗂 Sent a template',
  like_heart: '❤️',
  sticker: '🏷 Sent a sticker',
  unsupported: 'Sent something Instagram does not share with apps',
};

const PREVIEW_LENGTH = 140;

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > PREVIEW_LENGTH ? `${line.slice(0, PREVIEW_LENGTH - 1)}…` : line;
}

export function previewOf(message: {
  direction: 'INBOUND' | 'OUTBOUND';
  kind: string;
  text: string;
  attachments: (Pick<Attachment, 'kind'> & Partial<Pick<Attachment, 'stickerId' | 'elements'>>)[];
  unsent?: boolean;
}): string {
  if (message.unsent) return 'Message unsent';
  let body: string;
  if (message.kind === 'story_reply')
    body = `Replied to your story${message.text ? `: ${message.text}` : ''}`;
  else if (message.kind === 'unsupported') body = ATTACHMENT_LABELS.unsupported;
  else if (message.kind === COMMENT_KIND) body = `💬 ${message.text}`;
  else if (message.text) body = message.text;
  else {
    const [first] = message.attachments;
    const card = first?.elements?.[0]?.title;
    // A template reads as its (first) card, which says what was offered.
    if (card) body = `🗂 ${card}`;
    // Several photos sent at once (one message) read as their number.
    else if (message.attachments.length > 1 && message.attachments.every((a) => a.kind === 'image'))
      body = `📷 ${message.attachments.length} photos`;
    else body = first ? ATTACHMENT_LABELS[first.stickerId ? 'sticker' : first.kind] : 'Message';
  }
  return clip(message.direction === 'OUTBOUND' ? `You: ${body}` : body);
}

export interface Reaction {
  by: string;
  reaction: string | null;
  emoji: string | null;
  at: string;
}

export interface FoldedMessage {
  text: string | null;
  editCount: number;
  editedAt: Date | null;
  unsentAt: Date | null;
  reactions: Reaction[];
}

/**
 * The message after its later events. Applying the same events in any arrival order gives the
 * same result: edits by edit number, reactions per person by time, an unsend wins.
 */
export function foldMessageEvents(events: { occurredAt: Date; event: InstagramEvent }[]): FoldedMessage {
  const sorted = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const folded: FoldedMessage = { text: null, editCount: 0, editedAt: null, unsentAt: null, reactions: [] };
  const reactions = new Map<string, Reaction>();
  for (const { occurredAt, event } of sorted) {
    if (event.kind === 'edit' && event.numEdit >= folded.editCount) {
      folded.text = event.text;
      folded.editCount = event.numEdit;
      folded.editedAt = occurredAt;
    } else if (event.kind === 'unsend') {
      folded.unsentAt ??= occurredAt;
    } else if (event.kind === 'reaction') {
      if (event.action === 'react') {
        reactions.set(event.contactId, {
          by: event.contactId,
          reaction: event.reaction,
          emoji: event.emoji,
          at: occurredAt.toISOString(),
        });
      } else reactions.delete(event.contactId);
    }
  }
  folded.reactions = [...reactions.values()];
  return folded;
}
