import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, publicEnv } from './env.ts';

const valid = {
  DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:5432/postgres',
  SUPABASE_URL: 'https://abcd.supabase.co',
  SUPABASE_ANON_KEY: 'sb_publishable_0123456789abcdef',
};

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
    expect(parseEnv(valid)).toMatchObject({ ...valid, NODE_ENV: 'development', DATABASE_POOL_SIZE: 10 });
  });

  it('names every missing variable', () => {
    expect(problems({ SUPABASE_ANON_KEY: valid.SUPABASE_ANON_KEY })).toEqual([
      'DATABASE_URL is required but not set',
      'SUPABASE_URL is required but not set',
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
  });

  it('never hands a secret to the browser', () => {
    const env = parseEnv({ ...valid, SUPABASE_JWT_SECRET: 'x'.repeat(40) });
    expect(JSON.stringify(publicEnv(env))).not.toMatch(/secret|xxxx/);
  });
});
