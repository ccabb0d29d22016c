import { describe, expect, it } from 'vitest';
import { webUrl } from './web-url.ts';

describe('webUrl', () => {
  it('keeps http(s) links as they are', () => {
    for (const url of [
      'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1',
      'http://127.0.0.1:9/x.png',
    ]) {
      expect(webUrl(url)).toBe(url);
    }
  });

  // Each is something a browser would follow as a script or document, spelled as attackers spell it.
  it.each([
    'javascript:alert(1)',
    ' JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'blob:https://evil.example/1',
    'file:///etc/passwd',
    '//evil.example/x.png',
    '/relative/path',
    'not a url',
    '',
  ])('drops %j', (url) => {
    expect(webUrl(url)).toBeNull();
  });

  it('drops what is not a string', () => {
    for (const value of [null, undefined, 42, {}, ['https://x.example']]) expect(webUrl(value)).toBeNull();
  });
});
