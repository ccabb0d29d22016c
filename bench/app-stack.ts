// What the latency benches share: the production build and a worker against the local stack,
// a customer's text POSTed as Meta would (timed), and percentiles.
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { ephemeralClusterDir, freePort } from '#dev/postgres.ts';
import {
  localServerEnv,
  startWebServer,
  startWorkerProcess,
  stopProcess,
  waitForHttp,
} from '#dev/processes.ts';
import { startLocalStack } from '#dev/stack.ts';
import { signedTextDelivery } from '#dev/webhook-deliveries.ts';

/** Milliseconds since the epoch at sub-millisecond resolution: the stand-ins stamp with the same clock. */
export const now = () => performance.timeOrigin + performance.now();

/** The app (web server and worker, `npm run build` first) on a throwaway local stack. */
export async function startBenchApp(name: string) {
  const stack = await startLocalStack({ dataDir: await ephemeralClusterDir(name), ephemeral: true });
  const env = localServerEnv(stack.env, await freePort());
  const baseUrl = env.APP_URL as string;
  const children: ChildProcess[] = [startWebServer(env), startWorkerProcess(env)];
  const stop = async () => {
    await Promise.all(children.map(stopProcess));
    await stack.stop();
  };
  try {
    await waitForHttp(`${baseUrl}/sign-in`, children[0] as ChildProcess);
  } catch (error) {
    await stop();
    throw error;
  }
  const webhookUrl = `${baseUrl}/api/instagram/webhook`;
  const secret = stack.env.INSTAGRAM_APP_SECRET as string;
  const databaseUrl = stack.env.DATABASE_URL as string;
  return {
    stack,
    baseUrl,
    databaseUrl,
    /** Stores an Instagram account as the workspace's connection, as if connected through Meta. */
    async connectAccount(workspaceId: string, account: string) {
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        await db.query(
          `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
           values ($1, 'instagram', $2, '@bench.shop')`,
          [workspaceId, account],
        );
      } finally {
        await db.end();
      }
    },
    /** POSTs one message as Meta would; resolves with when it was sent and how long the 200 took. */
    async postCustomerText(message: { account: string; customer: string; text: string }) {
      const delivery = signedTextDelivery({ ...message, secret });
      const sentAt = now();
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': delivery.signature },
        body: delivery.body,
      });
      if (!response.ok) throw new Error(`webhook answered ${response.status}`);
      await response.arrayBuffer();
      return { sentAt, ackMs: now() - sentAt };
    },
    stop,
  };
}

/**
 * The latency lines every latency bench prints: what it measured, the webhook's own round trip
 * in the same run as the baseline, and their ratio (this machine's noise divides out).
 */
export function latencyReport(label: string, measuredMs: number[], ackMs: number[]): string {
  const figures = (values: number[]) =>
    `p50 ${percentile(values, 50).toFixed(1)} ms   p95 ${percentile(values, 95).toFixed(1)} ms`;
  const ratio = (p: number) => (percentile(measuredMs, p) / Math.max(0.1, percentile(ackMs, p))).toFixed(1);
  return [
    `  ${label}  ${figures(measuredMs)}   max ${Math.max(...measuredMs).toFixed(1)} ms`,
    `  baseline: webhook POST → 200  ${figures(ackMs)}`,
    `  ratio (${label} / POST round trip): p50 ${ratio(50)}×   p95 ${ratio(95)}×`,
  ].join('\n');
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
