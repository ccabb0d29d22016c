// A thread message as the Conversations API's message node shows it (§7): `GET /{MESSAGE_ID}` and
// the entries of a conversation's `messages` edge. It reads the thread the webhook scenarios wrote,
// and maps every kind of attachment a thread can hold (the table below is keyed by the thread's
// attachment type, so a new kind does not compile until it has a line here): what the webhook
// said, the API says in Graph's shape.
//
// Meta documents `id, created_time, from, to, message` and says shares carry only their URL; the
// attachment, share, story and reaction shapes are the Graph message node's (§7 ⚠️). Where Meta
// documents nothing, the API shows what the webhook carried: a view-once photo and the heart
// sticker come with no payload there, so they have no details here beyond an empty `message`.
import type { NodeFields } from './graph-fields.ts';
import type { ThreadAttachment, ThreadAttachmentType, ThreadMessage } from './threads.ts';
import type { Conversation } from './world.ts';

/** ISO 8601 with `+0000`, as Graph writes times (webhooks use epoch milliseconds). */
export const graphTime = (epochMs: number) => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, '+0000');

type Json = Record<string, unknown>;

/** What one attachment adds to its message's node: an attachment, a share, a story, or nothing. */
type Detail = { attachment: Json } | { share: Json } | { story: Json } | null;

const media = (url: string | null) => ({ url, preview_url: url });
/** Posts, reels and stories shared into the chat: "only the URL is returned for shares". */
const shared = ({ url }: ThreadAttachment): Detail => ({ share: { link: url } });

const ATTACHMENT_DETAILS: Record<ThreadAttachmentType, (attachment: ThreadAttachment) => Detail> = {
  image: ({ url }) => ({ attachment: { mime_type: 'image/jpeg', image_data: media(url) } }),
  sticker: ({ url }) => ({
    attachment: { mime_type: 'image/png', image_data: { ...media(url), render_as_sticker: true } },
  }),
  video: ({ url }) => ({ attachment: { mime_type: 'video/mp4', video_data: media(url) } }),
  audio: ({ url }) => ({ attachment: { mime_type: 'audio/mpeg', file_url: url } }),
  file: ({ url }) => ({ attachment: { mime_type: 'application/pdf', name: 'document.pdf', file_url: url } }),
  share: shared,
  ig_post: shared,
  ig_reel: shared,
  ig_story: shared,
  story_mention: ({ url }) => ({ story: { mention: { link: url } } }),
  template: ({ title }) => ({ attachment: { generic_template: { title } } }),
  ephemeral: () => null,
  like_heart: () => null,
};

function details(message: ThreadMessage) {
  const found = { attachments: [] as Json[], shares: [] as Json[], story: undefined as Json | undefined };
  for (const attachment of message.attachments) {
    const detail = ATTACHMENT_DETAILS[attachment.type](attachment);
    if (detail === null) continue;
    if ('attachment' in detail) found.attachments.push(detail.attachment);
    else if ('share' in detail) found.shares.push(detail.share);
    else found.story = detail.story;
  }
  if (message.replyTo && 'story' in message.replyTo) {
    const { url, id } = message.replyTo.story;
    found.story = { reply_to: { link: url, id } };
  }
  return found;
}

const list = (items: Json[]) => (items.length === 0 ? undefined : { data: items });

/**
 * Every field of the message node. Without details (older than the 20 most recent) every field
 * but `id` is there without a value, so asking for one is no error but answers nothing.
 */
export function messageNode(
  conversation: Conversation,
  message: ThreadMessage,
  detailed: boolean,
): NodeFields {
  const { account, customer } = conversation;
  const business = { username: account.username, id: account.igId };
  const person = { username: customer.username, id: customer.igsid };
  const [from, to] = message.from === 'business' ? [business, person] : [person, business];
  const found = details(message);
  const reaction = message.customerReaction;
  const node: NodeFields = {
    id: message.mid,
    created_time: graphTime(message.timestamp),
    from,
    to: { data: [to] },
    message: message.text ?? '',
    attachments: list(found.attachments),
    shares: list(found.shares),
    story: found.story,
    reactions: reaction ? { data: [{ reaction: reaction.emoji, users: [person] }] } : undefined,
    is_unsupported: message.unsupported,
  };
  if (detailed) return node;
  return Object.fromEntries(
    Object.keys(node).map((field) => [field, field === 'id' ? message.mid : undefined]),
  );
}
