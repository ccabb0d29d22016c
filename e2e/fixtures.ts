// Every journey fails on a console error or warning, or an uncaught page error: a user would see a
// broken page, and a warning is a bug on its way. A test that provokes an error on purpose (a
// wrong password answers 400) allows it by name.
//
// Each test is a client of its own, as people behind different networks are: the server runs as
// behind one trusted proxy (TRUST_PROXY=1, see global-setup.ts), and each test's browser and
// request context arrive from an address of their own, so the sign-in throttle's per-address
// counts of one test never reach another.
import { createHash } from 'node:crypto';
import { test as base, expect, type Page } from '@playwright/test';

/** A stable address (in 198.18.0.0/15, set aside for tests) for a client named `name`. */
export function clientAddress(name: string): string {
  const [a = 0, b = 0] = createHash('sha256').update(name).digest();
  return `198.${18 + (a % 2)}.${b}.${((a >> 1) % 254) + 1}`;
}

/** Headers that make a browser context or request context arrive as the client `name`. */
export const arrivingAs = (name: string) => ({ 'X-Forwarded-For': clientAddress(name) });

export interface BrowserErrors {
  /** Accept errors matching `pattern` from now on (for a failure the test provokes itself). */
  allow(pattern: RegExp): void;
  /** Holds another page the test opens (a second operator's browser) to the same standard. */
  watch(page: Page): void;
}

export const test = base.extend<{ browserErrors: BrowserErrors }>({
  extraHTTPHeaders: async ({ extraHTTPHeaders }, use, testInfo) =>
    use({ ...extraHTTPHeaders, ...arrivingAs(testInfo.testId) }),
  browserErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      const allowed: RegExp[] = [];
      const record = (text: string) => {
        if (!allowed.some((pattern) => pattern.test(text))) errors.push(text);
      };
      const watch = (watched: Page) => {
        watched.on('console', (message) => {
          const type = message.type();
          if (type === 'error' || type === 'warning') record(`console ${type}: ${message.text()}`);
        });
        watched.on('pageerror', (error) => record(`page error: ${error.message}`));
      };
      watch(page);
      await use({ allow: (pattern) => allowed.push(pattern), watch });
      expect(errors, 'the browser reported errors').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
