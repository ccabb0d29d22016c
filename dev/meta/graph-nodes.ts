// Graph nodes readable by id: the business account itself (`/me`, `/{IG_ID}`), its Facebook Page
// on the Facebook path, customers through the User Profile API (§2.5, §3.3, §6), and whatever the
// resolvers it is given own (the Conversations API's conversations and messages).
import type { GraphCall, GraphEndpoint } from './graph-api.ts';
import { consentRequired, noMatchingUser, unsupportedRequest } from './graph-errors.ts';
import { selectFields } from './graph-fields.ts';
import type { Account, Customer } from './world.ts';

function instagramUser(account: Account, id: string) {
  return {
    id,
    user_id: account.igId,
    username: account.username,
    name: account.name,
    account_type: 'BUSINESS',
    profile_picture_url: account.profilePictureUrl,
    followers_count: account.followersCount,
    follows_count: account.followsCount,
    media_count: account.mediaCount,
  };
}

function page(account: Account) {
  return {
    id: account.pageId,
    name: account.name,
    access_token: account.accessToken,
    instagram_business_account: { id: account.igId },
  };
}

function userProfile(customer: Customer) {
  return {
    id: customer.igsid,
    name: customer.name,
    username: customer.username,
    profile_pic: customer.profilePic,
    follower_count: customer.followerCount,
    is_user_follow_business: false,
    is_business_follow_user: false,
    is_verified_user: customer.isVerifiedUser,
  };
}

/** `/me`: the IG user on graph.instagram.com (`id` app-scoped, `user_id` the IG_ID); the Page on graph.facebook.com. */
function me(call: GraphCall) {
  const { account } = call;
  if (call.host === 'facebook') return selectFields(call, page(account), 'Page', ['name', 'id']);
  return selectFields(call, instagramUser(account, account.appScopedUserId), 'User');
}

/** Answers `GET /{id}` for the nodes another module owns (conversations, messages); undefined for other ids. */
export type NodeResolver = (call: GraphCall, id: string) => unknown;

function node(call: GraphCall, resolvers: readonly NodeResolver[]) {
  const { account, world, host } = call;
  const id = call.params.id as string;
  if (id === account.igId) return selectFields(call, instagramUser(account, account.igId), 'User');
  if (host === 'facebook' && id === account.pageId)
    return selectFields(call, page(account), 'Page', ['name', 'id']);
  for (const resolve of resolvers) {
    const found = resolve(call, id);
    if (found !== undefined) return found;
  }
  // Anything else numeric is looked up as an IGSID, the only other id this token can read.
  if (!/^\d+$/.test(id) || world.findAccount(id)) throw unsupportedRequest(host, call.method, id);
  const customer = world.customers().find((candidate) => candidate.igsid === id);
  if (!customer) throw noMatchingUser();
  if (!world.hasConsent(account, customer)) throw consentRequired(host);
  return selectFields(call, userProfile(customer), 'User');
}

export function createNodeEndpoints(resolvers: readonly NodeResolver[]): GraphEndpoint[] {
  return [
    { method: 'GET', path: 'me', handle: me },
    { method: 'GET', path: ':id', handle: (call) => node(call, resolvers) },
  ];
}
