import { describe, expect, it } from 'vitest';
import { safeRedirect } from './safe-redirect.ts';

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
