// Operators for tests, signed up through the Auth stand-in with the real supabase-js client.
import { randomBytes } from 'node:crypto';
import type { Session } from '@supabase/supabase-js';
import { createAccessTokenVerifier } from '#server/auth/access-token.ts';
import type { Actor, Database } from '#server/db/database.ts';
import { acceptInvitation, createWorkspace, inviteTeammate } from '#server/team/index.ts';
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

export interface TestTeam {
  owner: TestOperator;
  /** A member of the owner's workspace with the agent role. */
  agent: TestOperator;
  /** Someone with a workspace of their own, and no part in the owner's. */
  outsider: TestOperator;
  workspaceId: string;
  outsiderWorkspaceId: string;
}

/** The cast of most permission tests: an owner's workspace with an agent in it, and an outsider. */
export async function signUpTeam(supabase: SupabaseStandIn, db: Database): Promise<TestTeam> {
  const [owner, agent, outsider] = await Promise.all([
    signUpOperator(supabase, 'owner'),
    signUpOperator(supabase, 'agent'),
    signUpOperator(supabase, 'outsider'),
  ]);
  const workspaceId = (await createWorkspace(db, owner.actor, 'Ceramics')).id;
  const outsiderWorkspaceId = (await createWorkspace(db, outsider.actor, 'Rival')).id;
  // Invited by the owner and joining by the link, as on the Team screen (the only way in).
  const { url } = await inviteTeammate(db, owner.actor, {
    workspaceId,
    role: 'agent',
    appUrl: 'http://app.test',
  });
  await acceptInvitation(db, agent.actor, new URL(url).pathname.split('/').at(-1) as string);
  return { owner, agent, outsider, workspaceId, outsiderWorkspaceId };
}
