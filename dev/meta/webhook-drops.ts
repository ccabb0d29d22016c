// Fault injection for webhook delivery: Meta losing events. A rule drops a share of the webhook
// events of one account (or of every account) before they are batched, so they are never POSTed
// or retried, while what they describe stays in the world: the Conversations API still shows the
// message, which is what an app's missed-webhook recovery has to find. Each rule draws from a
// source seeded by its own `seed`, so which events it drops depends on the seed and the order of
// the events only, never on timing or on how they were batched.
import { type Random, seededRandom } from './random.ts';
import type { WebhookDelivery, WebhookEvent } from './webhook-delivery.ts';

export interface WebhookDropSpec {
  /** Only events of this account (IG_ID, username or Page id). */
  account?: string;
  /** Drop each matching event with this probability (0–1); every one when omitted. */
  probability?: number;
  /** How many events the rule drops before it is removed; unlimited when omitted. */
  times?: number;
  /** Seed of the rule's random source (default 1). */
  seed?: number;
}

export interface WebhookDrop extends WebhookDropSpec {
  id: string;
  /** Events dropped so far. */
  hits: number;
}

export interface DroppedWebhook {
  /** The rule that dropped it. */
  dropId: string;
  event: WebhookEvent;
}

type Rule = WebhookDrop & { random: Random };

export type WebhookDrops = ReturnType<typeof createWebhookDrops>;

export function createWebhookDrops(resolveAccount: (ref: string) => string | undefined) {
  let rules: Rule[] = [];
  let nextId = 1;
  const dropped: DroppedWebhook[] = [];
  const publicView = ({ random: _random, ...rule }: Rule): WebhookDrop => ({ ...rule });

  /**
   * Whether a rule drops the event. Every rule for the event's account draws, dropping or not, so
   * each rule's choices depend on its own seed and not on the rules before it.
   */
  function take(event: WebhookEvent): boolean {
    const matching = rules.filter(
      (rule) => rule.account === undefined || resolveAccount(rule.account) === event.entryId,
    );
    const drawn = matching.map(
      (rule) => rule.probability === undefined || rule.random.next() < rule.probability,
    );
    const rule = matching.find((_, index) => drawn[index]);
    if (!rule) return false;
    rule.hits++;
    if (rule.times !== undefined && rule.hits >= rule.times) rules = rules.filter((r) => r !== rule);
    dropped.push({ dropId: rule.id, event: structuredClone(event) });
    return true;
  }

  return {
    add(spec: WebhookDropSpec): WebhookDrop {
      const rule: Rule = { ...spec, id: `drop-${nextId++}`, hits: 0, random: seededRandom(spec.seed ?? 1) };
      rules.push(rule);
      return publicView(rule);
    },

    clear(id?: string): void {
      rules = id === undefined ? [] : rules.filter((rule) => rule.id !== id);
    },

    list: (): WebhookDrop[] => rules.map(publicView),

    /** Every event dropped so far, in order. */
    dropped: (): DroppedWebhook[] => structuredClone(dropped),

    /** `delivery` behind the rules: an event a rule drops is never queued. */
    guard<D extends Pick<WebhookDelivery, 'enqueue'>>(delivery: D): D {
      return {
        ...delivery,
        enqueue(event: WebhookEvent) {
          if (!take(event)) delivery.enqueue(event);
        },
      };
    },
  };
}
