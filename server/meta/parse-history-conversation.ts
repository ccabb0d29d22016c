// A conversation from the Conversations API → the events a webhook would have carried for its
// messages: the same `message:<mid>` identities, the business's messages as echoes, attachments
// mapped to the kinds intake knows. What Meta's API does not say cannot be told: shared posts,
// reels and stories come as a link only (reference §7), so they become plain shares; a view-once
// photo or the heart sticker comes without details, so it shows as unsupported; reactions and
// replies to a message are not given at all.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GraphTime } from './conversations-api.ts';
import type { Attachment, AttachmentKind, InstagramEvent } from './instagram-events.ts';
import { webUrl } from './web-url.ts';

const Party = z.looseObject({ id: z.union([z.string().min(1), z.number()]).transform(String) });
const Link = z.looseObject({ link: z.string().nullish(), id: z.union([z.string(), z.number()]).nullish() });

const AttachmentNode = z.looseObject({
  mime_type: z.string().nullish(),
  name: z.string().nullish(),
  file_url: z.string().nullish(),
  image_data: z.looseObject({ url: z.string().nullish() }).nullish(),
  video_data: z.looseObject({ url: z.string().nullish() }).nullish(),
  generic_template: z.looseObject({ title: z.string().nullish() }).nullish(),
});

const MessageNode = z.looseObject({
  id: z.string().min(1),
  created_time: GraphTime,
  from: Party,
  to: z.looseObject({ data: z.array(Party) }),
  message: z.string().nullish(),
  attachments: z.looseObject({ data: z.array(AttachmentNode) }).nullish(),
  shares: z.looseObject({ data: z.array(Link) }).nullish(),
  story: z.looseObject({ mention: Link.nullish(), reply_to: Link.nullish() }).nullish(),
  is_unsupported: z.boolean().nullish(),
});
type MessageNode = z.infer<typeof MessageNode>;

const Conversation = z.looseObject({
  participants: z.looseObject({ data: z.array(Party) }).nullish(),
  messages: z.looseObject({ data: z.array(z.unknown()) }).nullish(),
});

function attachment(
  kind: AttachmentKind,
  url: string | null | undefined,
  title: string | null = null,
): Attachment {
  return { kind, type: kind, url: webUrl(url), title, mediaId: null, stickerId: null, elements: null };
}

function fileKind(node: z.infer<typeof AttachmentNode>): AttachmentKind {
  const mime = node.mime_type ?? '';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('image/')) return 'image';
  return 'file';
}

function toAttachment(node: z.infer<typeof AttachmentNode>): Attachment {
  if (node.generic_template) {
    const title = node.generic_template.title ?? null;
    return {
      ...attachment('template', null, title),
      elements: [{ title, subtitle: null, imageUrl: null, url: null, buttons: [] }],
    };
  }
  // A sticker comes as an image, as on its webhook (which adds the sticker's id, unknown here).
  if (node.image_data) return attachment('image', node.image_data.url);
  if (node.video_data) return attachment('video', node.video_data.url);
  return attachment(fileKind(node), node.file_url, node.name ?? null);
}

function attachmentsOf(node: MessageNode): Attachment[] {
  return [
    ...(node.attachments?.data ?? []).map(toAttachment),
    ...(node.shares?.data ?? []).map((share) => attachment('share', share.link)),
    ...(node.story?.mention ? [attachment('story_mention', node.story.mention.link)] : []),
  ];
}

function messageEvent(accountId: string, node: MessageNode): InstagramEvent {
  const outbound = node.from.id === accountId;
  const contactId = outbound ? (node.to.data[0]?.id ?? '') : node.from.id;
  const attachments = attachmentsOf(node);
  const text = node.message || null;
  const storyReply = node.story?.reply_to;
  return {
    accountId,
    contactId,
    occurredAt: node.created_time,
    dedupeKey: `message:${node.id}`,
    standby: false,
    isSelf: contactId === accountId,
    kind: 'message',
    mid: node.id,
    direction: outbound ? 'OUTBOUND' : 'INBOUND',
    text,
    attachments,
    replyTo: storyReply
      ? {
          kind: 'story',
          storyId: storyReply.id == null ? null : String(storyReply.id),
          url: webUrl(storyReply.link),
        }
      : null,
    quickReplyPayload: null,
    referral: null,
    // Meta gives nothing for a view-once photo or the heart sticker: there is nothing to show.
    isUnsupported: node.is_unsupported === true || (text === null && attachments.length === 0 && !storyReply),
  };
}

const fingerprint = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

/** The customer of a conversation: the participant who is not the business. */
function customerOf(accountId: string, conversation: z.infer<typeof Conversation>): string {
  return conversation.participants?.data.find((party) => party.id !== accountId)?.id ?? '';
}

/** The conversation's messages as events, oldest first. */
export function parseHistoryConversation(accountId: string, raw: unknown): InstagramEvent[] {
  const base = { accountId, occurredAt: new Date(), standby: false, isSelf: false };
  const conversation = Conversation.safeParse(raw);
  if (!conversation.success) {
    const reason = 'unreadable conversation from the Conversations API';
    return [
      {
        ...base,
        contactId: '',
        kind: 'unparsed',
        mid: null,
        reason,
        dedupeKey: `unparsed:${fingerprint(raw)}`,
      },
    ];
  }
  const contactId = customerOf(accountId, conversation.data);
  const events = (conversation.data.messages?.data ?? []).map((rawNode): InstagramEvent => {
    const node = MessageNode.safeParse(rawNode);
    if (node.success) return messageEvent(accountId, node.data);
    const id = z.looseObject({ id: z.string() }).safeParse(rawNode);
    const issue = node.error.issues[0];
    return {
      ...base,
      contactId,
      kind: 'unparsed',
      mid: id.success ? id.data.id : null,
      reason: `unreadable message from the Conversations API (${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'})`,
      dedupeKey: `unparsed:${fingerprint(rawNode)}`,
    };
  });
  return events.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
