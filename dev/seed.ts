// Demo data for `npm start`: an operator who owns a workspace. Created through the same paths a
// real user takes (sign-up through Auth, workspace through the domain), and idempotent.
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { createAccessTokenVerifier } from '#server/auth/access-token.ts';
import { createDatabase } from '#server/db/database.ts';
import { createWorkspace } from '#server/inbox/create-workspace.ts';
import { getOperator } from '#server/inbox/get-operator.ts';
import type { LocalStack } from './stack.ts';

export const DEMO_OPERATOR = {
  email: 'demo@example.com',
  password: 'demo-inbox-2026',
  name: 'Demo Operator',
};
export const DEMO_WORKSPACE = 'Demo Shop';

export async function seedDemo(stack: LocalStack): Promise<void> {
  const supabase = createClient(stack.supabase.url, stack.supabase.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as unknown as typeof WebSocket },
  });
  const { email, password, name } = DEMO_OPERATOR;
  let { data } = await supabase.auth.signInWithPassword({ email, password });
  if (!data.session) {
    const signUp = await supabase.auth.signUp({ email, password, options: { data: { display_name: name } } });
    if (signUp.error || !signUp.data.session)
      throw new Error(`demo sign-up failed: ${signUp.error?.message}`);
    data = { session: signUp.data.session, user: signUp.data.session.user, weakPassword: undefined };
  }

  const actor = await createAccessTokenVerifier({ supabaseUrl: stack.supabase.url }).verify(
    data.session.access_token,
  );
  const db = createDatabase({ url: stack.env.DATABASE_URL as string, poolSize: 2 });
  try {
    const { workspaces } = await getOperator(db, actor);
    if (!workspaces.some((w) => w.name === DEMO_WORKSPACE)) await createWorkspace(db, actor, DEMO_WORKSPACE);
  } finally {
    await db.destroy();
  }
}
