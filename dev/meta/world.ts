// Everything Meta would know about the simulated world, kept in memory: the business's Instagram
// professional accounts with what they publish (posts.ts: media and their comments; every new
// account starts with a post, a reel and an ad), the customers who write to them, who has
// consented to profile lookups, every conversation, and the OAuth state: authorization codes and every token issued, with its
// issue and expiry times on the simulator's clock.
import type { Clock } from './clock.ts';
import {
  newAccessToken,
  newAppScopedUserId,
  newAuthorizationCode,
  newCdnUrl,
  newConversationId,
  newIgId,
  newIgsid,
  newPageId,
  newProfilePictureUrl,
} from './ids.ts';
import { createPosts } from './posts.ts';
import { newThread, type Thread } from './threads.ts';

export type LoginPath = 'instagram' | 'facebook';

/** What `addAccount` subscribes: the DM and comment fields of the §4.5 catalogue, as the app does. */
export const MESSAGING_FIELDS = [
  'messages',
  'message_reactions',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'message_edit',
  'comments',
  'live_comments',
];

export interface Account {
  igId: string;
  username: string;
  name: string;
  loginPath: LoginPath;
  /** IG user token (`IGAA…`) on the Instagram path, Page token (`EAA…`) on the Facebook path. */
  accessToken: string;
  /** The linked Facebook Page (Facebook path only). */
  pageId: string | null;
  appScopedUserId: string;
  /** Empty when the account is not subscribed to webhooks. */
  subscribedFields: string[];
  profilePictureUrl: string;
  followersCount: number;
  followsCount: number;
  /** How many media it has published (lives not counted), kept by posts.ts. */
  mediaCount: number;
}

export type TokenKind = 'short-lived' | 'long-lived' | 'page' | 'user';

export interface IssuedToken {
  token: string;
  /** IG_ID of the account the token acts for (for a Facebook user token: the account whose Page the user manages). */
  igId: string;
  /** Instagram Login issues short- and long-lived user tokens; Facebook Login user and Page tokens. */
  kind: TokenKind;
  issuedAt: number;
  /** Null for Page tokens, which do not expire. */
  expiresAt: number | null;
  revoked: boolean;
}

export interface AuthorizationCode {
  code: string;
  igId: string;
  loginPath: LoginPath;
  /** The token exchange must name the same redirect_uri. */
  redirectUri: string;
  scopes: string[];
  issuedAt: number;
}

const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** Authorization codes and short-lived Instagram tokens last an hour (§2.1, §2.3). */
export const CODE_LIFETIME_MS = HOUR_MS;
/** Lifetimes in seconds, as `expires_in` reports them; null never expires. */
export const TOKEN_LIFETIME_S: Record<TokenKind, number | null> = {
  'short-lived': 3600,
  'long-lived': 5_184_000,
  page: null,
  user: 5_183_944,
};

export interface Customer {
  igsid: string;
  name: string | null;
  username: string;
  profilePic: string | null;
  followerCount: number;
  isVerifiedUser: boolean;
}

export interface NewAccount {
  username: string;
  name?: string;
  loginPath?: LoginPath;
  /** Subscribe to the messaging fields right away (default true); unsubscribed accounts get no webhooks. */
  subscribed?: boolean;
  /** Restores an account a previous run created (its id and token live on in the app's database). */
  igId?: string;
  accessToken?: string;
}

export interface NewCustomer {
  username?: string;
  /** Defaults to one derived from the username, or a sample name; null for no display name. */
  name?: string | null;
  profilePic?: string | null;
  /** Restores a customer a previous run created. */
  igsid?: string;
}

/** A thread with the two people in it. */
export interface Conversation {
  account: Account;
  customer: Customer;
  thread: Thread;
}

/** A reference to something the simulator does not know, or a request it cannot act on. */
export class SimulatorInputError extends Error {}

// Non-ASCII on purpose: webhook bodies must carry them \u-escaped.
const SAMPLE_NAMES = [
  'Ana Sousa',
  'Zoë Müller',
  'João Pereira',
  'Chloé Martin',
  'Kai Tanaka',
  'Amara Okafor',
];

/** "jane.doe_92" → "Jane Doe": people tend to pick usernames after their names. */
function nameFromUsername(username: string): string | null {
  const words = username.split(/[._\d]+/).filter(Boolean);
  return words.length === 0 ? null : words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join(' ');
}

export type World = ReturnType<typeof createWorld>;

/** `cdnBase`: the simulator's URL, under which its stand-in CDN serves pictures. */
export function createWorld(clock: Clock, cdnBase: string) {
  const accounts = new Map<string, Account>();
  const customers = new Map<string, Customer>();
  const tokens = new Map<string, IssuedToken>();
  const codes = new Map<string, AuthorizationCode>();
  const consent = new Set<string>();
  const threads = new Map<string, Conversation>();
  const posts = createPosts(clock, cdnBase);
  const pairKey = (account: Account, customer: Customer) => `${account.igId}:${customer.igsid}`;

  function findAccount(ref: string): Account | undefined {
    return (
      accounts.get(ref) ??
      [...accounts.values()].find((account) => account.username === ref || account.pageId === ref)
    );
  }

  function findCustomer(ref: string): Customer | undefined {
    return customers.get(ref) ?? [...customers.values()].find((customer) => customer.username === ref);
  }

  function usernameTaken(username: string): boolean {
    return findAccount(username) !== undefined || findCustomer(username) !== undefined;
  }

  function registerToken(account: Account, kind: TokenKind, token: string): IssuedToken {
    const issuedAt = clock.now();
    const lifetime = TOKEN_LIFETIME_S[kind];
    const issued: IssuedToken = {
      token,
      igId: account.igId,
      kind,
      issuedAt,
      expiresAt: lifetime === null ? null : issuedAt + lifetime * 1000,
      revoked: false,
    };
    tokens.set(token, issued);
    // The token the account's Graph calls use from now on; older ones keep working until they expire.
    if (kind === 'long-lived' || kind === 'page') account.accessToken = token;
    return issued;
  }

  const isLive = (issued: IssuedToken) =>
    !issued.revoked && (issued.expiresAt === null || issued.expiresAt > clock.now());

  return {
    /** The simulator's clock, which every expiry is measured against. */
    now: () => clock.now(),

    /** Every account's media and the comments on them. */
    posts,

    /** A fresh attachment URL on the simulator's CDN. */
    cdnUrl: () => newCdnUrl(cdnBase),

    addAccount(input: NewAccount): Account {
      if (usernameTaken(input.username)) throw new SimulatorInputError(`username ${input.username} is taken`);
      const loginPath = input.loginPath ?? 'instagram';
      const account: Account = {
        igId: input.igId ?? newIgId(),
        username: input.username,
        name: input.name ?? input.username,
        loginPath,
        accessToken: input.accessToken ?? newAccessToken(loginPath),
        pageId: loginPath === 'facebook' ? newPageId() : null,
        appScopedUserId: newAppScopedUserId(),
        subscribedFields: input.subscribed === false ? [] : [...MESSAGING_FIELDS],
        profilePictureUrl: newProfilePictureUrl(cdnBase),
        followersCount: 1200 + accounts.size * 37,
        followsCount: 180,
        mediaCount: 0,
      };
      accounts.set(account.igId, account);
      posts.seed(account);
      registerToken(account, loginPath === 'instagram' ? 'long-lived' : 'page', account.accessToken);
      return account;
    },

    addCustomer(input: NewCustomer = {}): Customer {
      const name =
        input.name !== undefined
          ? input.name
          : input.username !== undefined
            ? nameFromUsername(input.username)
            : (SAMPLE_NAMES[customers.size % SAMPLE_NAMES.length] as string);
      const username =
        input.username ??
        `${(name ?? 'instagram.user')
          .normalize('NFD')
          .replace(/[^A-Za-z. ]/g, '')
          .trim()
          .toLowerCase()
          .replace(/\s+/g, '.')}.${customers.size + 1}`;
      if (usernameTaken(username)) throw new SimulatorInputError(`username ${username} is taken`);
      const customer: Customer = {
        igsid: input.igsid ?? newIgsid(),
        name,
        username,
        profilePic: input.profilePic === undefined ? newProfilePictureUrl(cdnBase) : input.profilePic,
        followerCount: 90 + customers.size * 13,
        isVerifiedUser: false,
      };
      customers.set(customer.igsid, customer);
      return customer;
    },

    accounts: () => [...accounts.values()],
    customers: () => [...customers.values()],
    findAccount,
    findCustomer,

    /** By IG_ID, username or Page id; throws when unknown. */
    account(ref: string): Account {
      const account = findAccount(ref);
      if (!account) throw new SimulatorInputError(`no account ${ref}`);
      return account;
    },

    /** By IGSID or username; throws when unknown. */
    customer(ref: string): Customer {
      const customer = findCustomer(ref);
      if (!customer) throw new SimulatorInputError(`no customer ${ref}`);
      return customer;
    },

    /** Any token ever issued, live or not. */
    token: (token: string): IssuedToken | undefined => tokens.get(token),

    isLive,

    /** The account a live Instagram user token or Page token acts for (not a Facebook user token). */
    accountByToken(token: string): Account | undefined {
      const issued = tokens.get(token);
      if (!issued || issued.kind === 'user' || !isLive(issued)) return undefined;
      return accounts.get(issued.igId);
    },

    issueToken: (account: Account, kind: TokenKind): IssuedToken =>
      registerToken(
        account,
        kind,
        newAccessToken(kind === 'page' || kind === 'user' ? 'facebook' : 'instagram'),
      ),

    /** Every token of the account stops working, as after a password change or removed app access. */
    revokeToken(account: Account): void {
      for (const issued of tokens.values()) if (issued.igId === account.igId) issued.revoked = true;
    },

    issueCode(account: Account, redirectUri: string, scopes: string[]): AuthorizationCode {
      const code: AuthorizationCode = {
        code: newAuthorizationCode(),
        igId: account.igId,
        loginPath: account.loginPath,
        redirectUri,
        scopes,
        issuedAt: clock.now(),
      };
      codes.set(code.code, code);
      return code;
    },

    findCode: (code: string): AuthorizationCode | undefined => codes.get(code),

    /** Codes are single-use: a spent code is never found again. */
    spendCode(code: AuthorizationCode): void {
      codes.delete(code.code);
    },

    /** Set when the customer messages the account or taps a postback (User Profile API consent). */
    grantConsent(account: Account, customer: Customer): void {
      consent.add(pairKey(account, customer));
    },

    hasConsent: (account: Account, customer: Customer) => consent.has(pairKey(account, customer)),

    thread(account: Account, customer: Customer): Thread {
      const key = pairKey(account, customer);
      let conversation = threads.get(key);
      if (!conversation) {
        conversation = { account, customer, thread: newThread(newConversationId(account.igId)) };
        threads.set(key, conversation);
      }
      return conversation.thread;
    },

    /** The account's threads, messages or not, in the order they were opened. */
    conversations: (account: Account): Conversation[] =>
      [...threads.values()].filter((conversation) => conversation.account === account),
  };
}
