// Signing in and holding the operator's session: supabase-js against Supabase Auth (the project's
// URL and its public anon key), keeping the session in the app's storage (AsyncStorage on a
// phone) so it survives restarts. Everything else asks this module for the access token at the
// moment it needs one, never keeps a copy: supabase-js hands back a refreshed one when the old is
// about to expire, and after a refresh the old one is worth nothing.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';

/** AsyncStorage's shape (what supabase-js persists the session in). */
export interface SessionStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

export interface SessionOptions {
  /** The project's URL: Auth is at `${supabaseUrl}/auth/v1`. */
  supabaseUrl: string;
  /** The project's anon (publishable) key: public, it only names the project to Auth. */
  anonKey: string;
  storage: SessionStorage;
  /**
   * Refresh on a timer before the token expires (supabase-js's default). In React Native, start
   * and stop it with the app's foreground state (`supabase.auth.startAutoRefresh()` /
   * `stopAutoRefresh()`); without it, `accessToken()` still refreshes a token about to expire.
   */
  autoRefreshToken?: boolean;
}

/** Why signing in failed: `code` is Auth's (`invalid_credentials`), `status` its HTTP status (429: wait). */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/** There is no session on this device: show sign-in. */
export class NotSignedInError extends Error {
  constructor() {
    super('Not signed in');
    this.name = 'NotSignedInError';
  }
}

export interface Session {
  readonly supabase: SupabaseClient;
  /** Signs in with email and password; the session is stored. Returns the operator's user id. */
  signIn(email: string, password: string): Promise<string>;
  /** The current access token (refreshed first when it is about to expire, or being refreshed). */
  accessToken(): Promise<string>;
  /**
   * Gets a new access token now: the server said the one sent had expired (the device's clock
   * may disagree with the server's). Concurrent callers share one refresh: refresh tokens are
   * single-use, and spending one twice makes Auth end the whole session.
   */
  refresh(): Promise<void>;
  /** Ends this device's session, on the server too: its tokens and open streams stop working. */
  signOut(): Promise<void>;
}

export function createSession(options: SessionOptions): Session {
  const supabase = createClient(options.supabaseUrl, options.anonKey, {
    auth: {
      storage: options.storage,
      persistSession: true,
      autoRefreshToken: options.autoRefreshToken ?? true,
      detectSessionInUrl: false,
    },
  });
  let refreshing: Promise<void> | undefined;

  return {
    supabase,
    async signIn(email, password) {
      const { data, error } = await supabase.auth.signInWithPassword({ email, password });
      if (error || !data.session) {
        throw new SignInError(error?.message ?? 'No session', error?.code, error?.status);
      }
      return data.session.user.id;
    },
    async accessToken() {
      // A refresh in flight: wait for its token rather than send the one it replaces.
      await refreshing?.catch(() => {});
      const { data } = await supabase.auth.getSession();
      if (!data.session) throw new NotSignedInError();
      return data.session.access_token;
    },
    refresh() {
      refreshing ??= supabase.auth
        .refreshSession()
        .then(({ error }) => {
          // A dead refresh token (the session ended): supabase-js has forgotten the session.
          if (error) throw error;
        })
        .finally(() => {
          refreshing = undefined;
        });
      return refreshing;
    },
    async signOut() {
      await supabase.auth.signOut({ scope: 'local' });
    },
  };
}
