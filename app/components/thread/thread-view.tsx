// The thread, oldest at the top, virtualised: only the messages near the viewport are in the DOM,
// so a conversation of thousands of messages scrolls like a short one. Scrolling to the top loads
// the next older page and keeps the operator's place; a new message scrolls into view when the
// operator was already at the bottom, and otherwise offers a "New messages" button. When the
// thread's box gets shorter (a phone's on-screen keyboard, a taller reply box) an operator at the
// bottom stays there, with the newest message in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { MessageBubble } from './message-bubble.tsx';
import type { ThreadMessage } from './thread-types.ts';

const ESTIMATED_HEIGHT = 64;
/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 120;
/** Within this many pixels of the top, the next older page is loaded. */
const TOP_SLACK = 200;

export function ThreadView({
  workspaceId,
  messages,
  hasOlder,
  loadingOlder,
  loadOlder,
  canReact,
}: {
  workspaceId: string;
  canReact: boolean;
  /** Oldest first. */
  messages: ThreadMessage[];
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ESTIMATED_HEIGHT,
    getItemKey: (index) => messages[index]?.id ?? index,
    overscan: 10,
    paddingStart: 28, // room for "Beginning of the conversation"
    paddingEnd: 20,
  });
  // Read when the thread changes or its box is resized, never rendered.
  const atBottom = useRef(true);
  const [unseenBelow, setUnseenBelow] = useState(false);

  // Where the thread stood before the last change: its first and last message.
  const previous = useRef<{ first?: string; last?: string }>({});
  const first = messages[0]?.id;
  const last = messages.at(-1)?.id;
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the thread's ends move, not on every render
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = { first, last };
    if (!last) return;
    const scrollToEnd = () => virtualizer.scrollToIndex(messages.length - 1, { align: 'end' });
    if (before.last === undefined) {
      scrollToEnd(); // opened: start at the newest message
      return;
    }
    if (before.first !== first && before.first !== undefined) {
      // Older messages were prepended: keep the message that was on top where it was.
      const kept = messages.findIndex((m) => m.id === before.first);
      if (kept > 0) virtualizer.scrollToIndex(kept, { align: 'start' });
    }
    if (before.last !== last) {
      const mine = messages.at(-1)?.direction === 'OUTBOUND';
      if (atBottom.current || mine) scrollToEnd();
      else setUnseenBelow(true);
    }
  }, [first, last]);

  function onScroll() {
    const element = scroller.current;
    if (!element) return;
    const bottom = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK;
    atBottom.current = bottom;
    if (bottom) setUnseenBelow(false);
    if (element.scrollTop < TOP_SLACK && hasOlder && !loadingOlder) loadOlder();
  }

  // A box that shrinks keeps its scroll offset, so what it loses is cut from the bottom, where the
  // newest message is; the browser scrolls nothing for it.
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Also after each render, not only on scroll: a short thread cannot be scrolled up, and a load
  // cut short (a live refetch cancels it) must be retried while the operator waits at the top.
  useEffect(() => {
    const element = scroller.current;
    if (!element || !hasOlder || loadingOlder) return;
    if (element.scrollHeight <= element.clientHeight || element.scrollTop < TOP_SLACK) loadOlder();
  });

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scroller}
        onScroll={onScroll}
        className="h-full overflow-y-auto px-6 max-lg:px-3"
        role="log"
        aria-label="Messages"
        data-testid="thread"
      >
        <div className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
          {!hasOlder && messages.length > 0 ? (
            <p className="absolute top-1 w-full text-center text-xs text-slate-400">
              Beginning of the conversation
            </p>
          ) : null}
          {items.map((item) => {
            const message = messages[item.index] as ThreadMessage;
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                className="absolute top-0 left-0 w-full pb-2"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <MessageBubble workspaceId={workspaceId} message={message} canReact={canReact} />
              </div>
            );
          })}
        </div>
      </div>
      {loadingOlder ? (
        <p
          className="absolute top-2 left-1/2 -translate-x-1/2 rounded-full bg-white px-3 py-1 text-xs text-slate-500 shadow ring-1 ring-slate-200"
          role="status"
        >
          Loading older messages…
        </p>
      ) : null}
      {unseenBelow ? (
        <button
          type="button"
          onClick={() => virtualizer.scrollToIndex(messages.length - 1, { align: 'end' })}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-brand-600 px-3 py-1.5 text-xs font-semibold text-white shadow-lg hover:bg-brand-700"
        >
          New messages ↓
        </button>
      ) : null}
    </div>
  );
}
