// The Meta app the local stack pretends to have registered: ids and secrets shared by the app
// (through env) and the Meta simulator. Fresh for every stack, so nothing secret is committed.
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
