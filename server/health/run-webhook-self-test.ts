// "Run webhook tests" (the seed's built-in tool): plays Meta against the app's own public
// callback URL over real HTTP, so it tests what Meta will meet — the deployed endpoint behind
// APP_URL, its configuration, its database and its workers — not a function call in this process.
// Each check says what was expected, what came back, how long it took, and what it means.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { readWebhookSubscriptions, type WebhookSubscription } from '../accounts/index.ts';
import type { Actor } from '../db/database.ts';
import { findRecentLedgerEntryByBody, listDeliveryOutcomes } from '../ingest/index.ts';
import {
  DASHBOARD_TEST_ACCOUNT_ID,
  dashboardTestDelivery,
  type Probe,
  type ProbeAnswer,
  probeDelivery,
  probeVerification,
} from '../meta/webhook-probes.ts';
import type { Services } from '../services.ts';

export interface WebhookSelfTestConfig {
  /** APP_URL + the webhook path: what Meta's App Dashboard is given. */
  callbackUrl: string;
  verifyToken: string;
  /** Every secret Meta may sign with, named for the report; the Instagram app's comes first. */
  appSecrets: readonly [{ name: string; secret: string }, ...{ name: string; secret: string }[]];
  /** How long one HTTP request may take. */
  requestTimeoutMs: number;
  /** How long a worker may take to process the acknowledged test event. */
  processingDeadlineMs: number;
}

type SelfTestServices = Pick<Services, 'db' | 'graph' | 'cipher' | 'metaAppIds' | 'webhookSelfTest'>;

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface WebhookCheck {
  id: string;
  title: string;
  status: CheckStatus;
  durationMs: number | null;
  httpStatus: number | null;
  expected: string;
  observed: string;
  explanation: string;
}

export interface WebhookSelfTest {
  passed: boolean;
  callbackUrl: string;
  ranAt: string;
  durationMs: number;
  checks: WebhookCheck[];
  subscriptions: WebhookSubscription[];
}

export async function runWebhookSelfTest(
  services: SelfTestServices,
  actor: Actor,
  workspaceId: string,
): Promise<WebhookSelfTest> {
  const ranAt = new Date();
  const started = performance.now();
  const [checks, subscriptions] = await Promise.all([
    runChecks(services),
    readWebhookSubscriptions(services, actor, workspaceId),
  ]);
  const secrets = [
    services.webhookSelfTest.verifyToken,
    ...services.webhookSelfTest.appSecrets.map((s) => s.secret),
  ];
  return {
    passed: checks.every((check) => check.status === 'passed'),
    callbackUrl: services.webhookSelfTest.callbackUrl,
    ranAt: ranAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    checks: checks.map((check) => redact(check, secrets)),
    subscriptions,
  };
}

/** A test event no earlier run has sent (a repeated mid would be a redelivery, not an event). */
const freshDelivery = () => dashboardTestDelivery(`self-test-${randomUUID()}`);

interface CheckHeader {
  id: string;
  title: string;
  expected: string;
}

const VERIFICATION: CheckHeader = {
  id: 'verification',
  title: 'Verification handshake',
  expected: '200 text/plain, the body exactly the challenge',
};
const WRONG_TOKEN: CheckHeader = {
  id: 'wrong-verify-token',
  title: 'A wrong verify token is refused',
  expected: '403',
};
const UNSIGNED: CheckHeader = {
  id: 'unsigned-event',
  title: 'An unsigned event is refused',
  expected: '401 or 403',
};
const FORGED: CheckHeader = {
  id: 'forged-signature',
  title: 'A wrongly signed event is refused',
  expected: '401 or 403',
};
const PROCESSED: CheckHeader = {
  id: 'event-processed',
  title: 'The test event is processed end to end',
  expected: 'In the ledger and processed by a worker',
};

function signedHeader(secret: AppSecret, primary: boolean): CheckHeader {
  return primary
    ? { id: 'signed-event', title: 'A signed test event is acknowledged', expected: ACKNOWLEDGED }
    : {
        id: `signed-event-${secret.name.toLowerCase().replaceAll(' ', '-')}`,
        title: `An event signed with the ${secret.name} is acknowledged`,
        expected: ACKNOWLEDGED,
      };
}
const ACKNOWLEDGED = '200 application/json {"received":true}';

async function runChecks(services: SelfTestServices): Promise<WebhookCheck[]> {
  const { webhookSelfTest: config } = services;
  const [primary, ...others] = config.appSecrets;
  const verification = await checkVerification(config);
  if (verification.unreachable) {
    const reason = 'Not run: the callback URL could not be reached.';
    return [
      verification.check,
      ...[
        WRONG_TOKEN,
        UNSIGNED,
        FORGED,
        ...config.appSecrets.map((s, i) => signedHeader(s, i === 0)),
        PROCESSED,
      ].map((header) => skipped(header, reason)),
    ];
  }
  const checks = [
    verification.check,
    await checkWrongVerifyToken(config),
    await checkRefused(config, UNSIGNED, null),
    await checkRefused(config, FORGED, randomBytes(16).toString('hex')),
  ];
  // The first secret's event is followed all the way through ingest; the others prove only that
  // deliveries signed with them are accepted (ingest does not care who signed).
  const body = freshDelivery();
  // Ledger rows are stamped by the database's clock; a minute's margin absorbs any skew.
  const sentAfter = new Date(Date.now() - 60_000);
  const signed = await checkSigned(config, primary, body, true);
  checks.push(signed.check);
  for (const secret of others) checks.push((await checkSigned(config, secret, freshDelivery(), false)).check);
  checks.push(
    signed.accepted
      ? await checkProcessed(services, body, sentAfter)
      : skipped(
          PROCESSED,
          'Not run: the signed test event was not acknowledged, so there is nothing to follow.',
        ),
  );
  return checks;
}

function skipped(header: CheckHeader, reason: string): WebhookCheck {
  return {
    ...header,
    status: 'skipped',
    durationMs: null,
    httpStatus: null,
    observed: 'Not run',
    explanation: reason,
  };
}

interface Verdict {
  passed: boolean;
  explanation: string;
  /** Replaces the plain description of the answer (when that would be misleading or noisy). */
  observed?: string;
}

const pass = (explanation: string, observed?: string): Verdict => ({ passed: true, explanation, observed });
const fail = (explanation: string): Verdict => ({ passed: false, explanation });

function fromProbe(header: CheckHeader, probe: Probe, verdict: Verdict): WebhookCheck {
  return {
    ...header,
    status: verdict.passed ? 'passed' : 'failed',
    durationMs: probe.durationMs,
    httpStatus: probe.answer?.status ?? null,
    observed: verdict.observed ?? describeAnswer(probe),
    explanation: verdict.explanation,
  };
}

function describeAnswer(probe: Probe): string {
  if (!probe.answer) return `No answer: ${probe.error}`;
  const { status, body, location } = probe.answer;
  if (location) return `${status}, redirecting to ${location}`;
  const type = mediaType(probe.answer) ?? 'no content type';
  return body ? `${status} ${type}: ${body}` : `${status} ${type}, empty body`;
}

const mediaType = (answer: ProbeAnswer) => answer.contentType?.split(';')[0]?.trim() || null;
const isRedirect = (answer: ProbeAnswer) => answer.status >= 300 && answer.status < 400;
const REDIRECT_ADVICE =
  'Meta does not follow redirects: set APP_URL to the final address, so the callback URL shown here is the one Meta calls.';
/** Meta's challenges are integers; so is the test's, so an endpoint that parses it is tested too. */
const newChallenge = () => String(randomInt(1_000_000_000, 2_000_000_000));

/** 1. Meta's "Verify and save": our verify token and a challenge, echoed as plain text. */
async function checkVerification(
  config: WebhookSelfTestConfig,
): Promise<{ check: WebhookCheck; unreachable: boolean }> {
  const challenge = newChallenge();
  const probe = await probeVerification(
    config.callbackUrl,
    { verifyToken: config.verifyToken, challenge },
    config.requestTimeoutMs,
  );
  return {
    check: fromProbe(VERIFICATION, probe, judgeVerification(probe, challenge, config.callbackUrl)),
    unreachable: probe.answer === null,
  };
}

function judgeVerification(probe: Probe, challenge: string, callbackUrl: string): Verdict {
  const answer = probe.answer;
  if (!answer) {
    return fail(
      `Meta will not reach ${callbackUrl} either. Check that APP_URL is this deployment's public address and that it answers over HTTPS from the internet.`,
    );
  }
  if (isRedirect(answer)) return fail(REDIRECT_ADVICE);
  if (answer.status === 403) {
    return fail(
      'The endpoint refused the verify token this server is configured with: the app answering at the callback URL has another INSTAGRAM_VERIFY_TOKEN (does APP_URL point at this deployment?). Meta would refuse to save the URL.',
    );
  }
  if (answer.status !== 200)
    return fail('Meta saves the callback URL only when it answers 200 with the challenge.');
  if (answer.body !== challenge) {
    return fail('The endpoint answered 200 without echoing the challenge; Meta would refuse the URL.');
  }
  if (mediaType(answer) !== 'text/plain') {
    return fail('Meta expects the challenge back as text/plain, with nothing around it.');
  }
  return pass(
    'Meta\'s "Verify and save" will accept this callback URL with the configured verify token.',
    '200 text/plain, the challenge echoed exactly',
  );
}

/** 2. Someone without the verify token cannot verify the URL for their own app. */
async function checkWrongVerifyToken(config: WebhookSelfTestConfig): Promise<WebhookCheck> {
  const probe = await probeVerification(
    config.callbackUrl,
    { verifyToken: `wrong-${randomBytes(12).toString('hex')}`, challenge: newChallenge() },
    config.requestTimeoutMs,
  );
  const status = probe.answer?.status;
  const verdict =
    status === 403
      ? pass('Only someone who knows the verify token can verify this callback URL.')
      : status === 200
        ? fail(
            'The endpoint accepted a wrong verify token: anyone could verify this URL for their own Meta app.',
          )
        : fail('A wrong verify token must be answered with 403.');
  return fromProbe(WRONG_TOKEN, probe, verdict);
}

/** 3 and 4. Events without a valid signature are refused, and so never stored. */
async function checkRefused(
  config: WebhookSelfTestConfig,
  header: CheckHeader,
  foreignSecret: string | null,
): Promise<WebhookCheck> {
  const probe = await probeDelivery(
    config.callbackUrl,
    freshDelivery(),
    foreignSecret,
    config.requestTimeoutMs,
  );
  const status = probe.answer?.status ?? 0;
  const unsigned = foreignSecret === null;
  const verdict =
    status === 401 || status === 403
      ? pass(
          unsigned
            ? 'Events without X-Hub-Signature-256 are refused: nobody can inject messages without the app secret.'
            : 'Signatures are checked against the app secret: one made with any other key is refused.',
        )
      : status >= 200 && status < 300
        ? fail(
            `The endpoint accepted ${unsigned ? 'an unsigned' : 'a wrongly signed'} event: anyone could inject messages into the inbox.`,
          )
        : fail('An event without a valid signature must be refused with 401 or 403.');
  return fromProbe(header, probe, verdict);
}

type AppSecret = WebhookSelfTestConfig['appSecrets'][number];

/** 5. A correctly signed event is stored and acknowledged the way Meta requires. */
async function checkSigned(
  config: WebhookSelfTestConfig,
  secret: AppSecret,
  body: Buffer,
  primary: boolean,
): Promise<{ check: WebhookCheck; accepted: boolean }> {
  const probe = await probeDelivery(config.callbackUrl, body, secret.secret, config.requestTimeoutMs);
  const accepted = probe.answer?.status === 200 && isReceived(probe.answer.body);
  return {
    check: fromProbe(signedHeader(secret, primary), probe, judgeSigned(probe, secret, primary)),
    accepted,
  };
}

function judgeSigned(probe: Probe, secret: AppSecret, primary: boolean): Verdict {
  const answer = probe.answer;
  if (!answer) return fail('The endpoint did not answer; Meta would retry, then give up.');
  if (answer.status === 200 && isReceived(answer.body)) {
    return pass(
      primary
        ? 'The signature was verified and the event stored before the acknowledgement, as Meta requires.'
        : 'Events of accounts connected through Facebook Login, which Meta signs with this secret, are accepted too.',
    );
  }
  if (isRedirect(answer)) return fail(REDIRECT_ADVICE);
  if (answer.status === 401 || answer.status === 403) {
    return fail(
      `The endpoint did not accept a signature made with the ${secret.name}: the app answering at the callback URL is configured with another one. Meta's events would all be refused.`,
    );
  }
  if (answer.status === 503) {
    return fail(
      'The endpoint could not store the event (is its database reachable?). Meta would retry for a while, then drop it.',
    );
  }
  return fail('Meta counts only a 200 as delivered, and the inbox acknowledges with {"received":true}.');
}

function isReceived(body: string): boolean {
  try {
    return (JSON.parse(body) as { received?: unknown }).received === true;
  } catch {
    return false;
  }
}

/**
 * 6. The acknowledged event went all the way through: ledger, queue, worker, parser, account
 * matching. The event is Meta's own dashboard "Test" payload, addressed to Meta's dummy business
 * account: it takes the same path as a customer's DM (it is parsed as a message, not skipped as a
 * comment), yet no workspace can have connected that account, so ingest records it UNMATCHED and
 * it creates no conversation, lead or notification anywhere. A DM to one of the workspace's own
 * accounts would prove a little more and leave a fake customer in a real inbox.
 *
 * The ledger is read as the server: it is server-only (a delivery may span workspaces), and this
 * event belongs to no workspace by design. The lookup is by the exact bytes this run just sent,
 * so it can reveal nothing of anyone else's.
 */
async function checkProcessed(
  services: SelfTestServices,
  body: Buffer,
  sentAfter: Date,
): Promise<WebhookCheck> {
  const { webhookSelfTest: config, db } = services;
  const started = performance.now();
  const deadline = started + config.processingDeadlineMs;
  let entry = await db.withService((trx) => findRecentLedgerEntryByBody(trx, body, sentAfter));
  for (let pause = 25; (!entry || entry.status === 'RECEIVED') && performance.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 250);
    entry = await db.withService((trx) => findRecentLedgerEntryByBody(trx, body, sentAfter));
  }
  const durationMs = Math.round(performance.now() - started);
  const waited = `${(config.processingDeadlineMs / 1000).toLocaleString('en')} s`;
  const result = (passed: boolean, observed: string, explanation: string): WebhookCheck => ({
    ...PROCESSED,
    status: passed ? 'passed' : 'failed',
    durationMs,
    httpStatus: null,
    observed,
    explanation,
  });
  if (!entry) {
    return result(
      false,
      `Not in this deployment's ledger after ${waited}`,
      'The endpoint acknowledged the event but stored it elsewhere: the app at the callback URL uses another database (does APP_URL point at this deployment?).',
    );
  }
  if (entry.status === 'RECEIVED') {
    return result(
      false,
      `Stored, but not processed within ${waited}`,
      'No worker picked the event up: check that the worker process (npm run worker) is running against the same database. Stored events are processed as soon as it runs.',
    );
  }
  if (entry.status === 'FAILED') {
    return result(
      false,
      `Processing failed: ${entry.error ?? 'no reason recorded'}`,
      'A worker took the event but could not process it. Failed deliveries are kept and can be replayed once the cause is fixed.',
    );
  }
  const outcomes = await db.withService((trx) => listDeliveryOutcomes(trx, String(entry.id)));
  const latency = entry.processed_at ? entry.processed_at.getTime() - entry.received_at.getTime() : null;
  const how = outcomes
    .map((o) => `${o.kind} for account ${o.account_id}: ${o.status}${o.detail ? ` (${o.detail})` : ''}`)
    .join('; ');
  return result(
    true,
    `${entry.status}${latency === null ? '' : `, ${latency} ms after it was stored`}${how ? ` — ${how}` : ''}`,
    `Stored, queued and processed by a worker. The event is Meta's dashboard test message to its dummy account ${DASHBOARD_TEST_ACCOUNT_ID}, which no workspace has connected, so it created no conversation or lead.`,
  );
}

/** Secrets never leave the server, not even inside an echoed answer. */
function redact(check: WebhookCheck, secrets: string[]): WebhookCheck {
  const clean = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
  return { ...check, observed: clean(check.observed), explanation: clean(check.explanation) };
}
