// What a mobile app talks to, for tests of a mobile client (examples/mobile-client/): the whole
// intake against the Meta simulator (simulator-intake.ts: webhooks, workers, the tRPC API over
// HTTP) with the Supabase Auth stand-in to sign in at, and the phone's network: a TCP proxy in
// front of the API (the one outage tests put in front of Postgres), which a test cuts to take the
// phone offline and restores to bring it back.
import { type SupabaseStandIn, startSupabaseStandIn } from '../supabase/server.ts';
import { type DatabaseProxy, startDatabaseProxy } from './database-proxy.ts';
import { type SimulatorIntake, startSimulatorIntake } from './simulator-intake.ts';

export interface MobileStack extends SimulatorIntake {
  supabase: SupabaseStandIn;
  /** The phone's network: `refuse()` cuts it (open connections reset, new ones refused), `restore()`. */
  network: DatabaseProxy;
  /** The API's tRPC endpoint, through the phone's network. */
  apiUrl: string;
}

export async function startMobileStack(): Promise<MobileStack> {
  const intake = await startSimulatorIntake({
    supabase: (database) => startSupabaseStandIn({ databaseUrl: database.superuserUrl }),
  });
  const network = await startDatabaseProxy({ port: Number(new URL(intake.api.url).port) });
  return {
    ...intake,
    supabase: intake.supabase as SupabaseStandIn,
    network,
    apiUrl: new URL('/api/trpc', network.urlFor(intake.api.url)).toString(),
    async stop() {
      await network.close();
      await intake.stop();
    },
  };
}
