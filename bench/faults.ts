// `npm run bench:faults`: the long version of e2e/postgres-outage.spec.ts, the way production fails
// (issue 12). A Meta-style sender (50 POSTs in flight, every non-200 sent again with backoff)
// floods the production web server while faults come one after the other: (a) Postgres stopped
// for 5 s, (b) a worker SIGKILLed while it runs ingest jobs, (c) the web server SIGKILLed, each
// restarted at once as a supervisor would; then (d) a burst of operator replies sent by two
// workers, each SIGKILLed once. For each fault it prints what was acknowledged, stored, lost and
// stored twice, the answers Meta got meanwhile, and how long recovery took; for the replies, how
// many reached Meta exactly once, the longest wait and the conversations received out of order.
// Figures, not verdicts: the machine is shared and noisy. It exits 1 only when something
// acknowledged was lost or stored twice, a reply was sent twice, or a process died by itself.
//
// The app runs with its default settings (job expiry included): how long a dead worker's jobs
// wait is part of what is measured. Ctrl-C or SIGTERM stops every process it started and removes
// its database.
import { type FaultStack, startFaultStack } from '#dev/fault-stack.ts';
import { auditIntake, type IntakeAudit, messagesInInbox, waitForIngest } from '#dev/intake-audit.ts';
import { cleanUpOnSignals } from '#dev/processes.ts';
import { eventually } from '#dev/test/eventually.ts';
import { type FloodAttempt, statusCounts } from '#dev/webhook-flood.ts';
import { runSendBurst, type SendBurstReport } from './send-burst.ts';

const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2500);
const CUSTOMERS = 200;
const OUTAGE_MS = 5000;
const REPLY_CONVERSATIONS = 30;
const REPLIES_PER_CONVERSATION = 10;
/** Long enough for jobs a dead worker held to expire at the default timeout and be retried. */
const DRAIN_TIMEOUT_MS = 15 * 60_000;
/** How often the database is asked whether recovery is complete (more often would load what is measured). */
const POLL_MS = 250;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

interface Fault {
  label: string;
  /** Whether deliveries cannot be stored while it lasts: then none may be answered 200. */
  storageDown: boolean;
  /** Causes the fault; resolves once it has taken effect. */
  begin(faults: FaultStack): Promise<void>;
  /** How long it lasts before its cause is removed. */
  holdMs: number;
  /** Removes the cause (starts Postgres, or a process in place of the killed one); resolves once it is back. */
  end(faults: FaultStack): Promise<void>;
}

const FAULTS: Fault[] = [
  {
    label: '(a) Postgres stopped (fast shutdown) for 5 s, then started again',
    storageDown: true,
    begin: (faults) => faults.stack.postgres.pause(),
    holdMs: OUTAGE_MS,
    end: (faults) => faults.stack.postgres.resume(),
  },
  {
    label: '(b) the worker SIGKILLed while it runs ingest jobs, and a new one started',
    storageDown: false,
    async begin(faults) {
      await eventually(
        async () => {
          const { rows } = await faults.db.query<{ n: string }>(
            "select count(*) as n from pgboss.job where name = 'ingest-webhook-events' and state = 'active'",
          );
          return Number(rows[0]?.n) > 0;
        },
        60_000,
        POLL_MS,
      );
      await Promise.all(faults.workers().map((worker) => faults.kill(worker)));
    },
    holdMs: 0,
    end: async (faults) => void faults.startWorker(),
  },
  {
    label: '(c) the web server SIGKILLed, and a new one started',
    storageDown: false,
    begin: (faults) => faults.kill(faults.web()),
    holdMs: 0,
    end: async (faults) => void (await faults.startWeb()),
  },
];

interface FaultReport {
  fault: Fault;
  audit: IntakeAudit;
  /** Statuses answered to POSTs sent from the fault until the first 200 after it ended. */
  statuses: string;
  /** 200s answered to POSTs sent and answered while storage was down (must be 0). */
  acksWhileDown: number;
  /** From the cause's removal to the first 200. */
  firstAckMs: number;
  /** From the cause's removal until what was removed is back (Postgres ready, a new web server answering). */
  backMs: number;
  /** From the cause's removal until everything acknowledged before then is in the inbox. */
  caughtUpMs: number;
  crashes: string[];
}

async function floodThroughFault(faults: FaultStack, fault: Fault, index: number): Promise<FaultReport> {
  const crashesBefore = faults.crashes.length;
  const flood = faults.flood({
    customers: CUSTOMERS,
    deliveries: DELIVERIES,
    label: `fault-${index}`,
    seed: index + 1,
  });
  try {
    await flood.whenAcked(Math.floor(DELIVERIES / 3));
    progress(`${fault.label}: ${flood.acked.length} deliveries acknowledged, injecting`);
    await fault.begin(faults);
    const begunAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, fault.holdMs));
    const endedAt = performance.now();
    const ackedBefore = [...flood.acked];
    await fault.end(faults);
    const backAt = performance.now();

    const [firstAck, caughtUpMs] = await Promise.all([
      eventually(
        () => flood.attempts.find((a) => a.status === 200 && a.answeredAt > endedAt),
        DRAIN_TIMEOUT_MS,
      ),
      eventually(
        async () => (await messagesInInbox(faults.db, ackedBefore)) === ackedBefore.length,
        DRAIN_TIMEOUT_MS,
        POLL_MS,
      ).then(() => performance.now() - endedAt),
    ]);
    progress(`${fault.label}: inbox caught up after ${seconds(caughtUpMs)}; finishing the flood`);
    await flood.done;
    await waitForIngest(faults.db, { timeoutMs: DRAIN_TIMEOUT_MS, pollMs: POLL_MS });

    const between = (a: FloodAttempt) => a.sentAt >= begunAt && a.sentAt < firstAck.answeredAt;
    return {
      fault,
      audit: await auditIntake(faults.db, flood.acked),
      statuses: statusCounts(flood.attempts.filter(between)),
      acksWhileDown: flood.attempts.filter(
        (a) => a.status === 200 && a.sentAt >= begunAt && a.answeredAt <= endedAt,
      ).length,
      firstAckMs: firstAck.answeredAt - endedAt,
      backMs: backAt - endedAt,
      caughtUpMs,
      crashes: faults.crashes.slice(crashesBefore).map((c) => `${c.name} (${c.signal ?? `exit ${c.code}`})`),
    };
  } finally {
    flood.stop();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function printFault(report: FaultReport): void {
  const { audit } = report;
  console.log(`
${report.fault.label}
  acked ${audit.acked}   stored ${audit.stored}   lost ${audit.lost}   duplicated ${audit.duplicated}   (ledger: ${audit.notInLedger} missing, ${audit.ledgerCopies} copies redelivered after a lost answer, ${audit.unprocessed} unprocessed)
  answers to POSTs sent from the fault to the first 200 after it: ${report.statuses}${
    report.fault.storageDown ? `\n  200s answered while Postgres was down: ${report.acksWhileDown}` : ''
  }
  recovery: first 200 ${seconds(report.firstAckMs)} after the cause was removed (back after ${seconds(report.backMs)}); everything acknowledged before then in the inbox after ${seconds(report.caughtUpMs)}
  processes that exited by themselves: ${report.crashes.join(', ') || 'none'}`);
}

function printSends(report: SendBurstReport): void {
  const held = report.killedHoldingJobs.map((held) => (held ? 'yes' : 'no')).join(', ');
  console.log(`
(d) ${report.replies} operator replies in ${report.conversations} conversations (written in turn in each), 2 workers, each SIGKILLed once (while a send job ran: ${held}) and restarted
  reached Meta exactly once: ${report.sentOnce}   twice or more: ${report.duplicates}   never: ${report.neverSent}
  final states: ${Object.entries(report.states)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ')}
  longest wait from written to taken by Meta: ${seconds(report.longestWaitMs)} (${report.waitedOver30s} waited over 30 s)
  conversations whose replies reached Meta out of the order they were written: ${report.outOfOrder} of ${report.conversations}`);
}

const faults = await startFaultStack({ kind: 'bench-faults' });
cleanUpOnSignals(() => faults.stop());
try {
  faults.startWorker();
  await faults.ingesting();
  console.log(
    `Faults benchmark: ${DELIVERIES} signed deliveries per fault (one message each), 50 in flight, non-200 retried with backoff (0.1 s doubling to 1 s)`,
  );
  const reports: FaultReport[] = [];
  for (const [index, fault] of FAULTS.entries()) {
    const report = await floodThroughFault(faults, fault, index);
    printFault(report);
    reports.push(report);
  }
  const sends = await runSendBurst(faults, {
    conversations: REPLY_CONVERSATIONS,
    repliesPerConversation: REPLIES_PER_CONVERSATION,
    settleTimeoutMs: DRAIN_TIMEOUT_MS,
    progress,
  });
  printSends(sends);
  const broken =
    reports.some((r) => r.audit.lost + r.audit.duplicated + r.acksWhileDown + r.crashes.length > 0) ||
    sends.duplicates > 0 ||
    faults.crashes.length > 0;
  process.exitCode = broken ? 1 : 0;
} finally {
  await faults.stop();
}
