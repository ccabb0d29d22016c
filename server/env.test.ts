import { describe, expect, it } from 'vitest';
import { CONFIGURATION_POINTING_NOWHERE } from '#dev/test/env.ts';
import { EnvError, parseEnv, webhookSecrets } from './env.ts';

const valid = CONFIGURATION_POINTING_NOWHERE;

function problems(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error('expected the environment to be rejected');
}

describe('parseEnv', () => {
  it('accepts a complete configuration and applies defaults', () => {
    const { TOKEN_ENCRYPTION_KEYS, ...plain } = valid;
    expect(parseEnv(valid)).toMatchObject({
      ...plain,
      NODE_ENV: 'development',
      DATABASE_POOL_SIZE: 10,
      INSTAGRAM_GRAPH_URL: 'https://graph.instagram.com',
      GRAPH_API_VERSION: 'v25.0',
    });
  });

  it("accepts the seed guide's NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN as an alias", () => {
    const { INSTAGRAM_VERIFY_TOKEN, ...rest } = valid;
    expect(
      parseEnv({ ...rest, NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN: INSTAGRAM_VERIFY_TOKEN })
        .INSTAGRAM_VERIFY_TOKEN,
    ).toBe(INSTAGRAM_VERIFY_TOKEN);
  });

  it('names every missing variable', () => {
    const { DATABASE_URL, SUPABASE_URL, INSTAGRAM_APP_SECRET, ...rest } = valid;
    expect(problems(rest)).toEqual([
      'DATABASE_URL is required but not set',
      'SUPABASE_URL is required but not set',
      'INSTAGRAM_APP_SECRET is required but not set',
    ]);
  });

  it('treats an empty variable as missing', () => {
    expect(problems({ ...valid, DATABASE_URL: '' })).toEqual(['DATABASE_URL is required but not set']);
  });

  it('names invalid values and says what is expected', () => {
    expect(problems({ ...valid, DATABASE_URL: 'mysql://nope', SUPABASE_URL: 'ftp://x' })).toEqual([
      'DATABASE_URL must be a postgres:// connection string',
      'SUPABASE_URL must be an http(s) URL',
    ]);
    expect(problems({ ...valid, DATABASE_POOL_SIZE: '0' })[0]).toMatch(/^DATABASE_POOL_SIZE /);
    expect(problems({ ...valid, SUPABASE_JWT_SECRET: 'short' })).toEqual([
      'SUPABASE_JWT_SECRET must be at least 32 characters',
    ]);
    expect(problems({ ...valid, TOKEN_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toEqual([
      'TOKEN_ENCRYPTION_KEYS key "k1" must be 32 bytes (base64), got 5',
    ]);
  });

  it('lists both app secrets for webhook signatures when both are set', () => {
    expect(webhookSecrets(parseEnv(valid))).toEqual([valid.INSTAGRAM_APP_SECRET]);
    expect(webhookSecrets(parseEnv({ ...valid, META_APP_SECRET: 'meta-secret-0123456789' }))).toEqual([
      valid.INSTAGRAM_APP_SECRET,
      'meta-secret-0123456789',
    ]);
  });
});
