// Every journey fails on a console error or warning, or an uncaught page error: a user would see a
// broken page, and a warning is a bug on its way. A test that provokes an error on purpose (a
// wrong password answers 400) allows it by name.
import { test as base, expect, type Page } from '@playwright/test';

export interface BrowserErrors {
  /** Accept errors matching `pattern` from now on (for a failure the test provokes itself). */
  allow(pattern: RegExp): void;
  /** Holds another page the test opens (a second operator's browser) to the same standard. */
  watch(page: Page): void;
}

export const test = base.extend<{ browserErrors: BrowserErrors }>({
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
