// The simulator's stand-in for Meta's CDNs: attachment and profile-picture URLs it hands out
// point here (under /lookaside.fbsbx.com/ and /scontent.cdninstagram.com/), so the inbox can show
// them on a machine that cannot reach Instagram. Every URL answers a small picture drawn from its
// own path, the same each time, as an SVG: a head and shoulders for profile pictures (Instagram's
// `t51.2885-19` assets), a landscape for everything else (attachments, posts, reels).
import { createHash } from 'node:crypto';
import type { Route } from './http.ts';

const HOSTS = /^\/(lookaside\.fbsbx\.com|scontent\.cdninstagram\.com)\//;

function picture(seed: string, portrait: boolean): string {
  const hue = createHash('sha256').update(seed).digest()[0] ?? 0;
  const hueDegrees = Math.round((hue / 255) * 360);
  const background = `hsl(${hueDegrees} 70% 82%)`;
  const foreground = `hsl(${hueDegrees} 55% 38%)`;
  const shape = portrait
    ? `<circle cx="64" cy="50" r="24" fill="${foreground}"/><rect x="24" y="84" width="80" height="44" rx="22" fill="${foreground}"/>`
    : `<circle cx="40" cy="40" r="12" fill="${foreground}"/><path d="M0 112 L44 68 L72 92 L96 72 L128 104 V128 H0 Z" fill="${foreground}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" fill="${background}"/>${shape}</svg>`;
}

export const cdnRoute: Route = (request) => {
  const host = HOSTS.exec(request.url.pathname)?.[1];
  if (!host || request.method !== 'GET') return undefined;
  return {
    status: 200,
    headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' },
    body: picture(
      request.url.pathname + request.url.search,
      host === 'scontent.cdninstagram.com' && request.url.pathname.includes('/t51.2885-19/'),
    ),
  };
};
