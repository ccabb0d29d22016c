// Identifiers shaped like Meta's. Drawn from crypto randomness rather than the seeded source:
// the app's database outlives a simulator run, so ids must not repeat across restarts.
import { randomBytes, randomInt } from 'node:crypto';
import type { LoginPath } from './world.ts';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const leadingDigits = (n: number) => `${randomInt(1, 10)}${digits(n - 1)}`;
const alphanumeric = (n: number) => Array.from({ length: n }, () => ALPHANUMERIC[randomInt(62)]).join('');

/** Instagram professional account id (IG_ID): 17 digits, the 1784… range Meta uses. */
export const newIgId = () => `1784${digits(13)}`;
/** Instagram-scoped id of a customer (IGSID). */
export const newIgsid = () => leadingDigits(16);
export const newPageId = () => `1${digits(14)}`;
/** The app-scoped user id `/me` returns as `id` (not the IG_ID). */
export const newAppScopedUserId = () => `2${digits(16)}`;
export const newMediaId = () => `18${digits(15)}`;
/** The code in a post's permalink (instagram.com/p/<code>/): 11 characters of URL-safe base64. */
export const newShortcode = () =>
  Array.from({ length: 11 }, () => `${ALPHANUMERIC}-_`[randomInt(64)]).join('');
export const newCommentId = () => `179${digits(14)}`;
export const newStoryId = () => `18${digits(15)}`;
export const newAdId = () => `1202${digits(14)}`;
/** A product of the account's Instagram Shop catalogue. */
export const newProductId = () => `7${digits(15)}`;
export const newFbTraceId = () => randomBytes(8).toString('base64url');

/** Opaque message id: URL-safe base64 of an `ig_message_item:…` key, so it starts with `aWdf`. */
export function newMid(igId: string): string {
  return Buffer.from(
    `ig_message_item:1:IGMessageID:${igId}:${leadingDigits(39)}:${leadingDigits(38)}`,
  ).toString('base64url');
}

/** Opaque conversation id, the same way: URL-safe base64 of an `…IGMessageThread:…` key. */
export function newConversationId(igId: string): string {
  return Buffer.from(`ig_dm_thread:1:IGMessageThread:${igId}:${leadingDigits(38)}`).toString('base64url');
}

/** Long-lived Instagram user token (`IGAA…`) or Facebook Page token (`EAA…`). */
export function newAccessToken(loginPath: LoginPath): string {
  return loginPath === 'instagram' ? `IGAA${alphanumeric(180)}` : `EAA${alphanumeric(190)}`;
}

/** OAuth authorization code, the opaque `AQ…` string Meta appends to the redirect. */
export const newAuthorizationCode = () => `AQ${randomBytes(96).toString('base64url')}`;

/**
 * Signed CDN URL shaped like the ones Meta puts in attachment payloads, on the simulator's own
 * `/lookaside.fbsbx.com/` path (`cdnBase` is the simulator's URL), where it serves a picture.
 */
export function newCdnUrl(cdnBase: string): string {
  return `${cdnBase}/lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=${leadingDigits(17)}&signature=${randomBytes(24).toString('base64url')}`;
}

/**
 * A post's picture (or a reel's video) on the simulator's stand-in of Instagram's CDN; the path's
 * `t51.29350-15` is the kind of asset posts use (profile pictures use `t51.2885-19`).
 */
export function newMediaUrl(cdnBase: string, kind: 'image' | 'video'): string {
  const file = `${leadingDigits(9)}_${leadingDigits(17)}_n.${kind === 'video' ? 'mp4' : 'jpg'}`;
  return `${cdnBase}/scontent.cdninstagram.com/v/t51.29350-15/${file}?oh=${randomBytes(16).toString('hex')}`;
}

export function newProfilePictureUrl(cdnBase: string): string {
  return `${cdnBase}/scontent.cdninstagram.com/v/t51.2885-19/${leadingDigits(9)}_${leadingDigits(17)}_n.jpg?oh=${randomBytes(16).toString('hex')}`;
}
