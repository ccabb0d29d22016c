// The Meta simulator: a stand-in for Meta's servers over real HTTP, for `npm start`, tests and
// benchmarks. One server on 127.0.0.1 answers the Graph API under /graph.instagram.com/ and
// /graph.facebook.com/, both logins' OAuth dialogs and token endpoints (/www.instagram.com/,
// /api.instagram.com/, /www.facebook.com/), a control API under /control/, the customer chat page
// at /chat and the customer's view of the accounts' posts and comments at /post, and a delivery
// engine POSTs signed webhooks to the app. All state is in memory;
// codes and tokens expire on a clock tests can move.
import { type AppCallbackInput, type AppCallbackResult, sendAppCallback } from './app-callbacks.ts';
import type { MetaAppCredentials } from './app-credentials.ts';
import { cdnRoute } from './cdn.ts';
import { chatPageRoute } from './chat-page.ts';
import { createClock } from './clock.ts';
import { type CustomerCommentInput, createComments, type PostedComment } from './comments.ts';
import { controlRoute } from './control-api.ts';
import { type Choice, createCustomerTaps, type TapResult, type TapTarget } from './customer-taps.ts';
import { createFaultInjector, type Fault, type FaultSpec } from './faults.ts';
import { createGraphRoute, type GraphEndpoint, type GraphRequestRecord } from './graph-api.ts';
import { createConversationsApi } from './graph-conversations.ts';
import { createMediaApi } from './graph-media.ts';
import { createNodeEndpoints } from './graph-nodes.ts';
import { oauthEndpoints } from './graph-oauth.ts';
import {
  createSendApi,
  type SenderActionRecord,
  type SendRateLimits,
  type SentRecord,
} from './graph-send.ts';
import { subscriptionEndpoints } from './graph-subscriptions.ts';
import { type HistoryInput, type SeededConversation, seedHistory } from './history.ts';
import { type Route, startHttpServer } from './http.ts';
import { instagramTokenRoute, type OAuthResponseShape } from './instagram-token-route.ts';
import {
  createMessengerProfile,
  type IceBreaker,
  type MenuItem,
  type MessengerProfile,
} from './messenger-profile.ts';
import { consentRedirect, DEFAULT_SCOPES, parseAuthorizeRequest } from './oauth-consent.ts';
import { oauthDialogRoute } from './oauth-dialog.ts';
import { postPageRoute } from './post-page.ts';
import type { Comment, Media, NewMedia } from './posts.ts';
import { createScenarios, type Scenarios, type SentMessage } from './scenarios.ts';
import type { ThreadMessage } from './threads.ts';
import { createWebhookDelivery, type DeliveryOptions, type DeliveryRecord } from './webhook-delivery.ts';
import {
  createWebhookDrops,
  type DroppedWebhook,
  type WebhookDrop,
  type WebhookDropSpec,
} from './webhook-drops.ts';
import { createUnsubscribeRule, type Unsubscription } from './webhook-unsubscribe.ts';
import {
  type Account,
  type Customer,
  createWorld,
  type LoginPath,
  type NewAccount,
  type NewCustomer,
  SimulatorInputError,
} from './world.ts';

export interface MetaSimulatorOptions {
  app: MetaAppCredentials;
  /** Where webhooks go; can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Defaults to a free port. */
  port?: number;
  delivery?: Partial<DeliveryOptions>;
  /** Body of a successful Instagram code exchange: flat (what Meta sends, default) or as documented. */
  oauthResponseShape?: OAuthResponseShape;
  /** Send API limits per account; Meta's documented 100/s for text and 10/s for media by default. */
  sendRateLimits?: Partial<SendRateLimits>;
  /** Conversations API calls per second per account; Meta's documented 2 by default. */
  conversationsPerSecond?: number;
  /** Private replies per hour per account; Meta's documented 750 by default. */
  privateRepliesPerHour?: number;
}

export interface AuthorizeInput {
  /** The account that logs in (IG_ID, username or Page id). */
  account: string;
  /** Defaults to the account's login path. */
  loginPath?: LoginPath;
  redirectUri: string;
  state?: string;
  /** Comma-separated; defaults to the usual messaging scopes of the login path. */
  scope?: string;
  /** Press Cancel instead of Allow. */
  deny?: boolean;
}

export interface ThreadView {
  /** The id the Conversations API names the thread by. */
  conversationId: string;
  account: Pick<Account, 'igId' | 'username' | 'name'>;
  customer: Customer;
  /** mid of the last business message the customer has seen. */
  seenMid: string | null;
  messages: ThreadMessage[];
  /** The account's ice breakers (default locale), which Instagram offers while no message is written. */
  iceBreakers: IceBreaker[];
  /** The account's persistent menu (default locale). */
  persistentMenu: MenuItem[];
}

export interface MetaSimulator extends Scenarios {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/graph.instagram.com`: use in place of https://graph.instagram.com */
  readonly instagramGraphUrl: string;
  /** `${url}/graph.facebook.com`: use in place of https://graph.facebook.com */
  readonly facebookGraphUrl: string;
  /** `${url}/www.instagram.com`: the Instagram Login dialog is at `${instagramUrl}/oauth/authorize`. */
  readonly instagramUrl: string;
  /** `${url}/api.instagram.com`: the code exchange is at `${instagramApiUrl}/oauth/access_token`. */
  readonly instagramApiUrl: string;
  /** `${url}/www.facebook.com`: the Facebook Login dialog is at `${facebookUrl}/v25.0/dialog/oauth`. */
  readonly facebookUrl: string;
  readonly app: MetaAppCredentials;
  webhookUrl(): string | undefined;
  setWebhookUrl(url: string | undefined): void;
  addAccount(input: NewAccount): Account;
  addCustomer(input?: NewCustomer): Customer;
  accounts(): Account[];
  customers(): Customer[];
  /** The conversation as the customer sees it. */
  thread(account: string, customer: string): ThreadView;
  /**
   * Past conversations of an account, without webhooks (for history backfill): what is left open
   * is drawn from `seed`, so the same input gives the same history.
   */
  seedHistory(input: HistoryInput): SeededConversation[];
  /** Invalidates every token of the account: each Graph call with one answers 190. */
  revokeToken(account: string): void;
  /** The redirect the consent dialog's Allow (or, with `deny`, Cancel) button would produce. */
  authorize(input: AuthorizeInput): string;
  /** The account's media (posts, reels, ads, lives), newest first. */
  media(account: string): Media[];
  /** Publishes a media for the account (a feed post unless said otherwise). */
  addMedia(account: string, input?: NewMedia): Media;
  /** The live broadcast ends: its comments can no longer be read or replied to privately. */
  endLive(mediaId: string): Media;
  /** Every comment on the media, replies and deleted ones included, oldest first. */
  comments(mediaId: string): Comment[];
  /** A customer comments on the account's media or replies to a comment: a `comments` webhook. */
  postComment(input: CustomerCommentInput): PostedComment;
  /** A customer deletes a comment of their own (Meta sends no webhook for it). */
  deleteComment(input: { customer: string; comment: string }): void;
  /** Whether each comment on an ad is sent twice, as Meta warns it may be. */
  adCommentsTwice(): boolean;
  setAdCommentsTwice(enabled: boolean): void;
  /** The account's Instagram ice breakers and persistent menu, as set through the Graph API. */
  messengerProfile(account: string): MessengerProfile;
  /** The customer taps an ice breaker (only in a conversation not yet started): a postback. */
  tapIceBreaker(input: TapTarget & Choice): SentMessage;
  /** The customer taps a persistent-menu item: a postback, or a link opened with no webhook. */
  tapMenuItem(input: TapTarget & Choice): TapResult;
  /** The customer taps a quick reply of the thread's last message: a message with quick_reply. */
  tapQuickReply(input: TapTarget & Choice & { mid?: string }): SentMessage;
  /** The customer taps a template button: a postback, or a link opened with no webhook. */
  tapTemplateButton(input: TapTarget & { mid: string; element?: number; button?: number }): TapResult;
  /** Revokes the account's tokens and POSTs a signed_request to the app's deauthorize callback. */
  deauthorize(input: AppCallbackInput): Promise<AppCallbackResult>;
  /** POSTs a signed_request to the app's data-deletion callback. */
  requestDataDeletion(input: AppCallbackInput): Promise<AppCallbackResult>;
  oauthResponseShape(): OAuthResponseShape;
  setOAuthResponseShape(shape: OAuthResponseShape): void;
  /** The simulator clock (epoch ms) that codes and tokens expire on. */
  now(): number;
  advanceClock(ms: number): void;
  setClock(epochMs: number): void;
  /** Stops the simulator clock (advanceClock and setClock still move it), so limits do not refill on their own. */
  freezeClock(): void;
  /** Lets a frozen clock run in real time again. */
  resumeClock(): void;
  clockFrozen(): boolean;
  setFault(spec: FaultSpec): Fault;
  /** Removes one fault, or all of them. */
  clearFaults(id?: string): void;
  faults(): Fault[];
  /** Every Graph API call received, in order. */
  graphRequests(): GraphRequestRecord[];
  /** Every message the Send API accepted, in order. */
  sentMessages(): SentRecord[];
  senderActions(): SenderActionRecord[];
  /** The account owner's "Allow access to messages" toggle; off makes sends fail with 200/2534041. */
  setMessagingAccess(account: string, enabled: boolean): void;
  /** The customer blocks the account; sends to them fail with 551. */
  setBlocked(account: string, customer: string, blocked: boolean): void;
  /** Private replies per hour per account (Meta: 750), over which they answer 613/2534040. */
  privateReplyRateLimit(): number;
  setPrivateReplyRateLimit(perHour: number): void;
  sendRateLimits(): SendRateLimits;
  setSendRateLimits(limits: Partial<SendRateLimits>): void;
  /** Conversations API calls per second per account (Meta: 2), over which calls answer 613/2534040. */
  conversationsRateLimit(): number;
  setConversationsRateLimit(perSecond: number): void;
  /** Every webhook POST: body, attempts, last status, state. */
  deliveries(): DeliveryRecord[];
  /**
   * Meta loses webhook events: a share of them (seeded) is never sent, while the messages stay in
   * the world and the Conversations API shows them.
   */
  dropWebhooks(spec: WebhookDropSpec): WebhookDrop;
  /** Removes one drop rule, or all of them. */
  clearWebhookDrops(id?: string): void;
  webhookDrops(): WebhookDrop[];
  /** Every event a drop rule kept from the app, in order. */
  droppedWebhooks(): DroppedWebhook[];
  /**
   * Every account Meta's rule unsubscribed after its deliveries failed for
   * `deliveryOptions().unsubscribeAfterFailingMs` (an hour): when, since when, why.
   */
  webhookUnsubscriptions(): Unsubscription[];
  deliveryOptions(): DeliveryOptions;
  setDelivery(options: Partial<DeliveryOptions>): void;
  /** Resolves when nothing is waiting to be delivered or retried. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_SEND_RATE_LIMITS: SendRateLimits = { textPerSecond: 100, mediaPerSecond: 10 };

export async function startMetaSimulator(options: MetaSimulatorOptions): Promise<MetaSimulator> {
  const { app } = options;
  const clock = createClock();
  let routes: Route[] = [];
  const server = await startHttpServer(options.port ?? 0, () => routes);
  const world = createWorld(clock, server.url);
  let oauthResponseShape = options.oauthResponseShape ?? 'flat';
  const faults = createFaultInjector((ref) => world.findAccount(ref)?.igId);
  const delivery = createWebhookDelivery({
    secrets: { instagram: app.instagramAppSecret, facebook: app.metaAppSecret },
    webhookUrl: options.webhookUrl,
    options: options.delivery,
  });
  const graphLog: GraphRequestRecord[] = [];
  const unsubscribeRule = createUnsubscribeRule(
    world,
    clock.now,
    () => delivery.options().unsubscribeAfterFailingMs,
  );
  delivery.observe(unsubscribeRule.observer);
  const webhookDrops = createWebhookDrops((ref) => world.findAccount(ref)?.igId);
  const guardedDelivery = webhookDrops.guard(delivery);
  const scenarios = createScenarios(world, guardedDelivery);
  const comments = createComments(world, guardedDelivery);
  const mediaApi = createMediaApi(comments);
  const messengerProfiles = createMessengerProfile();
  const taps = createCustomerTaps(world, scenarios, messengerProfiles);
  const sendApi = createSendApi(
    scenarios,
    { ...DEFAULT_SEND_RATE_LIMITS, ...options.sendRateLimits },
    clock.now,
    options.privateRepliesPerHour,
  );
  const conversationsApi = createConversationsApi(clock.now, options.conversationsPerSecond);
  // Served on both hosts. Nodes go last: `:id` matches any one segment.
  const graphEndpoints: readonly GraphEndpoint[] = [
    ...oauthEndpoints,
    ...subscriptionEndpoints,
    ...sendApi.endpoints,
    ...conversationsApi.endpoints,
    ...mediaApi.endpoints,
    ...messengerProfiles.endpoints,
    ...createNodeEndpoints([conversationsApi.node, mediaApi.node]),
  ];

  const simulator: MetaSimulator = {
    ...scenarios,
    url: server.url,
    instagramGraphUrl: `${server.url}/graph.instagram.com`,
    facebookGraphUrl: `${server.url}/graph.facebook.com`,
    instagramUrl: `${server.url}/www.instagram.com`,
    instagramApiUrl: `${server.url}/api.instagram.com`,
    facebookUrl: `${server.url}/www.facebook.com`,
    app,
    webhookUrl: delivery.webhookUrl,
    setWebhookUrl: delivery.setWebhookUrl,
    addAccount: (input) => structuredClone(world.addAccount(input)),
    addCustomer: (input) => structuredClone(world.addCustomer(input)),
    accounts: () => structuredClone(world.accounts()),
    customers: () => structuredClone(world.customers()),
    thread(accountRef, customerRef) {
      const account = world.account(accountRef);
      const customer = world.customer(customerRef);
      const thread = world.thread(account, customer);
      return structuredClone({
        conversationId: thread.id,
        account: { igId: account.igId, username: account.username, name: account.name },
        customer,
        seenMid: thread.seenMid,
        messages: thread.messages,
        ...messengerProfiles.customerView(account.igId),
      });
    },
    seedHistory: (input) => seedHistory(world, scenarios, input),
    media: (account) => structuredClone(world.posts.mediaOf(world.account(account))),
    addMedia: (account, input) => structuredClone(world.posts.addMedia(world.account(account), input)),
    endLive(mediaId) {
      const media = world.posts.media(mediaId);
      if (!media) throw new SimulatorInputError(`no media ${mediaId}`);
      world.posts.endLive(media);
      return structuredClone(media);
    },
    comments(mediaId) {
      const media = world.posts.media(mediaId);
      if (!media) throw new SimulatorInputError(`no media ${mediaId}`);
      return structuredClone(world.posts.allCommentsOf(media));
    },
    messengerProfile: (account) => messengerProfiles.profile(world.account(account).igId),
    ...taps,
    postComment: comments.postComment,
    deleteComment: comments.deleteByCustomer,
    adCommentsTwice: comments.adCommentsTwice,
    setAdCommentsTwice: comments.setAdCommentsTwice,
    revokeToken: (account) => world.revokeToken(world.account(account)),
    authorize(input) {
      const account = world.account(input.account);
      const loginPath = input.loginPath ?? account.loginPath;
      const request = parseAuthorizeRequest(
        app,
        loginPath,
        new URLSearchParams({
          client_id: loginPath === 'instagram' ? app.instagramAppId : app.metaAppId,
          redirect_uri: input.redirectUri,
          response_type: 'code',
          scope: input.scope ?? DEFAULT_SCOPES[loginPath],
          ...(input.state === undefined ? {} : { state: input.state }),
        }),
      );
      if ('error' in request) throw new SimulatorInputError(request.error);
      return consentRedirect(world, request, input.deny ? null : account);
    },
    deauthorize: (input) => sendAppCallback(world, app, 'deauthorize', input),
    requestDataDeletion: (input) => sendAppCallback(world, app, 'data-deletion', input),
    oauthResponseShape: () => oauthResponseShape,
    setOAuthResponseShape(shape) {
      oauthResponseShape = shape;
    },
    now: clock.now,
    advanceClock: clock.advance,
    setClock: clock.set,
    freezeClock: clock.freeze,
    resumeClock: clock.resume,
    clockFrozen: clock.frozen,
    setFault: (spec) => faults.add(spec),
    clearFaults: (id) => faults.clear(id),
    faults: () => faults.list(),
    graphRequests: () => graphLog.map((record) => ({ ...record })),
    sentMessages: sendApi.sent,
    senderActions: sendApi.senderActions,
    setMessagingAccess: (account, enabled) => sendApi.setMessagingAccess(world.account(account), enabled),
    setBlocked: (account, customer, blocked) =>
      sendApi.setBlocked(world.account(account), world.customer(customer), blocked),
    privateReplyRateLimit: sendApi.privateReplyRateLimit,
    setPrivateReplyRateLimit: sendApi.setPrivateReplyRateLimit,
    sendRateLimits: sendApi.rateLimits,
    setSendRateLimits: sendApi.setRateLimits,
    conversationsRateLimit: conversationsApi.rateLimit,
    setConversationsRateLimit: conversationsApi.setRateLimit,
    deliveries: delivery.records,
    dropWebhooks: webhookDrops.add,
    clearWebhookDrops: webhookDrops.clear,
    webhookDrops: webhookDrops.list,
    droppedWebhooks: webhookDrops.dropped,
    webhookUnsubscriptions: unsubscribeRule.unsubscriptions,
    deliveryOptions: delivery.options,
    setDelivery: delivery.setOptions,
    idle: delivery.idle,
    async stop() {
      delivery.stop();
      await server.close();
    },
  };

  routes = [
    createGraphRoute({
      world,
      app,
      faults,
      endpoints: graphEndpoints,
      log: graphLog,
      webhooks: delivery,
    }),
    instagramTokenRoute({ world, app, faults, responseShape: () => oauthResponseShape }),
    oauthDialogRoute(world, app),
    controlRoute(simulator),
    chatPageRoute(simulator),
    postPageRoute(simulator),
    cdnRoute,
  ];
  return simulator;
}
