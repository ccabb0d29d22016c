// A Supabase stand-in whose database a test takes away (through a proxy, the shared cluster keeps
// running), and an operator signed in to it with a workspace: a browser's view of Realtime when
// Postgres blinks.
import type { SupabaseClient } from '@supabase/supabase-js';
import { inject } from 'vitest';
import { workspaceTopic } from '#server/realtime/topics.ts';
import { createWorkspace } from '#server/team/index.ts';
import { supabaseClient } from '../supabase/client.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '../supabase/server.ts';
import type { TestDatabase } from './database.ts';
import { type DatabaseProxy, startDatabaseProxy } from './database-proxy.ts';
import { signUpOperator, type TestOperator } from './operators.ts';

export interface SupabaseBehindProxy {
  proxy: DatabaseProxy;
  standIn: SupabaseStandIn;
  operator: TestOperator;
  /** The operator's workspace channel. */
  topic: string;
  /** The operator's client, signed in, its Realtime token set. */
  client: SupabaseClient;
  /** Another access token of the operator's, for a token change the client pushes. */
  freshToken(): Promise<string>;
  stop(): Promise<void>;
}

export async function startSupabaseBehindProxy(database: TestDatabase): Promise<SupabaseBehindProxy> {
  const proxy = await startDatabaseProxy({ port: inject('postgres').port });
  const standIn = await startSupabaseStandIn({ databaseUrl: proxy.urlFor(database.superuserUrl) });
  const operator = await signUpOperator(standIn, 'blink');
  const workspace = await createWorkspace(database.db, operator.actor, 'Blink Studio');
  const signIn = async (client: SupabaseClient) => {
    const { data, error } = await client.auth.signInWithPassword({
      email: operator.email,
      password: operator.password,
    });
    if (error || !data.session) throw new Error(`sign-in failed: ${error?.message ?? 'no session'}`);
    return data.session.access_token;
  };
  const client = supabaseClient(standIn);
  await signIn(client);
  await client.realtime.setAuth();
  return {
    proxy,
    standIn,
    operator,
    topic: workspaceTopic(workspace.id),
    client,
    freshToken: () => signIn(supabaseClient(standIn)),
    async stop() {
      await proxy.restore();
      await client.removeAllChannels();
      await standIn.stop();
      await proxy.close();
    },
  };
}
