// Operators for tests, signed up through the Auth stand-in with the real supabase-js client.
import { randomBytes } from 'node:crypto';
import type { Session } from '@supabase/supabase-js';
import { createAccessTokenVerifier } from '#server/auth/access-token.ts';
import type { Actor } from '#server/db/database.ts';
import { supabaseClient } from '../supabase/client.ts';
import type { SupabaseStandIn } from '../supabase/server.ts';

export function uniqueEmail(label = 'operator'): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.test`;
}

export interface TestOperator {
  email: string;
  password: string;
  session: Session;
  actor: Actor;
}

export async function signUpOperator(supabase: SupabaseStandIn, label?: string): Promise<TestOperator> {
  const email = uniqueEmail(label);
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const { data, error } = await supabaseClient(supabase).auth.signUp({ email, password });
  if (error || !data.session) throw new Error(`sign-up failed: ${error?.message ?? 'no session'}`);
  const actor = await createAccessTokenVerifier({ supabaseUrl: supabase.url }).verify(
    data.session.access_token,
  );
  return { email, password, session: data.session, actor };
}
