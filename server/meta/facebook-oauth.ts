// Facebook Login for Instagram accounts linked to a Facebook Page (reference §3): the dialog,
// code → user token → long-lived user token, and the Pages the person manages with their
// Instagram professional account and Page token (Page tokens from a long-lived user token do not
// expire). Messaging then goes through graph.facebook.com with the Page token.
import { z } from 'zod';
import { GraphApiError, type GraphClient, GraphNetworkError } from './graph-client.ts';
import { OAuthExchangeError } from './instagram-oauth.ts';
import { ProfileName, ProfilePictureUrl } from './profile-fields.ts';

export interface FacebookOAuthConfig {
  /** https://www.facebook.com */
  oauthUrl: string;
  appId: string;
  appSecret: string;
  version: string;
}

export const FACEBOOK_SCOPES = [
  'instagram_basic',
  'instagram_manage_messages',
  'instagram_manage_comments',
  'pages_show_list',
  'pages_manage_metadata',
  'pages_read_engagement',
  'business_management',
];

export function facebookDialogUrl(config: FacebookOAuthConfig, redirectUri: string, state: string): string {
  const url = new URL(`${config.oauthUrl.replace(/\/$/, '')}/${config.version}/dialog/oauth`);
  url.search = new URLSearchParams({
    client_id: config.appId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: FACEBOOK_SCOPES.join(','),
    state,
  }).toString();
  return url.toString();
}

const Id = z.union([z.string(), z.number()]).transform(String);
const Token = z.object({ access_token: z.string().min(1) });
const Me = z.object({ id: Id });
const Pages = z.object({
  data: z.array(
    z.object({
      id: Id,
      name: z.string().nullish(),
      access_token: z.string().min(1),
      instagram_business_account: z.object({ id: Id }).nullish(),
    }),
  ),
});
const InstagramAccount = z.object({
  username: z.string().min(1),
  name: ProfileName,
  profile_picture_url: ProfilePictureUrl,
});

export interface LinkedInstagramAccount {
  pageId: string;
  pageToken: string;
  igId: string;
  username: string;
  /** The profile's display name and picture, when it has them. */
  name: string | null;
  pictureUrl: string | null;
}

export interface FacebookGrant {
  /** The Facebook app-scoped id of the person (what deauthorize/data-deletion callbacks carry). */
  userId: string;
  accounts: LinkedInstagramAccount[];
}

async function get<T>(
  graph: GraphClient,
  path: string,
  token: string,
  query: Record<string, string>,
  schema: z.ZodType<T>,
): Promise<T> {
  let raw: unknown;
  try {
    raw = await graph.request<unknown>({ loginPath: 'facebook', path, token, query });
  } catch (error) {
    if (error instanceof GraphApiError) throw new OAuthExchangeError(error.message, error.status, error.code);
    if (error instanceof GraphNetworkError) throw new OAuthExchangeError(error.message, 504, null);
    throw error;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new OAuthExchangeError(`Facebook answered ${path} in an unexpected shape`, 502, null);
  return parsed.data;
}

/** code → long-lived user token → the Instagram accounts of the Pages the person granted. */
export async function exchangeFacebookCode(
  config: FacebookOAuthConfig,
  graph: GraphClient,
  code: string,
  redirectUri: string,
): Promise<FacebookGrant> {
  // The token endpoint takes the app's credentials, not a user's token.
  const appToken = `${config.appId}|${config.appSecret}`;
  const credentials = { client_id: config.appId, client_secret: config.appSecret };
  const shortLived = await get(
    graph,
    'oauth/access_token',
    appToken,
    { ...credentials, redirect_uri: redirectUri, code },
    Token,
  );
  const longLived = await get(
    graph,
    'oauth/access_token',
    appToken,
    { ...credentials, grant_type: 'fb_exchange_token', fb_exchange_token: shortLived.access_token },
    Token,
  );
  const me = await get(graph, 'me', longLived.access_token, { fields: 'id' }, Me);
  const pages = await get(
    graph,
    'me/accounts',
    longLived.access_token,
    { fields: 'id,name,access_token,tasks,instagram_business_account' },
    Pages,
  );
  const accounts: LinkedInstagramAccount[] = [];
  for (const page of pages.data) {
    if (!page.instagram_business_account) continue;
    const igId = page.instagram_business_account.id;
    const account = await get(
      graph,
      igId,
      page.access_token,
      { fields: 'username,name,profile_picture_url' },
      InstagramAccount,
    );
    accounts.push({
      pageId: page.id,
      pageToken: page.access_token,
      igId,
      username: account.username,
      name: account.name,
      pictureUrl: account.profile_picture_url,
    });
  }
  return { userId: me.id, accounts };
}
