// Catching up after being offline (or in the background) in a few calls instead of replaying
// every event: sync.changes from the last position returns the conversations and messages that
// changed since, as they are now, and what was deleted, a page at a time while `hasMore`. Its
// `next` is where the live stream then resumes: nothing between the two is missed or repeated.
import type { Api, RouterOutputs } from './api.ts';

export type Changes = RouterOutputs['sync']['changes'];

export interface CatchUpResult {
  /** Where the live stream goes on from. */
  next: string;
  /** The position was too old (or none): refetch what is shown. */
  resyncRequired: boolean;
  calls: number;
}

export async function catchUp(
  api: Api,
  input: { workspaceId: string; since: string | null; limit?: number },
  apply: (changes: Changes) => Promise<void> | void,
): Promise<CatchUpResult> {
  let since = input.since;
  let resyncRequired = false;
  for (let calls = 1; ; calls += 1) {
    const changes = await api.sync.changes.query({
      workspaceId: input.workspaceId,
      since,
      limit: input.limit,
    });
    resyncRequired ||= changes.resyncRequired;
    await apply(changes);
    since = changes.next;
    if (!changes.hasMore) return { next: changes.next, resyncRequired, calls };
  }
}
