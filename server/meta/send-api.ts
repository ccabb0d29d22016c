// Where Send API calls go (reference §5.1): accounts connected with Instagram Login post to
// /{IG_ID}/messages with their Instagram token, Page-linked ones to /me/messages with the Page token.
import type { GraphRequest, LoginPath } from './graph-client.ts';

export function sendApiRequest(
  account: { loginPath: LoginPath; channelIdentifier: string },
  token: string,
  body: Record<string, unknown>,
): GraphRequest {
  const node = account.loginPath === 'instagram' ? account.channelIdentifier : 'me';
  return { loginPath: account.loginPath, method: 'POST', path: `${node}/messages`, token, body };
}
