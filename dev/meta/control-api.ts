// The simulator's control API: JSON over HTTP for the CLI, the chat page, `npm start` and other
// processes (benchmarks) to drive a running simulator. Bodies are JSON objects; answers are JSON.
// Accounts and customers are named by id or username.
//
//   GET    /control/status                     base URLs, webhook URL, accounts, customers, delivery counts
//   GET    /control/accounts                   every account (with its access token)
//   POST   /control/accounts                   {username, name?, loginPath?: instagram|facebook, subscribed?}
//   POST   /control/accounts/revoke-token      {account}: its token answers 190 from now on
//   GET    /control/customers                  every customer
//   POST   /control/customers                  {username?, name?, profilePic?}
//   POST   /control/webhook-url                {url: string | null}
//   GET    /control/thread?account=&customer=  the conversation as the customer sees it (and its conversationId)
//   POST   /control/history                    {account, seed?, conversations: [{customer?, messages: [{timestamp,
//                                              from?: customer|business, kind?, text?}]}]}: past conversations with no
//                                              webhook; answers [{conversationId, customer, messages: [{mid, timestamp,
//                                              from, kind}]}]; the kinds each side can send are listed in history.ts
//   POST   /control/events/{kind}              a scenario; every kind takes {account, customer, timestamp?, standby?,
//                                              deliver? (false: into the thread with no webhook)}
//            text           {text, mid?}                    attachments   {attachments: [{type, url?, …}], text?, mid?}
//            unsupported    {mid?}                          story-reply   {text, story?: {url?, id?}, mid?}
//            reply          {text, replyToMid, mid?}        quick-reply   {text, payload, mid?}
//            ad-referral    {text, adId?, ref?, adsContextData?: {ad_title?, photo_url?, post_id?, …}, mid?}
//            product-referral {text, productId?, mid?}
//            referral       {ref, source?, type?}           postback      {title, payload, referral?: {ref, source?}, mid?}
//            reaction       {mid, reaction?, emoji?}        unreaction    {mid}
//            seen           {mid?}                          edit          {mid, text}
//            unsend         {mid}                           echo          {text?, attachments?, quickReplies?, mid?}
//          attachments: {type: image|video|audio|file|share|story_mention, url?}, image also stickerId?;
//            {type: ig_post, url?, title?, mediaId?}, {type: ig_reel, url?, title?, reelVideoId?},
//            {type: ig_story, url?, storyMediaId?}, {type: ephemeral|like_heart}; an echo also
//            {type: template, elements: [{title, subtitle?, image_url?, default_action?, buttons?}]} or
//            {type: template, text, buttons: [{type: web_url, title, url} | {type: postback, title, payload}]},
//            and quickReplies: [{title, payload}] (kept in the thread, not echoed)
//            comment        {text, mediaId?, parentId?, commentId?, twice?} (no standby; timestamp on the
//                           simulator clock): a comments / live_comments change; answers {commentId, mediaId,
//                           parentId, timestamp}
//            tap-ice-breaker {index? | payload?}             tap-menu-item {index? | payload?}
//            tap-quick-reply {mid?, index? | payload?}       tap-button    {mid, element?, button?}
//                           the customer taps what the business set up: answers {mid, timestamp} for a
//                           postback or quick-reply message, {opened: url} for a web_url (no webhook)
//            dashboard-test {loginPath?} (no account/customer)
//   GET    /control/media?account=             the account's media, newest first ({id, caption, productType, ad, …})
//   POST   /control/media                      {account, caption?, productType?: FEED|REELS|LIVE, ad?: true |
//                                              {id?, title?}, timestamp?, id?}: publishes a media; answers it (201)
//   POST   /control/media/end-live             {media}: the live broadcast ends; answers the media
//   GET    /control/comments?media=            every comment on it, replies and deleted ones included, oldest first
//   POST   /control/comments/delete            {customer, comment}: the customer deletes their own comment (no
//                                              webhook, as on Meta); answers {deleted: true}
//   GET    /control/ad-comments-twice          {enabled}: whether each comment on an ad is sent twice
//   POST   /control/ad-comments-twice          {enabled}
//   GET    /control/messenger-profile?account= {ice_breakers?, persistent_menu?}: what the app set for Instagram
//   GET    /control/deliveries                 every webhook POST with attempts and state
//   GET    /control/webhook-drops              active rules that drop webhook events
//   POST   /control/webhook-drops              {account?, probability?, times?, seed?}: Meta loses a (seeded) share of
//                                              the events; the messages stay in the world
//   DELETE /control/webhook-drops[?id=]        one rule, or all
//   GET    /control/webhook-drops/dropped      every event a rule dropped: {dropId, event: {entryId, kind, item, …}}
//   GET    /control/delivery                   delivery options
//   POST   /control/delivery                   partial delivery options (batchWindowMs, retryDelaysMs, reorder,
//                                              unsubscribeAfterFailingMs, …)
//   GET    /control/unsubscriptions            accounts Meta unsubscribed after failed deliveries: {accountIgId, at,
//                                              failingSince, subscribedFields, reason}
//   POST   /control/idle                       answers once nothing is waiting to be delivered or retried
//   GET    /control/faults                     active faults
//   POST   /control/faults                     {method?, path?, account?, times?, delayMs?, error?: {status?, code?, subcode?, message?},
//                                              after? (the call takes effect first), webhooksFirst?, retryAfterSeconds?}
//   DELETE /control/faults[?id=]               one fault, or all
//   GET    /control/graph-requests             every Graph call received
//   GET    /control/sent                       every message the Send API accepted
//   GET    /control/sender-actions             every sender action (react, typing, mark_seen) received
//   POST   /control/messaging-access           {account, enabled}: the owner's "Allow access to messages"
//   POST   /control/block                      {account, customer, blocked}: the customer blocks the account
//   GET    /control/send-rate-limits           {textPerSecond, mediaPerSecond} per account
//   POST   /control/send-rate-limits           partial limits
//   GET    /control/private-reply-rate-limit   {perHour}: private replies per hour per account (Meta: 750)
//   POST   /control/private-reply-rate-limit   {perHour}
//   GET    /control/conversations-rate-limit   {perSecond}: Conversations API calls per second per account
//   POST   /control/conversations-rate-limit   {perSecond}
//   POST   /control/oauth/authorize            {account, redirectUri, state?, scope?, deny?, loginPath?}: {location},
//                                              the redirect the consent dialog's Allow (Cancel with deny) gives
//   GET    /control/oauth/response-shape       {shape}: how the Instagram code exchange answers
//   POST   /control/oauth/response-shape       {shape: flat|data-wrapped}
//   POST   /control/deauthorize                {account, callbackUrl}: revokes its tokens, POSTs a signed_request;
//                                              answers {signedRequest, status, body} of the callback
//   POST   /control/data-deletion              {account, callbackUrl}: the same for a data-deletion request
//   POST   /control/sign                       {body, login?: instagram|facebook}: {header}, the X-Hub-Signature-256
//                                              Meta would send with that exact body (for hand-made test POSTs)
//   GET    /control/clock                      {now, frozen}: the simulator clock codes, tokens and limits run on
//   POST   /control/clock                      {advanceMs}, {now: epoch ms} or {frozen: boolean} (a frozen clock
//                                              moves only when advanced or set)
import { z } from 'zod';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';
import { HISTORY_KINDS } from './history.ts';
import { jsonResponse, parseBody, type Route, type SimRequest, type SimResponse } from './http.ts';
import type { MetaSimulator } from './simulator.ts';
import { SimulatorInputError } from './world.ts';

const id = z.string().min(1);
const target = {
  account: id,
  customer: id,
  timestamp: z.number().int().positive().optional(),
  standby: z.boolean().optional(),
  deliver: z.boolean().optional(),
};
const messageTarget = { ...target, mid: id.optional() };
const url = z.url();
const attachmentKinds = [
  z.object({
    type: z.enum(['video', 'audio', 'file', 'share', 'story_mention']),
    url: url.optional(),
  }),
  // Meta's sticker ids are JSON numbers: digits that fit one exactly.
  z.object({
    type: z.literal('image'),
    url: url.optional(),
    stickerId: z
      .string()
      .regex(/^\d{1,15}$/)
      .optional(),
  }),
  z.object({
    type: z.literal('ig_post'),
    url: url.optional(),
    title: z.string().optional(),
    mediaId: id.optional(),
  }),
  z.object({
    type: z.literal('ig_reel'),
    url: url.optional(),
    title: z.string().optional(),
    reelVideoId: id.optional(),
  }),
  z.object({ type: z.literal('ig_story'), url: url.optional(), storyMediaId: id.optional() }),
  z.object({ type: z.enum(['ephemeral', 'like_heart']) }),
] as const;
const attachment = z.discriminatedUnion('type', attachmentKinds);
// A generic template as the Send API takes it: 1 to 10 cards of up to 3 buttons, each with a title.
const templateButton = z.discriminatedUnion('type', [
  z.object({ type: z.literal('web_url'), title: z.string().min(1), url }),
  z.object({ type: z.literal('postback'), title: z.string().min(1), payload: z.string().min(1) }),
]);
const templateElement = z.object({
  title: z.string().min(1),
  subtitle: z.string().optional(),
  image_url: url.optional(),
  default_action: z.object({ type: z.literal('web_url'), url }).optional(),
  buttons: z.array(templateButton).max(3).optional(),
});
/** Only the business sends templates: they arrive on its echoes, never from a customer. */
const echoAttachment = z.union([
  z.discriminatedUnion('type', [
    ...attachmentKinds,
    z.object({ type: z.literal('template'), elements: z.array(templateElement).min(1).max(10) }),
  ]),
  z.object({
    type: z.literal('template'),
    text: z.string().min(1),
    buttons: z.array(templateButton).min(1).max(3),
  }),
]);
const quickReply = z.object({ title: z.string().min(1), payload: z.string().min(1) });
const choice = { index: z.number().int().min(0).optional(), payload: z.string().optional() };
const referral = z.object({ ref: z.string(), source: z.string().optional(), type: z.string().optional() });
const loginPath = z.enum(['instagram', 'facebook']);

function event<S extends z.ZodType>(schema: S, run: (sim: MetaSimulator, input: z.output<S>) => unknown) {
  return (sim: MetaSimulator, body: unknown) => run(sim, schema.parse(body));
}

const EVENTS: Record<string, (sim: MetaSimulator, body: unknown) => unknown> = {
  text: event(z.object({ ...messageTarget, text: z.string() }), (sim, input) => sim.sendText(input)),
  attachments: event(
    z.object({ ...messageTarget, attachments: z.array(attachment).min(1), text: z.string().optional() }),
    (sim, input) => sim.sendAttachments(input),
  ),
  unsupported: event(z.object(messageTarget), (sim, input) => sim.sendUnsupported(input)),
  'story-reply': event(
    z.object({
      ...messageTarget,
      text: z.string(),
      story: z.object({ url: url.optional(), id: id.optional() }).optional(),
    }),
    (sim, input) => sim.replyToStory(input),
  ),
  reply: event(z.object({ ...messageTarget, text: z.string(), replyToMid: id }), (sim, input) =>
    sim.replyToMessage(input),
  ),
  'quick-reply': event(z.object({ ...messageTarget, text: z.string(), payload: z.string() }), (sim, input) =>
    sim.sendQuickReply(input),
  ),
  'ad-referral': event(
    z.object({
      ...messageTarget,
      text: z.string(),
      adId: id.optional(),
      ref: z.string().optional(),
      adsContextData: z.record(z.string(), z.string()).optional(),
    }),
    (sim, input) => sim.sendAdReferral(input),
  ),
  'product-referral': event(
    z.object({ ...messageTarget, text: z.string(), productId: id.optional() }),
    (sim, input) => sim.sendProductReferral(input),
  ),
  referral: event(z.object({ ...target, ...referral.shape }), (sim, input) => sim.sendReferral(input)),
  postback: event(
    z.object({ ...messageTarget, title: z.string(), payload: z.string(), referral: referral.optional() }),
    (sim, input) => sim.sendPostback(input),
  ),
  reaction: event(
    z.object({
      ...target,
      mid: id,
      reaction: z.enum(['love', 'like', 'laugh', 'wow', 'sad', 'angry', 'other']).optional(),
      emoji: z.string().min(1).optional(),
    }),
    (sim, input) => sim.react(input),
  ),
  unreaction: event(z.object({ ...target, mid: id }), (sim, input) => sim.unreact(input)),
  seen: event(z.object({ ...target, mid: id.optional() }), (sim, input) => sim.markSeen(input)),
  edit: event(z.object({ ...target, mid: id, text: z.string() }), (sim, input) => sim.editMessage(input)),
  unsend: event(z.object({ ...target, mid: id }), (sim, input) => sim.unsendMessage(input)),
  echo: event(
    z.object({
      ...messageTarget,
      text: z.string().optional(),
      attachments: z.array(echoAttachment).optional(),
      quickReplies: z.array(quickReply).max(13).optional(),
    }),
    (sim, input) => sim.businessEcho(input),
  ),
  comment: event(
    z.object({
      account: id,
      customer: id,
      timestamp: target.timestamp,
      deliver: target.deliver,
      text: z.string(),
      mediaId: id.optional(),
      parentId: id.optional(),
      commentId: id.optional(),
      twice: z.boolean().optional(),
    }),
    (sim, input) => sim.postComment(input),
  ),
  'tap-ice-breaker': event(z.object({ account: id, customer: id, ...choice }), (sim, input) =>
    sim.tapIceBreaker(input),
  ),
  'tap-menu-item': event(z.object({ account: id, customer: id, ...choice }), (sim, input) =>
    sim.tapMenuItem(input),
  ),
  'tap-quick-reply': event(
    z.object({ account: id, customer: id, mid: id.optional(), ...choice }),
    (sim, input) => sim.tapQuickReply(input),
  ),
  'tap-button': event(
    z.object({
      account: id,
      customer: id,
      mid: id,
      element: z.number().int().min(0).optional(),
      button: z.number().int().min(0).optional(),
    }),
    (sim, input) => sim.tapTemplateButton(input),
  ),
  'dashboard-test': event(z.object({ loginPath: loginPath.optional() }), (sim, input) => {
    sim.sendDashboardTest(input);
    return { sent: true };
  }),
};

const NewAccountSchema = z.object({
  username: id,
  name: z.string().min(1).optional(),
  loginPath: loginPath.optional(),
  subscribed: z.boolean().optional(),
});
const NewCustomerSchema = z.object({
  username: id.optional(),
  name: z.string().min(1).nullable().optional(),
  profilePic: url.nullable().optional(),
});
const HistorySchema = z.object({
  account: id,
  seed: z.number().int().optional(),
  conversations: z.array(
    z.object({
      customer: id.optional(),
      messages: z.array(
        z.object({
          timestamp: z.number().int().positive(),
          from: z.enum(['customer', 'business']).optional(),
          kind: z.enum(HISTORY_KINDS).optional(),
          text: z.string().optional(),
        }),
      ),
    }),
  ),
});
const DeliverySchema = z
  .object({
    batchWindowMs: z.number().int().min(0),
    maxBatch: z.number().int().min(1),
    timeoutMs: z.number().int().min(1),
    retryDelaysMs: z.array(z.number().int().min(0)),
    duplicateProbability: z.number().min(0).max(1),
    reorder: z.boolean(),
    seed: z.number().int(),
    concurrency: z.number().int().min(1),
    unsubscribeAfterFailingMs: z.number().int().min(0),
  })
  .partial();
const FaultSchema = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  account: id.optional(),
  times: z.number().int().min(1).optional(),
  probability: z.number().min(0).max(1).optional(),
  delayMs: z.number().int().min(0).optional(),
  error: z
    .object({
      status: z.number().int().min(400).max(599).optional(),
      code: z.number().int().optional(),
      subcode: z.number().int().optional(),
      message: z.string().optional(),
      type: z.string().optional(),
    })
    .optional(),
  after: z.boolean().optional(),
  webhooksFirst: z.boolean().optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
});

const WebhookDropSchema = z.object({
  account: id.optional(),
  probability: z.number().min(0).max(1).optional(),
  times: z.number().int().min(1).optional(),
  seed: z.number().int().optional(),
});

const SendRateLimitsSchema = z.object({
  textPerSecond: z.number().positive().optional(),
  mediaPerSecond: z.number().positive().optional(),
});

const NewMediaSchema = z.object({
  account: id,
  caption: z.string().optional(),
  productType: z.enum(['FEED', 'REELS', 'LIVE']).optional(),
  ad: z
    .union([z.literal(true), z.object({ id: id.optional(), title: z.string().min(1).optional() })])
    .optional(),
  timestamp: z.number().int().positive().optional(),
  id: id.optional(),
});

const AuthorizeSchema = z.object({
  account: id,
  loginPath: loginPath.optional(),
  redirectUri: url,
  state: z.string().optional(),
  scope: z.string().min(1).optional(),
  deny: z.boolean().optional(),
});
const AppCallbackSchema = z.object({ account: id, callbackUrl: url });
const SignSchema = z.object({
  body: z.string(),
  login: z.enum(['instagram', 'facebook']).default('instagram'),
});
const ClockSchema = z.union([
  z.object({ advanceMs: z.number().int() }).strict(),
  z.object({ now: z.number().int().positive() }).strict(),
  z.object({ frozen: z.boolean() }).strict(),
]);
const ResponseShapeSchema = z.object({ shape: z.enum(['flat', 'data-wrapped']) });

function status(sim: MetaSimulator) {
  const deliveries = sim.deliveries();
  const count = (state: string) => deliveries.filter((delivery) => delivery.state === state).length;
  return {
    url: sim.url,
    instagramGraphUrl: sim.instagramGraphUrl,
    facebookGraphUrl: sim.facebookGraphUrl,
    chatUrl: `${sim.url}/chat`,
    webhookUrl: sim.webhookUrl() ?? null,
    accounts: sim.accounts().map(({ igId, username, name, loginPath, subscribedFields }) => ({
      igId,
      username,
      name,
      loginPath,
      subscribed: subscribedFields.length > 0,
    })),
    customers: sim.customers().map(({ igsid, username, name }) => ({ igsid, username, name })),
    deliveries: {
      total: deliveries.length,
      delivered: count('delivered'),
      failed: count('failed'),
      pending: deliveries.length - count('delivered') - count('failed'),
    },
    faults: sim.faults().length,
  };
}

const clock = (sim: MetaSimulator) => ({ now: sim.now(), frozen: sim.clockFrozen() });

async function handle(sim: MetaSimulator, request: SimRequest): Promise<SimResponse | undefined> {
  const path = request.url.pathname.slice('/control'.length);
  const query = request.url.searchParams;
  const body = () => parseBody(request);
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'GET /status':
      return jsonResponse(200, status(sim));
    case 'GET /accounts':
      return jsonResponse(200, sim.accounts());
    case 'POST /accounts':
      return jsonResponse(201, sim.addAccount(NewAccountSchema.parse(body())));
    case 'POST /accounts/revoke-token':
      sim.revokeToken(z.object({ account: id }).parse(body()).account);
      return jsonResponse(200, { revoked: true });
    case 'GET /customers':
      return jsonResponse(200, sim.customers());
    case 'POST /customers':
      return jsonResponse(201, sim.addCustomer(NewCustomerSchema.parse(body())));
    case 'POST /webhook-url': {
      const { url: webhookUrl } = z.object({ url: url.nullable() }).parse(body());
      sim.setWebhookUrl(webhookUrl ?? undefined);
      return jsonResponse(200, { webhookUrl });
    }
    case 'GET /thread':
      return jsonResponse(200, sim.thread(query.get('account') ?? '', query.get('customer') ?? ''));
    case 'POST /history':
      return jsonResponse(200, sim.seedHistory(HistorySchema.parse(body())));
    case 'GET /media':
      return jsonResponse(200, sim.media(query.get('account') ?? ''));
    case 'POST /media': {
      const { account, ...input } = NewMediaSchema.parse(body());
      return jsonResponse(201, sim.addMedia(account, input));
    }
    case 'POST /media/end-live':
      return jsonResponse(200, sim.endLive(z.object({ media: id }).parse(body()).media));
    case 'GET /comments':
      return jsonResponse(200, sim.comments(query.get('media') ?? ''));
    case 'POST /comments/delete':
      sim.deleteComment(z.object({ customer: id, comment: id }).parse(body()));
      return jsonResponse(200, { deleted: true });
    case 'GET /ad-comments-twice':
      return jsonResponse(200, { enabled: sim.adCommentsTwice() });
    case 'POST /ad-comments-twice':
      sim.setAdCommentsTwice(z.object({ enabled: z.boolean() }).parse(body()).enabled);
      return jsonResponse(200, { enabled: sim.adCommentsTwice() });
    case 'GET /messenger-profile':
      return jsonResponse(200, sim.messengerProfile(query.get('account') ?? ''));
    case 'GET /deliveries':
      return jsonResponse(200, sim.deliveries());
    case 'GET /webhook-drops':
      return jsonResponse(200, sim.webhookDrops());
    case 'POST /webhook-drops':
      return jsonResponse(201, sim.dropWebhooks(WebhookDropSchema.parse(body())));
    case 'DELETE /webhook-drops':
      sim.clearWebhookDrops(query.get('id') ?? undefined);
      return jsonResponse(200, sim.webhookDrops());
    case 'GET /webhook-drops/dropped':
      return jsonResponse(200, sim.droppedWebhooks());
    case 'GET /delivery':
      return jsonResponse(200, sim.deliveryOptions());
    case 'POST /delivery':
      sim.setDelivery(DeliverySchema.parse(body()));
      return jsonResponse(200, sim.deliveryOptions());
    case 'GET /unsubscriptions':
      return jsonResponse(200, sim.webhookUnsubscriptions());
    case 'POST /idle':
      await sim.idle();
      return jsonResponse(200, { idle: true });
    case 'GET /faults':
      return jsonResponse(200, sim.faults());
    case 'POST /faults':
      return jsonResponse(201, sim.setFault(FaultSchema.parse(body())));
    case 'DELETE /faults':
      sim.clearFaults(query.get('id') ?? undefined);
      return jsonResponse(200, sim.faults());
    case 'GET /graph-requests':
      return jsonResponse(200, sim.graphRequests());
    case 'GET /sent':
      return jsonResponse(200, sim.sentMessages());
    case 'GET /sender-actions':
      return jsonResponse(200, sim.senderActions());
    case 'POST /messaging-access': {
      const input = z.object({ account: id, enabled: z.boolean() }).parse(body());
      sim.setMessagingAccess(input.account, input.enabled);
      return jsonResponse(200, input);
    }
    case 'POST /block': {
      const input = z.object({ account: id, customer: id, blocked: z.boolean() }).parse(body());
      sim.setBlocked(input.account, input.customer, input.blocked);
      return jsonResponse(200, input);
    }
    case 'GET /send-rate-limits':
      return jsonResponse(200, sim.sendRateLimits());
    case 'POST /send-rate-limits':
      sim.setSendRateLimits(SendRateLimitsSchema.parse(body()));
      return jsonResponse(200, sim.sendRateLimits());
    case 'GET /private-reply-rate-limit':
      return jsonResponse(200, { perHour: sim.privateReplyRateLimit() });
    case 'POST /private-reply-rate-limit':
      sim.setPrivateReplyRateLimit(z.object({ perHour: z.number().positive() }).parse(body()).perHour);
      return jsonResponse(200, { perHour: sim.privateReplyRateLimit() });
    case 'GET /conversations-rate-limit':
      return jsonResponse(200, { perSecond: sim.conversationsRateLimit() });
    case 'POST /conversations-rate-limit':
      sim.setConversationsRateLimit(z.object({ perSecond: z.number().positive() }).parse(body()).perSecond);
      return jsonResponse(200, { perSecond: sim.conversationsRateLimit() });
    case 'POST /oauth/authorize':
      return jsonResponse(200, { location: sim.authorize(AuthorizeSchema.parse(body())) });
    case 'GET /oauth/response-shape':
      return jsonResponse(200, { shape: sim.oauthResponseShape() });
    case 'POST /oauth/response-shape':
      sim.setOAuthResponseShape(ResponseShapeSchema.parse(body()).shape);
      return jsonResponse(200, { shape: sim.oauthResponseShape() });
    case 'POST /deauthorize':
      return jsonResponse(200, await sim.deauthorize(AppCallbackSchema.parse(body())));
    case 'POST /data-deletion':
      return jsonResponse(200, await sim.requestDataDeletion(AppCallbackSchema.parse(body())));
    case 'POST /sign': {
      const { body: signed, login } = SignSchema.parse(body());
      const secret = login === 'instagram' ? sim.app.instagramAppSecret : sim.app.metaAppSecret;
      return jsonResponse(200, { header: signWebhookBody(signed, secret) });
    }
    case 'GET /clock':
      return jsonResponse(200, clock(sim));
    case 'POST /clock': {
      const change = ClockSchema.parse(body());
      if ('advanceMs' in change) sim.advanceClock(change.advanceMs);
      else if ('now' in change) sim.setClock(change.now);
      else if (change.frozen) sim.freezeClock();
      else sim.resumeClock();
      return jsonResponse(200, clock(sim));
    }
  }
  const kind = /^POST \/events\/([a-z-]+)$/.exec(route)?.[1];
  const run = kind === undefined ? undefined : EVENTS[kind];
  if (run) return jsonResponse(200, run(sim, body()));
  return jsonResponse(404, { error: `no control route ${route}`, events: Object.keys(EVENTS) });
}

export function controlRoute(sim: MetaSimulator): Route {
  return async (request) => {
    if (request.url.pathname !== '/control' && !request.url.pathname.startsWith('/control/'))
      return undefined;
    try {
      return await handle(sim, request);
    } catch (error) {
      if (error instanceof z.ZodError) return jsonResponse(400, { error: z.prettifyError(error) });
      if (error instanceof SimulatorInputError || error instanceof SyntaxError) {
        return jsonResponse(400, { error: error.message });
      }
      throw error;
    }
  };
}
