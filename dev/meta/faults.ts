// Fault injection for the simulator's HTTP APIs. A rule matches calls by method, path and the
// account the token belongs to, and delays them, fails them, or both. Every API module asks the
// same injector, so a later endpoint (the Send API) is covered by the same rules.
import type { GraphErrorFields } from './graph-errors.ts';

export interface FaultSpec {
  /** Only calls with this HTTP method. */
  method?: string;
  /** Regular expression tested against the path below the host, e.g. "subscribed_apps$". */
  path?: string;
  /** Only calls authenticated as this account (IG_ID, username or Page id). */
  account?: string;
  /** How many matching calls the rule affects; unlimited when omitted. */
  times?: number;
  /** Affect each matching call with this probability (0–1); every one when omitted. */
  probability?: number;
  /** Hold the response this long. */
  delayMs?: number;
  /** Answer with this error instead of the real result. `{status: 503}` alone is a transient code 2. */
  error?: Partial<GraphErrorFields> & { status?: number };
  /**
   * Apply the delay and error after the call took effect (a Send API message is delivered and
   * echoed, then the answer is late or an error): the ambiguous outcomes of §5.7.
   */
  after?: boolean;
  /** With `after`: hold the answer until the webhooks the call caused were POSTed (echo before response). */
  webhooksFirst?: boolean;
  /** Send `Retry-After: N` with the error (429s). */
  retryAfterSeconds?: number;
}

export interface Fault extends FaultSpec {
  id: string;
  /** Matching calls handled so far. */
  hits: number;
}

export interface FaultCall {
  method: string;
  path: string;
  /** IG_ID of the account the token belongs to, when it belongs to one. */
  accountIgId: string | undefined;
}

type Rule = Fault & { pattern: RegExp | undefined };

export type FaultInjector = ReturnType<typeof createFaultInjector>;

export function createFaultInjector(
  resolveAccount: (ref: string) => string | undefined,
  random: () => number = Math.random,
) {
  let faults: Rule[] = [];
  let nextId = 1;
  const publicView = ({ pattern: _pattern, ...fault }: Rule): Fault => fault;

  function matches(fault: Rule, call: FaultCall): boolean {
    if (fault.method && fault.method.toUpperCase() !== call.method) return false;
    if (fault.pattern && !fault.pattern.test(call.path)) return false;
    if (fault.account && resolveAccount(fault.account) !== call.accountIgId) return false;
    return true;
  }

  return {
    add(spec: FaultSpec): Fault {
      // Compiled once, so a bad pattern is refused here rather than on every call.
      const pattern = spec.path === undefined ? undefined : new RegExp(spec.path);
      const fault = { ...spec, id: `fault-${nextId++}`, hits: 0, pattern };
      faults.push(fault);
      return publicView(fault);
    },

    clear(id?: string): void {
      faults = id === undefined ? [] : faults.filter((fault) => fault.id !== id);
    },

    list: (): Fault[] => faults.map(publicView),

    /** The first rule matching the call, counted as used (and dropped once its `times` run out). */
    take(call: FaultCall): Fault | undefined {
      const fault = faults.find(
        (candidate) =>
          matches(candidate, call) &&
          (candidate.probability === undefined || random() < candidate.probability),
      );
      if (!fault) return undefined;
      fault.hits++;
      if (fault.times !== undefined && fault.hits >= fault.times) faults = faults.filter((f) => f !== fault);
      return publicView(fault);
    },
  };
}
