import { describe, expect, it } from 'vitest';
import { isInvitationRedirect, keepingRedirect, safeRedirect } from './safe-redirect.ts';

describe('safeRedirect', () => {
  it.each(['/w/123/inbox', '/w/123/inbox?status=archived', '/'])('keeps the same-site path %s', (path) => {
    expect(safeRedirect(path)).toBe(path);
  });

  it.each([
    'https://evil.example/',
    '//evil.example/path',
    '/\\evil.example',
    '/\\/evil.example',
    'javascript:alert(1)',
    '',
    '/\t/evil.example/phish',
    '/\n/evil.example',
    '/.//evil.example',
    '/..//evil.example/phish',
    '/%2e//evil.example',
    '/w/..//evil.example',
  ])('refuses %s', (target) => {
    expect(safeRedirect(target)).toBe('/');
  });

  it('whatever it returns, a browser resolves on this site (generated targets)', () => {
    const pieces = [
      '/',
      '//',
      '\\',
      '\t',
      '\n',
      '\r',
      ' ',
      '%2F',
      '%5C',
      '%09',
      '.',
      '..',
      ':',
      '@',
      '?',
      '#',
      'evil.example',
      'javascript:',
      'https:',
      'w',
      '123',
      'inbox',
    ];
    let seed = 20261202;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 5000; i++) {
      const parts = Array.from(
        { length: 1 + Math.floor(random() * 6) },
        () => pieces[Math.floor(random() * pieces.length)],
      );
      const target = parts.join('');
      const kept = safeRedirect(target, '/fallback');
      // The browser's own parser, against the real origin: where the redirect would land.
      const landed = new URL(kept, 'https://inbox.example.com');
      expect(landed.origin, `${JSON.stringify(target)} → ${JSON.stringify(kept)}`).toBe(
        'https://inbox.example.com',
      );
      expect(kept.startsWith('/') && !kept.startsWith('//')).toBe(true);
    }
  });

  it('falls back when the form field is missing', () => {
    expect(safeRedirect(null, '/inbox')).toBe('/inbox');
  });
});

describe('keepingRedirect', () => {
  it('carries a same-site destination along', () => {
    expect(keepingRedirect('/sign-up', '/invite/abc')).toBe('/sign-up?redirectTo=%2Finvite%2Fabc');
  });

  it.each([null, '', '/', 'https://evil.example/'])('drops %s', (target) => {
    expect(keepingRedirect('/sign-up', target)).toBe('/sign-up');
  });
});

describe('isInvitationRedirect', () => {
  it('recognises an invitation link', () => {
    expect(isInvitationRedirect('/invite/abc')).toBe(true);
    expect(isInvitationRedirect('/w/1/inbox')).toBe(false);
    expect(isInvitationRedirect('//evil.example/invite/abc')).toBe(false);
  });
});
