// The conversation list's cached pages patched from live events, against a reference model: a
// server holding conversations that gain messages, leave and join the list (archived, read,
// assigned), and appear at any time (history, an old message delivered late). After each round of
// changes the patched pages must be exactly the rows a fresh read of as many pages would show up
// to the last row loaded (all of them when no page remains); or the patch declines, and only where
// it must (the last row loaded named while pages remain, or a row at its very millisecond).
import { expect, it } from 'vitest';
import { seededRandom } from '#dev/meta/random.ts';
import { type ListData, type ListRow, patchList } from './list-cache.ts';

const PAGE = 5;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

interface Held {
  id: string;
  /** Minutes: few distinct values, so equal times (ordered by id) are common. */
  at: number;
  shown: boolean;
  version: number;
}

function row({ id, at, version }: Held): ListRow {
  return {
    id,
    channelConnectionId: id,
    accountName: null,
    contactIdentifier: id,
    contactName: id,
    contactUsername: null,
    contactAvatar: null,
    status: 'ACTIVE',
    assignedTo: null,
    lastMessageAt: new Date(Date.UTC(2026, 0, 1, 0, at)).toISOString(),
    lastMessagePreview: null,
    lastInboundAt: null,
    unreadCount: 0,
    version,
  };
}

/** The server's list: the rows shown, newest first. */
function serverList(held: Map<string, Held>): ListRow[] {
  return [...held.values()]
    .filter((c) => c.shown)
    .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
    .map(row);
}

/** `pages` pages read from the start, as the infinite query reads them. */
function read(held: Map<string, Held>, pages: number): ListData {
  const list = serverList(held);
  const read = Array.from({ length: pages }, (_, page) => {
    const items = list.slice(page * PAGE, (page + 1) * PAGE);
    const more = list.length > (page + 1) * PAGE;
    return { items, nextCursor: more ? `after ${items.at(-1)?.id}` : null };
  });
  return { pages: read, pageParams: read.map((_, page) => page) };
}

const ids = (data: ListData) => data.pages.flatMap((page) => page.items.map((item) => item.id));

it('patches to what a fresh read shows up to the last row loaded, or declines only where it must', () => {
  const next = seededRandom(18).next;
  let patched = 0;
  let declined = 0;
  for (let round = 0; round < 300; round++) {
    const held = new Map<string, Held>();
    let serial = 0;
    const add = () => {
      serial += 1;
      const conversation = { id: id(serial), at: Math.floor(next() * 40), shown: next() < 0.85, version: 1 };
      held.set(conversation.id, conversation);
      return conversation.id;
    };
    for (let i = 0; i < Math.floor(next() * 30); i++) add();
    let data = read(held, 1 + Math.floor(next() * 4));

    for (let step = 0; step < 6; step++) {
      // Some conversations change (each change broadcast with the conversation's id).
      const named = new Set<string>();
      for (let i = 0; i < 1 + Math.floor(next() * 3); i++) {
        const roll = next();
        const known = [...held.values()];
        const target = known[Math.floor(next() * known.length)];
        if (roll < 0.2 || !target) {
          named.add(add());
          continue;
        }
        target.version += 1;
        if (roll < 0.6)
          target.at = Math.max(target.at, Math.floor(next() * 50)); // a new message
        else target.shown = !target.shown; // archived, reopened, read, assigned
        named.add(target.id);
      }
      const rows = serverList(held).filter((r) => named.has(r.id));
      const last = data.pages.flatMap((page) => page.items).at(-1);
      const more = data.pages.at(-1)?.nextCursor !== null;
      const result = patchList(data, [...named], rows);

      if (result === null) {
        declined += 1;
        expect(more && last !== undefined).toBe(true);
        const atItsTime = rows.some((r) => r.lastMessageAt === last?.lastMessageAt);
        expect(named.has(last?.id as string) || atItsTime).toBe(true);
        data = read(held, data.pages.length); // what the refetch the caller asks for brings
        continue;
      }
      patched += 1;
      const list = serverList(held).map((r) => r.id);
      // Up to the last row loaded: the pages after it start from the same cursor as before.
      const expected = more && last ? list.slice(0, list.indexOf(last.id) + 1) : list;
      expect(ids(result)).toEqual(expected);
      data = result;
    }
  }
  // Both outcomes are exercised.
  expect(patched).toBeGreaterThan(500);
  expect(declined).toBeGreaterThan(20);
});

it('keeps a newer copy the cache already holds over a row read before it', () => {
  const held = new Map(
    [id(1), id(2)].map((key, i) => [key, { id: key, at: 10 - i, shown: true, version: 3 }]),
  );
  const data = read(held, 1);
  const stale = { ...row({ id: id(1), at: 10, shown: true, version: 2 }), lastMessagePreview: 'old' };
  const result = patchList(data, [id(1)], [stale]);
  expect(result?.pages[0]?.items.find((item) => item.id === id(1))?.version).toBe(3);
});
