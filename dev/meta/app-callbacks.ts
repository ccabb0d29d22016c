// What Meta does when a user removes the app or asks for their data to be deleted (§8): POST a
// form-encoded `signed_request` to the callback URL the app registered, signed with the secret of
// the app the user logged in through. Deauthorization also revokes every token the user granted.
import type { MetaAppCredentials } from './app-credentials.ts';
import { signedRequest } from './signed-request.ts';
import { type Account, SimulatorInputError, type World } from './world.ts';

export type AppCallbackKind = 'deauthorize' | 'data-deletion';

export interface AppCallbackInput {
  /** IG_ID, username or Page id. */
  account: string;
  callbackUrl: string;
}

export interface AppCallbackResult {
  /** The signed_request that was POSTed. */
  signedRequest: string;
  status: number;
  /** The callback's answer: parsed JSON (data deletion must answer {url, confirmation_code}), else its text. */
  body: unknown;
}

const CALLBACK_TIMEOUT_MS = 10_000;

function secretFor(app: MetaAppCredentials, account: Account): string {
  return account.loginPath === 'instagram' ? app.instagramAppSecret : app.metaAppSecret;
}

export async function sendAppCallback(
  world: World,
  app: MetaAppCredentials,
  kind: AppCallbackKind,
  input: AppCallbackInput,
): Promise<AppCallbackResult> {
  const account = world.account(input.account);
  if (kind === 'deauthorize') world.revokeToken(account);
  const signed = signedRequest(secretFor(app, account), {
    algorithm: 'HMAC-SHA256',
    issued_at: Math.floor(world.now() / 1000),
    user_id: account.appScopedUserId,
  });
  let response: Response;
  try {
    response = await fetch(input.callbackUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ signed_request: signed }).toString(),
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new SimulatorInputError(
      `${kind} callback ${input.callbackUrl} failed: ${error instanceof Error ? error.message : error}`,
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Deauthorize callbacks need not answer JSON; the text is kept as it came.
  }
  return { signedRequest: signed, status: response.status, body };
}
