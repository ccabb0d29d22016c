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
  ])('refuses %s', (target) => {
    expect(safeRedirect(target)).toBe('/');
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
