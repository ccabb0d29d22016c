// Meta's webhook sender (§4.2–4.4): events emitted within a short window are batched into one
// signed POST per app (one entry per account and kind), delivered at least once with retries on
// non-2xx, connection errors and timeouts, and, when asked, duplicated or reordered the way Meta
// warns they can be. An observer hears how each attempt went and can call off a POST before it is
// tried (Meta's unsubscribe rule, which keeps the accounts' subscriptions, is one).
import { type ClientRequest, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signWebhookBody } from '#server/meta/webhook-signature.ts';
import { seededRandom } from './random.ts';
import { metaJson } from './wire-json.ts';
import type { LoginPath } from './world.ts';

export interface DeliveryOptions {
  /** Events emitted within this window share one POST. */
  batchWindowMs: number;
  /** Most events in one POST (Meta: "a maximum of 1000 updates"). */
  maxBatch: number;
  /** An attempt without a response by then counts as failed. */
  timeoutMs: number;
  /** Wait before each retry; when the list is used up the POST is marked failed. */
  retryDelaysMs: number[];
  /** Chance (0..1) that a delivered POST is sent once more, byte for byte. */
  duplicateProbability: number;
  /** Shuffle queued POSTs, the entries of each POST and the items of each entry. */
  reorder: boolean;
  /** Seed of the random source behind duplicates and reordering. */
  seed: number;
  /** POSTs in flight at once; 1 keeps deliveries in order unless something fails. */
  concurrency: number;
  /**
   * After deliveries for an account have failed this long (on the simulator clock), Meta
   * unsubscribes the app from it (§4.3: an hour). Applied by the unsubscribe rule.
   */
  unsubscribeAfterFailingMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  batchWindowMs: 10,
  maxBatch: 1000,
  timeoutMs: 5000,
  retryDelaysMs: [0, 1000, 2000, 5000, 10_000, 30_000],
  duplicateProbability: 0,
  reorder: false,
  seed: 1,
  concurrency: 1,
  unsubscribeAfterFailingMs: 60 * 60 * 1000,
};

export type EntryKind = 'messaging' | 'standby' | 'changes';

export interface WebhookEvent {
  /** Chooses the signing secret: Instagram app secret or Meta app secret. */
  loginPath: LoginPath;
  /** `entry[].id`: the business IG_ID. */
  entryId: string;
  kind: EntryKind;
  item: unknown;
}

export type DeliveryState = 'queued' | 'sending' | 'retrying' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: number;
  loginPath: LoginPath;
  /** The `entry[].id`s of the body: the accounts whose events it carries. */
  entryIds: string[];
  /** The exact bytes POSTed (and signed). */
  body: string;
  signature: string;
  /** Number of messaging/standby/changes items in the body. */
  events: number;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  state: DeliveryState;
  /** Set on the extra copy of a POST sent by `duplicateProbability`. */
  duplicateOf: number | null;
}

/** Told how each attempt went; asked before each attempt whether the POST is still to be sent. */
export interface DeliveryObserver {
  attempted(entryIds: string[], delivered: boolean): void;
  wanted(entryIds: string[]): boolean;
}

export type WebhookDelivery = ReturnType<typeof createWebhookDelivery>;

type AttemptResult = { status: number } | { error: string };

export function createWebhookDelivery(config: {
  secrets: Record<LoginPath, string>;
  webhookUrl?: string;
  options?: Partial<DeliveryOptions>;
}) {
  let options: DeliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, ...config.options };
  let random = seededRandom(options.seed);
  let webhookUrl = config.webhookUrl;
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  const pending: { event: WebhookEvent; seq: number }[] = [];
  /** Events (by sequence number) whose POST has not been tried once yet, for `firstAttempts`. */
  const untried = new Set<number>();
  let lastSeq = 0;
  let attemptWaiters: { after: number; resolve: () => void }[] = [];
  /** Sequence numbers of the events in each POST. */
  const seqsOf = new Map<DeliveryRecord, number[]>();
  let batchTimer: NodeJS.Timeout | undefined;
  const ready: DeliveryRecord[] = [];
  const retryTimers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<ClientRequest>();
  let sending = 0;
  const records: DeliveryRecord[] = [];
  let idleWaiters: (() => void)[] = [];
  let stopped = false;
  let observer: DeliveryObserver | undefined;

  const isIdle = () =>
    !batchTimer && pending.length === 0 && ready.length === 0 && retryTimers.size === 0 && sending === 0;

  function releaseAttemptWaiters() {
    attemptWaiters = attemptWaiters.filter((waiter) => {
      const done = stopped || ![...untried].some((seq) => seq > waiter.after);
      if (done) waiter.resolve();
      return !done;
    });
  }

  function settle() {
    if (!isIdle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function envelope(events: WebhookEvent[]) {
    const now = Date.now();
    const groups = new Map<string, { entry: Record<string, unknown>; items: unknown[] }>();
    for (const event of events) {
      const key = `${event.entryId}:${event.kind}`;
      let group = groups.get(key);
      if (!group) {
        const items: unknown[] = [];
        // changes-style entries carry `time` in seconds in Meta's samples; messaging in milliseconds.
        const time = event.kind === 'changes' ? Math.floor(now / 1000) : now;
        group = { entry: { id: event.entryId, time, [event.kind]: items }, items };
        groups.set(key, group);
      }
      group.items.push(event.item);
    }
    const list = [...groups.values()];
    if (options.reorder) {
      random.shuffle(list);
      for (const group of list) random.shuffle(group.items);
    }
    return { object: 'instagram', entry: list.map((group) => group.entry) };
  }

  function addRecord(
    loginPath: LoginPath,
    entryIds: string[],
    body: string,
    events: number,
    duplicateOf: number | null = null,
  ) {
    const record: DeliveryRecord = {
      id: records.length + 1,
      loginPath,
      entryIds,
      body,
      signature: signWebhookBody(body, config.secrets[loginPath]),
      events,
      attempts: 0,
      lastStatus: null,
      lastError: null,
      state: 'queued',
      duplicateOf,
    };
    records.push(record);
    ready.push(record);
    return record;
  }

  function flush() {
    batchTimer = undefined;
    const events = pending.splice(0);
    // Each login path is its own Meta app with its own secret, so they never share a POST.
    for (const loginPath of ['instagram', 'facebook'] as const) {
      const own = events.filter(({ event }) => event.loginPath === loginPath);
      for (let start = 0; start < own.length; start += options.maxBatch) {
        const chunk = own.slice(start, start + options.maxBatch);
        const record = addRecord(
          loginPath,
          [...new Set(chunk.map(({ event }) => event.entryId))],
          metaJson(envelope(chunk.map(({ event }) => event))),
          chunk.length,
        );
        seqsOf.set(
          record,
          chunk.map(({ seq }) => seq),
        );
      }
    }
    if (options.reorder) random.shuffle(ready);
    pump();
  }

  function pump() {
    while (!stopped && sending < options.concurrency && ready.length > 0) {
      const record = ready.shift() as DeliveryRecord;
      if (observer && !observer.wanted(record.entryIds)) {
        record.state = 'failed';
        record.lastError = 'not sent: the app is no longer subscribed to the account';
        continue;
      }
      sending++;
      void attempt(record).finally(() => {
        sending--;
        pump();
      });
    }
    settle();
  }

  async function attempt(record: DeliveryRecord) {
    record.state = 'sending';
    record.attempts++;
    const result = await post(record);
    for (const seq of seqsOf.get(record) ?? []) untried.delete(seq);
    seqsOf.delete(record);
    releaseAttemptWaiters();
    if (stopped) return;
    const delivered = 'status' in result && result.status >= 200 && result.status < 300;
    observer?.attempted(record.entryIds, delivered);
    if (delivered) {
      record.state = 'delivered';
      record.lastStatus = result.status;
      record.lastError = null;
      if (record.duplicateOf === null && random.next() < options.duplicateProbability) {
        addRecord(record.loginPath, record.entryIds, record.body, record.events, record.id);
      }
      return;
    }
    record.lastStatus = 'status' in result ? result.status : null;
    record.lastError = 'error' in result ? result.error : `HTTP ${result.status}`;
    const delay = options.retryDelaysMs[record.attempts - 1];
    if (delay === undefined) {
      record.state = 'failed';
      return;
    }
    record.state = 'retrying';
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      record.state = 'queued';
      ready.push(record);
      pump();
    }, delay);
    retryTimers.add(timer);
  }

  function post(record: DeliveryRecord): Promise<AttemptResult> {
    if (!webhookUrl) return Promise.resolve({ error: 'no webhook URL is set' });
    const target = new URL(webhookUrl);
    const https = target.protocol === 'https:';
    return new Promise((resolve) => {
      let settled = false;
      const request = (https ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: https ? agents.https : agents.http,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(record.body),
          'User-Agent': 'facebookexternalua',
          'X-Hub-Signature-256': record.signature,
        },
      });
      const done = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(request);
        resolve(result);
      };
      const timer = setTimeout(
        () => request.destroy(new Error(`no response within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      inFlight.add(request);
      request.on('response', (response) => {
        response.resume();
        done({ status: response.statusCode ?? 0 });
      });
      request.on('error', (error) => done({ error: error.message }));
      request.end(record.body);
    });
  }

  return {
    /** Queues one event for the next batch. */
    enqueue(event: WebhookEvent): void {
      if (stopped) return;
      const seq = ++lastSeq;
      untried.add(seq);
      pending.push({ event, seq });
      batchTimer ??= setTimeout(flush, options.batchWindowMs);
    },

    /** How many events have been queued so far: pass it to `firstAttempts` after causing more. */
    queuedSoFar: (): number => lastSeq,

    /** Resolves once every event queued after `after` has been POSTed once (delivered or not). */
    firstAttempts(after: number): Promise<void> {
      return new Promise((resolve) => {
        attemptWaiters.push({ after, resolve });
        releaseAttemptWaiters();
      });
    },

    /** Sends a prepared envelope as its own POST (dashboard test payloads are not batched). */
    sendEnvelope(
      loginPath: LoginPath,
      envelope: { object: string; entry: { id: string }[] },
      events: number,
    ): void {
      if (stopped) return;
      addRecord(
        loginPath,
        envelope.entry.map((entry) => entry.id),
        metaJson(envelope),
        events,
      );
      pump();
    },

    /** Sets the one observer of attempts. */
    observe(next: DeliveryObserver): void {
      observer = next;
    },

    webhookUrl: () => webhookUrl,
    setWebhookUrl(url: string | undefined): void {
      webhookUrl = url;
    },

    options: (): DeliveryOptions => ({ ...options, retryDelaysMs: [...options.retryDelaysMs] }),
    setOptions(partial: Partial<DeliveryOptions>): void {
      options = { ...options, ...partial };
      if (partial.seed !== undefined) random = seededRandom(partial.seed);
    },

    records: (): DeliveryRecord[] => records.map((record) => ({ ...record })),

    /** Resolves once nothing is batched, queued, in flight or waiting for a retry. */
    idle(): Promise<void> {
      if (isIdle() || stopped) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    stop(): void {
      stopped = true;
      clearTimeout(batchTimer);
      batchTimer = undefined;
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      for (const request of inFlight) request.destroy();
      agents.http.destroy();
      agents.https.destroy();
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
      releaseAttemptWaiters();
    },
  };
}
