// The operator's Supabase session as @supabase/ssr keeps it in cookies: one cookie named after the
// project (`sb-<first label of its host>-auth-token`), split into `.0`, `.1`, … when long, its
// value `base64-` + base64url(JSON). The server writes it at sign-in and whenever it refreshes the
// token; the browser reads it for Realtime and writes it when it refreshes the token itself, in
// the same format (through @supabase/ssr's own helpers), so that either side reads what the other
// wrote.
import {
  type CookieOptions,
  combineChunks,
  createChunks,
  DEFAULT_COOKIE_OPTIONS,
  isChunkLike,
  stringFromBase64URL,
  stringToBase64URL,
} from '@supabase/ssr';

export interface StoredSession {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  /** Seconds since the epoch. */
  expires_at: number;
  user: unknown;
}

export interface CookieToSet {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Where the cookies live: `document.cookie` in the browser, a jar in tests. */
export interface CookieJar {
  getAll(): { name: string; value: string }[];
  setAll(cookies: CookieToSet[]): void;
}

const BASE64_PREFIX = 'base64-';

/** @supabase/ssr's (and supabase-js's) default name for the project at `supabaseUrl`. */
export function sessionCookieName(supabaseUrl: string): string {
  return `sb-${new URL(supabaseUrl).hostname.split('.')[0]}-auth-token`;
}

export function sessionCookieStore(jar: CookieJar, name: string) {
  return {
    /** The stored session, or null when there is none or it does not decode (as @supabase/ssr). */
    async read(): Promise<StoredSession | null> {
      const cookies = jar.getAll();
      const value = await combineChunks(
        name,
        async (chunk) => cookies.find((cookie) => cookie.name === chunk)?.value || null,
      );
      if (!value) return null;
      try {
        const json = value.startsWith(BASE64_PREFIX)
          ? stringFromBase64URL(value.slice(BASE64_PREFIX.length))
          : value;
        const session = JSON.parse(json) as Partial<StoredSession> | null;
        return session?.access_token && session.refresh_token ? (session as StoredSession) : null;
      } catch {
        return null;
      }
    },

    write(session: StoredSession) {
      const chunks = createChunks(name, BASE64_PREFIX + stringToBase64URL(JSON.stringify(session)));
      const kept = new Set(chunks.map((chunk) => chunk.name));
      jar.setAll([
        // Chunks of a longer value written before must not be read back with these.
        ...staleChunks(jar, name, kept).map((stale) => removal(stale)),
        ...chunks.map(({ name, value }) => ({ name, value, options: { ...DEFAULT_COOKIE_OPTIONS } })),
      ]);
    },

    remove() {
      jar.setAll(staleChunks(jar, name, new Set()).map((stale) => removal(stale)));
    },
  };
}

function staleChunks(jar: CookieJar, name: string, kept: Set<string>): string[] {
  return jar
    .getAll()
    .map((cookie) => cookie.name)
    .filter((cookie) => isChunkLike(cookie, name) && !kept.has(cookie));
}

function removal(name: string): CookieToSet {
  return { name, value: '', options: { ...DEFAULT_COOKIE_OPTIONS, maxAge: 0 } };
}
