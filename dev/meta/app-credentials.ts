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

/** Where each credential is read from, first name first (the seed guide's alias last). */
const VARIABLES: Record<keyof MetaAppCredentials, string[]> = {
  instagramAppId: ['INSTAGRAM_APP_ID'],
  instagramAppSecret: ['INSTAGRAM_APP_SECRET'],
  metaAppId: ['META_APP_ID'],
  metaAppSecret: ['META_APP_SECRET'],
  verifyToken: ['INSTAGRAM_VERIFY_TOKEN', 'NEXT_PUBLIC_INSTAGRAM_VERIFY_TOKEN'],
};

/**
 * The credentials `source` (the environment with .env) gives, fresh ones for the others, and the
 * names of the variables that gave them. An empty variable is not given.
 */
export function metaAppCredentialsFrom(source: Record<string, string | undefined>): {
  credentials: MetaAppCredentials;
  given: string[];
} {
  const credentials = newMetaAppCredentials();
  const given: string[] = [];
  for (const [field, names] of Object.entries(VARIABLES) as [keyof MetaAppCredentials, string[]][]) {
    const name = names.find((candidate) => source[candidate]);
    if (!name) continue;
    credentials[field] = source[name] as string;
    given.push(name);
  }
  return { credentials, given };
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
