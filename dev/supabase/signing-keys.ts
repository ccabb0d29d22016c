// The local project's JWT signing key: ES256 with a key id, as Supabase issues for projects on
// asymmetric signing keys. The public half is served at /auth/v1/.well-known/jwks.json.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export interface SigningKeys {
  kid: string;
  publicJwk: JWK;
  sign(claims: Record<string, unknown>): Promise<string>;
}

async function generate(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: crypto.randomUUID(), alg: 'ES256', use: 'sig' };
}

/** Loads the key from `file`, creating it on first use; without a file the key is throwaway. */
export async function loadSigningKeys(file?: string): Promise<SigningKeys> {
  let privateJwk: JWK;
  if (file && existsSync(file)) {
    privateJwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  } else {
    privateJwk = await generate();
    if (file) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid as string;
  const key: SigningKey = await importJWK(privateJwk, 'ES256');
  return {
    kid,
    publicJwk: { ...publicJwk, key_ops: ['verify'] },
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key),
  };
}
