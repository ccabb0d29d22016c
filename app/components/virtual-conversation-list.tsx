// The inbox's conversations, virtualised: only the rows near the viewport are in the DOM, so a
// list paged out to thousands of conversations scrolls like a short one. Nearing the end of what
// is loaded fetches the next page. The open conversation's row (which j / k may move far from the
// window: it is scrolled to) and the row holding focus stay mounted wherever the list is
// scrolled, so neither focus nor the current row is lost with the rows that leave the window.
// Each row says its place in the list (aria-posinset / aria-setsize; the size unknown while more
// pages remain), since the DOM no longer holds every row for assistive technology to count.
import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useState } from 'react';
import { ConversationRow, type ConversationSummary, type OpenedFromList } from './conversation-list.tsx';

/** A row with its account's name under the preview, as most have. */
const ESTIMATED_ROW_HEIGHT = 88;
/** Rows rendered beyond each edge of the viewport. */
const OVERSCAN = 12;
/** Within this many rows of the end of what is loaded, the next page is fetched. */
const FETCH_AHEAD_ROWS = 15;

export function VirtualConversationList({
  conversations,
  activeId,
  scrollElement,
  pathOf,
  openedFrom,
  hasMore,
  loadMore,
}: {
  conversations: ConversationSummary[];
  activeId: string | undefined;
  scrollElement: () => HTMLElement | null;
  pathOf: (id: string) => string;
  openedFrom: OpenedFromList | undefined;
  hasMore: boolean;
  /** Fetches the next page unless one is already on its way. */
  loadMore: () => void;
}) {
  const active = activeId ? conversations.findIndex((c) => c.id === activeId) : -1;
  const [focused, setFocused] = useState(-1);
  const virtualizer = useVirtualizer({
    count: conversations.length,
    getScrollElement: scrollElement,
    estimateSize: () => ESTIMATED_ROW_HEIGHT,
    getItemKey: (index) => conversations[index]?.id ?? index,
    overscan: OVERSCAN,
    rangeExtractor: (range) => {
      const kept = [active, focused].filter((index) => index >= 0 && index < range.count);
      return [...new Set([...defaultRangeExtractor(range), ...kept])].sort((a, b) => a - b);
    },
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && lastShown >= conversations.length - FETCH_AHEAD_ROWS) loadMore();
  }, [hasMore, lastShown, conversations.length, loadMore]);

  // A conversation opened by j / k (or a link) may be outside the window: brought into view.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only when another conversation opens
  useEffect(() => {
    if (active >= 0) virtualizer.scrollToIndex(active, { align: 'auto' });
  }, [activeId]);

  return (
    <ul
      className="relative w-full"
      style={{ height: virtualizer.getTotalSize() }}
      data-testid="conversation-list"
      onFocus={(event) => setFocused(rowIndexOf(event.target))}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocused(-1);
      }}
    >
      {rows.map((row) => {
        const conversation = conversations[row.index] as ConversationSummary;
        return (
          <ConversationRow
            key={row.key}
            conversation={conversation}
            to={pathOf(conversation.id)}
            state={openedFrom}
            row={{
              measure: virtualizer.measureElement,
              index: row.index,
              start: row.start,
              setSize: hasMore ? -1 : conversations.length,
            }}
          />
        );
      })}
    </ul>
  );
}

function rowIndexOf(element: EventTarget): number {
  const row = (element as HTMLElement).closest('[data-index]');
  return row ? Number(row.getAttribute('data-index')) : -1;
}
