// The Graph API calls the slices make, typed, so no Graph path or body is written outside meta/.
// Each throws what the Graph client throws (GraphApiError, GraphNetworkError) or a ZodError for
// an answer of the wrong shape, so callers decide what a failure means.
import { z } from 'zod';
import { type TokenCipher, tokenContext } from '../crypto/token-cipher.ts';
import type { GraphClient, LoginPath } from './graph-client.ts';
import type { TemplateElement } from './instagram-events.ts';
import { ProfileName, ProfilePictureUrl } from './profile-fields.ts';

export type { LoginPath } from './graph-client.ts';

/** The webhook fields every connected account is subscribed to (reference §2.6). */
export const WEBHOOK_FIELDS = [
  'messages',
  'message_reactions',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'message_edit',
  'comments',
  'live_comments',
];

export interface GraphAccount {
  loginPath: LoginPath;
  /** The Instagram account id, the one webhooks carry. */
  channelIdentifier: string;
  /** Instagram Login: the app-scoped user id. Facebook Login: the Page id. */
  providerAccountId: string | null;
}

/** Who subscribes to webhooks: the Instagram account (Instagram Login) or its Page (Facebook Login). */
export function subscriberId(account: GraphAccount): string | null {
  return account.loginPath === 'facebook' ? account.providerAccountId : account.channelIdentifier;
}

type TokenColumn = 'access_token' | 'refresh_token';

/** A connection's token in clear; throws like the cipher when the keys cannot open it. */
export function unsealToken(
  cipher: TokenCipher,
  connectionId: string,
  sealed: string,
  column: TokenColumn = 'access_token',
): string {
  return cipher.decrypt(sealed, tokenContext(connectionId, column));
}

/** A token sealed for one connection's column: it cannot be copied onto another row. */
export function sealToken(
  cipher: TokenCipher,
  connectionId: string,
  token: string,
  column: TokenColumn = 'access_token',
): string {
  return cipher.encrypt(token, tokenContext(connectionId, column));
}

// Send API calls (reference §5.1): accounts connected with Instagram Login post to
// /{IG_ID}/messages with their Instagram token, Page-linked ones to /me/messages with the Page token.
function sendApi(graph: GraphClient, account: GraphAccount, token: string, body: Record<string, unknown>) {
  const node = account.loginPath === 'instagram' ? account.channelIdentifier : 'me';
  return graph.request<{ message_id?: string }>({
    loginPath: account.loginPath,
    method: 'POST',
    path: `${node}/messages`,
    token,
    body,
  });
}

/** A quick reply under a text: text ones only (Meta disabled phone and email ones in Oct 2026). */
export interface OutgoingQuickReply {
  title: string;
  payload: string;
}

/** What one Send API call carries (reference §5.2). */
export type OutgoingContent =
  | { text: string; quickReplies?: OutgoingQuickReply[] | null }
  /** One image, video, audio or file (PDF) by URL. */
  | { attachment: string; url: string | null }
  /** Several images in one message (`message.attachments`). */
  | { images: string[] }
  /** A generic template: one card or a carousel. */
  | { cards: TemplateElement[] };

export interface OutgoingMessage {
  recipientId: string;
  /** A private reply to this comment: Meta finds the recipient from the comment. */
  privateReplyTo?: string | null;
  content: OutgoingContent;
  /** The mid of the message this one replies to. */
  replyToMid: string | null;
  /** Outside the 24-hour window: sent with the HUMAN_AGENT tag. */
  humanAgent: boolean;
}

/** Fields Meta refuses as null or empty are left out rather than sent so. */
const present = <T extends Record<string, unknown>>(fields: T) =>
  Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );

/** A card as the generic template takes it: image_url, default_action, buttons by type. */
function templateElement(card: TemplateElement): Record<string, unknown> {
  return present({
    title: card.title,
    subtitle: card.subtitle,
    image_url: card.imageUrl,
    default_action: card.url ? { type: 'web_url', url: card.url } : null,
    buttons: card.buttons.map((button) =>
      button.type === 'web_url'
        ? { type: 'web_url', title: button.title, url: button.url }
        : { type: 'postback', title: button.title, payload: button.payload },
    ),
  });
}

/** The `message` parameter of the Send API for one call. */
function messageBody(content: OutgoingContent): Record<string, unknown> {
  if ('text' in content) {
    return content.quickReplies?.length
      ? {
          text: content.text,
          quick_replies: content.quickReplies.map((reply) => ({
            content_type: 'text',
            title: reply.title,
            payload: reply.payload,
          })),
        }
      : { text: content.text };
  }
  if ('images' in content) {
    return { attachments: content.images.map((url) => ({ type: 'image', payload: { url } })) };
  }
  if ('cards' in content) {
    return {
      attachment: {
        type: 'template',
        payload: { template_type: 'generic', elements: content.cards.map(templateElement) },
      },
    };
  }
  return { attachment: { type: content.attachment, payload: { url: content.url } } };
}

/** Sends one message; Meta's id for it, or an error when Meta answered without one. */
export async function sendMessage(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  message: OutgoingMessage,
): Promise<{ messageId: string }> {
  const answer = await sendApi(graph, account, token, {
    recipient: message.privateReplyTo ? { comment_id: message.privateReplyTo } : { id: message.recipientId },
    message: messageBody(message.content),
    ...(message.replyToMid ? { reply_to: { mid: message.replyToMid } } : {}),
    ...(message.humanAgent ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : {}),
  });
  if (!answer.message_id) throw new Error('the Send API answered without a message_id');
  return { messageId: answer.message_id };
}

export type SenderAction =
  | { action: 'react'; mid: string; reaction: string }
  | { action: 'unreact'; mid: string }
  | { action: 'typing_on' }
  | { action: 'typing_off' }
  | { action: 'mark_seen' };

export async function sendSenderAction(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  recipientId: string,
  senderAction: SenderAction,
): Promise<void> {
  const recipient = { id: recipientId };
  switch (senderAction.action) {
    case 'react':
      await sendApi(graph, account, token, {
        recipient,
        sender_action: 'react',
        payload: { message_id: senderAction.mid, reaction: senderAction.reaction },
      });
      return;
    case 'unreact':
      await sendApi(graph, account, token, {
        recipient,
        sender_action: 'unreact',
        payload: { message_id: senderAction.mid },
      });
      return;
    default:
      await sendApi(graph, account, token, { recipient, sender_action: senderAction.action });
  }
}

const Me = z.object({
  user_id: z.union([z.string().regex(/^\d+$/), z.number()]).transform(String),
  username: z.string().min(1),
  name: ProfileName,
  profile_picture_url: ProfilePictureUrl,
});

/** The Instagram Login account a token belongs to; `userId` is the id webhooks carry. */
export async function fetchMe(
  graph: GraphClient,
  token: string,
): Promise<{ userId: string; username: string; name: string | null; pictureUrl: string | null }> {
  const raw = await graph.request<unknown>({
    loginPath: 'instagram',
    path: 'me',
    token,
    query: { fields: 'user_id,username,name,profile_picture_url' },
  });
  // Some answers wrap the account in a one-element `data` list.
  const wrapped = z.object({ data: z.array(z.unknown()).min(1) }).safeParse(raw);
  const me = Me.parse(wrapped.success ? wrapped.data.data[0] : raw);
  return { userId: me.user_id, username: me.username, name: me.name, pictureUrl: me.profile_picture_url };
}

const PROFILE_FIELDS =
  'name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user,is_verified_user';

const Profile = z.object({
  name: z.string().nullish(),
  username: z.string().nullish(),
  profile_pic: z.string().nullish(),
  follower_count: z.number().nullish(),
  is_verified_user: z.boolean().nullish(),
  is_user_follow_business: z.boolean().nullish(),
  is_business_follow_user: z.boolean().nullish(),
});

export interface ContactProfile {
  name: string | null;
  username: string | null;
  profilePic: string | null;
  followerCount: number | null;
  isVerifiedUser: boolean | null;
  isUserFollowBusiness: boolean | null;
  isBusinessFollowUser: boolean | null;
}

/** A customer's profile from the User Profile API; fields Meta leaves out are null. */
export async function fetchProfile(
  graph: GraphClient,
  account: Pick<GraphAccount, 'loginPath'>,
  token: string,
  igsid: string,
): Promise<ContactProfile> {
  const profile = Profile.parse(
    await graph.request<unknown>({
      loginPath: account.loginPath,
      path: encodeURIComponent(igsid),
      token,
      query: { fields: PROFILE_FIELDS },
    }),
  );
  return {
    name: profile.name ?? null,
    username: profile.username ?? null,
    profilePic: profile.profile_pic ?? null,
    followerCount: profile.follower_count ?? null,
    isVerifiedUser: profile.is_verified_user ?? null,
    isUserFollowBusiness: profile.is_user_follow_business ?? null,
    isBusinessFollowUser: profile.is_business_follow_user ?? null,
  };
}

/** The subscriber, which callers check with subscriberId() first where it may be unknown. */
function subscriber(account: GraphAccount): string {
  const id = subscriberId(account);
  if (id === null) throw new Error('the Facebook Page of this account is unknown');
  return id;
}

/** Subscribes our app to the account's webhooks with WEBHOOK_FIELDS. */
export async function subscribeApp(graph: GraphClient, account: GraphAccount, token: string): Promise<void> {
  await graph.request({
    loginPath: account.loginPath,
    method: 'POST',
    path: `${subscriber(account)}/subscribed_apps`,
    token,
    query: { subscribed_fields: WEBHOOK_FIELDS.join(',') },
  });
}

/** Stops Meta sending the account's webhooks to our app. */
export async function unsubscribeApp(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
): Promise<void> {
  await graph.request({
    loginPath: account.loginPath,
    method: 'DELETE',
    path: `${subscriber(account)}/subscribed_apps`,
    token,
  });
}

const SubscribedApps = z.object({
  data: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String).optional(),
      subscribed_fields: z.array(z.string()).optional(),
    }),
  ),
});

/**
 * The webhook fields Meta reports our app subscribed to for the account; none when it is not.
 * An Instagram account's answer has one unnamed entry (the caller's app); a Page's lists each app
 * subscribed to it by id, and another CRM's subscription is not ours.
 */
export async function readSubscriptions(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  appIds: readonly string[],
): Promise<string[]> {
  const answer = SubscribedApps.parse(
    await graph.request({
      loginPath: account.loginPath,
      path: `${subscriber(account)}/subscribed_apps`,
      token,
    }),
  );
  const named = answer.data.filter((entry) => entry.id !== undefined);
  const ours = named.length > 0 ? named.filter((entry) => appIds.includes(entry.id as string)) : answer.data;
  return [...new Set(ours.flatMap((entry) => entry.subscribed_fields ?? []))];
}
