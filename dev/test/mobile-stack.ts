// What a mobile app talks to, for tests of a mobile client (examples/mobile-client/): the whole
// intake against the Meta simulator (simulator-intake.ts: webhooks, workers, the tRPC API over
// HTTP) with the Supabase Auth stand-in to sign in at, the push stand-in the workers notify
// phones through, and the phone's network: a TCP proxy in front of the API (the one outage tests
// put in front of Postgres), which a test cuts to take the phone offline and restores to bring it
// back.
import { newVapidKeys } from '../push/credentials.ts';
import { type Received, receivedNotifications } from '../push/received.ts';
import { type PushStandIn, startPushStandIn } from '../push/stand-in.ts';
import { type SupabaseStandIn, startSupabaseStandIn } from '../supabase/server.ts';
import { type DatabaseProxy, startDatabaseProxy } from './database-proxy.ts';
import { type SimulatorIntake, startSimulatorIntake } from './simulator-intake.ts';

export interface MobileStack extends SimulatorIntake {
  supabase: SupabaseStandIn;
  push: PushStandIn;
  /** Every notification a push service accepted, as the device would get it. */
  notifications(): Received[];
  /** The phone's network: `refuse()` cuts it (open connections reset, new ones refused), `restore()`. */
  network: DatabaseProxy;
  /** The API's tRPC endpoint, through the phone's network. */
  apiUrl: string;
}

export async function startMobileStack(): Promise<MobileStack> {
  const push = await startPushStandIn();
  const intake = await startSimulatorIntake({
    supabase: (database) => startSupabaseStandIn({ databaseUrl: database.superuserUrl }),
    env: push.env(newVapidKeys()),
  });
  const network = await startDatabaseProxy({ port: Number(new URL(intake.api.url).port) });
  return {
    ...intake,
    supabase: intake.supabase as SupabaseStandIn,
    push,
    notifications: () => receivedNotifications(push),
    network,
    apiUrl: new URL('/api/trpc', network.urlFor(intake.api.url)).toString(),
    async stop() {
      await network.close();
      await intake.stop();
      await push.stop();
    },
  };
}
