// Starts what a deployment runs, on this machine: the local stack (PostgreSQL, Supabase stand-in,
// Meta simulator), the production web server over the build, and the worker process, all
// configured only through env.
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import {
  localServerEnv,
  startWebServer,
  startWorkerProcess,
  stopProcess,
  waitForHttp,
} from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';

export default async function globalSetup() {
  const stack = await startLocalStack({ dataDir: await ephemeralClusterDir('e2e'), ephemeral: true });
  const port = await freePort();
  // As behind a deployment's proxy: each test arrives from an address of its own (fixtures.ts).
  const env: Record<string, string | undefined> = { ...localServerEnv(stack.env, port), TRUST_PROXY: '1' };
  const baseUrl = env.APP_URL as string;
  const web = startWebServer(env);
  const worker = startWorkerProcess(env);
  const stopAll = async () => {
    await Promise.all([stopProcess(web), stopProcess(worker)]);
    await stack.stop();
  };
  try {
    await waitForHttp(`${baseUrl}/sign-in`, web);
  } catch (error) {
    await stopAll(); // a failed start must not leave the worker running against a stopped database
    throw error;
  }
  stack.meta.setWebhookUrl(`${baseUrl}/api/instagram/webhook`);

  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_SUPABASE_URL = stack.supabase.url;
  process.env.E2E_SUPABASE_ANON_KEY = stack.supabase.anonKey;
  process.env.E2E_META_URL = stack.meta.url;
  process.env.E2E_PUSH_URL = stack.push.url;
  // For specs that start a server process of their own against the same stack.
  process.env.E2E_SERVER_ENV = JSON.stringify(env);

  return stopAll;
}
