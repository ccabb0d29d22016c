// The access token the browser joins Realtime with, read from the session cookie each time it is
// asked (the server may have refreshed it since) and refreshed here when it is about to expire, as
// supabase-js's browser client did before it was dropped from the page (decision 026):
// - within 90 s of expiry (its margin), through Auth's refresh grant, and written back in
//   @supabase/ssr's cookie format, which the server reads on the next request;
// - once for all callers in the tab, and one tab at a time, under the Web Lock supabase-js takes
//   for the same cookie, re-reading the cookie inside it: another tab (or the server) may have
//   refreshed it meanwhile;
// - a refresh Auth refuses (the session ended, the refresh token was used) removes the session only
//   once its access token has expired; a failure of Auth itself (network, 5xx) keeps it; either is
//   tried again no sooner than a minute later for the same refresh token.
import type { CookieJar, StoredSession } from './session-cookie-store.ts';
import { sessionCookieName, sessionCookieStore } from './session-cookie-store.ts';

/** supabase-js's EXPIRY_MARGIN_MS. */
export const REFRESH_MARGIN_MS = 90_000;
/** supabase-js's REFRESH_FAILURE_COOLDOWN_MS. */
const FAILURE_COOLDOWN_MS = 60_000;
/** Statuses auth-js counts as Auth being unavailable rather than refusing (AuthRetryableFetchError). */
const UNAVAILABLE = new Set([500, 501, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530]);

type Lock = <T>(name: string, work: () => Promise<T>) => Promise<T>;

export interface BrowserSessionOptions {
  supabaseUrl: string;
  anonKey: string;
  cookies: CookieJar;
  fetch?: typeof fetch;
  now?: () => number;
  /** Serialises refreshes across tabs; the browser's Web Locks where it has them. */
  lock?: Lock;
}

export interface BrowserSession {
  /** The operator's current access token (refreshed first when due), or null when signed out. */
  accessToken(): Promise<string | null>;
}

const webLock: Lock | undefined =
  typeof navigator !== 'undefined' && navigator.locks
    ? (name, work) => navigator.locks.request(name, work) as ReturnType<typeof work>
    : undefined;

export function browserSession(options: BrowserSessionOptions): BrowserSession {
  const name = sessionCookieName(options.supabaseUrl);
  const store = sessionCookieStore(options.cookies, name);
  const fetchFn = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const now = options.now ?? Date.now;
  const lock = options.lock ?? webLock ?? ((_name, work) => work());
  const tokenUrl = new URL('auth/v1/token?grant_type=refresh_token', withSlash(options.supabaseUrl));
  let failed: { refreshToken: string; until: number } | undefined;
  let refreshing: Promise<StoredSession | null> | undefined;

  const due = (session: StoredSession) => session.expires_at * 1000 - now() < REFRESH_MARGIN_MS;

  async function refresh(session: StoredSession): Promise<StoredSession | null> {
    if (failed?.refreshToken === session.refresh_token && now() < failed.until) return session;
    const outcome = await requestRefresh(session.refresh_token);
    if (outcome.kind === 'refreshed') {
      // Someone else (the server, answering a request) wrote a newer session meanwhile: theirs stands.
      const stored = await store.read();
      if (stored && stored.refresh_token !== session.refresh_token) return stored;
      store.write(outcome.session);
      return outcome.session;
    }
    failed = { refreshToken: session.refresh_token, until: now() + FAILURE_COOLDOWN_MS };
    if (outcome.kind === 'refused' && session.expires_at * 1000 <= now()) {
      store.remove();
      return null;
    }
    return session;
  }

  async function requestRefresh(
    refreshToken: string,
  ): Promise<{ kind: 'refreshed'; session: StoredSession } | { kind: 'refused' | 'unavailable' }> {
    let response: Response;
    try {
      response = await fetchFn(tokenUrl, {
        method: 'POST',
        headers: {
          apikey: options.anonKey,
          Authorization: `Bearer ${options.anonKey}`,
          'Content-Type': 'application/json;charset=UTF-8',
          'X-Supabase-Api-Version': '2024-01-01',
        },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch {
      return { kind: 'unavailable' };
    }
    if (UNAVAILABLE.has(response.status)) return { kind: 'unavailable' };
    const body = (await response.json().catch(() => null)) as Partial<StoredSession> | null;
    // What auth-js takes for a session: all three present.
    if (!response.ok || !body?.access_token || !body.refresh_token || !body.expires_in) {
      return { kind: 'refused' };
    }
    return {
      kind: 'refreshed',
      session: {
        access_token: body.access_token,
        token_type: body.token_type ?? 'bearer',
        expires_in: body.expires_in,
        expires_at: body.expires_at ?? Math.round(now() / 1000) + body.expires_in,
        refresh_token: body.refresh_token,
        user: body.user,
      },
    };
  }

  return {
    async accessToken() {
      const session = await store.read();
      if (!session || !due(session)) return session?.access_token ?? null;
      refreshing ??= lock(`lock:${name}`, async () => {
        const latest = await store.read();
        return latest && due(latest) ? refresh(latest) : latest;
      }).finally(() => {
        refreshing = undefined;
      });
      return (await refreshing)?.access_token ?? null;
    },
  };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
