// Redeeming an OAuth authorization code, shared by both login paths' token endpoints: a code is
// good for one exchange within an hour of the consent, and only with the redirect_uri the consent
// redirected to (§2.1, §3.2). Each endpoint words the failures in its own error envelope.
import {
  type Account,
  type AuthorizationCode,
  CODE_LIFETIME_MS,
  type LoginPath,
  type World,
} from './world.ts';

export type CodeProblem = 'unknown' | 'expired' | 'redirect-mismatch';

export type Redeemed = { account: Account; code: AuthorizationCode } | { problem: CodeProblem };

export function redeemCode(
  world: World,
  loginPath: LoginPath,
  code: unknown,
  redirectUri: unknown,
): Redeemed {
  const found = typeof code === 'string' ? world.findCode(code) : undefined;
  const account = found && world.findAccount(found.igId);
  if (!found || !account || found.loginPath !== loginPath) return { problem: 'unknown' };
  if (world.now() - found.issuedAt > CODE_LIFETIME_MS) {
    world.spendCode(found);
    return { problem: 'expired' };
  }
  if (redirectUri !== found.redirectUri) return { problem: 'redirect-mismatch' };
  world.spendCode(found);
  return { account, code: found };
}
