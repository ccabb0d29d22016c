// The conversation list's cached pages, patched with the rows a live event named instead of
// refetched: every loaded page came back on each new message. The pages are the server's, newest
// first (last message's time desc, id desc); a conversation moves when its last message does,
// leaves when the list no longer shows it (archived, read under "unread", assigned away) and comes
// in when it starts to. The next page is read from the cursor the last page was given, made from
// its last row: rows after that row are the next pages' to bring, not the patch's.
import type { InfiniteData } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '#server/trpc/app.router.ts';

export type ConversationList = inferRouterOutputs<AppRouter>['inbox']['listConversations'];
export type ListRow = ConversationList['items'][number];
export type ListData = InfiniteData<ConversationList, unknown>;

/** Newest first, as the server pages them. */
function newerFirst(a: ListRow, b: ListRow): number {
  const byTime = Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The list with the `named` conversations replaced by `rows`, the ones of them it shows now, each
 * where its last message puts it. Null when a patch cannot be trusted and the list must be read
 * again: more pages remain and the last row loaded, from which their cursor was made, is among
 * those named (it moved or left), or a row shares its time to the millisecond (the server orders
 * by microseconds, so which side of the cursor the row is on is unknown here).
 */
export function patchList(
  data: ListData,
  named: readonly string[],
  rows: readonly ListRow[],
): ListData | null {
  const naming = new Set(named);
  const more = (data.pages.at(-1)?.nextCursor ?? null) !== null;
  const last = data.pages.flatMap((page) => page.items).at(-1);
  if (more && last) {
    if (naming.has(last.id)) return null;
    if (rows.some((row) => row.lastMessageAt === last.lastMessageAt)) return null;
  }
  // A row read before a newer copy reached the cache (a refetch that finished first) is stale.
  const cached = new Map(data.pages.flatMap((page) => page.items).map((item) => [item.id, item]));
  const fresh = rows.map((row) => {
    const held = cached.get(row.id);
    return held && held.version > row.version ? held : row;
  });

  let pages = data.pages.map((page) =>
    page.items.some((item) => naming.has(item.id))
      ? { ...page, items: page.items.filter((item) => !naming.has(item.id)) }
      : page,
  );
  for (const row of fresh) {
    // The first page whose oldest row is older: the pages are contiguous, so it belongs there.
    const at = pages.findIndex((page, index) => {
      const oldest = page.items.at(-1);
      const lastPage = index === pages.length - 1;
      return (oldest !== undefined && newerFirst(row, oldest) < 0) || (lastPage && !more);
    });
    if (at === -1) continue; // after the last row loaded: a later page brings it
    pages = pages.map((page, index) =>
      index === at ? { ...page, items: [...page.items, row].sort(newerFirst) } : page,
    );
  }
  return { ...data, pages };
}
