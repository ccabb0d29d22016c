import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{app,server,dev,packages}/**/*.test.{ts,tsx}'],
    globalSetup: ['./dev/test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
