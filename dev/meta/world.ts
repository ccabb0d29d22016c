// Everything Meta would know about the simulated world, kept in memory: the business's Instagram
// professional accounts, the customers who write to them, who has consented to profile lookups,
// and every conversation.
import {
  newAccessToken,
  newAppScopedUserId,
  newIgId,
  newIgsid,
  newPageId,
  newProfilePictureUrl,
} from './ids.ts';
import { newThread, type Thread } from './threads.ts';

export type LoginPath = 'instagram' | 'facebook';

/** What `addAccount` subscribes: the DM fields of the §4.5 catalogue. */
export const MESSAGING_FIELDS = [
  'messages',
  'message_reactions',
  'messaging_seen',
  'messaging_postbacks',
  'messaging_referral',
  'message_edit',
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
  mediaCount: number;
}

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

export function createWorld() {
  const accounts = new Map<string, Account>();
  const customers = new Map<string, Customer>();
  const revokedTokens = new Set<string>();
  const consent = new Set<string>();
  const threads = new Map<string, Thread>();
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

  return {
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
        profilePictureUrl: newProfilePictureUrl(),
        followersCount: 1200 + accounts.size * 37,
        followsCount: 180,
        mediaCount: 64,
      };
      accounts.set(account.igId, account);
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
        profilePic: input.profilePic === undefined ? newProfilePictureUrl() : input.profilePic,
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

    accountByToken(token: string): Account | undefined {
      if (revokedTokens.has(token)) return undefined;
      return [...accounts.values()].find((account) => account.accessToken === token);
    },

    /** The token stops working everywhere, as after a password change or removed app access. */
    revokeToken(account: Account): void {
      revokedTokens.add(account.accessToken);
    },

    /** Set when the customer messages the account or taps a postback (User Profile API consent). */
    grantConsent(account: Account, customer: Customer): void {
      consent.add(pairKey(account, customer));
    },

    hasConsent: (account: Account, customer: Customer) => consent.has(pairKey(account, customer)),

    thread(account: Account, customer: Customer): Thread {
      const key = pairKey(account, customer);
      let thread = threads.get(key);
      if (!thread) {
        thread = newThread();
        threads.set(key, thread);
      }
      return thread;
    },
  };
}
