// The Messenger Profile API for Instagram (reference, "surfaces beyond DMs"): the ice breakers a
// new customer sees in an empty chat and the persistent menu, per locale. Instagram Login writes
// /{IG_ID}/messenger_profile on graph.instagram.com; a Page-linked account writes its Page's
// profile on graph.facebook.com, where `platform=instagram` is what makes it Instagram's (without
// it Meta answers "success" and sets the Messenger profile, which Instagram never shows).
import { z } from 'zod';
import { type GraphAccount, subscriberId } from './graph-api.ts';
import type { GraphClient } from './graph-client.ts';

export interface IceBreaker {
  question: string;
  payload: string;
}

export type MenuItem =
  | { type: 'postback'; title: string; payload: string }
  | { type: 'web_url'; title: string; url: string };

export interface Localized<T> {
  /** `default`, or a locale such as `pt_BR`. */
  locale: string;
  items: T[];
}

export interface MessengerProfile {
  iceBreakers: Localized<IceBreaker>[];
  persistentMenu: Localized<MenuItem>[];
}

const Text = z.string().default('');
const WireIceBreakers = z.array(
  z.looseObject({
    locale: z.string().default('default'),
    call_to_actions: z.array(z.looseObject({ question: Text, payload: Text })).default([]),
  }),
);
const WireMenu = z.array(
  z.looseObject({
    locale: z.string().default('default'),
    call_to_actions: z
      .array(
        z.looseObject({
          type: z.string(),
          title: Text,
          url: z.string().optional(),
          payload: z.string().optional(),
        }),
      )
      .default([]),
  }),
);
const WireProfile = z.object({
  data: z
    .array(z.looseObject({ ice_breakers: WireIceBreakers.optional(), persistent_menu: WireMenu.optional() }))
    .default([]),
});

function profileNode(account: GraphAccount): string {
  const node = subscriberId(account);
  if (node === null) throw new Error('the Facebook Page of this account is unknown');
  return `${node}/messenger_profile`;
}

/** What Meta holds for the account now. */
export async function readMessengerProfile(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
): Promise<MessengerProfile> {
  const answer = WireProfile.parse(
    await graph.request<unknown>({
      loginPath: account.loginPath,
      path: profileNode(account),
      token,
      query: { platform: 'instagram', fields: 'ice_breakers,persistent_menu' },
    }),
  );
  const held = answer.data[0] ?? {};
  return {
    iceBreakers: (held.ice_breakers ?? []).map((locale) => ({
      locale: locale.locale,
      items: locale.call_to_actions.map((item) => ({ question: item.question, payload: item.payload })),
    })),
    persistentMenu: (held.persistent_menu ?? []).map((locale) => ({
      locale: locale.locale,
      items: locale.call_to_actions.flatMap((item): MenuItem[] => {
        if (item.type === 'web_url' && item.url)
          return [{ type: 'web_url', title: item.title, url: item.url }];
        if (item.type === 'postback')
          return [{ type: 'postback', title: item.title, payload: item.payload ?? '' }];
        return []; // a kind this inbox does not edit
      }),
    })),
  };
}

const toWire = <T>(locales: Localized<T>[]) =>
  locales.map((locale) => ({ locale: locale.locale, call_to_actions: locale.items }));

/**
 * Replaces what Meta holds with `profile`: a field with no locales is deleted (Meta refuses an
 * empty list), the others are set in one call.
 */
export async function publishMessengerProfile(
  graph: GraphClient,
  account: GraphAccount,
  token: string,
  profile: MessengerProfile,
): Promise<void> {
  const set: Record<string, unknown> = {};
  const cleared: string[] = [];
  if (profile.iceBreakers.length > 0) set.ice_breakers = toWire(profile.iceBreakers);
  else cleared.push('ice_breakers');
  if (profile.persistentMenu.length > 0) set.persistent_menu = toWire(profile.persistentMenu);
  else cleared.push('persistent_menu');
  const path = profileNode(account);
  if (Object.keys(set).length > 0) {
    await graph.request({
      loginPath: account.loginPath,
      method: 'POST',
      path,
      token,
      query: { platform: 'instagram' },
      body: { platform: 'instagram', ...set },
    });
  }
  if (cleared.length > 0) {
    await graph.request({
      loginPath: account.loginPath,
      method: 'DELETE',
      path,
      token,
      query: { platform: 'instagram' },
      body: { platform: 'instagram', fields: cleared },
    });
  }
}
