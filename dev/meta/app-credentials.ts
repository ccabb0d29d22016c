// The Meta app the local stack pretends to have registered: ids and secrets shared by the app
// (through env) and the Meta simulator. Those the developer gives (in .env, as the owner's guide
// says) are used as they are; the rest are fresh for every stack, so nothing secret is committed.
import { randomBytes, randomInt } from 'node:crypto';

export interface MetaAppCredentials {
  instagramAppId: string;
  instagramAppSecret: string;
  metaAppId: string;
  metaAppSecret: string;
  verifyToken: string;
}

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

export function newMetaAppCredentials(): MetaAppCredentials {
  return {
    instagramAppId: `9${digits(14)}`,
    instagramAppSecret: randomBytes(16).toString('hex'),
    metaAppId: `8${digits(14)}`,
    metaAppSecret: randomBytes(16).toString('hex'),
    verifyToken: randomBytes(24).toString('base64url'),
  };
}

/** The credentials `source` (the environment with .env) gives, and fresh ones for the others. */
export function metaAppCredentialsFrom(source: Record<string, string | undefined>): MetaAppCredentials {
  const fresh = newMetaAppCredentials();
  const given = (name: string) => source[name] || undefined; // an empty variable is not given
  return {
    instagramAppId: given('INSTAGRAM_APP_ID') ?? fresh.instagramAppId,
    instagramAppSecret: given('INSTAGRAM_APP_SECRET') ?? fresh.instagramAppSecret,
    metaAppId: given('META_APP_ID') ?? fresh.metaAppId,
    metaAppSecret: given('META_APP_SECRET') ?? fresh.metaAppSecret,
    verifyToken:
      given('INSTAGRAM_VERIFY_TOKEN') ?? given('NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN') ?? fresh.verifyToken,
  };
}

/** The env variables the app reads for these credentials. */
export function metaAppEnv(app: MetaAppCredentials): Record<string, string> {
  return {
    INSTAGRAM_APP_ID: app.instagramAppId,
    INSTAGRAM_APP_SECRET: app.instagramAppSecret,
    META_APP_ID: app.metaAppId,
    META_APP_SECRET: app.metaAppSecret,
    INSTAGRAM_VERIFY_TOKEN: app.verifyToken,
  };
}
