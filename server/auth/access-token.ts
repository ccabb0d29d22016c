// Verifies Supabase access tokens on the server. Never trusts a session it has not verified:
// asymmetric project keys are checked against the project's JWKS, legacy HS256 tokens against
// the shared secret when one is configured. Issuer, audience and role are checked as well.
import { createRemoteJWKSet, decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Actor } from '../db/database.ts';
import { AppError } from '../errors.ts';

/** The refusal of a token past its `exp`: refresh it and try again. */
export const tokenExpired = () =>
  new AppError('UNAUTHENTICATED', 'Access token has expired', { reason: 'token_expired' });

const ClaimsSchema = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  email: z.string().optional(),
  session_id: z.string().optional(),
});

const malformed = () =>
  new AppError('UNAUTHENTICATED', 'Access token is malformed', { reason: 'token_malformed' });

export interface AccessTokenVerifier {
  verify(token: string): Promise<Actor>;
}

export function createAccessTokenVerifier(options: {
  supabaseUrl: string;
  jwtSecret?: string;
}): AccessTokenVerifier {
  const authUrl = new URL('auth/v1', withTrailingSlash(options.supabaseUrl)).toString();
  const jwks = createRemoteJWKSet(new URL(`${authUrl}/.well-known/jwks.json`));
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;

  return {
    async verify(token) {
      let payload: JWTPayload;
      const alg = readAlgorithm(token);
      try {
        const verifyOptions = { issuer: authUrl, audience: 'authenticated' };
        if (alg?.startsWith('HS')) {
          if (!secret)
            throw new AppError('UNAUTHENTICATED', 'Access token is signed with an unsupported algorithm');
          ({ payload } = await jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] }));
        } else {
          ({ payload } = await jwtVerify(token, jwks, { ...verifyOptions, algorithms: ['ES256', 'RS256'] }));
        }
      } catch (error) {
        throw toAuthError(error);
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) {
        throw new AppError('UNAUTHENTICATED', 'Access token is not a signed-in user token');
      }
      return {
        userId: claims.data.sub,
        email: claims.data.email ?? null,
        claims: payload as Record<string, unknown>,
      };
    },
  };
}

function toAuthError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof errors.JWTExpired) return tokenExpired();
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AppError('UNAUTHENTICATED', `Access token rejected: ${error.claim} claim is invalid`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return new AppError('UNAUTHENTICATED', 'Access token signature is invalid');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AppError('UNAUTHENTICATED', 'Access token is signed with an unsupported algorithm');
  }
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) {
    return malformed();
  }
  return new AppError('UNAVAILABLE', 'Could not verify the access token', { cause: error });
}

function readAlgorithm(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    throw malformed();
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
