// The Messenger Profile API for Instagram: ice breakers and the persistent menu (ice-breakers and
// persistent-menu pages; the last section of the reference).
//   GET    /{IG_ID|me}/messenger_profile?platform=instagram&fields=ice_breakers,persistent_menu
//          → {"data":[{"ice_breakers":[…],"persistent_menu":[…]}]}, only the fields that are set
//          ({"data":[]} when none is)
//   POST   …/messenger_profile  platform=instagram, ice_breakers=[…] and/or persistent_menu=[…]
//          → {"result":"success"}; each field given replaces what was set
//   DELETE …/messenger_profile  fields=["ice_breakers"] → {"result":"success"}
// graph.instagram.com with the IG user token (`me` or the IG_ID); graph.facebook.com with the Page
// token (`me` or the PAGE_ID). Values are JSON in a JSON body, JSON strings in a form or query.
//
// `platform`: graph.instagram.com only has Instagram and wants it said (as the Conversations API
// does here). On graph.facebook.com `platform=instagram` picks the Instagram profile; without it
// (or with `messenger`) the call reads and writes the Page's Messenger profile, which Instagram
// customers never see: an app that forgets it gets a success and no ice breakers, as on Meta.
//
// Checks, each a 100 error naming the parameter: locales in the documented format (`call_to_actions`
// and `locale`; the old list of bare questions is refused) with a `default` locale, each locale
// once. Ice breakers: at most 4 per locale (Instagram's documented maximum), question at most 80
// characters and payload at most 1000 (the simulator's choices where Meta gives none: Messenger's
// payload limit, and 80 as for template titles). Persistent menu: `postback` and `web_url` items
// only (the documented types; no nested menus), a web_url on https, title at most 30 characters
// and at most 20 items per locale (both Messenger's numbers; Instagram documents none), and no
// `composer_input_disabled` ("not available" on Instagram). Meta documents two GET shapes for ice
// breakers; this answers the Messenger Profile API's `{"data":[{"ice_breakers":[…]}]}`.
import { type GraphCall, type GraphEndpoint, ownNode } from './graph-api.ts';
import { arrayArg } from './graph-args.ts';
import { invalidParameter } from './graph-errors.ts';

export const MAX_ICE_BREAKERS = 4;
export const MAX_QUESTION = 80;
export const MAX_MENU_ITEMS = 20;
export const MAX_MENU_TITLE = 30;
const MAX_PAYLOAD = 1000;
const FIELDS = ['ice_breakers', 'persistent_menu'] as const;
type ProfileField = (typeof FIELDS)[number];
const LOCALE = /^(default|[a-z]{2}_[A-Z]{2})$/;

export interface IceBreaker {
  question: string;
  payload: string;
}

export type MenuItem =
  | { type: 'postback'; title: string; payload: string }
  | { type: 'web_url'; title: string; url: string };

export interface Localized<T> {
  locale: string;
  call_to_actions: T[];
}

export interface MessengerProfile {
  ice_breakers?: Localized<IceBreaker>[];
  persistent_menu?: Localized<MenuItem>[];
}

/** What a customer's Instagram shows: the default locale's ice breakers and menu. */
export interface CustomerProfileView {
  iceBreakers: IceBreaker[];
  persistentMenu: MenuItem[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidParameter(`param ${name} is required`);
  if ([...value].length > max) throw invalidParameter(`param ${name} must be at most ${max} characters`);
  return value;
}

function httpsUrl(value: unknown, name: string): string {
  try {
    if (typeof value === 'string' && new URL(value).protocol === 'https:') return value;
  } catch {}
  throw invalidParameter(`param ${name} must be an https URL`);
}

/** A list of `{locale, call_to_actions}` with a default locale, each locale once. */
function localized<T>(
  value: unknown,
  field: ProfileField,
  max: number,
  item: (value: unknown, name: string) => T,
): Localized<T>[] {
  const list = arrayArg(value, field) as unknown[];
  if (list.length === 0) throw invalidParameter(`param ${field} must be a non-empty array`);
  const seen = new Set<string>();
  const locales = list.map((entry, index) => {
    const name = `${field}[${index}]`;
    if (!isRecord(entry) || !Array.isArray(entry.call_to_actions) || entry.locale === undefined)
      throw invalidParameter(`param ${name} must have locale and call_to_actions`);
    if (typeof entry.locale !== 'string' || !LOCALE.test(entry.locale))
      throw invalidParameter(`param ${name}[locale] must be default or a locale such as en_US`);
    if (seen.has(entry.locale))
      throw invalidParameter(`param ${field} names the locale ${entry.locale} twice`);
    seen.add(entry.locale);
    if (field === 'persistent_menu' && entry.composer_input_disabled === true)
      throw invalidParameter(`param ${name}[composer_input_disabled] is not available on Instagram`);
    const actions = entry.call_to_actions;
    if (actions.length === 0)
      throw invalidParameter(`param ${name}[call_to_actions] must be a non-empty array`);
    if (actions.length > max)
      throw invalidParameter(`param ${name}[call_to_actions] must have at most ${max} items`);
    return {
      locale: entry.locale,
      call_to_actions: actions.map((action, at) => item(action, `${name}[call_to_actions][${at}]`)),
    };
  });
  if (!seen.has('default')) throw invalidParameter(`param ${field} must have a default locale`);
  return locales;
}

function iceBreaker(value: unknown, name: string): IceBreaker {
  if (!isRecord(value)) throw invalidParameter(`param ${name} must be an object`);
  return {
    question: text(value.question, `${name}[question]`, MAX_QUESTION),
    payload: text(value.payload, `${name}[payload]`, MAX_PAYLOAD),
  };
}

function menuItem(value: unknown, name: string): MenuItem {
  if (!isRecord(value)) throw invalidParameter(`param ${name} must be an object`);
  const title = text(value.title, `${name}[title]`, MAX_MENU_TITLE);
  if (value.type === 'postback')
    return { type: 'postback', title, payload: text(value.payload, `${name}[payload]`, MAX_PAYLOAD) };
  if (value.type === 'web_url') return { type: 'web_url', title, url: httpsUrl(value.url, `${name}[url]`) };
  throw invalidParameter(`param ${name}[type] must be one of {postback, web_url}`);
}

/** `fields` as a JSON array, a JSON string of one, or a comma list. */
function fieldList(value: unknown): ProfileField[] {
  let names: unknown = value;
  if (typeof value === 'string')
    names = value.trim().startsWith('[') ? arrayArg(value, 'fields') : value.split(',');
  if (!Array.isArray(names) || names.length === 0) throw invalidParameter('The parameter fields is required');
  return names.map((name, index) => {
    const field = typeof name === 'string' ? name.trim() : name;
    if (!(FIELDS as readonly unknown[]).includes(field))
      throw invalidParameter(`param fields[${index}] must be one of {${FIELDS.join(', ')}}`);
    return field as ProfileField;
  });
}

export function createMessengerProfile() {
  const profiles = new Map<string, MessengerProfile>();

  /** The Instagram profile, or (graph.facebook.com without platform=instagram) the Page's Messenger one. */
  function profileOf(call: GraphCall): MessengerProfile {
    const account = ownNode(call);
    const { platform } = call.args;
    if (call.host === 'instagram' && platform !== 'instagram') {
      throw invalidParameter(
        platform === undefined
          ? 'The parameter platform is required'
          : 'param platform must be one of {instagram}',
      );
    }
    if (platform !== undefined && platform !== 'instagram' && platform !== 'messenger')
      throw invalidParameter('param platform must be one of {instagram, messenger}');
    const key = `${account.igId}:${platform === 'instagram' ? 'instagram' : 'messenger'}`;
    let profile = profiles.get(key);
    if (!profile) {
      profile = {};
      profiles.set(key, profile);
    }
    return profile;
  }

  function read(call: GraphCall) {
    const profile = profileOf(call);
    if (call.args.fields === undefined) throw invalidParameter('The parameter fields is required');
    const set = Object.fromEntries(
      fieldList(call.args.fields).flatMap((field) =>
        profile[field] === undefined ? [] : [[field, structuredClone(profile[field])]],
      ),
    );
    return { data: Object.keys(set).length === 0 ? [] : [set] };
  }

  function write(call: GraphCall) {
    const profile = profileOf(call);
    const { ice_breakers: iceBreakers, persistent_menu: menu } = call.args;
    if (iceBreakers === undefined && menu === undefined)
      throw invalidParameter('Requires one of the params: ice_breakers, persistent_menu');
    // Both are checked before either is set: a refused call changes nothing.
    const next: MessengerProfile = {
      ...(iceBreakers === undefined
        ? {}
        : { ice_breakers: localized(iceBreakers, 'ice_breakers', MAX_ICE_BREAKERS, iceBreaker) }),
      ...(menu === undefined
        ? {}
        : { persistent_menu: localized(menu, 'persistent_menu', MAX_MENU_ITEMS, menuItem) }),
    };
    Object.assign(profile, next);
    return { result: 'success' };
  }

  function remove(call: GraphCall) {
    const profile = profileOf(call);
    for (const field of fieldList(call.args.fields)) delete profile[field];
    return { result: 'success' };
  }

  const endpoints: GraphEndpoint[] = [
    { method: 'GET', path: ':node/messenger_profile', handle: read },
    { method: 'POST', path: ':node/messenger_profile', handle: write },
    { method: 'DELETE', path: ':node/messenger_profile', handle: remove },
  ];

  return {
    endpoints,
    /** The account's Instagram profile as set (a copy). */
    profile: (igId: string): MessengerProfile => structuredClone(profiles.get(`${igId}:instagram`) ?? {}),
    /** What a customer sees: the default locale's ice breakers and menu items. */
    customerView(igId: string): CustomerProfileView {
      const profile = profiles.get(`${igId}:instagram`) ?? {};
      const local = <T>(list: Localized<T>[] | undefined) =>
        structuredClone(list?.find((entry) => entry.locale === 'default')?.call_to_actions ?? []);
      return { iceBreakers: local(profile.ice_breakers), persistentMenu: local(profile.persistent_menu) };
    },
  };
}

export type MessengerProfiles = ReturnType<typeof createMessengerProfile>;
