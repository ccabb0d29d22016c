import { describe, expect, it } from 'vitest';
import { isCrossSite } from './cross-site.ts';

const APP = 'https://inbox.example.com';
const SITES = [undefined, 'same-origin', 'none', 'same-site', 'cross-site'];
const ORIGINS = [undefined, APP, 'https://evil.example', 'null', 'http://inbox.example.com', 'not a url'];
const HOSTS = [undefined, 'inbox.example.com', 'internal:8080'];

/** The rule as a table: Fetch Metadata decides when the browser sent it, else Origin does. */
function expected(site?: string, origin?: string, host?: string): boolean {
  if (site !== undefined) return !['same-origin', 'none'].includes(site);
  if (origin === undefined || origin === APP) return false;
  return !(origin === 'http://inbox.example.com' && host === 'inbox.example.com');
}

describe('isCrossSite', () => {
  for (const site of SITES)
    for (const origin of ORIGINS)
      for (const host of HOSTS)
        it(`Sec-Fetch-Site ${site}, Origin ${origin}, Host ${host}`, () => {
          const headers = { 'sec-fetch-site': site, origin, host };
          expect(isCrossSite(headers, APP)).toBe(expected(site, origin, host));
        });
});
