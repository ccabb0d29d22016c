// Meta's rule for an app whose webhook keeps failing (§4.3, from the Messenger webhooks page):
// "If delivery … continues to fail for 1 hour, you will receive a Webhooks Disabled alert, and
// your app will be unsubscribed from the webhooks for the Page or Instagram Professional account."
// A failure streak starts, per account, at the first failed POST carrying its events since one
// got through; any POST for it that gets through ends the streak. Once a failed attempt finds the
// streak as old as the period (DeliveryOptions.unsubscribeAfterFailingMs, on the simulator clock),
// the account's subscription is removed and the removal recorded, and nothing more is sent for
// it, queued retries included, until the app subscribes again (POST subscribed_apps). Only
// attempts move the streak: with nothing to send, an endpoint that is down unsubscribes nobody.
import type { DeliveryObserver } from './webhook-delivery.ts';
import type { World } from './world.ts';

export interface Unsubscription {
  accountIgId: string;
  /** When the app was unsubscribed, on the simulator clock. */
  at: number;
  /** The first failure of the streak. */
  failingSince: number;
  /** What the account had subscribed. */
  subscribedFields: string[];
  reason: string;
}

export type UnsubscribeRule = ReturnType<typeof createUnsubscribeRule>;

export function createUnsubscribeRule(world: World, now: () => number, periodMs: () => number) {
  const failingSince = new Map<string, number>();
  const removals: Unsubscription[] = [];
  /** The subscribed account an entry id names; the dashboard test's "0" names none. */
  const subscribed = (igId: string) => {
    const account = world.accounts().find((candidate) => candidate.igId === igId);
    return account && account.subscribedFields.length > 0 ? account : undefined;
  };

  const observer: DeliveryObserver = {
    attempted(entryIds, delivered) {
      for (const igId of entryIds) {
        const account = subscribed(igId);
        if (!account || delivered) {
          failingSince.delete(igId);
          continue;
        }
        const at = now();
        const since = failingSince.get(igId) ?? at;
        failingSince.set(igId, since);
        if (at - since < periodMs()) continue;
        removals.push({
          accountIgId: igId,
          at,
          failingSince: since,
          subscribedFields: account.subscribedFields,
          reason: `Webhook deliveries have failed since ${new Date(since).toISOString()} (${Math.round((at - since) / 60_000)} min): Meta disabled the webhooks and unsubscribed the app from the account`,
        });
        account.subscribedFields = [];
        failingSince.delete(igId);
      }
    },

    /** A POST is sent while one of its accounts is subscribed (or it names none, like a test payload). */
    wanted(entryIds) {
      return entryIds.some(
        (igId) => subscribed(igId) !== undefined || !world.accounts().some((a) => a.igId === igId),
      );
    },
  };

  return {
    observer,
    /** Every unsubscription the rule made, in order. */
    unsubscriptions: (): Unsubscription[] => structuredClone(removals),
  };
}
