// Drives a running Meta simulator from the terminal through its control API.
//   tsx dev/meta/cli.ts [--url http://127.0.0.1:PORT] <command> [options]
// Without --url the URL comes from meta-simulator.json in `npm start`'s data folder (.local/dev).
import '#server/load-env-file.ts';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { simulatorUrl } from './simulator-file.ts';

const USAGE = `Usage: tsx dev/meta/cli.ts [--url URL] <command> [options]

Setup
  status                          simulator URLs, webhook URL, accounts, customers, deliveries
  accounts | customers            list them (accounts with their access tokens)
  add-account --username U [--name N] [--login instagram|facebook] [--unsubscribed]
  add-customer [--username U] [--name N]
  webhook-url --set URL           where webhooks are POSTed

Customer events (all take --account <username|IG_ID> --customer <username|IGSID>
                 and optionally --timestamp MS, --standby; messages also --mid MID)
  send --text T                   text message
  attach --type image|video|audio|file|share|ig_post|ig_reel|ig_story|story_mention|ephemeral|like_heart
         [--attachment-url U] [--text T] [--sticker-id ID (an image that is a sticker)]
         [--story-media-id ID (ig_story)]
  unsupported                     message the API cannot show
  story-reply --text T [--story-url U] [--story-id ID]
  reply --reply-to MID --text T   inline reply to a message
  quick-reply --text T --payload P
  ad-referral --text T [--ad-id ID] [--ref R] [--ad-title T] [--photo-url U] [--post-id ID]
  product-referral --text T [--product-id ID]   a question about an Instagram Shop product
  referral --ref R [--source S]   ig.me link opened in an existing thread
  postback --title T --payload P [--ref R]   button tap; with --ref an ig.me icebreaker
  react --mid MID [--reaction love|like|laugh|wow|sad|angry|other] [--emoji E]
  unreact --mid MID
  seen [--mid MID]                default: the last business message
  edit --mid MID --text T
  unsend --mid MID
  echo --text T | --template JSON  the business replies from the Instagram app; --template takes
                                  a generic template's elements (a JSON array, Send API shape)
  comment --text T [--media-id ID] [--parent-id COMMENT_ID] [--twice]
                                  a comment on a post (default: the newest), or a reply
  tap-ice-breaker [--index N | --payload P]    tap one of the account's ice breakers
  tap-menu [--index N | --payload P]           tap a persistent-menu item
  tap-quick-reply [--index N | --payload P] [--mid MID]   tap a quick reply of the last message
  tap-button --mid MID [--element N] [--button N]         tap a template's button
  test-payload [--login instagram|facebook]   the App Dashboard "Test" button

Inspection and faults
  thread --account A --customer C
  media --account A               the account's posts, reels, ads and lives
  comments --media-id ID          the comments on one of them
  deliveries                      webhook POSTs with attempts and state
  delivery [--batch-window-ms N] [--timeout-ms N] [--retry-delays 0,1000,…] [--max-batch N]
           [--duplicate-probability P] [--reorder true|false] [--seed N]
  fault [--method M] [--path REGEX] [--account A] [--times N] [--delay-ms N] [--status S] [--code C]
  clear-faults                    remove every fault
  revoke-token --account A        the account's token answers 190 from now on
  idle                            wait until every webhook is delivered or given up

OAuth and app callbacks
  authorize --account A --redirect-uri U [--state S] [--scope S] [--deny] [--login instagram|facebook]
                                  the redirect the consent dialog's Allow (or Cancel) button gives
  response-shape [--set flat|data-wrapped]   how the Instagram code exchange answers
  deauthorize --account A --callback-url U   revoke its tokens and POST a signed_request
  data-deletion --account A --callback-url U POST a data-deletion signed_request
  clock [--advance-ms N | --set EPOCH_MS|ISO]  show or move the clock codes and tokens expire on

Hand-made webhooks
  sign --body JSON | --file F [--login instagram|facebook]
                                  prints the X-Hub-Signature-256 value Meta would send with exactly
                                  these bytes, signed with the app secret the app checks
Add --json to print the raw answer.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    account: { type: 'string' },
    customer: { type: 'string' },
    timestamp: { type: 'string' },
    standby: { type: 'boolean' },
    mid: { type: 'string' },
    text: { type: 'string' },
    type: { type: 'string' },
    'attachment-url': { type: 'string' },
    'sticker-id': { type: 'string' },
    'story-media-id': { type: 'string' },
    'story-url': { type: 'string' },
    'story-id': { type: 'string' },
    'reply-to': { type: 'string' },
    payload: { type: 'string' },
    title: { type: 'string' },
    'ad-id': { type: 'string' },
    'ad-title': { type: 'string' },
    'photo-url': { type: 'string' },
    'post-id': { type: 'string' },
    'product-id': { type: 'string' },
    template: { type: 'string' },
    ref: { type: 'string' },
    source: { type: 'string' },
    reaction: { type: 'string' },
    emoji: { type: 'string' },
    'media-id': { type: 'string' },
    'parent-id': { type: 'string' },
    twice: { type: 'boolean' },
    index: { type: 'string' },
    element: { type: 'string' },
    button: { type: 'string' },
    login: { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    unsubscribed: { type: 'boolean' },
    set: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    times: { type: 'string' },
    'delay-ms': { type: 'string' },
    status: { type: 'string' },
    code: { type: 'string' },
    'batch-window-ms': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'retry-delays': { type: 'string' },
    'max-batch': { type: 'string' },
    'duplicate-probability': { type: 'string' },
    reorder: { type: 'string' },
    seed: { type: 'string' },
    'redirect-uri': { type: 'string' },
    state: { type: 'string' },
    scope: { type: 'string' },
    deny: { type: 'boolean' },
    'callback-url': { type: 'string' },
    'advance-ms': { type: 'string' },
    body: { type: 'string' },
    file: { type: 'string' },
  },
});

const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const target = () => ({
  account: values.account,
  customer: values.customer,
  timestamp: num(values.timestamp),
  standby: values.standby,
  mid: values.mid,
});

type Request = { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown };

/** The ad's context from its flags, in Meta's names; the simulator's default when none is given. */
function adsContextData(): Record<string, string> | undefined {
  const context = Object.entries({
    ad_title: values['ad-title'],
    photo_url: values['photo-url'],
    post_id: values['post-id'],
  }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return context.length === 0 ? undefined : Object.fromEntries(context);
}

const EVENT_BODIES: Record<string, [kind: string, body: () => Record<string, unknown>]> = {
  send: ['text', () => ({ text: values.text })],
  attach: [
    'attachments',
    () => ({
      text: values.text,
      attachments: [
        {
          type: values.type ?? 'image',
          url: values['attachment-url'],
          stickerId: values['sticker-id'],
          storyMediaId: values['story-media-id'],
        },
      ],
    }),
  ],
  unsupported: ['unsupported', () => ({})],
  'story-reply': [
    'story-reply',
    () => ({ text: values.text, story: { url: values['story-url'], id: values['story-id'] } }),
  ],
  reply: ['reply', () => ({ text: values.text, replyToMid: values['reply-to'] })],
  'quick-reply': ['quick-reply', () => ({ text: values.text, payload: values.payload })],
  'ad-referral': [
    'ad-referral',
    () => ({ text: values.text, adId: values['ad-id'], ref: values.ref, adsContextData: adsContextData() }),
  ],
  'product-referral': ['product-referral', () => ({ text: values.text, productId: values['product-id'] })],
  referral: ['referral', () => ({ ref: values.ref, source: values.source })],
  postback: [
    'postback',
    () => ({
      title: values.title,
      payload: values.payload,
      referral: values.ref === undefined ? undefined : { ref: values.ref, source: values.source },
    }),
  ],
  react: ['reaction', () => ({ reaction: values.reaction, emoji: values.emoji })],
  unreact: ['unreaction', () => ({})],
  seen: ['seen', () => ({})],
  edit: ['edit', () => ({ text: values.text })],
  unsend: ['unsend', () => ({})],
  echo: [
    'echo',
    () => ({
      text: values.text,
      attachments:
        values.template === undefined
          ? undefined
          : [{ type: 'template', elements: JSON.parse(values.template) as unknown }],
    }),
  ],
  comment: [
    'comment',
    () => ({
      text: values.text,
      mediaId: values['media-id'],
      parentId: values['parent-id'],
      twice: values.twice,
    }),
  ],
  'tap-ice-breaker': ['tap-ice-breaker', () => ({ index: num(values.index), payload: values.payload })],
  'tap-menu': ['tap-menu-item', () => ({ index: num(values.index), payload: values.payload })],
  'tap-quick-reply': ['tap-quick-reply', () => ({ index: num(values.index), payload: values.payload })],
  'tap-button': ['tap-button', () => ({ element: num(values.element), button: num(values.button) })],
};

function request(command: string): Request | undefined {
  const event = EVENT_BODIES[command];
  if (event) {
    const [kind, body] = event;
    return { method: 'POST', path: `/events/${kind}`, body: { ...target(), ...body() } };
  }
  switch (command) {
    case 'status':
      return { method: 'GET', path: '/status' };
    case 'accounts':
    case 'customers':
    case 'deliveries':
      return { method: 'GET', path: `/${command}` };
    case 'add-account':
      return {
        method: 'POST',
        path: '/accounts',
        body: {
          username: values.username,
          name: values.name,
          loginPath: values.login,
          subscribed: !values.unsubscribed,
        },
      };
    case 'add-customer':
      return { method: 'POST', path: '/customers', body: { username: values.username, name: values.name } };
    case 'webhook-url':
      return { method: 'POST', path: '/webhook-url', body: { url: values.set ?? null } };
    case 'test-payload':
      return { method: 'POST', path: '/events/dashboard-test', body: { loginPath: values.login } };
    case 'media':
      return { method: 'GET', path: `/media?${new URLSearchParams({ account: values.account ?? '' })}` };
    case 'comments':
      return { method: 'GET', path: `/comments?${new URLSearchParams({ media: values['media-id'] ?? '' })}` };
    case 'thread':
      return {
        method: 'GET',
        path: `/thread?${new URLSearchParams({ account: values.account ?? '', customer: values.customer ?? '' })}`,
      };
    case 'delivery':
      return {
        method: 'POST',
        path: '/delivery',
        body: {
          batchWindowMs: num(values['batch-window-ms']),
          timeoutMs: num(values['timeout-ms']),
          retryDelaysMs: values['retry-delays']?.split(',').map(Number),
          maxBatch: num(values['max-batch']),
          duplicateProbability: num(values['duplicate-probability']),
          reorder: values.reorder === undefined ? undefined : values.reorder === 'true',
          seed: num(values.seed),
        },
      };
    case 'fault':
      return {
        method: 'POST',
        path: '/faults',
        body: {
          method: values.method,
          path: values.path,
          account: values.account,
          times: num(values.times),
          delayMs: num(values['delay-ms']),
          error:
            values.status === undefined && values.code === undefined
              ? undefined
              : { status: num(values.status), code: num(values.code) },
        },
      };
    case 'clear-faults':
      return { method: 'DELETE', path: '/faults' };
    case 'revoke-token':
      return { method: 'POST', path: '/accounts/revoke-token', body: { account: values.account } };
    case 'idle':
      return { method: 'POST', path: '/idle' };
    case 'authorize':
      return {
        method: 'POST',
        path: '/oauth/authorize',
        body: {
          account: values.account,
          loginPath: values.login,
          redirectUri: values['redirect-uri'],
          state: values.state,
          scope: values.scope,
          deny: values.deny,
        },
      };
    case 'response-shape':
      return values.set === undefined
        ? { method: 'GET', path: '/oauth/response-shape' }
        : { method: 'POST', path: '/oauth/response-shape', body: { shape: values.set } };
    case 'deauthorize':
    case 'data-deletion':
      return {
        method: 'POST',
        path: `/${command}`,
        body: { account: values.account, callbackUrl: values['callback-url'] },
      };
    case 'sign':
      return {
        method: 'POST',
        path: '/sign',
        body: {
          body: values.body ?? (values.file === undefined ? undefined : readFileSync(values.file, 'utf8')),
          login: values.login,
        },
      };
    case 'clock':
      if (values['advance-ms'] !== undefined)
        return { method: 'POST', path: '/clock', body: { advanceMs: num(values['advance-ms']) } };
      if (values.set !== undefined) {
        const now = /^\d+$/.test(values.set) ? Number(values.set) : Date.parse(values.set);
        return { method: 'POST', path: '/clock', body: { now } };
      }
      return { method: 'GET', path: '/clock' };
  }
  return undefined;
}

type Printer = (answer: never) => string;

const time = (ms: number) => new Date(ms).toISOString();

const PRINTERS: Record<string, Printer> = {
  sign: (answer: { header: string }) => answer.header,
  status: (status: {
    url: string;
    chatUrl: string;
    webhookUrl: string | null;
    accounts: { username: string; igId: string; loginPath: string; subscribed: boolean }[];
    customers: { username: string; igsid: string; name: string | null }[];
    deliveries: { total: number; delivered: number; failed: number; pending: number };
    faults: number;
  }) =>
    [
      `simulator   ${status.url}   (chat: ${status.chatUrl})`,
      `webhooks →  ${status.webhookUrl ?? '(no URL set)'}`,
      `deliveries  ${status.deliveries.total} POSTs: ${status.deliveries.delivered} delivered, ${status.deliveries.pending} pending, ${status.deliveries.failed} failed`,
      `faults      ${status.faults}`,
      `accounts    ${status.accounts.length === 0 ? '(none)' : ''}`,
      ...status.accounts.map(
        (a) => `  @${a.username}  ${a.igId}  ${a.loginPath}${a.subscribed ? '' : '  (unsubscribed)'}`,
      ),
      `customers   ${status.customers.length === 0 ? '(none)' : ''}`,
      ...status.customers.map((c) => `  @${c.username}  ${c.igsid}  ${c.name ?? ''}`),
    ].join('\n'),
  accounts: (accounts: { username: string; igId: string; loginPath: string; accessToken: string }[]) =>
    accounts.map((a) => `@${a.username}  ${a.igId}  ${a.loginPath}  ${a.accessToken}`).join('\n') || '(none)',
  customers: (customers: { username: string; igsid: string; name: string | null }[]) =>
    customers.map((c) => `@${c.username}  ${c.igsid}  ${c.name ?? ''}`).join('\n') || '(none)',
  deliveries: (
    deliveries: {
      id: number;
      state: string;
      attempts: number;
      events: number;
      lastStatus: number | null;
      lastError: string | null;
    }[],
  ) =>
    deliveries
      .map(
        (d) =>
          `#${d.id}  ${d.state.padEnd(9)}  ${d.events} event(s)  ${d.attempts} attempt(s)  ${d.lastStatus ?? d.lastError ?? ''}`,
      )
      .join('\n') || '(no webhook POSTs yet)',
  media: (media: { id: string; productType: string; caption: string; ad: { title: string } | null }[]) =>
    media
      .map((m) => `${m.id}  ${m.productType}${m.ad ? ` (ad: ${m.ad.title})` : ''}  ${m.caption}`)
      .join('\n') || '(nothing published)',
  comments: (
    comments: {
      id: string;
      from: { username: string };
      text: string;
      parentId: string | null;
      hidden: boolean;
      deleted: boolean;
    }[],
  ) =>
    comments
      .map(
        (c) =>
          `${c.parentId ? '    ↳ ' : ''}${c.id}  @${c.from.username}: ${c.text}${c.hidden ? '  (hidden)' : ''}${c.deleted ? '  (deleted)' : ''}`,
      )
      .join('\n') || '(no comments)',
  thread: (thread: {
    account: { username: string };
    customer: { username: string };
    messages: {
      from: string;
      timestamp: number;
      text: string | null;
      attachments: { type: string }[];
      deleted: boolean;
      mid: string;
    }[];
  }) =>
    thread.messages
      .map((m) => {
        const who = m.from === 'customer' ? `@${thread.customer.username}` : `@${thread.account.username}`;
        const content = m.deleted
          ? '(unsent)'
          : [m.text, ...m.attachments.map((a) => `[${a.type}]`)].filter(Boolean).join(' ');
        return `${time(m.timestamp)}  ${who}: ${content}\n    mid ${m.mid}`;
      })
      .join('\n') || '(no messages)',
};

function printGeneric(answer: unknown): string {
  if (typeof answer !== 'object' || answer === null) return String(answer);
  return Object.entries(answer)
    .map(([key, value]) => {
      const shown =
        (key === 'timestamp' || key === 'now') && typeof value === 'number'
          ? `${value} (${time(value)})`
          : value;
      return `${key}  ${typeof shown === 'object' ? JSON.stringify(shown) : shown}`;
    })
    .join('\n');
}

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const call = request(command);
  if (!call) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 1;
  }
  const base = await simulatorUrl(values.url);
  let response: Response;
  try {
    response = await fetch(`${base}/control${call.path}`, {
      method: call.method,
      headers: call.body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
  } catch {
    console.error(`No Meta simulator answers at ${base}. Is \`npm start\` running?`);
    return 1;
  }
  const answer: unknown = await response.json();
  if (!response.ok) {
    console.error(`${response.status}: ${(answer as { error?: string }).error ?? JSON.stringify(answer)}`);
    return 1;
  }
  const printer = PRINTERS[command] as ((answer: unknown) => string) | undefined;
  console.log(values.json ? JSON.stringify(answer, null, 2) : (printer ?? printGeneric)(answer));
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
